"""A case dashboard starts its kernel only for a browser that runs the page's script.

Every view of a case dashboard runs the case's notebook in a kernel of its own, about three seconds
of a processor's time. A plain ``GET`` (a search engine's crawler, a chat program's link preview, a
script that holds kernels without ever showing a page) would pay that for nothing. So the first
``GET`` of a case page is answered with a small page and no kernel (:func:`opening_page`): its script
stores a short-lived signed ticket in a cookie and loads the same address again; that second
request, carrying a valid ticket, gets the dashboard. A browser does this in one round trip, unseen.

A ticket (:class:`Tickets`) names its expiry and is signed, with a secret the server draws when it
starts, over the expiry, the client's address (as :func:`.visitors.client_key` counts it) and the
page's address: it cannot be forged, moved to another client or page, or kept for long. It proves
only that the client read the page, not who it is: a script written for this server can fetch one
too, and is then held by the limits every view has (per client, the connect timeout, and the wait
imposed on clients whose views never connect, see :mod:`.conduct`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import re
import secrets
import time
from collections.abc import Callable

#: The cookie the opening page's script sets (not ``HttpOnly``: the script writes it).
COOKIE = "clusterlab_ticket"
#: Seconds a ticket stays valid (the reload takes a fraction of a second; a slow page load, more).
LIFETIME = 120

__all__ = ["COOKIE", "LIFETIME", "Tickets", "opening_page", "tickets_in"]

_EXPIRY = re.compile(r"[0-9]{1,12}")


class Tickets:
    """Signed tickets, each valid ``lifetime`` seconds for one client and one page."""

    def __init__(self, secret: bytes | None = None, lifetime: float = LIFETIME,
                 clock: Callable[[], float] = time.time):
        self._secret = secret or secrets.token_bytes(32)
        self.lifetime = lifetime
        self.clock = clock

    def _signature(self, expiry: int, client: str, page: str) -> str:
        mac = hmac.new(self._secret, f"{expiry}\n{client}\n{page}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac[:24]).decode().rstrip("=")

    def issue(self, client: str, page: str) -> str:
        expiry = int(self.clock() + self.lifetime)
        return f"{expiry}.{self._signature(expiry, client, page)}"

    def valid(self, ticket: str | None, client: str, page: str) -> bool:
        """Whether ``ticket`` was issued by this server, for this client and page, and has not expired."""
        if not ticket or len(ticket) > 80 or ticket.count(".") != 1:
            return False
        expiry_text, signature = ticket.split(".")
        if not _EXPIRY.fullmatch(expiry_text):  # ASCII digits only ("²" is a digit to str.isdigit)
            return False
        expiry = int(expiry_text)
        if expiry < self.clock() or expiry > self.clock() + self.lifetime + 1:
            return False
        return hmac.compare_digest(signature.encode(), self._signature(expiry, client, page).encode())


_OPENING = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Opening the dashboard</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<style>body{{font-family:system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em;color:#263238}}
a{{color:#1565c0}}</style></head>
<body><h1>Opening the dashboard&hellip;</h1>
<p id="clusterlab-opening-problem" hidden>The dashboard could not be opened. Either your browser did not
keep the short-lived cookie this page needs to start it (allow cookies for this site), or your network
address changed between two requests (some mobile and company networks do this). Then
<a href="{page}">try again</a>.</p>
<noscript><p>This dashboard runs live and needs JavaScript. Turn JavaScript on for this site, then load
the page again.</p></noscript>
<script nonce="{nonce}" id="clusterlab-ticket" data-cookie="{cookie}" data-ticket="{ticket}"
 data-path="{page}" data-lifetime="{lifetime}">
(function () {{
  var data = document.currentScript.dataset;
  var flags = "; Path=" + data.path + "; SameSite=Strict" + (location.protocol === "https:" ? "; Secure" : "");
  /* loads of this opening page in the last 10 s, in a cookie of their own, to stop a reload loop */
  var seen = document.cookie.match(/(?:^|; )clusterlab_opening=([0-9]+)/);
  var tries = seen ? Number(seen[1]) + 1 : 1;
  document.cookie = "clusterlab_opening=" + tries + "; Max-Age=10" + flags;
  document.cookie = data.cookie + "=" + data.ticket + "; Max-Age=" + data.lifetime + flags;
  if (tries > 3 || document.cookie.indexOf(data.cookie + "=" + data.ticket) === -1) {{
    document.cookie = "clusterlab_opening=; Max-Age=0" + flags;
    document.getElementById("clusterlab-opening-problem").hidden = false;
    return;
  }}
  location.reload();  /* the same address, with its #part if any (replace() would only scroll to it) */
}})();
</script></body></html>
"""


def opening_page(ticket: str, page: str, nonce: str) -> str:
    """The small page a first ``GET`` of a case dashboard gets: its script sets the ticket and reloads."""
    return _OPENING.format(ticket=html.escape(ticket), page=html.escape(page), nonce=html.escape(nonce),
                           cookie=COOKIE, lifetime=LIFETIME)


def tickets_in(cookie_header: str | None) -> list[str]:
    """Every value of the ticket cookie in a ``Cookie`` header (a browser sends one per matching path,
    the most specific first; any of them may be the page's own)."""
    values = []
    for part in (cookie_header or "").split(";")[:50]:
        name, sep, value = part.strip().partition("=")
        if sep and name == COOKIE:
            values.append(value.strip().strip('"'))
    return values
