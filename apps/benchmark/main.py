"""The benchmark run: generate the platform, measure, print the table, write the JSON.

    python -m apps.benchmark [--employees 10000] [--orgs 20] [--skip-load] ...

Run it through `make bench` (a database of its own, the bench settings, static files
collected); it expects an empty database, as `make bench` hands it one.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from django.conf import settings

from . import load, pages, work
from .data import build_organization, refresh_statistics
from .results import Results

DEFAULT_OUT = Path(settings.BASE_DIR) / "bench" / "results.json"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m apps.benchmark", description=__doc__.split("\n")[0])
    p.add_argument("--employees", type=int, default=10_000, help="People in the big organisation.")
    p.add_argument("--fanout", type=int, default=5, help="Sub-units per unit in the big organisation's tree.")
    p.add_argument("--orgs", type=int, default=20, help="Organisations on the platform, the big one included.")
    p.add_argument("--small-employees", type=int, default=300)
    p.add_argument("--small-fanout", type=int, default=3)
    p.add_argument("--requests", type=int, default=50, help="Timed requests per page (after a warm-up).")
    p.add_argument("--import-rows", type=int, default=10_000, help="Employees in the timed CSV import (0: skip).")
    p.add_argument(
        "--peer-sizes", type=int, nargs="*", default=[1000, 10_000], help="Appraisees per peer-shape launch."
    )
    p.add_argument("--skip-load", action="store_true", help="Leave out the gunicorn load test.")
    p.add_argument("--load-seconds", type=float, default=30.0)
    p.add_argument("--concurrency", type=int, default=8, help="Client threads during the load test.")
    p.add_argument(
        "--workers",
        type=int,
        default=2 * (os.cpu_count() or 1) + 1,
        help="gunicorn workers (default: gunicorn's own advice, two per core plus one: while one waits on "
        "PostgreSQL or Redis another runs).",
    )
    p.add_argument(
        "--writes-per-second", type=float, default=2.0, help="Self-assessment saves alongside the load (0: none)."
    )
    p.add_argument("--out", type=Path, default=DEFAULT_OUT)
    return p


def say(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def run(options: argparse.Namespace) -> Results:
    results = Results(conditions={k: (str(v) if isinstance(v, Path) else v) for k, v in vars(options).items()})
    # Other work on the machine shows in every figure: the load average says how quiet it was.
    results.conditions["load_average_at_start"] = os.getloadavg()
    started = time.perf_counter()
    say(f"building the big organisation: {options.employees:,} employees, unit fan-out {options.fanout}")
    big = build_organization("bench-big", employees=options.employees, fanout=options.fanout, name="Big Org")
    say(f"  built in {big.built_s:.1f} s: {big.units:,} units, {big.goals:,} goals, {big.appraisals:,} appraisals")
    smalls = []
    for n in range(1, options.orgs):
        smalls.append(
            build_organization(
                f"bench-small-{n:02d}",
                employees=options.small_employees,
                fanout=options.small_fanout,
                name=f"Small Org {n}",
                analyze=False,
            )
        )
    refresh_statistics()
    if smalls:
        say(f"  {len(smalls)} smaller organisations of {options.small_employees:,} people built")
    size_big = f"{big.employees:,} employees"
    results.conditions["platform"] = {
        "organisations": 1 + len(smalls),
        "big": {"employees": big.employees, "units": big.units, "goals": big.goals, "appraisals": big.appraisals},
        "small": {"employees": options.small_employees, "count": len(smalls)},
        "built_s": round(time.perf_counter() - started, 1),
    }

    launch = work.case_launch(big)
    _launch_figures(results, launch, f"{big.appraisals:,} appraisees (big org)")

    if options.import_rows:
        say(f"CSV import of {options.import_rows:,} employees")
        imported = work.csv_import(options.import_rows)
        size = f"{imported['rows']:,} rows"
        results.add("csv_import.preview", imported["preview_s"], "s", size)
        results.add("csv_import.apply", imported["apply_s"], "s", size)
        results.add("csv_import.total", imported["total_s"], "s", size)

    say("reminder sweep over the big cycle")
    for sweep in work.reminder_sweep(big):
        size = f"{sweep['pending_actions']:,} appraisals, {sweep['due']:,} due"
        results.add(f"reminder_sweep.{sweep['sweep']}", sweep["seconds"], "s", size)
        results.add(f"reminder_sweep.{sweep['sweep']}.statements", sweep["statements"], "statements", size)

    # The rolled-back import and the sweep's notifications left dead rows in the tables the pages
    # read (10,000 employees and their sign-ins); autovacuum would have cleared them by then.
    refresh_statistics()
    say(f"pages: {options.requests} requests each, big and small organisation")
    big_pages = pages.pages_of(big)
    measured = {}
    for case, label in ((big, size_big), *(((smalls[0], f"{smalls[0].employees:,} employees"),) if smalls else ())):
        for page in pages.pages_of(case):
            timing = pages.time_page(case, page, options.requests)
            measured[(page.key, case.employees)] = timing
            _page_figures(results, timing, label)
        save = pages.time_self_assessment_save(case, options.requests)
        _page_figures(results, save, label)
    missing = {"moderation"} - {p.key for p in big_pages}
    if missing:
        results.conditions["not_measured"] = {"moderation": "the moderation distribution page is not in this checkout"}

    for size in options.peer_sizes:
        say(f"peer-shape launch: {size:,} appraisees")
        _launch_figures(results, work.peer_launch(size), f"{size:,} appraisees (peer shape)")

    if not options.skip_load:
        say(f"load: {options.load_seconds:.0f} s, {options.concurrency} clients, {options.workers} gunicorn workers")
        env = {"DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "pmsys.settings.bench")}
        loaded = load.run_load(
            big,
            big_pages,
            seconds=options.load_seconds,
            concurrency=options.concurrency,
            workers=options.workers,
            env=env,
            writes_per_second=options.writes_per_second,
        )
        size = (
            f"{size_big}; {loaded['concurrency']} clients, {loaded['workers']} workers, {loaded['requests']:,} requests"
            f", {loaded['writes']:,} saves alongside"
        )
        results.add("load.rps", loaded["rps"], "requests/s", size)
        for key in ("median", "p95", "p99", "max"):
            results.add(f"load.latency_{key}", loaded[key], "ms", size)
        results.add("load.errors", loaded["errors"], "requests", size, kinds=loaded["error_kinds"])
        results.add("load.writes", loaded["writes"], "saves", size, errors=loaded["write_errors"])
        if loaded["worker_peak_rss_mb"]:
            results.add("web_worker.peak_rss", max(loaded["worker_peak_rss_mb"]), "MB", size)
        results.conditions["load"] = {
            k: loaded[k] for k in ("workers", "concurrency", "people", "mix", "seconds", "writes_per_second")
        }
    results.conditions["load_average_at_end"] = os.getloadavg()
    results.conditions["total_s"] = round(time.perf_counter() - started, 1)
    return results


def _launch_figures(results: Results, launch: dict, size: str) -> None:
    results.add("launch.total", launch["seconds"], "s", size)
    results.add("launch.statements", launch["statements"], "statements", size)
    results.add("launch.per_appraisal", launch["ms_per_appraisal"], "ms/appraisal", size)
    results.add("launch.statements_per_appraisal", launch["statements_per_appraisal"], "statements/appraisal", size)


def _page_figures(results: Results, timing: dict, size: str) -> None:
    name = f"page.{timing['page']}"
    results.add(f"{name}.queries", timing["queries"], "queries", size)
    if "queries_cached" in timing:
        results.add(f"{name}.queries_cached", timing["queries_cached"], "queries", size)
    results.add(f"{name}.median", timing["median"], "ms", size)
    results.add(f"{name}.p95", timing["p95"], "ms", size)
    if "cold_median" in timing:
        results.add(f"{name}.cold_median", timing["cold_median"], "ms", size)
        results.add(f"{name}.cold_p95", timing["cold_p95"], "ms", size)
    if "service_median" in timing:
        results.add(f"{name}.service_queries", timing["service_queries"], "queries", size)
        results.add(f"{name}.service_median", timing["service_median"], "ms", size)
        results.add(f"{name}.service_p95", timing["service_p95"], "ms", size)
    if "essential_ms" in timing:
        results.add(f"{name}.raw_sql", timing["essential_ms"], "ms", size, sql=timing["essential_sql"])
        if timing["ratio"] is not None:
            results.add(f"{name}.ratio", timing["ratio"], "page/raw", size)


def main(argv=None) -> int:
    options = parser().parse_args(argv)
    results = run(options)
    print(results.table())
    results.write(options.out)
    say(f"written to {options.out}")
    return 0
