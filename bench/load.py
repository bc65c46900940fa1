"""`python -m bench load`: N athletes sign in and save a check-in at the same moment, on localhost (issue 18).

    python -m bench load --athletes 10 25 50 --replicas 1 2 [--database-url ADMIN_URL] [--json PATH]

Each run starts the production topology on this machine (`bench.topology`: a fresh PostgreSQL database,
1 or 2 `streamlit run serve.py` replicas and nginx with the shipped configuration in front, its per-address
limits lifted for 127.0.0.1 since every simulated athlete comes from there), and makes N athletes, each
with an account and yesterday's check-in (so today's availability is picked as yesterday's, as for an
athlete who checks in daily). One headless Chromium (/usr/bin/chromium) opens one browser context per
athlete, through the proxy, and every athlete:

1. opens Fascia and types their username and password; when all have, all press *Sign in* at once
   (a barrier) and wait for the check-in page;
2. answers the five wellness lines (3 each);
3. when all are there, all press *Save check-in* at once (a second barrier) and wait for "Saved your
   check-in".

Measured per run: check-ins saved (counted in the database afterwards: rows of today), lost (an athlete
who pressed *Save* and whose check-in is not in the database), errors (athletes whose browser flow failed:
a time-out or an exception box; the reason of the first ones is printed), p50/p95 of the seconds from the
*Save* press to "Saved" (and from *Sign in* to the check-in page), and the memory of the Streamlit
processes (resident set size from /proc: the sum over replicas at its peak during the run, and per
replica at the end). Nothing but 127.0.0.1 is contacted; the database server must be local too.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bench.topology import Topology, topology
from data.accounts import create_user
from data.db import make_engine
from data.models import WellnessCheckin
from data.record_writes import save_checkin
from data.roster import create_athlete, create_team
from data.time_zones import today_in

CHROMIUM = Path(os.environ.get("FASCIA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
PASSWORD = "load-test-password-1"
#: The five wellness lines of the check-in page, by the words their labels start with.
WELLNESS = ("Muscle soreness", "Fatigue", "Sleep quality", "Stress", "Mood")
STEP_TIMEOUT_MS = 600_000
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
#: As in production: a replica does not watch its source files (an edit in the checkout during a run would
#: make Streamlit reload modules under the simulated athletes' feet).
SERVER_ENV = {"STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none"}


@dataclass
class Athlete:
    """One simulated athlete's outcome."""

    username: str
    submitted: bool = False
    confirmed: bool = False
    sign_in_s: float | None = None
    save_s: float | None = None
    error: str | None = None


@dataclass
class Run:
    """One run's figures (what docs/PERFORMANCE.md tabulates)."""

    replicas: int
    athletes: int
    saved: int
    lost: int
    errors: int
    save_p50_s: float | None
    save_p95_s: float | None
    sign_in_p50_s: float | None
    sign_in_p95_s: float | None
    peak_rss_mb: float
    end_rss_mb: list[float]
    seconds: float
    first_errors: list[str] = field(default_factory=list)


class Gate:
    """A barrier for `parties` athletes that a failed athlete passes without waiting (`arrive`), so the
    others are never left waiting for it."""

    def __init__(self, parties: int) -> None:
        self.parties, self.arrived, self.open = parties, 0, asyncio.Event()

    def arrive(self) -> None:
        self.arrived += 1
        if self.arrived >= self.parties:
            self.open.set()

    async def wait(self) -> None:
        self.arrive()
        await self.open.wait()


def percentile(values: list[float], share: float) -> float | None:
    """The `share` percentile (0.5, 0.95) of `values`, linear between ranks; None without values."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def rss_mb(pids: list[int]) -> list[float]:
    """Each process's resident set size in MB (VmRSS in /proc/<pid>/status; 0 for a process gone)."""
    sizes = []
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            sizes.append(0.0)
            continue
        kb = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
        sizes.append(kb / 1024)
    return sizes


def replica_pids(ports: list[int]) -> list[int]:
    """The pids of the `streamlit run` processes listening on `ports` (found by their command line)."""
    found: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        if "streamlit" in args and "--server.port" in args:
            port = int(args[args.index("--server.port") + 1])
            if port in ports:
                found[port] = int(entry.name)
    return [found[port] for port in ports if port in found]


