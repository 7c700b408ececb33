"""The Prefect publish flow writes the reports of a published warehouse and leaves its summary artifacts."""

from __future__ import annotations

import asyncio
import shutil

import duckdb

from publish_kit import region_warehouse
from warehouse.reports.quality_figures import load_figures
from warehouse.reports.run_summary import kpi_records, summary_markdown


def test_summary_markdown_names_the_figures_and_the_reports(tmp_path):
    with duckdb.connect(str(region_warehouse()), read_only=True) as con:
        figures = load_figures(con, "Тестовая область")
        records = kpi_records(con)
    report = tmp_path / "quality_report.html"
    text = summary_markdown(figures, [report], "demo/sverka.duckdb")
    assert "Публикация: Тестовая область" in text
    assert f"{figures.headline['fill_rate_after']:.1f}".replace(".", ",") in text
    assert report.resolve().as_uri() in text
    assert records[0]["Уровень"] == "регион"
    assert records[0]["Помещений"] == figures.headline["premises"]


def test_publish_flow_writes_reports_and_artifacts(prefect_api, tmp_path):
    from prefect.client.orchestration import get_client

    from flows.publish import publish_flow

    warehouse = tmp_path / "sverka.duckdb"
    shutil.copy(region_warehouse(), warehouse)
    result = publish_flow(str(warehouse), str(tmp_path / "reports"), "Тестовая область")

    names = [p.split("/")[-1] for p in result["reports"]]
    assert names[:2] == ["quality_report.html", "quality_report.xlsx"]
    assert names[2:] and all(n.startswith("review_queue_") and n.endswith(".xlsx") for n in names[2:])
    assert all((tmp_path / "reports" / name).stat().st_size > 1000
               for name in ("quality_report.html", "quality_report.xlsx"))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert result["headline"] == load_figures(con).headline

    async def artifacts():
        async with get_client() as client:
            return await client.read_artifacts()

    # The test server is shared by the session: other flows leave artifacts under the same keys, so pick this
    # run's summary by the warehouse it names.
    found = asyncio.run(artifacts())
    summaries = [a for a in found if a.key == "sverka-publish-summary" and str(warehouse) in a.data]
    assert len(summaries) == 1
    assert "Тестовая область" in summaries[0].data
    assert "quality_report.html" in summaries[0].data
    kpis = [a for a in found if a.key == "sverka-quality-kpis" and a.flow_run_id == summaries[0].flow_run_id]
    assert [a.type for a in kpis] == ["table"]
