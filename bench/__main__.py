"""`python -m bench`: measure the performance budget (DESIGN.md) on a cached reference organisation.

    python -m bench [--quick] [--database-url URL] [--json PATH] [--athletes N --days D] [--runtime-env]
    python -m bench load --athletes N [N ...] [--replicas 1 2]   (simultaneous check-ins: bench/load.py)

Default: 1,000 athletes x 730 days on SQLite (the database is built once, about a minute, and cached
under ~/.cache/fascia-bench). --quick: 100 athletes x 365 days, 2 runs and a 20,000-row import,
for CI and everyday use. The athlete page is also timed on an organisation of a tenth of the athletes
(100 at full size, 10 in --quick); the JSON keys "100" and "1000" hold the small and the large one
whatever their sizes (`athlete_page_athletes` says which). docs/PERFORMANCE.md explains every figure.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from bench import acwr_peer, first_page, import_speed, organisation_analytics, pages
from bench.organisation import Params, backend, ensure_organisation
from bench.report import Results
from bench.timing import measure
from data.db import make_engine

FULL = (1000, 730)
QUICK = (100, 365)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 athletes x 365 days, fewer runs (under a minute)")
    parser.add_argument("--database-url", help="a PostgreSQL URL (default: SQLite files in the cache)")
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--athletes", type=int, help="athletes in the organisation (default 1000; --quick 100)")
    parser.add_argument("--days", type=int, help="days of history (default 730; --quick 365)")
    parser.add_argument("--runs", type=int, help="timed runs per figure after one warm-up (default 5; --quick 2)")
    parser.add_argument(
        "--import-rows", type=int, help=f"rows of the check-in CSV (default {import_speed.ROWS:,}; --quick 20,000)"
    )
    parser.add_argument(
        "--runtime-env",
        action="store_true",
        help="time the first page in an environment of requirements.lock only, built once and cached (bench/first_page.py)",
    )
    args = parser.parse_args(argv)
    if args.database_url and backend(args.database_url) not in ("sqlite", "postgresql"):
        parser.error("--database-url must be a SQLite or PostgreSQL URL")
    for name in ("athletes", "days", "runs", "import_rows"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    return args


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def quiet_streamlit() -> None:
    """Silence Streamlit's bare-mode warnings (cached loaders called outside `streamlit run`)."""
    import streamlit.logger

    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")  # read when AppTest loads the config
    streamlit.logger.set_log_level("error")
    # AppTest sets its session state outside a script run, and that logger's level is reset by then
    bare = streamlit.logger.get_logger("streamlit.runtime.scriptrunner_utils.script_run_context")
    bare.addFilter(lambda record: "missing ScriptRunContext" not in record.getMessage())


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["load"]:  # `python -m bench load ...`: simultaneous check-ins (bench/load.py)
        from bench import load

        return load.main(argv[1:])
    args = parse(argv)
    quiet_streamlit()
    default_athletes, default_days = QUICK if args.quick else FULL
    athletes = args.athletes or default_athletes
    days = args.days or default_days
    runs = args.runs or (2 if args.quick else 5)
    small_athletes = max(1, athletes // 10)
    base = args.database_url
    if base and backend(base) == "sqlite":
        base = None  # SQLite databases live in the cache folder

    big_url = ensure_organisation(Params(athletes, days), base, log)
    small_url = ensure_organisation(Params(small_athletes, days), base, log)

    log(f"athlete progress page at {small_athletes} athletes")
    pages.use_database(small_url)
    page_small = pages.athlete_page(pages.subjects(), runs)
    log(f"athlete progress page at {athletes} athletes")
    pages.use_database(big_url)
    who = pages.subjects()
    page_big = pages.athlete_page(who, runs)
    log(f"team overview ({who.team_athletes} athletes), functions and AppTest")
    cold, warm = pages.team_overview(who, runs)
    app_cold, app_warm = pages.team_overview_apptest(who, runs)
    log("first page after a server start (fresh processes)")
    python = first_page.runtime_python(log) if args.runtime_env else sys.executable
    first = first_page.first_page_cold(big_url, who.coach_id, runs, python)

    log("whole-organisation floor and analytics")
    engine = make_engine(big_url)
    try:
        floor = measure(lambda: organisation_analytics.read_rows(engine), runs=runs)
    finally:
        engine.dispose()
    frames = floor.value
    analytics = measure(lambda: organisation_analytics.analyse(frames), runs=runs)
    log("ACWR beside the acwr package")
    peer = acwr_peer.compare_with_peer(frames["training_sessions"], runs=runs, peer_runs=max(1, runs // 2))
    log("peak memory (fresh process)")
    memory = organisation_analytics.peak_memory(big_url)
    rows = args.import_rows or (20_000 if args.quick else import_speed.ROWS)
    log(f"import of {rows:,} check-ins")
    imported, per_second = import_speed.import_throughput(base, rows, runs=max(1, runs // 2 + 1))

    results = Results(
        backend=backend(base),
        athletes=athletes,
        days=days,
        athlete_page_ms={"100": page_small.median_ms, "1000": page_big.median_ms},
        athlete_page_athletes={"100": small_athletes, "1000": athletes},
        team_overview_cold_ms=cold.median_ms,
        team_overview_warm_ms=warm.median_ms,
        team_overview_app_cold_ms=app_cold.median_ms,
        team_overview_app_warm_ms=app_warm.median_ms,
        first_page_cold_ms=first.median_ms,
        team_athletes=who.team_athletes,
        org_analytics_ms=analytics.median_ms,
        org_floor_ms=floor.median_ms,
        import_rows=rows,
        import_rows_per_s=per_second,
        acwr_ms=peer.ours.median_ms,
        acwr_peer_ms=peer.theirs.median_ms,
        acwr_max_abs_diff=peer.worst_diff,
        acwr_one_sided=peer.one_sided,
        peak_rss_mb=memory.peak_mb,
        baseline_rss_mb=memory.baseline_mb,
        after_read_rss_mb=memory.after_read_mb,
        quick=args.quick,
        extra={
            "runs": runs,
            "first_page_environment": {
                "kind": "runtime lock" if args.runtime_env else "benchmark's own",
                "distributions": first_page.distributions(python),
            },
            "import_ms": imported.median_ms,
            "acwr_agreement": {m: vars(a) for m, a in peer.agreement.items()},
        },
    )
    print(results.table())
    if args.json:
        results.write_json(args.json)
        log(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
