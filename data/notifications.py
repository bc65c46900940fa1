"""What Fascia tells people, and when (issue 15): the events that become outbox rows (`data.outbox`).

Events
- **Pain alert** (`pain_alert_messages`, written by `data.record_writes.save_checkin` in the check-in's own
  transaction): a spot whose pain today is at least `PAIN_ALERT_AT` (6/10), or at least `PAIN_RISE` (2)
  points above the athlete's previous report of that spot (no previous report counts as 0, so new pain of
  2/10 or more alerts), or any red pain flag the check-in raises (`analytics.flags`: pain spike, persistent
  pain, new pain in a region injured before) -> every active therapist of the athlete's team (inbox, and
  e-mail when the therapist has an address) and the team's webhook, linking to `/progress?athlete=<id>`.
  One alert per athlete, day, recipient and channel.
- **Scheduled** (`schedule`, run by the worker, `python -m data notify`, with an injectable
  clock), each within `FIRE_WINDOW` after its local time in the team's zone:
  the daily check-in reminder to each athlete not yet checked in that local day (at the team's reminder
  time); the weekly OSTRC invitation to each athlete without an answer that week (the team's weekday, at
  the reminder time); the coaches' morning digest (the digest time: availability with return-to-sport
  stages, new pain alerts, who did not check in yesterday; never a note or a diagnosis); the therapists'
  weekly compliance summary (the team's weekday, at the digest time). Each has a dedupe key
  (`reminder:<athlete>:<date>:<channel>`, ...), so running the schedule again never duplicates.

Preferences: a user may switch a channel off, and set quiet hours in their zone (their preference's zone,
else their team's): a message due inside them is due at their end instead. The club-wide minimal mode
(`club_settings.minimal_notifications` = "on") makes every e-mail and webhook say only `MINIMAL_TEXT`,
with the link; the inbox, inside Fascia, keeps the detail.

The words of these messages are here, not in `views/words.py`: they are written by `data/` (the check-in
save and the worker), which may not import `views/`.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import Connection, Engine, Select, and_, delete, func, insert, select

from analytics.flags import FlagRules, new_pain_flags, pain_spike_flags, persistent_pain_flags
from data.bulk import typed_column
from data.db import write_transaction
from data.errors import ValidationError
from data.flag_rules import athlete_rules
from data.models import (
    Athlete,
    ClubSetting,
    Injury,
    NotificationPreference,
    OstrcResponse,
    OutboxMessage,
    PainReport,
    RtsStage,
    Team,
    TeamSetting,
    User,
    WellnessCheckin,
    user_teams,
)
from data.outbox import Message, enqueue, utc
from data.time_series import TIME_SERIES

PAIN_ALERT_AT = 6
PAIN_RISE = 2
FIRE_WINDOW = dt.timedelta(hours=2)
MINIMAL_SETTING = "minimal_notifications"
MINIMAL_SUBJECT = "Something new in Fascia"
MINIMAL_TEXT = "There is something new for you in Fascia."
DEFAULT_REMINDER_MINUTE = 8 * 60
DEFAULT_DIGEST_MINUTE = 7 * 60
DEFAULT_OSTRC_WEEKDAY = 0

#: The page each message opens (relative to the Fascia address; `ui.menu` url paths).
CHECKIN_LINK = "/check-in"
OSTRC_LINK = "/ostrc"
TEAM_TODAY_LINK = "/team-today"
CASELOAD_LINK = "/caseload"


def progress_link(athlete_id: int) -> str:
    """The therapist's progress page with the athlete selected (`ui.filters.athlete_picker` reads it)."""
    return f"/progress?athlete={athlete_id}"


def spoken(code: str) -> str:
    """A vocabulary code as words, for a message: "lower_leg_achilles" -> "lower leg / Achilles"."""
    special = {
        "lower_leg_achilles": "lower leg / Achilles",
        "pelvis_sacrum": "pelvis / sacrum",
        "hip_groin": "hip / groin",
    }
    return special.get(code, code.replace("_", " "))


@dataclass(frozen=True)
class TeamSettings:
    """A team's notification settings (defaults when the team has no `team_settings` row)."""

    team_id: int
    name: str
    timezone: str
    webhook_url: str | None = None
    reminder_minute: int = DEFAULT_REMINDER_MINUTE
    digest_minute: int = DEFAULT_DIGEST_MINUTE
    ostrc_weekday: int = DEFAULT_OSTRC_WEEKDAY


