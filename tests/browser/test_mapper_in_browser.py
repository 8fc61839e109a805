"""The regional mapper in a real browser: Voila serves a notebook with the mapper, Debian's Chromium
(Playwright) changes the reference area and sees the ranking table and the chart follow.

Screenshots are kept in tests/artifacts/mapper-*.png as evidence of what the browser showed.
"""

from __future__ import annotations

import pytest

from benchmarks.mapper_benchmark import CHART, TABLE, open_mapper, reference_button, write_notebook
from clusterlab.widgets import RegionalMapperModel
from support.browser import chromium_page
from support.servers import start_voila

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIRST_ROWS = f"""() => Array.from(document.querySelectorAll('{TABLE} tbody tr'))
    .slice(0, 5).map(tr => tr.children[1].textContent.trim())"""
CHART_X = f"() => JSON.stringify(document.querySelector('{CHART}').data.map(t => t.x))"


def test_changing_the_reference_area_reorders_the_table(tmp_path, sandbox, artifacts):
    notebook = write_notebook(tmp_path)
    server = start_voila(notebook, sandbox / "voila-mapper.log")
    try:
        with chromium_page(sandbox / "chromium-mapper") as page:
            open_mapper(page, server.url + "/")
            before, chart_before = page.evaluate(FIRST_ROWS), page.evaluate(CHART_X)
            assert len(before) == 5 and "Dytiki Makedonia (EL53)" in before[0]
            page.locator(CHART).scroll_into_view_if_needed()
            page.screenshot(path=str(artifacts / "mapper-own-country.png"), full_page=True)

            reference_button(page, "Europe").click()
            page.wait_for_function(f"before => JSON.stringify(({FIRST_ROWS})()) !== JSON.stringify(before)",
                                   arg=before, timeout=60_000)
            after = page.evaluate(FIRST_ROWS)
            page.wait_for_function(f"before => ({CHART_X})() !== before", arg=chart_before, timeout=60_000)
            page.screenshot(path=str(artifacts / "mapper-europe.png"), full_page=True)

            assert after[:5] != before[:5]
            expected = RegionalMapperModel().update(reference="all")["region"].head(5).tolist()
            assert [row.split("(")[-1].split(")")[0] for row in after] == expected  # Norte (PT11) first
            text = page.inner_text("body")
            assert "Source: Eurostat, sbs_r_nuts06_r2, reference year 2015" in text
            assert "against Europe" in page.inner_text(CHART)
            assert "Traceback" not in text
            assert page.locator(".clusterlab-error:visible").count() == 0
    finally:
        server.stop()
