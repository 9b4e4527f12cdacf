"""`make bench`, the whole way, at 1 % of the portfolio on SQLite, so it cannot rot.

Only the shape is checked: timings on a shared CI machine are noise, and the bench prints itself
whether each figure `meets` its target.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IDS = {"pipeline_api_growth", "pipeline_page_growth", "pipeline_api_vs_fixed", "pipeline_page_vs_fixed",
       "attention_vs_fixed", "projects_list_vs_fixed", "projects_list_growth", "project_page_vs_fixed",
       "advance_throughput_vs_fixed", "pipeline_api_vs_sql", "pipeline_api_p95_vs_sql", "pipeline_page_vs_sql",
       "pipeline_page_p95_vs_sql", "worker_peak_memory", "pipeline_python_growth", "scheduler_tick_vs_sql"}
FIGURES = (
    "GET /api/v1/pipeline, whole request, 100 % against 10 % of the data",
    "/pipeline page, whole request, 100 % against 10 % of the data",
    "/projects page, whole request, 100 % against 10 % of the data",
    "GET /api/v1/pipeline (manager, no filter), median, against /_bench/hello",
    "/pipeline page, median, against /_bench/hello",
    "/projects page (manager, first page, no filter), median, against /_bench/hello",
    "GET /api/v1/pipeline (manager, no filter), median",
    "GET /api/v1/pipeline (manager, no filter), p95",
    "/pipeline page, median",
    "/pipeline page, p95",
    "project page (200 events, 100 sessions), median",
    "GET /api/v1/attention (manager), median, against /_bench/hello",
    "advance events through the API, 8 clients on distinct projects, throughput",
    "scheduler tick over all active projects",
    "peak memory of a server worker during the pipeline figures",
    "pipeline Python side, 100 % against 10 % of the data",
)
#: The bulk outputs (`bench/bulk.py`), by their stable ids.
BULK = {
    "projects_export_vs_sql": "/projects.csv (every project, manager), median",
    "projects_export_xlsx_vs_sql": "/projects.xlsx (every project, manager), median",
    "projects_export_peak_mb": "peak memory of the worker serving /projects.csv and .xlsx",
    "funders_report_vs_sql": "/reports/funders over a year, median",
    "data_export_peak_mb": "peak memory of flask data export (whole database)",
    "data_import_vs_copy": "data import of the whole database, against a raw executemany",
}


def test_the_bench_runs_end_to_end_at_one_percent(tmp_path):
    output = tmp_path / "latest.json"
    env = {k: v for k, v in os.environ.items() if k not in ("BENCH_POSTGRES_URL", "DATABASE_URL", "SCALE")}
    done = subprocess.run([sys.executable, "-m", "bench.run", "--scale", "0.01", "--workers", "1",
                           "--output", str(output)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)

    assert done.returncode == 0, done.stderr[-4000:]
    figures = json.loads(output.read_text())
    assert isinstance(figures, list)
    assert {f["figure"] for f in figures} == set(FIGURES) | set(BULK.values())
    assert {f["id"]: f["figure"] for f in figures if f["figure"] in BULK.values()} == BULK
    assert {f["id"] for f in figures} == IDS | set(BULK) and len(figures) == len(IDS) + len(BULK)
    for figure in figures:
        assert {"id", "figure", "database", "value", "baseline", "ratio", "target", "meets"} <= set(figure), figure
        assert figure["database"] == "sqlite"
        assert figure["value"] > 0 and figure["baseline"] > 0, figure
        assert abs(figure["ratio"] - figure["value"] / figure["baseline"]) <= 0.01 * max(1.0, figure["ratio"])
        assert isinstance(figure["meets"], bool)
    meta = json.loads((tmp_path / "latest-meta.json").read_text())
    assert meta["scale"] == 0.01 and meta["runs"]["sqlite"]["tick"]["same_rows"] is True
    bulk = meta["runs"]["sqlite"]["bulk"]
    assert bulk["round_trip_identical"] is True and bulk["export rows"] > 0 and bulk["rows"] > 1000
    assert "figure" in done.stdout and "parcours" in done.stdout and "baseline" in done.stdout