@dataclass(frozen=True)
class Preference:
    """A user's choice for one channel (`NotificationPreference`); the default is on, no quiet hours."""

    enabled: bool = True
    quiet_from: int | None = None
    quiet_to: int | None = None
    timezone: str = ""


@dataclass(frozen=True)
class Content:
    """What a message says: subject, plain text, HTML and the link it opens."""

    subject: str
    text: str
    html: str
    link: str


def content(subject: str, lines: Iterable[str], link: str) -> Content:
    """A message whose text is `lines`, and the same as HTML paragraphs (escaped)."""
    lines = list(lines)
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    return Content(subject, "\n".join(lines), f"<h2>{html.escape(subject)}</h2>{body}", link)


# ---- settings and preferences


def minimal_mode(connection: Connection) -> bool:
    """Whether the club has chosen minimal messages (no health detail in e-mails and webhooks)."""
    return connection.scalar(select(ClubSetting.value).where(ClubSetting.name == MINIMAL_SETTING)) == "on"


def set_minimal_mode(engine: Engine, on: bool) -> None:
    """Switch the club-wide minimal mode on or off."""
    with write_transaction(engine) as connection:
        connection.execute(delete(ClubSetting).where(ClubSetting.name == MINIMAL_SETTING))
        connection.execute(insert(ClubSetting).values(name=MINIMAL_SETTING, value="on" if on else "off"))


def team_settings(connection: Connection, team_ids: Iterable[int] | None = None) -> list[TeamSettings]:
    """Every team's settings (or those of `team_ids`), defaults filled in."""
    query = select(
        Team.id,
        Team.name,
        Team.timezone,
        TeamSetting.webhook_url,
        TeamSetting.reminder_minute,
        TeamSetting.digest_minute,
        TeamSetting.ostrc_weekday,
    ).outerjoin(TeamSetting, TeamSetting.team_id == Team.id)
    if team_ids is not None:
        query = query.where(Team.id.in_(list(team_ids)))
    return [
        TeamSettings(
            row.id,
            row.name,
            row.timezone or "UTC",
            row.webhook_url or None,
            DEFAULT_REMINDER_MINUTE if row.reminder_minute is None else row.reminder_minute,
            DEFAULT_DIGEST_MINUTE if row.digest_minute is None else row.digest_minute,
            DEFAULT_OSTRC_WEEKDAY if row.ostrc_weekday is None else row.ostrc_weekday,
        )
        for row in connection.execute(query.order_by(Team.id)).all()
    ]


def set_team_settings(
    engine: Engine,
    team_id: int,
    webhook_url: str | None = None,
    reminder_minute: int = DEFAULT_REMINDER_MINUTE,
    digest_minute: int = DEFAULT_DIGEST_MINUTE,
    ostrc_weekday: int = DEFAULT_OSTRC_WEEKDAY,
) -> None:
    """Replace a team's notification settings; a webhook must be an http(s) address."""
    if webhook_url and not webhook_url.startswith(("https://", "http://")):
        raise ValidationError("webhook_url", webhook_url, "is not a web address (https://…)")
    with write_transaction(engine) as connection:
        connection.execute(delete(TeamSetting).where(TeamSetting.team_id == team_id))
        connection.execute(
            insert(TeamSetting).values(
                team_id=team_id,
                webhook_url=webhook_url or None,
                reminder_minute=reminder_minute,
                digest_minute=digest_minute,
                ostrc_weekday=ostrc_weekday,
            )
        )


def preferences(connection: Connection, user_id: int) -> dict[str, Preference]:
    """The user's preference per channel (only the channels they set)."""
    rows = connection.execute(
        select(
            NotificationPreference.channel,
            NotificationPreference.enabled,
            NotificationPreference.quiet_from,
            NotificationPreference.quiet_to,
            NotificationPreference.timezone,
        ).where(NotificationPreference.user_id == user_id)
    ).all()
    return {
        row.channel: Preference(bool(row.enabled), row.quiet_from, row.quiet_to, row.timezone or "") for row in rows
    }


def user_preferences(engine: Engine, user_id: int) -> dict[str, Preference]:
    """`preferences` on a connection of its own (for the Inbox page's settings)."""
    with engine.connect() as connection:
        return preferences(connection, user_id)


