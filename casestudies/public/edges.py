"""What every request to the public server meets before any handler: the Host allow-list and plain headers.

:func:`guard` wraps the Tornado application's routing (``find_handler``), so it applies to every
route, Voila's own included, and to the error pages:

* a request whose ``Host`` header names a host the server does not answer for gets a plain 400
  page: a DNS-rebinding page (``attacker.example`` resolving to this server) cannot read the
  dashboards or reach a kernel. Loopback names are allowed; the public name is added with
  ``clusterlab dashboards --public-host NAME``;
* no response says which server software or version answered: the ``Server`` header Tornado adds
  is removed on the way out.

:func:`http_server_limits` are the HTTP server's own limits (request sizes, idle connections).
"""

from __future__ import annotations

import ipaddress

import tornado.web

__all__ = ["LOOPBACK_HOSTS", "allowed_hosts", "host_allowed", "guard", "http_server_limits"]

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def allowed_hosts(listen_host: str, public_hosts=()) -> frozenset[str]:
    """The host names the server answers for: loopback, the address it listens on, the public names."""
    names = set(LOOPBACK_HOSTS)
    host = (listen_host or "").strip().strip("[]").lower()
    if host and host not in ("0.0.0.0", "::"):
        names.add(host)
    for name in public_hosts:
        name = _host_name(name)  # a port given with the name is not part of it
        if name:
            names.add(name)
    return frozenset(names)


def _host_name(header: str) -> str:
    """The host of a ``Host`` header, without the port (``[::1]:8866`` -> ``::1``)."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:header.find("]")] if "]" in header else ""
    if header.count(":") == 1:
        header = header.split(":", 1)[0]
    else:
        try:  # a bare IPv6 address
            return str(ipaddress.ip_address(header))
        except ValueError:
            pass
    return header.rstrip(".")


def host_allowed(header: str | None, allowed: frozenset[str]) -> bool:
    return bool(header) and _host_name(header) in allowed


class UnknownHostHandler(tornado.web.RequestHandler):
    """The answer to a request for a host this server does not serve: a plain 400, nothing else."""

    def prepare(self) -> None:
        self.set_status(400)
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.set_header("Cache-Control", "no-store")
        self.finish("This server does not answer for that host name.\n")


def _without_server_header(connection) -> None:
    """Drop the ``Server`` header from every response written on ``connection`` (wrapped once)."""
    if getattr(connection, "_clusterlab_plain", False):
        return
    write_headers = connection.write_headers

    def plain_write_headers(start_line, headers, *args, **kwargs):
        if "Server" in headers:
            del headers["Server"]
        return write_headers(start_line, headers, *args, **kwargs)

    connection.write_headers = plain_write_headers
    connection._clusterlab_plain = True


def guard(app: tornado.web.Application, allowed: frozenset[str]) -> None:
    """Wrap ``app``'s routing: the Host allow-list, then no ``Server`` header (see the module's docstring)."""
    find_handler = app.find_handler

    def guarded_find_handler(request, **kwargs):
        if request.connection is not None:
            _without_server_header(request.connection)
        if not host_allowed(request.headers.get("Host"), allowed):
            return app.get_handler_delegate(request, UnknownHostHandler)
        return find_handler(request, **kwargs)

    app.find_handler = guarded_find_handler


def http_server_limits() -> dict:
    """Options for Tornado's HTTP server: small requests only, idle connections closed.

    The pages send nothing but GETs, a websocket and a tiny shutdown POST, so a request body or a
    buffered request over 64 KB is refused, and a connection idle for two minutes is closed.
    """
    return {"max_body_size": 64 * 1024, "max_buffer_size": 1024 * 1024, "idle_connection_timeout": 120,
            "body_timeout": 30}
