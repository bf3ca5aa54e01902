"""One tiny end-to-end run of the benchmark (without the gunicorn load test, which needs the
data committed): every figure the issue asks for is there, and page query counts are the same
at both sizes."""

import json

from apps.benchmark.main import parser, run
from apps.benchmark.results import validate

TINY = [
    "--employees",
    "40",
    "--fanout",
    "2",
    "--orgs",
    "2",
    "--small-employees",
    "20",
    "--small-fanout",
    "1",
    "--requests",
    "2",
    "--import-rows",
    "30",
    "--peer-sizes",
    "12",
    "--skip-load",
]


def test_a_tiny_run_measures_everything(db, tmp_path):
    options = parser().parse_args([*TINY, "--out", str(tmp_path / "results.json")])
    results = run(options)
    results.write(options.out)
    data = json.loads(options.out.read_text())
    validate(data)
    names = {f["name"] for f in data["figures"]}
    for page in (
        "dashboard",
        "my_tasks",
        "self_assessment",
        "team",
        "cycle_overview",
        "cascade_top",
        "cascade_deep_unit",
        "org_chart",
        "moderation",
    ):
        assert {
            f"page.{page}.queries",
            f"page.{page}.queries_cached",
            f"page.{page}.median",
            f"page.{page}.p95",
            f"page.{page}.cold_median",
            f"page.{page}.cold_p95",
            f"page.{page}.ratio",
        } <= names
    assert {
        "page.self_assessment_save.median",
        "page.self_assessment_save.service_median",
        "page.self_assessment_save.service_queries",
        "csv_import.total",
        "reminder_sweep.first",
        "launch.per_appraisal",
        "launch.statements_per_appraisal",
    } <= names
    sizes = {f["size"] for f in data["figures"] if f["name"] == "launch.total"}
    assert sizes == {"40 appraisees (big org)", "12 appraisees (peer shape)"}
    queries = {}
    for f in data["figures"]:
        if f["name"].startswith("page.") and f["name"].endswith((".queries", ".queries_cached", ".service_queries")):
            queries.setdefault(f["name"], set()).add(f["value"])
    assert all(len(counts) == 1 for counts in queries.values()), queries
    assert data["conditions"]["platform"]["organisations"] == 2