def seed(database_url: str, athletes: int) -> dt.date:
    """A team of `athletes` athletes, each with an account and yesterday's check-in; returns today."""
    engine = make_engine(database_url)
    try:
        team = create_team(engine, "Load FC", timezone="UTC")
        today = today_in("UTC")
        for number in range(1, athletes + 1):
            athlete = create_athlete(engine, team, f"Athlete {number}", f"L{number:03d}")
            create_user(engine, username(number), PASSWORD, "athlete", athlete_id=athlete)
            items = {"fatigue": 3, "sleep_quality": 3, "soreness": 3, "stress": 3, "mood": 3, "availability": "full"}
            save_checkin(engine, athlete, today - dt.timedelta(days=1), items, [])
    finally:
        engine.dispose()
    return today


def username(number: int) -> str:
    return f"load-{number:03d}"


def saved_today(database_url: str, today: dt.date) -> int:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return int(connection.scalar(select(func.count()).where(WellnessCheckin.date == today)) or 0)
    finally:
        engine.dispose()


async def wait_for_app(page: Any) -> None:
    """Until the script has finished running (Streamlit's own e2e convention), twice a little apart so
    that a rerun the script starts itself is waited for too."""
    for _ in range(2):
        await page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
        await page.wait_for_timeout(300)


async def check_in(browser: Any, url: str, who: Athlete, sign_in_gate: Gate, save_gate: Gate) -> None:
    """One athlete's visit (see the module docstring); failures are recorded on `who`, never raised."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, ignore_https_errors=True)
    gates = [sign_in_gate, save_gate]
    try:
        page = await context.new_page()
        page.set_default_timeout(STEP_TIMEOUT_MS)
        await page.goto(url)
        await wait_for_app(page)
        await page.get_by_label("Username").fill(who.username)
        await page.get_by_label("Password", exact=True).fill(PASSWORD)
        await gates.pop(0).wait()
        started = time.monotonic()
        await page.get_by_role("button", name="Sign in").click()
        await page.locator("h1").filter(has_text="how are you today?").wait_for()
        who.sign_in_s = time.monotonic() - started
        await wait_for_app(page)
        main = page.locator("[data-testid='stMain']")
        for label in WELLNESS:
            group = main.locator("[data-testid='stButtonGroup']").filter(has=page.get_by_text(label)).first
            await group.locator("button").filter(has_text="3").first.click()
            await wait_for_app(page)
        await gates.pop(0).wait()
        started = time.monotonic()
        await main.get_by_role("button", name="Save check-in").click()
        who.submitted = True
        await page.get_by_text("Saved your check-in").wait_for()
        who.save_s = time.monotonic() - started
        who.confirmed = True
        if await page.locator("[data-testid='stException']").count():
            who.error = "an exception box on the page"
    except Exception as error:  # one athlete's failure is a figure of the run, not the end of it
        who.error = f"{type(error).__name__}: {(str(error).splitlines() or [''])[0][:160]}"
        for gate in gates:
            gate.arrive()
    finally:
        await context.close()


async def sample_memory(pids: list[int], peak: list[float], stop: asyncio.Event) -> None:
    """Keep the peak of the summed RSS of `pids` in `peak[0]`, sampling twice a second until `stop`."""
    while not stop.is_set():
        peak[0] = max(peak[0], sum(rss_mb(pids)))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=0.5)


async def drive(url: str, athletes: list[Athlete], pids: list[int]) -> float:
    """All athletes at once in one browser; returns the peak summed RSS of the replicas (MB)."""
    from playwright.async_api import async_playwright

    peak = [sum(rss_mb(pids))]
    stop = asyncio.Event()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        sampler = asyncio.create_task(sample_memory(pids, peak, stop))
        try:
            sign_in_gate, save_gate = Gate(len(athletes)), Gate(len(athletes))
            await asyncio.gather(*(check_in(browser, url, who, sign_in_gate, save_gate) for who in athletes))
        finally:
            stop.set()
            await sampler
            await browser.close()
    return peak[0]


R = TypeVar("R")


def in_own_loop(work: Coroutine[Any, Any, R]) -> R:
    """Run `work` to its end on a new event loop in a thread of its own: the calling thread may already
    run a loop (playwright's sync API keeps one in it), where `asyncio.run` is refused."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, work).result()


def one_run(admin_url: str, athletes: int, replicas: int, log: Callable[[str], None]) -> Run:
    """Start the topology, seed, drive the athletes, count; see the module docstring."""
    started = time.monotonic()
    with topology(admin_url, replicas=replicas, rate_limits=False, env=SERVER_ENV) as running:
        today = seed(running.database_url, athletes)
        pids = replica_pids(ports_of(running))
        visitors = [Athlete(username(number)) for number in range(1, athletes + 1)]
        log(f"{athletes} athletes through {replicas} replica(s) behind {running.proxy_url}")
        peak = in_own_loop(drive(running.proxy_url, visitors, pids))
        end = rss_mb(pids)
        saved = saved_today(running.database_url, today)
        stored = _saved_usernames(running.database_url, today)
    saves = [who.save_s for who in visitors if who.save_s is not None]
    sign_ins = [who.sign_in_s for who in visitors if who.sign_in_s is not None]
    errors = [f"{who.username}: {who.error}" for who in visitors if who.error]
    return Run(
        replicas=replicas,
        athletes=athletes,
        saved=saved,
        lost=sum(1 for who in visitors if who.submitted and who.username not in stored),
        errors=len(errors),
        save_p50_s=_rounded(percentile(saves, 0.5)),
        save_p95_s=_rounded(percentile(saves, 0.95)),
        sign_in_p50_s=_rounded(percentile(sign_ins, 0.5)),
        sign_in_p95_s=_rounded(percentile(sign_ins, 0.95)),
        peak_rss_mb=round(peak, 1),
        end_rss_mb=[round(size, 1) for size in end],
        seconds=round(time.monotonic() - started, 1),
        first_errors=errors[:3],
    )


def _saved_usernames(database_url: str, today: dt.date) -> set[str]:
    """The usernames whose check-in of `today` is in the database."""
    from data.models import User

    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.scalars(
                select(User.username)
                .join(WellnessCheckin, WellnessCheckin.athlete_id == User.athlete_id)
                .where(WellnessCheckin.date == today)
            )
            return set(rows)
    finally:
        engine.dispose()


def _rounded(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


def ports_of(running: Topology) -> list[int]:
    return [int(url.rsplit(":", 1)[1]) for url in running.replica_urls]


def table(runs: list[Run]) -> str:
    """The runs as the Markdown table of docs/PERFORMANCE.md."""
    head = (
        '| Replicas | Athletes | Saved | Lost | Errors | Save → "saved" p50 / p95 (s) | Sign-in p50 / p95 (s) '
        "| Streamlit RSS peak, all replicas (MB) | RSS per replica at the end (MB) |\n"
        "|---|---|---|---|---|---|---|---|---|\n"
    )
    rows = "".join(
        f"| {r.replicas} | {r.athletes} | {r.saved} | {r.lost} | {r.errors} | {r.save_p50_s} / {r.save_p95_s} "
        f"| {r.sign_in_p50_s} / {r.sign_in_p95_s} | {r.peak_rss_mb:.0f} | {' + '.join(f'{m:.0f}' for m in r.end_rss_mb)} |\n"
        for r in runs
    )
    return head + rows


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench load", description=__doc__.splitlines()[0])
    parser.add_argument("--athletes", type=int, nargs="+", required=True, help="simulated athletes per run (N ...)")
    parser.add_argument("--replicas", type=int, nargs="+", choices=(1, 2), default=[1, 2], help="1, 2 or both")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("FASCIA_TEST_POSTGRES_URL"),
        help="a local PostgreSQL URL whose role may create databases (default: $FASCIA_TEST_POSTGRES_URL)",
    )
    parser.add_argument("--json", type=Path, help="write the runs to this JSON file")
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("--database-url (or FASCIA_TEST_POSTGRES_URL) is required: the replicas share PostgreSQL")
    if make_url(args.database_url).host not in LOCAL_HOSTS:
        parser.error("the load test runs on localhost only: the database server must be local")
    if min(args.athletes) < 1:
        parser.error("--athletes must be at least 1")
    return args


def run_all(args: argparse.Namespace, log: Callable[[str], None]) -> list[Run]:
    runs = []
    for athletes in args.athletes:
        for replicas in args.replicas:
            run = one_run(args.database_url, athletes, replicas, log)
            log(json.dumps(asdict(run)))
            runs.append(run)
    return runs


def main(argv: list[str] | None = None, log: Callable[[str], None] | None = None) -> int:
    args = parse(argv)
    say = log or (lambda message: print(f"[load {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True))
    runs = run_all(args, say)
    print(table(runs))
    if args.json:
        args.json.write_text(json.dumps([asdict(run) for run in runs], indent=2))
    return 0 if all(run.lost == 0 for run in runs) else 1
