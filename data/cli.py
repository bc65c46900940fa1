"""The admin CLI, `python -m data`: init, demo, create-user, stats.

Every subcommand honours `DATABASE_URL` (or `--database-url`) and exits non-zero
with a one-line message on bad input.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Sequence

from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError

from analytics.vocabulary import ROLES
from data.db import database_url, make_engine
from data.errors import DatabaseNotEmpty, ValidationError
from data.models import Athlete, Team
from data.queries import table_counts
from data.schema import upgrade


class CliError(Exception):
    """A refusal printed as one line, exit code 2."""


def _engine(args: argparse.Namespace) -> Engine:
    engine = make_engine(args.database_url or database_url())
    upgrade(engine)
    return engine


def cmd_init(args: argparse.Namespace) -> None:
    engine = _engine(args)
    print(f"schema is up to date on {engine.url.render_as_string(hide_password=True)}")


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
    from data.writes import create_user

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


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m data", description="Fascia admin commands")
    root.add_argument("--database-url", help="overrides DATABASE_URL")
    commands = root.add_subparsers(dest="command", required=True)

    commands.add_parser("init", help="create or upgrade the schema").set_defaults(run=cmd_init)

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
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        args.run(args)
    except (CliError, ValidationError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OperationalError as error:
        print(f"error: cannot use the database: {str(error.orig).strip().splitlines()[0]}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"error: cannot use the database: {error}", file=sys.stderr)
        return 1
    return 0
