"""The public dashboard server (`clusterlab dashboards`), started once for the dashboard tests."""

from __future__ import annotations

import pytest

from support.servers import start_dashboards


@pytest.fixture(scope="package")
def dashboards_server(tmp_path_factory):
    """`clusterlab dashboards` as a subprocess on a free loopback port, stopped after the tests."""
    log = tmp_path_factory.mktemp("dashboards-server") / "server.log"
    server = start_dashboards(log)
    try:
        yield server
    finally:
        server.stop()
