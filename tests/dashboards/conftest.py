"""The public dashboard server (`clusterlab dashboards`), started once for the dashboard tests."""

from __future__ import annotations

import pytest

from support.servers import start_dashboards


@pytest.fixture(scope="package")
def dashboards_server(tmp_path_factory):
    """`clusterlab dashboards` as a subprocess on a free loopback port, stopped after the tests."""
    log = tmp_path_factory.mktemp("dashboards-server") / "server.log"
    # Many tests visit from the same loopback address, and many of their views never connect or are
    # closed for misbehaving: no limit per client and no wait after a strike here (each has tests of
    # its own, on servers of their own).
    server = start_dashboards(log, args=("--max-per-client", "0", "--strike-wait", "0"))
    try:
        yield server
    finally:
        server.stop()
