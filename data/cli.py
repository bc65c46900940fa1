"""The admin CLI, `python -m data`: init, demo, create-user, stats, import, export, backup, restore, health, notify.

Every subcommand honours `DATABASE_URL` (or `--database-url`) and exits non-zero
with a one-line message on bad input.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

from analytics.vocabulary import ROLES
from data import logs
from data.dates import DateOrder
from data.db import DATABASE_ERROR, database_url, describe_fault, make_engine
from data.errors import DatabaseNotEmpty, ValidationError
from data.models import Athlete, Team
from data.queries import table_counts
from data.record_checks import InvalidRecords
from data.schema import upgrade


class CliError(Exception):
    """A refusal printed as one line, exit code 2."""


class Unhealthy(Exception):
    """`health`: the database does not answer or its schema is not current (one line, exit code 1)."""


class ImportRefused(CliError):
    """A refused import: one line, then each problem on its own line (exit code 2)."""

    def __init__(self, message: str, problems: Sequence[str]) -> None:
        super().__init__(message)
        self.problems = list(problems)


def _engine(args: argparse.Namespace) -> Engine:
    engine = make_engine(args.database_url or database_url())
    upgrade(engine)
    return engine


def cmd_init(args: argparse.Namespace) -> None:
    engine = _engine(args)
    print(f"schema is up to date on {engine.url.render_as_string(hide_password=True)}")


def cmd_setup_token(args: argparse.Namespace) -> None:
    from data.accounts import has_users
    from data.setup import setup_token

    engine = _engine(args)
    if has_users(engine):
        raise CliError("Fascia already has users: the setup token is only for the first admin account")
    print(setup_token(engine))


def cmd_demo(args: argparse.Namespace) -> None:
    from data.demo import DEMO_ACCOUNTS, load_demo

    if args.athletes < 2:
        raise CliError("--athletes must be at least 2")
    if args.days < 28:
        raise CliError("--days must be at least 28")
    engine = _engine(args)
    try:
        counts = load_demo(engine, athletes=args.athletes, days=args.days, seed=args.seed)
    except DatabaseNotEmpty as error:
        raise CliError(str(error)) from error
    total = sum(counts.values())
    print(f"loaded the demo: {counts.get('athletes', 0)} athletes, {total} rows")
    print("sign in as: " + ", ".join(f"{u} / {p} ({r})" for u, r, p in DEMO_ACCOUNTS))


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise CliError("no terminal to prompt for a password: use --password-stdin")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        raise CliError("the two passwords differ")
    return first


def cmd_create_user(args: argparse.Namespace) -> None:
    from data.accounts import create_user

    engine = _engine(args)
    athlete_id = None
    team_ids: list[int] = []
    with engine.connect() as connection:
        if args.athlete is not None:
            athlete_id = connection.scalar(select(Athlete.id).where(Athlete.external_id == args.athlete))
            if athlete_id is None:
                raise CliError(f"no athlete with external id {args.athlete!r}")
        for name in args.team or []:
            team_id = connection.scalar(select(Team.id).where(Team.name == name))
            if team_id is None:
                raise CliError(f"no team named {name!r}")
            team_ids.append(team_id)
    if args.role == "athlete" and athlete_id is None:
        raise CliError("an athlete account needs --athlete EXTERNAL_ID")
    password = _read_password(args)
    user_id = create_user(engine, args.username, password, args.role, athlete_id=athlete_id, team_ids=team_ids)
    print(f"created {args.role} {args.username!r} (user {user_id})")


def cmd_stats(args: argparse.Namespace) -> None:
    counts = table_counts(_engine(args))
    if args.json:
        print(json.dumps(counts))
        return
    width = max(len(name) for name in counts)
    for name, count in counts.items():
        print(f"{name:<{width}}  {count:>10,}")


MAX_SHOWN_PROBLEMS = 50


def _progress_printer(label: str) -> Callable[[int, int], None]:
    """A progress callback printing a count line to stderr for large files (every 10 %)."""
    shown = {"last": -1}

    def report(done: int, total: int) -> None:
        if total < 10_000:
            return
        tenth = done * 10 // max(total, 1)
        if tenth != shown["last"]:
            shown["last"] = tenth
            print(f"{label}: {done:,} / {total:,} rows", file=sys.stderr, flush=True)

    return report


def _refused(path: Path, error: InvalidRecords) -> ImportRefused:
    """Every problem on its own line, at most MAX_SHOWN_PROBLEMS, then how many more."""
    problems = [str(problem) for problem in error.errors[:MAX_SHOWN_PROBLEMS]]
    if len(error.errors) > MAX_SHOWN_PROBLEMS:
        problems.append(f"and {len(error.errors) - MAX_SHOWN_PROBLEMS} more")
    message = f"{path.name} was not imported (nothing was written): {len(error.errors)} problems"
    return ImportRefused(message, problems)


def cmd_import(args: argparse.Namespace) -> None:
    from data.imports import LAYOUTS, import_file

    path = Path(args.path)
    if args.format not in ("file", "csv", "xlsx", "pmsys"):
        raise CliError(f"unknown format {args.format!r}: leave it out for CSV/.xlsx files, or use pmsys")
    if args.format == "pmsys":
        if args.kind or args.create_athletes:
            raise CliError("--format pmsys takes a folder and no --kind / --create-athletes")
        if args.date_order is not DateOrder.NONE or args.decimal_comma:
            raise CliError("--day-first, --month-first and --decimal-comma apply to CSV/.xlsx files only")
        if not path.is_dir():
            raise CliError(f"{path} is not a folder")
        from data.pmsys import import_pmsys

        engine = _engine(args)
        kwargs: dict[str, object] = {"progress": _progress_printer("pmsys")}
        if args.team:
            kwargs["team"] = args.team
        if args.timezone:
            kwargs["timezone"] = args.timezone
        try:
            report = import_pmsys(engine, path, **kwargs)
        except InvalidRecords as error:
            raise _refused(path, error) from None
    else:
        if args.timezone:
            raise CliError("--timezone applies to --format pmsys only")
        if not args.kind:
            raise CliError(f"--kind is required: one of {', '.join(LAYOUTS)}")
        if args.kind not in LAYOUTS:
            raise CliError(f"unknown kind {args.kind!r}: one of {', '.join(LAYOUTS)}")
        if not path.is_file():
            raise CliError(f"no such file: {path}")
        if path.suffix.lower() not in (".csv", ".xlsx", ".txt"):
            raise CliError(f"{path.name} is not a .csv or .xlsx file")
        if args.create_athletes and not args.team:
            raise CliError("--create-athletes needs --team NAME")
        if args.decimal_comma and path.suffix.lower() == ".xlsx":
            raise CliError("--decimal-comma applies to CSV files: a workbook's numbers are number cells")
        engine = _engine(args)
        try:
            report = import_file(
                engine,
                args.kind,
                path,
                create_athletes=args.create_athletes,
                team=args.team,
                progress=_progress_printer(args.kind),
                date_order=args.date_order,
                decimal_comma=args.decimal_comma,
            )
        except InvalidRecords as error:
            raise _refused(path, error) from None
    for line in report.lines():
        print(line)


def cmd_export(args: argparse.Namespace) -> None:
    from data.exports import export_all

    if args.format not in ("csv", "xlsx"):
        raise CliError(f"unknown format {args.format!r}: csv or xlsx")
    engine = _engine(args)
    athlete_ids = None
    with engine.connect() as connection:
        if args.athlete is not None:
            athlete_id = connection.scalar(select(Athlete.id).where(Athlete.external_id == args.athlete))
            if athlete_id is None:
                raise CliError(f"no athlete with external id {args.athlete!r}")
            athlete_ids = [athlete_id]
        if args.team is not None:
            team_id = connection.scalar(select(Team.id).where(Team.name == args.team))
            if team_id is None:
                raise CliError(f"no team named {args.team!r}")
            team_athletes = set(connection.scalars(select(Athlete.id).where(Athlete.team_id == team_id)).all())
            athlete_ids = sorted(team_athletes if athlete_ids is None else team_athletes & set(athlete_ids))
    outdir = Path(args.outdir)
    if outdir.exists() and not outdir.is_dir():
        raise CliError(f"{outdir} is not a folder")
    written = export_all(engine, outdir, fmt=args.format, athlete_ids=athlete_ids)
    for kind, path in written.items():
        print(f"{kind}: {path}")


def cmd_backup(args: argparse.Namespace) -> None:
    from data.backup import BackupError, backup, backup_into

    engine = make_engine(args.database_url or database_url())
    try:
        if args.keep is None:
            print(backup(engine, Path(args.path), force=args.force))
            return
        if args.force:
            raise CliError("--force applies to one named file, not to a folder with --keep")
        for line in backup_into(engine, Path(args.path), keep=args.keep):
            print(line)
    except BackupError as error:
        raise CliError(str(error)) from error


def cmd_health(args: argparse.Namespace) -> None:
    from data.health import check, health_engine

    verdict = check(health_engine(args.database_url or database_url()))
    if not verdict.ok:
        raise Unhealthy(verdict.message)
    print(verdict.message)


def cmd_restore(args: argparse.Namespace) -> None:
    from data.backup import BackupError, restore

    engine = make_engine(args.database_url or database_url())
    try:
        print(restore(engine, Path(args.path), force=args.force))
    except BackupError as error:
        raise CliError(str(error)) from error
    upgrade(engine)


def cmd_notify(args: argparse.Namespace) -> None:
    from data.notify import run_forever, run_once

    engine = _engine(args)
    if args.once:
        scheduled, done = run_once(engine)
        print(f"scheduled {scheduled}, sent {len(done.sent)}, retrying {len(done.retried)}, failed {len(done.failed)}")
        return
    print("delivering notifications; stop with Ctrl-C", flush=True)
    try:
        run_forever(engine, poll_seconds=args.every)
    except KeyboardInterrupt:
        print("stopped")


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m data", description="Fascia admin commands")
    root.add_argument("--database-url", help="overrides DATABASE_URL")
    commands = root.add_subparsers(dest="command", required=True)

    commands.add_parser("init", help="create or upgrade the schema").set_defaults(run=cmd_init)

    commands.add_parser(
        "setup-token", help="print the one-time token the first-run page asks for to create the first admin"
    ).set_defaults(run=cmd_setup_token)

    demo = commands.add_parser("demo", help="load the demo teams into an empty database")
    demo.add_argument("--athletes", type=int, default=40)
    demo.add_argument("--days", type=int, default=365)
    demo.add_argument("--seed", type=int, default=7)
    demo.set_defaults(run=cmd_demo)

    user = commands.add_parser("create-user", help="create a user (password from a prompt or --password-stdin)")
    user.add_argument("username")
    user.add_argument("--role", required=True, choices=ROLES)
    user.add_argument("--athlete", metavar="EXTERNAL_ID", help="the athlete an athlete account is")
    user.add_argument("--team", metavar="NAME", action="append", help="a team a coach or therapist may see (repeat)")
    user.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    user.set_defaults(run=cmd_create_user)

    stats = commands.add_parser("stats", help="row counts")
    stats.add_argument("--json", action="store_true", help="one JSON object")
    stats.set_defaults(run=cmd_stats)

    imp = commands.add_parser("import", help="import a CSV/.xlsx file of one kind, or a PMSys folder")
    imp.add_argument("path", metavar="FILE_OR_DIR")
    imp.add_argument("--kind", help="athletes, therapy_sessions, rom_measurements, wellness_checkins, ...")
    imp.add_argument("--format", default="file", help="file (CSV/.xlsx, the default) or pmsys (a PMSys/PMData folder)")
    imp.add_argument("--create-athletes", action="store_true", help="create unknown athletes (needs --team)")
    imp.add_argument("--team", metavar="NAME", help="the team new athletes join")
    imp.add_argument("--timezone", metavar="TZ", help="time zone of PMSys timestamps (default UTC)")
    order = imp.add_mutually_exclusive_group()
    order.add_argument(
        "--day-first",
        dest="date_order",
        action="store_const",
        const=DateOrder.DAY_FIRST,
        default=DateOrder.NONE,
        help="dates not written YYYY-MM-DD are day/month/year (31/12/2025, 31.12.2025)",
    )
    order.add_argument(
        "--month-first",
        dest="date_order",
        action="store_const",
        const=DateOrder.MONTH_FIRST,
        help="dates not written YYYY-MM-DD are month/day/year (12/31/2025)",
    )
    imp.add_argument(
        "--decimal-comma",
        action="store_true",
        help="numbers are written with a decimal comma (5,5); assumed for ; or tab delimited files",
    )
    imp.set_defaults(run=cmd_import)

    exp = commands.add_parser("export", help="export every kind of record, one file per kind")
    exp.add_argument("outdir", metavar="OUTDIR")
    exp.add_argument("--format", default="csv", help="csv or xlsx")
    exp.add_argument("--athlete", metavar="EXTERNAL_ID", help="only this athlete's records")
    exp.add_argument("--team", metavar="NAME", help="only this team's athletes' records")
    exp.set_defaults(run=cmd_export)

    back = commands.add_parser("backup", help="back up the database to a file (SQLite online backup, or pg_dump)")
    back.add_argument("path", metavar="PATH")
    back.add_argument("--force", action="store_true", help="replace an existing file at PATH")
    back.add_argument(
        "--keep",
        type=int,
        metavar="N",
        help="PATH is a folder: write a backup named by the time into it, keep the newest N such backups",
    )
    back.set_defaults(run=cmd_backup)

    rest = commands.add_parser("restore", help="replace the database's content by a backup made with `backup`")
    rest.add_argument("path", metavar="PATH")
    rest.add_argument("--force", action="store_true", help="replace a database that holds data")
    rest.set_defaults(run=cmd_restore)

    commands.add_parser(
        "health", help="exit 0 if the database answers and the schema is current, else 1 with the reason"
    ).set_defaults(run=cmd_health)

    notify = commands.add_parser("notify", help="deliver alerts, reminders and digests (runs until stopped)")
    notify.add_argument("--once", action="store_true", help="one pass, then exit (for cron)")
    notify.add_argument("--every", type=float, default=5.0, metavar="SECONDS", help="seconds between passes")
    notify.set_defaults(run=cmd_notify)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.run is not cmd_notify:  # the worker runs on like the server and logs its deliveries at INFO
        logs.quiet_by_default()
    try:
        args.run(args)
    except (CliError, ValidationError) as error:
        print(f"error: {error}", file=sys.stderr)
        for line in getattr(error, "problems", ()):
            print(line, file=sys.stderr)
        return 2
    except Unhealthy as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except (SQLAlchemyError, OSError) as error:
        message = describe_fault(error)
        if message is None:
            message = str(error) if isinstance(error, OSError) else DATABASE_ERROR
        print(f"error: {message}", file=sys.stderr)
        return 1
    return 0