def set_preference(engine: Engine, user_id: int, channel: str, preference: Preference) -> None:
    """Replace the user's preference for `channel`."""
    with write_transaction(engine) as connection:
        connection.execute(
            delete(NotificationPreference).where(
                NotificationPreference.user_id == user_id, NotificationPreference.channel == channel
            )
        )
        connection.execute(
            insert(NotificationPreference).values(
                user_id=user_id,
                channel=channel,
                enabled=preference.enabled,
                quiet_from=preference.quiet_from,
                quiet_to=preference.quiet_to,
                timezone=preference.timezone,
            )
        )


def after_quiet_hours(due: dt.datetime, preference: Preference, zone: str) -> dt.datetime:
    """`due`, or the end of the quiet hours it falls in (local minutes `quiet_from` to `quiet_to` in
    `zone`, wrapping past midnight when `quiet_from` > `quiet_to`)."""
    start, end = preference.quiet_from, preference.quiet_to
    if start is None or end is None or start == end:
        return due
    local = utc(due).astimezone(ZoneInfo(preference.timezone or zone or "UTC"))
    minute = local.hour * 60 + local.minute
    inside = start <= minute < end if start < end else minute >= start or minute < end
    if not inside:
        return due
    days = 1 if start > end and minute >= start else 0
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    ends = dt.datetime.combine(
        midnight.date() + dt.timedelta(days=days), dt.time(end // 60, end % 60), tzinfo=local.tzinfo
    )
    return ends.astimezone(dt.UTC)


@dataclass(frozen=True)
class Recipient:
    """A user a message goes to: id, e-mail address (None: no e-mail) and the zone of their team."""

    user_id: int
    email: str | None
    zone: str


def addressed(
    connection: Connection,
    recipients: Iterable[Recipient],
    event: str,
    key: str,
    said: Content,
    due: dt.datetime,
    athlete_id: int | None = None,
    team_id: int | None = None,
    minimal: bool | None = None,
) -> list[Message]:
    """The inbox and e-mail messages of `said` to each recipient, as their preferences allow (a channel
    off is skipped, quiet hours move the due time); e-mails say only `MINIMAL_TEXT` in minimal mode.
    Dedupe key: `<key>:<user>:<channel>`."""
    minimal = minimal_mode(connection) if minimal is None else minimal
    messages = []
    for person in recipients:
        chosen = preferences(connection, person.user_id)
        for channel in ("inbox", "email"):
            preference = chosen.get(channel, Preference())
            if not preference.enabled or (channel == "email" and not person.email):
                continue
            shown = minimal_content(said.link) if minimal and channel != "inbox" else said
            messages.append(
                Message(
                    event=event,
                    dedupe_key=f"{key}:{person.user_id}:{channel}",
                    channel=channel,
                    subject=shown.subject,
                    text=shown.text,
                    html=shown.html,
                    link=shown.link,
                    due_at=after_quiet_hours(due, preference, person.zone),
                    user_id=person.user_id,
                    athlete_id=athlete_id,
                    team_id=team_id,
                    address=person.email if channel == "email" else None,
                )
            )
    return messages


def minimal_content(link: str) -> Content:
    """The minimal mode's message: only that there is something to see, with the link."""
    return content(MINIMAL_SUBJECT, [MINIMAL_TEXT], link)


def webhook_message(
    team: TeamSettings, event: str, key: str, said: Content, due: dt.datetime, minimal: bool, athlete_id: int | None
) -> list[Message]:
    """The team's webhook message of `said` (none when the team has no webhook)."""
    if not team.webhook_url:
        return []
    shown = minimal_content(said.link) if minimal else said
    return [
        Message(
            event=event,
            dedupe_key=f"{key}:team{team.team_id}:webhook",
            channel="webhook",
            subject=shown.subject,
            text=shown.text,
            html=None,
            link=shown.link,
            due_at=due,
            team_id=team.team_id,
            athlete_id=athlete_id,
            address=team.webhook_url,
        )
    ]


def staff_of(connection: Connection, team_id: int, role: str, zone: str) -> list[Recipient]:
    """The active users of `role` who may see team `team_id`."""
    rows = connection.execute(
        select(User.id, User.email)
        .join(user_teams, user_teams.c.user_id == User.id)
        .where(user_teams.c.team_id == team_id, User.role == role, User.active.is_(True))
        .order_by(User.id)
    ).all()
    return [Recipient(row.id, row.email, zone) for row in rows]


# ---- the pain alert


def pain_alert_lines(
    name: str,
    spots: Iterable[tuple[str, str, int, int | None]],
    flagged: Iterable[tuple[str, str, str]] = (),
    rules: FlagRules | None = None,
) -> list[str]:
    """One line per alerting spot: (region, side, pain today, previous report or None), then one per red
    flag: (kind, region, side), its rule said with `rules` (the athlete's team's thresholds; the defaults)."""
    thresholds = asdict(rules or FlagRules())
    lines = [f"{name} reported pain in their check-in:"]
    for region, side, pain, previous in spots:
        where = f"{spoken(region)} ({spoken(side)})"
        if previous is None or previous == 0:
            lines.append(f"- new pain, {where}: {pain}/10")
        elif pain - previous >= PAIN_RISE:
            lines.append(f"- {where}: up from {previous}/10 to {pain}/10")
        else:
            lines.append(f"- {where}: {pain}/10")
    for kind, region, side in flagged:
        lines.append(f"- red flag, {spoken(region)} ({spoken(side)}): {RED_PAIN_FLAGS[kind].format(**thresholds)}")
    lines.append("Open the athlete's progress in Fascia to follow up.")
    return lines


#: The red pain flags (`analytics.flags`, DESIGN.md "Flags") a check-in can raise, as a message says them
#: (`pain_alert_lines` fills in the thresholds of `analytics.flags.FlagRules`).
RED_PAIN_FLAGS: dict[str, str] = {
    "pain_spike": "pain at least {pain_spike_points:g} points above their own {pain_baseline_days}-day mean",
    "persistent_pain": "pain of {persistent_min_pain}/10 or more on {persistent_reports} reports in a row",
    "new_pain_injured_region": "new pain where they were injured before",
}
#: How far back a check-in's red flags look (the 28-day baseline, and runs of reports).
FLAG_HISTORY = dt.timedelta(days=120)


def _typed_rows(connection: Connection, table: str, statement: Select[Any]) -> pd.DataFrame:
    """`statement`'s rows on `connection` (so the transaction's own writes are seen), typed as
    `data.queries` types the time series `table`."""
    dtypes = TIME_SERIES[table].dtypes(False)
    rows = connection.execute(statement).all()
    names = list(statement.selected_columns.keys())
    return pd.DataFrame({name: typed_column([row[i] for row in rows], dtypes[name]) for i, name in enumerate(names)})


def red_pain_flags(connection: Connection, athlete_id: int, day: dt.date) -> list[tuple[str, str, str]]:
    """(kind, region, side) of each red pain flag the athlete's reports raise on `day` (`analytics.flags`:
    pain spike, persistent pain, new pain in a region injured before)."""
    pain = _typed_rows(
        connection,
        "pain_reports",
        select(PainReport.athlete_id, PainReport.date, PainReport.body_region, PainReport.side, PainReport.pain).where(
            PainReport.athlete_id == athlete_id, PainReport.date.between(day - FLAG_HISTORY, day)
        ),
    )
    if pain.empty:
        return []
    injuries = _typed_rows(
        connection,
        "injuries",
        select(
            *(
                getattr(Injury, c) if c != "injury_id" else Injury.id.label(c)
                for c in TIME_SERIES["injuries"].dtypes(False)
            )
        ).where(Injury.athlete_id == athlete_id, Injury.problem_type == "injury"),
    )
    at = pd.Timestamp(day)
    rules = athlete_rules(connection, athlete_id)  # the athlete's team's thresholds (`data.flag_rules`)
    flags = pd.concat(
        [
            pain_spike_flags(pain, as_of=at, start=at, rules=rules),
            persistent_pain_flags(pain, as_of=at, start=at, rules=rules),
            new_pain_flags(pain, injuries, as_of=at, start=at, rules=rules),
        ]
    )
    return sorted(set(zip(flags["kind"], flags["body_region"], flags["side"], strict=True)))


def pain_alert_messages(
    connection: Connection,
    athlete_id: int,
    day: dt.date,
    pain_rows: Iterable[Mapping[str, Any]],
    now: dt.datetime,
) -> list[Message]:
    """The messages of a check-in's pain (see the module's rules), or none when no spot alerts. Reads the
    previous report of each spot on `connection` (the check-in's transaction)."""
    rows = list(pain_rows)
    alerting = []
    for row in rows:
        region, side, pain = str(row["body_region"]), str(row["side"]), int(row["pain"])
        previous = connection.scalar(
            select(PainReport.pain)
            .where(
                PainReport.athlete_id == athlete_id,
                PainReport.body_region == region,
                PainReport.side == side,
                PainReport.date < day,
            )
            .order_by(PainReport.date.desc())
            .limit(1)
        )
        if pain >= PAIN_ALERT_AT or pain - (previous or 0) >= PAIN_RISE:
            alerting.append((region, side, pain, previous))
    flagged = red_pain_flags(connection, athlete_id, day) if rows else []
    if not alerting and not flagged:
        return []
    athlete = connection.execute(
        select(Athlete.display_name, Athlete.team_id, Team.timezone)
        .join(Team, Team.id == Athlete.team_id)
        .where(Athlete.id == athlete_id)
    ).one()
    team = team_settings(connection, [athlete.team_id])[0]
    said = content(
        f"Pain reported: {athlete.display_name}",
        pain_alert_lines(athlete.display_name, alerting, flagged, athlete_rules(connection, athlete_id)),
        progress_link(athlete_id),
    )
    key = f"pain:{athlete_id}:{day.isoformat()}"
    minimal = minimal_mode(connection)
    therapists = staff_of(connection, athlete.team_id, "therapist", team.timezone)
    return [
        *addressed(connection, therapists, "pain_alert", key, said, now, athlete_id, team.team_id, minimal),
        *webhook_message(team, "pain_alert", key, said, now, minimal, athlete_id),
    ]


def enqueue_pain_alerts(
    connection: Connection, athlete_id: int, day: dt.date, pain_rows: Iterable[Mapping[str, Any]], now: dt.datetime
) -> int:
    """Write the pain alert of a check-in on the check-in's connection; returns the rows added."""
    return enqueue(connection, pain_alert_messages(connection, athlete_id, day, pain_rows, now), now)


# ---- the schedule


def local_due(team: TeamSettings, now: dt.datetime, minute: int) -> tuple[dt.date, dt.datetime] | None:
    """The team's local date and the moment (UTC) of `minute` after its local midnight today, when `now`
    lies within `FIRE_WINDOW` after that moment; else None."""
    local = utc(now).astimezone(ZoneInfo(team.timezone))
    moment = dt.datetime.combine(local.date(), dt.time(minute // 60, minute % 60), tzinfo=local.tzinfo)
    if moment <= local < moment + FIRE_WINDOW:
        return local.date(), moment.astimezone(dt.UTC)
    return None


def athlete_accounts(connection: Connection, team_id: int, zone: str) -> list[tuple[int, str, Recipient]]:
    """(athlete id, display name, recipient) of every active athlete of the team with an active account."""
    rows = connection.execute(
        select(Athlete.id, Athlete.display_name, User.id.label("user_id"), User.email)
        .join(User, User.athlete_id == Athlete.id)
        .where(Athlete.team_id == team_id, Athlete.active.is_(True), User.active.is_(True))
        .order_by(Athlete.id)
    ).all()
    return [(row.id, row.display_name, Recipient(row.user_id, row.email, zone)) for row in rows]


def checked_in(connection: Connection, athlete_ids: list[int], day: dt.date) -> set[int]:
    """The athletes of `athlete_ids` with a check-in dated `day`."""
    if not athlete_ids:
        return set()
    return set(
        connection.scalars(
            select(WellnessCheckin.athlete_id).where(
                WellnessCheckin.athlete_id.in_(athlete_ids), WellnessCheckin.date == day
            )
        ).all()
    )


def already_scheduled(connection: Connection, event: str, team_id: int, due: dt.datetime) -> set[int | None]:
    """The athletes (None: a message about no athlete) of the team that already have `event` messages due
    at or after `due` (this firing: quiet hours only move a message later), so a pass of the schedule in
    the same window skips them without building their messages again."""
    return set(
        connection.scalars(
            select(OutboxMessage.athlete_id)
            .where(OutboxMessage.event == event, OutboxMessage.team_id == team_id, OutboxMessage.due_at >= utc(due))
            .distinct()
        ).all()
    )


def reminders(connection: Connection, team: TeamSettings, now: dt.datetime, minimal: bool) -> list[Message]:
    """The daily check-in reminders of the team (and, on its weekday, the OSTRC invitations)."""
    fire = local_due(team, now, team.reminder_minute)
    if fire is None:
        return []
    day, due = fire
    athletes = athlete_accounts(connection, team.team_id, team.timezone)
    done = checked_in(connection, [a for a, _, _ in athletes], day)
    done |= {a for a in already_scheduled(connection, "checkin_reminder", team.team_id, due) if a is not None}
    messages = []
    for athlete_id, name, person in athletes:
        if athlete_id not in done:
            said = content(
                "Time for your daily check-in",
                [f"Hello {name}, you have not checked in today.", "It takes 30 seconds: how you feel, and any pain."],
                CHECKIN_LINK,
            )
            key = f"reminder:{athlete_id}:{day.isoformat()}"
            messages += addressed(
                connection, [person], "checkin_reminder", key, said, due, athlete_id, team.team_id, minimal
            )
    if day.weekday() != team.ostrc_weekday:
        return messages
    week = day - dt.timedelta(days=day.weekday())
    answered = already_scheduled(connection, "ostrc_invitation", team.team_id, due) | set(
        connection.scalars(
            select(OstrcResponse.athlete_id).where(
                OstrcResponse.athlete_id.in_([a for a, _, _ in athletes]), OstrcResponse.week_start == week
            )
        ).all()
    )
    for athlete_id, name, person in athletes:
        if athlete_id not in answered:
            said = content(
                "This week's health questions",
                [f"Hello {name}, please answer this week's four health questions (OSTRC)."],
                OSTRC_LINK,
            )
            key = f"ostrc:{athlete_id}:{week.isoformat()}"
            messages += addressed(
                connection, [person], "ostrc_invitation", key, said, due, athlete_id, team.team_id, minimal
            )
    return messages


def digest_lines(connection: Connection, team: TeamSettings, day: dt.date) -> list[str]:
    """The coaches' morning digest: availability (with return-to-sport stages), new pain alerts, who did not
    check in yesterday. Names, counts and stages only: never a note or a diagnosis."""
    athletes = dict(
        connection.execute(
            select(Athlete.id, Athlete.display_name).where(Athlete.team_id == team.team_id, Athlete.active.is_(True))
        ).all()
    )
    yesterday = day - dt.timedelta(days=1)
    latest = (
        select(WellnessCheckin.athlete_id, func.max(WellnessCheckin.date).label("date"))
        .where(WellnessCheckin.athlete_id.in_(list(athletes)), WellnessCheckin.date.between(yesterday, day))
        .group_by(WellnessCheckin.athlete_id)
        .subquery()
    )
    availability = dict(
        connection.execute(
            select(WellnessCheckin.athlete_id, WellnessCheckin.availability).join(
                latest, and_(latest.c.athlete_id == WellnessCheckin.athlete_id, latest.c.date == WellnessCheckin.date)
            )
        ).all()
    )
    counts = {
        kind: sum(1 for a in athletes if availability.get(a) == kind) for kind in ("full", "modified", "unavailable")
    }
    unknown = len(athletes) - sum(counts.values())
    lines = [
        f"Availability of {team.name} ({len(athletes)} athletes): {counts['full']} full training, "
        f"{counts['modified']} modified, {counts['unavailable']} unavailable, {unknown} not reported."
    ]
    stage_date = (
        select(RtsStage.injury_id, func.max(RtsStage.date).label("date"))
        .where(RtsStage.date <= day)
        .group_by(RtsStage.injury_id)
        .subquery()
    )
    stages = connection.execute(
        select(Injury.athlete_id, RtsStage.stage)
        .join(stage_date, stage_date.c.injury_id == Injury.id)
        .join(RtsStage, and_(RtsStage.injury_id == Injury.id, RtsStage.date == stage_date.c.date))
        .where(Injury.athlete_id.in_(list(athletes)), Injury.return_date.is_(None))
        .order_by(Injury.athlete_id)
    ).all()
    if stages:
        lines.append("Return to sport: " + "; ".join(f"{athletes[a]}: {spoken(s)}" for a, s in stages) + ".")
    alerted = connection.scalars(
        select(OutboxMessage.athlete_id)
        .where(
            OutboxMessage.event == "pain_alert",
            OutboxMessage.team_id == team.team_id,
            OutboxMessage.created_at >= utc(dt.datetime.combine(yesterday, dt.time(), tzinfo=ZoneInfo(team.timezone))),
        )
        .distinct()
    ).all()
    named = sorted(athletes[a] for a in alerted if a in athletes)
    lines.append("New pain reported since yesterday: " + (", ".join(named) if named else "nobody") + ".")
    missing = sorted(athletes[a] for a in set(athletes) - checked_in(connection, list(athletes), yesterday))
    lines.append("Did not check in yesterday: " + (", ".join(missing) if missing else "nobody") + ".")
    return lines


def compliance_lines(connection: Connection, team: TeamSettings, day: dt.date) -> list[str]:
    """The therapists' weekly compliance: check-ins of the 7 days before `day` ÷ (active athletes × 7),
    and the athletes who checked in on fewer than 4 of them."""
    athletes = dict(
        connection.execute(
            select(Athlete.id, Athlete.display_name).where(Athlete.team_id == team.team_id, Athlete.active.is_(True))
        ).all()
    )
    start = day - dt.timedelta(days=7)
    done = dict(
        connection.execute(
            select(WellnessCheckin.athlete_id, func.count())
            .where(
                WellnessCheckin.athlete_id.in_(list(athletes)),
                WellnessCheckin.date.between(start, day - dt.timedelta(days=1)),
            )
            .group_by(WellnessCheckin.athlete_id)
        ).all()
    )
    share = sum(done.values()) / (len(athletes) * 7) if athletes else 0.0
    low = sorted(f"{athletes[a]} ({done.get(a, 0)} of 7)" for a in athletes if done.get(a, 0) < 4)
    return [
        f"Check-in compliance of {team.name}, {start.isoformat()} to {(day - dt.timedelta(days=1)).isoformat()}: "
        f"{share:.0%} ({sum(done.values())} check-ins from {len(athletes)} athletes).",
        "Checked in on fewer than 4 days: " + (", ".join(low) if low else "nobody") + ".",
    ]


def digests(connection: Connection, team: TeamSettings, now: dt.datetime, minimal: bool) -> list[Message]:
    """The coaches' morning digest, and on the team's weekday the therapists' compliance summary."""
    fire = local_due(team, now, team.digest_minute)
    if fire is None:
        return []
    day, due = fire
    messages = []
    if not already_scheduled(connection, "coach_digest", team.team_id, due):
        said = content(f"Morning digest: {team.name}", digest_lines(connection, team, day), TEAM_TODAY_LINK)
        coaches = staff_of(connection, team.team_id, "coach", team.timezone)
        key = f"digest:{team.team_id}:{day.isoformat()}"
        messages += addressed(
            connection, coaches, "coach_digest", key, said, due, team_id=team.team_id, minimal=minimal
        )
    if day.weekday() == team.ostrc_weekday and not already_scheduled(
        connection, "compliance_summary", team.team_id, due
    ):
        summary = content(
            f"Weekly check-in compliance: {team.name}", compliance_lines(connection, team, day), CASELOAD_LINK
        )
        therapists = staff_of(connection, team.team_id, "therapist", team.timezone)
        key = f"compliance:{team.team_id}:{day.isoformat()}"
        messages += addressed(
            connection, therapists, "compliance_summary", key, summary, due, team_id=team.team_id, minimal=minimal
        )
    return messages


def schedule(engine: Engine, now: dt.datetime) -> int:
    """Enqueue every scheduled message due at `now` (reminders, invitations, digests, summaries), one
    transaction per team with something new (the dedupe keys make a race of two workers harmless);
    returns the rows added (0 when the schedule already ran for this moment)."""
    with engine.connect() as connection:
        teams = team_settings(connection)
    added = 0
    for team in teams:
        if local_due(team, now, team.reminder_minute) is None and local_due(team, now, team.digest_minute) is None:
            continue
        with engine.connect() as connection:  # read first: the write lock only when there is something new
            minimal = minimal_mode(connection)
            messages = [*reminders(connection, team, now, minimal), *digests(connection, team, now, minimal)]
        if messages:
            with write_transaction(engine) as connection:
                added += enqueue(connection, messages, now)
    return added


def enqueue_test_message(engine: Engine, address: str, now: dt.datetime) -> int:
    """Enqueue a test message to an e-mail address or (an http(s) address) a webhook; returns its row id."""
    channel = "webhook" if address.startswith(("http://", "https://")) else "email"
    said = content("Test message from Fascia", ["This is a test message: Fascia can reach this address."], "/")
    key = f"test:{channel}:{address}:{utc(now).isoformat()}"
    message = Message("test_message", key, channel, said.subject, said.text, said.link, now, said.html, address=address)
    with write_transaction(engine) as connection:
        enqueue(connection, [message], now)
        return int(connection.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)))
