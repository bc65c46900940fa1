"""A team's own flag thresholds: DESIGN.md's defaults (`analytics.flags.FlagRules`) overridden by the rows of
`flag_rules` (one per team and threshold the team set away from its default), their reads and their one write.

Rules:
- A team's rules are the defaults with the team's rows laid over them (`rules_from`); a row naming a
  threshold `FlagRules` no longer has is ignored. Every screen that shows flags computes each athlete's flags
  with their team's rules (`views.flags`), and so do the red pain flags of a check-in's alert
  (`data.notifications`).
- Each threshold has a range it may take (`RULE_LIMITS`), whole numbers where `FlagRules` holds an ``int``;
  a baseline needs at least as many days as the reports or check-ins it asks for. Anything else is refused
  naming the threshold.
- Who: a therapist of the team, or an admin, may change a team's rules (`save_team_rules`); a coach, an
  athlete or a therapist of another team is refused. Only values that differ from the default are stored,
  and each change is audited with every threshold's old and new value (`data.audit.changes_detail`).
- The reads here are unscoped; pages read the rules of the teams in their viewer's scope through
  `data.scoped.flag_rules`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

import pandas as pd
from sqlalchemy import Connection, Engine, delete, insert, select

from analytics.flags import FlagRules
from data.access import Viewer
from data.audit import audit, changes_detail
from data.db import retry_on_conflict, write_transaction
from data.errors import ValidationError
from data.models import Athlete, FlagRuleSetting, Team

#: The roles that may change a team's rules.
TUNING_ROLES: tuple[str, ...] = ("therapist", "admin")
#: Every threshold of `FlagRules`, in its order.
RULE_NAMES: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(FlagRules))
#: The thresholds `FlagRules` holds as whole numbers (days, reports, points on a 0-10 scale).
WHOLE_NUMBER_RULES: frozenset[str] = frozenset(f.name for f in dataclasses.fields(FlagRules) if f.type == "int")
#: The range each threshold may take (inclusive). Baselines stay within the 120 days the screens read
#: before a day (`views.flags.FLAG_LOOKBACK_DAYS`).
RULE_LIMITS: dict[str, tuple[float, float]] = {
    "pain_spike_points": (1.0, 6.0),
    "pain_baseline_days": (7, 90),
    "pain_min_baseline": (3, 60),
    "persistent_min_pain": (1, 10),
    "persistent_reports": (2, 30),
    "new_pain_min": (1, 10),
    "new_pain_gap_days": (1, 60),
    "rom_fraction": (0.0, 0.5),
    "rom_current_days": (7, 90),
    "wellness_drop_sd": (0.5, 4.0),
    "wellness_baseline_days": (7, 90),
    "wellness_min_baseline": (2, 60),
    "missing_checkin_days": (1, 14),
    "ostrc_current_days": (7, 60),
}
#: (the count, the baseline it must fit in): a baseline of fewer days than the reports it asks for never flags.
BASELINE_PAIRS: tuple[tuple[str, str], ...] = (
    ("pain_min_baseline", "pain_baseline_days"),
    ("wellness_min_baseline", "wellness_baseline_days"),
)
DEFAULTS = FlagRules()
#: The columns of `team_overrides`.
OVERRIDE_COLUMNS: tuple[str, ...] = ("team_id", "rule", "value", "changed_by", "changed_at")


def rules_from(overrides: Mapping[str, float]) -> FlagRules:
    """The defaults with `overrides` (threshold name -> value) laid over them; unknown names are ignored."""
    known = {name: value for name, value in overrides.items() if name in RULE_NAMES}
    typed = {name: int(round(value)) if name in WHOLE_NUMBER_RULES else float(value) for name, value in known.items()}
    return dataclasses.replace(DEFAULTS, **typed)


def rule_values(rules: FlagRules) -> dict[str, float]:
    """Every threshold of `rules` by name."""
    return {name: getattr(rules, name) for name in RULE_NAMES}


def checked_values(values: Mapping[str, float]) -> dict[str, float]:
    """`values` (threshold name -> value) refused naming the threshold when unknown, out of range, not a whole
    number where one is needed, or asking for more reports than its baseline has days; else as `FlagRules`
    types them."""
    out: dict[str, float] = {}
    for name, value in values.items():
        if name not in RULE_LIMITS:
            raise ValidationError(name, value, "is not a flag threshold")
        number = float(value)
        low, high = RULE_LIMITS[name]
        if not low <= number <= high:
            raise ValidationError(name, value, f"must be between {low:g} and {high:g}")
        if name in WHOLE_NUMBER_RULES and number != int(number):
            raise ValidationError(name, value, "must be a whole number")
        out[name] = int(number) if name in WHOLE_NUMBER_RULES else number
    merged = {**rule_values(DEFAULTS), **out}
    for count, days in BASELINE_PAIRS:
        if merged[count] > merged[days]:
            raise ValidationError(count, merged[count], f"is more than the {merged[days]} days of its baseline")
    return out


def team_overrides(connection: Connection, team_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """The stored thresholds (`OVERRIDE_COLUMNS`) of `team_ids` (None: every team), by team and threshold."""
    query = select(
        FlagRuleSetting.team_id,
        FlagRuleSetting.rule,
        FlagRuleSetting.value,
        FlagRuleSetting.changed_by,
        FlagRuleSetting.changed_at,
    ).order_by(FlagRuleSetting.team_id, FlagRuleSetting.rule)
    if team_ids is not None:
        query = query.where(FlagRuleSetting.team_id.in_([int(t) for t in team_ids]))
    rows = connection.execute(query).all()
    return pd.DataFrame(
        {
            "team_id": pd.array([r.team_id for r in rows], dtype="int64"),
            "rule": pd.array([r.rule for r in rows], dtype=object),
            "value": pd.array([float(r.value) for r in rows], dtype="float64"),
            "changed_by": pd.array([r.changed_by for r in rows], dtype="Int64"),
            "changed_at": pd.to_datetime(pd.Series([r.changed_at for r in rows], dtype=object), utc=True),
        },
        columns=list(OVERRIDE_COLUMNS),
    )


def rules_by_team(overrides: pd.DataFrame) -> dict[int, FlagRules]:
    """Each team with stored thresholds (`team_overrides` rows) -> its rules; teams without rows are left out
    (they use the defaults)."""
    grouped = overrides.groupby("team_id")
    return {int(team): rules_from(dict(zip(g["rule"], g["value"], strict=True))) for team, g in grouped}


def team_rules(engine: Engine, team_id: int) -> FlagRules:
    """The rules of team `team_id`: the defaults with its stored thresholds laid over them."""
    with engine.connect() as connection:
        return rules_by_team(team_overrides(connection, [team_id])).get(int(team_id), DEFAULTS)


def athlete_rules(connection: Connection, athlete_id: int) -> FlagRules:
    """The rules of the athlete's team (the defaults for an unknown athlete), read on `connection`."""
    team = connection.scalar(select(Athlete.team_id).where(Athlete.id == int(athlete_id)))
    if team is None:
        return DEFAULTS
    return rules_by_team(team_overrides(connection, [team])).get(int(team), DEFAULTS)


