"""Pass a case dashboard's script check as a scripted client does (see ``script_check`` on the server).

The first GET of a case page answers with a small opening page whose script sets a ticket cookie
and loads the page again. Tests that fetch pages without a browser read the ticket from that page
and send it back, which is exactly what the check cannot stop (and is not meant to).
"""

from __future__ import annotations

import html
import re

_TICKET = re.compile(r'id="clusterlab-ticket" data-cookie="([^"]+)" data-ticket="([^"]+)"')


def opening_ticket(body: str) -> str | None:
    """The ``name=value`` cookie the opening page's script would set, or None if ``body`` is another page."""
    found = _TICKET.search(body)
    return f"{found.group(1)}={html.unescape(found.group(2))}" if found else None


def with_cookie(headers: dict | None, pair: str) -> dict:
    """``headers`` with ``pair`` added to its ``Cookie`` header (made if missing)."""
    headers = dict(headers or {})
    key = next((k for k in headers if k.lower() == "cookie"), "Cookie")
    headers[key] = f"{headers[key]}; {pair}" if headers.get(key) else pair
    return headers