def may_tune(who: Viewer, team_id: int) -> bool:
    """Whether `who` may change the rules of team `team_id`: an admin, or a therapist of that team."""
    return who.role == "admin" or (who.role in TUNING_ROLES and int(team_id) in who.team_ids)


@retry_on_conflict
def save_team_rules(engine: Engine, who: Viewer, team_id: int, values: Mapping[str, float]) -> FlagRules:
    """Set team `team_id`'s thresholds to `values` (threshold name -> value; a threshold not named goes back
    to its default) and return the team's rules. Refused (`ValidationError`) for anyone but an admin or a
    therapist of the team, and for a value `checked_values` refuses. Only values away from the default are
    stored; a change is audited (action ``update``, table ``flag_rules``, the team's id, each changed
    threshold's old and new value), saving the same values again writes nothing."""
    if not may_tune(who, team_id):
        raise ValidationError("team_id", team_id, "is not a team whose flag rules you may change")
    wanted = checked_values(values)
    new = rules_from(wanted)
    stored = {name: value for name, value in rule_values(new).items() if value != getattr(DEFAULTS, name)}
    with write_transaction(engine) as connection:
        if connection.scalar(select(Team.id).where(Team.id == int(team_id))) is None:
            raise ValidationError("team_id", team_id, "is not a team")
        before = rules_by_team(team_overrides(connection, [team_id])).get(int(team_id), DEFAULTS)
        if before == new:
            return new
        connection.execute(delete(FlagRuleSetting).where(FlagRuleSetting.team_id == int(team_id)))
        if stored:
            connection.execute(
                insert(FlagRuleSetting),
                [
                    {"team_id": int(team_id), "rule": name, "value": float(value), "changed_by": who.user_id}
                    for name, value in stored.items()
                ],
            )
        audit(
            connection,
            who.user_id,
            "update",
            "flag_rules",
            int(team_id),
            changes_detail(rule_values(before), rule_values(new)),
        )
    return new
