"""The design's flags (DESIGN.md, "Flags"): each a row that shows its rule, values and baseline size.

Every flag is one row ``athlete_id, date, kind, rule, values, baseline_n, body_region, side, measure``:
``rule`` says in words what tripped, ``values`` the numbers that tripped it, ``baseline_n`` the size of
the baseline it compared against (missing for rules without one). No black boxes.

Identity. A flag is identified by :data:`FLAG_IDENTITY`: ``athlete_id, date, kind, body_region, side,
measure``. ``body_region`` and ``side`` are missing for kinds not about a region (wellness, check-ins,
OSTRC); ``measure`` is the ROM measure's ``joint/movement`` code for ``rom_asymmetry`` (e.g.
``shoulder/internal_rotation``: one athlete can have several asymmetric measures of one region and side
on one day) and ``""`` for every other kind. Every rule yields at most one flag per identity, so a
therapist's review (``flag_reviews``), a widget key or a lookup built from it names exactly one flag;
compared with a missing region or side read as ``""`` (`flag_identity`).

Kinds and default rules (all thresholds in :class:`FlagRules`):

- ``pain_spike``: pain today >= the athlete's own 28-day mean + 2 points, with >= 7 reports in the
  baseline. Choice: per region and side; the baseline is that region and side's reports in the 28 days
  **before** today (today excluded, else it would sit in its own baseline).
- ``persistent_pain``: the same region and side at NPRS >= 3 on >= 5 consecutive reports (reports, not
  calendar days). Raised on every report that extends such a run.
- ``new_pain_injured_region``: new pain in a region injured before. Choices: *new* = NPRS >= 1 when the
  previous report of that region and side is absent from the previous 7 days or was 0; *injured before*
  = an injury of the same region with a compatible side (equal, or either central/bilateral) whose
  onset is before the report day and whose return to full participation is on or before it (pain
  during a current injury is expected, not new).
- ``rom_asymmetry``: |left - right| > MDC and > 10 % of the larger side (`analytics.rom.rom_symmetry`),
  on the day both sides were measured.
- ``wellness_drop``: wellness total (fatigue + sleep quality + soreness + stress + mood, 5-25, higher =
  better; missing when an item is missing) down by >= 1.5 SD of the athlete's own 28-day baseline (the
  28 days before today, >= 7 complete check-ins, sample SD). Choice: with a flat baseline (SD 0) any
  drop flags; no drop never does.
- ``missing_checkin``: no check-in for >= 3 days, i.e. none today nor on the 2 days before. Choice: an
  athlete is expected to check in from their first check-in on (with `athletes`, only active athletes
  are expected, and active athletes with no check-in on record are flagged every day).
- ``ostrc_substantial``: OSTRC-O2 substantial problem, Q1 = 25 or Q2 >= 17 or Q3 >= 17 (Clarsen et al.
  2013, 2020), computed by ``analytics.surveillance.ostrc_substantial``.

Dates. ``date`` is always the day of the data that tripped the flag (report, check-in, measurement
day, OSTRC week start). `as_of` is "today". With ``start=None`` you get the *today board*: flags dated
`as_of`, plus the states that still hold then: each athlete's latest ROM comparison within
``rom_current_days`` (28) and latest OSTRC response within ``ostrc_current_days`` (14), if they trip.
With a `start` you get the *history*: every flag dated from `start` to `as_of`. Data after `as_of` is
never used.

Performance: everything is vectorised (sorting, cumulative sums, binary search); there is no Python
loop over athletes, days or rows. The rules work on numpy arrays (`Columns`) rather than DataFrames:
a page asks for one athlete or one team (a few hundred rows), where pandas' fixed cost per operation
would dominate, and a whole two-year organisation history runs in a few seconds. The array tricks
(trailing windows, run lengths, packed athlete-day keys) are `analytics.kernels`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import schemas as S
from analytics.kernels import (
    day_numbers,
    day_numbers_as_dates,
    first_row_per_group_day,
    run_ends,
    run_lengths,
    trailing_window_sums,
)
from analytics.recovery import checked_pain, daily_pain_arrays, sides_compatible
from analytics.rom import symmetry_columns
from analytics.validation import checked, empty_frame

FLAG_KINDS: tuple[str, ...] = (
    "pain_spike",
    "persistent_pain",
    "new_pain_injured_region",
    "rom_asymmetry",
    "wellness_drop",
    "missing_checkin",
    "ostrc_substantial",
)
#: Flag level per kind, the same on every screen: red = a current pain or health problem,
#: amber = a caution to follow up.
FLAG_LEVEL: dict[str, str] = {
    "pain_spike": "red",
    "persistent_pain": "red",
    "new_pain_injured_region": "red",
    "ostrc_substantial": "red",
    "rom_asymmetry": "amber",
    "wellness_drop": "amber",
    "missing_checkin": "amber",
}
WELLNESS_ITEMS = ("fatigue", "sleep_quality", "soreness", "stress", "mood")
_EPS = 1e-9
_PAIN_KEYS = ["athlete_id", "body_region", "side"]
_COLUMNS = ["athlete_id", "date", "kind", "rule", "values", "baseline_n", "body_region", "side", "measure"]
#: The columns that identify one flag (module docstring, "Identity").
FLAG_IDENTITY: tuple[str, ...] = ("athlete_id", "date", "kind", "body_region", "side", "measure")


@dataclass(frozen=True)
class FlagRules:
    """Thresholds of every flag, defaulting to DESIGN.md's values."""

    pain_spike_points: float = 2.0
    pain_baseline_days: int = 28
    pain_min_baseline: int = 7
    persistent_min_pain: int = 3
    persistent_reports: int = 5
    new_pain_min: int = 1
    new_pain_gap_days: int = 7
    rom_fraction: float = 0.10
    rom_current_days: int = 28
    wellness_drop_sd: float = 1.5
    wellness_baseline_days: int = 28
    wellness_min_baseline: int = 7
    missing_checkin_days: int = 3
    ostrc_current_days: int = 14

    def __post_init__(self) -> None:
        if self.wellness_min_baseline < 2:
            raise ValueError("wellness_min_baseline must be at least 2 (a standard deviation needs two values)")
        if min(self.pain_baseline_days, self.wellness_baseline_days, self.missing_checkin_days) < 1:
            raise ValueError("day counts must be positive")


# --------------------------------------------------------------------------- helpers


def _ts(value: object) -> pd.Timestamp:
    return pd.Timestamp(value).normalize()


def _range(as_of: pd.Timestamp, start: object | None) -> pd.Timestamp:
    lo = _ts(start) if start is not None else as_of
    if lo > as_of:
        raise ValueError("start must not be after as_of")
    return lo


def _day_number(day: pd.Timestamp) -> int:
    """Days since 1970-01-01 of a (normalised) timestamp."""
    return int(day.to_datetime64().astype("datetime64[D]").astype(np.int64))


def _num(values: np.ndarray, decimals: int = 1, missing: str = "n/a") -> np.ndarray:
    """Numbers as text (an object array), rounded to 0 or 1 decimal, whole numbers without ".0"; vectorised.

    Built from integer tenths with numpy's C int-to-text conversion, because formatting floats one by
    one costs seconds on the ~10^5 flags of a two-year organisation history.
    """
    if decimals not in (0, 1):
        raise ValueError("decimals must be 0 or 1")
    v = np.asarray(values, dtype=float)
    finite = np.isfinite(v)
    scale = 10**decimals
    k = np.round(np.where(finite, v, 0.0) * scale).astype(np.int64)
    negative = k < 0
    k = np.abs(k)
    text = _text(k // scale)
    if decimals:
        tenths = k % scale
        text = np.where(tenths > 0, text + "." + _text(tenths), text)
    text = np.where(negative, "-" + text, text)
    return np.where(finite, text, missing).astype(object)


def _text(values: np.ndarray) -> np.ndarray:
    """Integers as text, an object array (so ``+`` joins it with other text element by element)."""
    return np.asarray(values).astype(str).astype(object)


def _days(values: np.ndarray) -> np.ndarray:
    """Datetimes as days since 1970-01-01 (the calendar day, time of day dropped)."""
    return values.astype("datetime64[D]").astype(np.int64)


def _day(values: np.ndarray) -> np.ndarray:
    """Datetimes or day numbers as ``YYYY-MM-DD`` text (an object array)."""
    return np.asarray(values).astype("datetime64[D]").astype(str).astype(object)


#: A rule's rows, or a prepared input, as equal-length numpy arrays by column name: the inputs of a page
#: are a few hundred rows, where pandas' fixed cost per operation would dominate.
Columns = dict[str, np.ndarray]


def _take(columns: Columns, rows: np.ndarray) -> Columns:
    """The `rows` (a mask or positions) of every column."""
    return {c: v[rows] for c, v in columns.items()}


def _rows(
    kind: str,
    rule: str,
    athlete_id: np.ndarray,
    date: np.ndarray,
    values: np.ndarray,
    baseline_n: np.ndarray | None = None,
    body_region: np.ndarray | None = None,
    side: np.ndarray | None = None,
    measure: np.ndarray | None = None,
) -> Columns:
    """One rule's flags: the ``Flags`` columns as arrays (``baseline_n`` as float, NaN = none; no
    `measure` = ``""``)."""
    n = len(athlete_id)
    return {
        "athlete_id": np.asarray(athlete_id, dtype=np.int64),
        "date": np.asarray(date, dtype="datetime64[ns]"),
        "kind": np.full(n, kind, dtype=object),
        "rule": np.full(n, rule, dtype=object),
        "values": np.asarray(values, dtype=object),
        "baseline_n": np.asarray(baseline_n, dtype=float) if baseline_n is not None else np.full(n, np.nan),
        "body_region": np.asarray(body_region, dtype=object) if body_region is not None else np.full(n, None, object),
        "side": np.asarray(side, dtype=object) if side is not None else np.full(n, None, object),
        "measure": np.asarray(measure, dtype=object) if measure is not None else np.full(n, "", object),
    }


def _finish(rules: list[Columns]) -> pd.DataFrame:
    """Concatenate the rules' rows column by column, sort deterministically and check against ``Flags``."""
    rules = [f for f in rules if len(f["athlete_id"])]
    if not rules:
        return empty_frame(S.Flags)
    columns = {c: np.concatenate([f[c] for f in rules]) for c in _COLUMNS}
    order = _sort_order(columns, ("date", "athlete_id", "kind", "body_region", "side", "measure"))
    out = {c: v[order] for c, v in columns.items()}
    baseline_n = out["baseline_n"]
    missing = np.isnan(baseline_n)
    out["baseline_n"] = pd.arrays.IntegerArray(np.where(missing, 0, baseline_n).astype(np.int64), missing)
    return checked(pd.DataFrame(out), S.Flags)


def _sort_order(columns: Columns, by: tuple[str, ...]) -> np.ndarray:
    """Positions that sort `columns` by the `by` columns, missing values last: what pandas'
    ``sort_values(by)`` does (ranks of each column's sorted distinct values, then a stable lexsort)."""
    ranks = []
    for c in reversed(by):  # np.lexsort's last key is the primary one
        values = columns[c]
        if values.dtype == object:
            code, distinct = pd.factorize(values, sort=True)
            values = np.where(code < 0, len(distinct), code)
        ranks.append(values)
    return np.lexsort(ranks)


def _pain(pain_reports: pd.DataFrame) -> Columns:
    """Daily pain (`analytics.recovery.daily_pain` with its codes, as arrays: one per athlete, region,
    side and date; sorted) with its group code and day number; `pain_reports` checked here, where the
    public functions hand it in."""
    arrays = daily_pain_arrays(checked_pain(pain_reports))
    return {
        "athlete_id": arrays.athlete,
        "body_region": arrays.regions[arrays.region],
        "side": arrays.sides[arrays.side],
        "date": day_numbers_as_dates(arrays.day),
        "pain": arrays.pain,
        "group": np.cumsum(arrays.new_key) - 1,
        "day": arrays.day,
    }


#: The check-in columns the flags read: the wellness total's five items.
CHECKIN_COLUMNS = ("athlete_id", "date", *WELLNESS_ITEMS)
#: The athlete columns the flags read (``missing_checkin`` expects check-ins from active athletes only).
ATHLETE_COLUMNS = ("athlete_id", "active")


def _checkins(wellness_checkins: pd.DataFrame, items: bool) -> Columns:
    """Check-ins reduced to what the flags need: ``athlete_id, day, date`` [, ``total``].

    Validated; one per athlete and day (the first row of duplicates kept); sorted by athlete and day
    (already sorted input, as queries return it, skips the sort). ``total`` is the sum of the five
    wellness items, missing when any item is missing.
    """
    columns = CHECKIN_COLUMNS if items else ("athlete_id", "date")
    checkins = checked(wellness_checkins, S.WellnessCheckins, columns)
    athlete = checkins["athlete_id"].to_numpy(np.int64)
    day = day_numbers(checkins["date"])
    total = None
    if items:
        total = np.zeros(len(checkins))
        for item in WELLNESS_ITEMS:  # five columns, not rows
            total += checkins[item].to_numpy(dtype=float, na_value=np.nan)
    take = first_row_per_group_day(athlete, day)
    if take is not None:
        athlete, day = athlete[take], day[take]
        total = total[take] if total is not None else None
    out = {"athlete_id": athlete, "day": day, "date": day_numbers_as_dates(day)}
    if total is not None:
        out["total"] = total
    return out


def _latest(*dates: pd.Series | np.ndarray | None) -> pd.Timestamp:
    found = [pd.Timestamp(d.max()) for d in dates if d is not None and len(d)]
    found = [d for d in found if pd.notna(d)]
    if not found:
        raise ValueError("as_of cannot be inferred from empty inputs; pass it explicitly")
    return _ts(max(found))


# --------------------------------------------------------------------------- pain rules


def _pain_spike(daily: Columns, as_of: pd.Timestamp, lo: pd.Timestamp, rules: FlagRules) -> Columns:
    days = rules.pain_baseline_days
    lo_day = _day_number(lo)
    daily = _take(daily, (daily["day"] <= _day_number(as_of)) & (daily["day"] >= lo_day - days))
    pain = daily["pain"].astype(float)
    count, total, _ = trailing_window_sums(daily["group"], daily["day"], pain, days, include_current=False)
    mean = total / np.maximum(count, 1)
    hit = (
        (daily["day"] >= lo_day) & (count >= rules.pain_min_baseline) & (pain >= mean + rules.pain_spike_points - _EPS)
    )
    fired, mean = _take(daily, hit), mean[hit]
    rule = (
        f"pain >= own {days}-day mean + {rules.pain_spike_points:g} points (same region and side; "
        f">= {rules.pain_min_baseline} reports in the baseline; today excluded)"
    )
    values = (
        fired["body_region"]
        + " "
        + fired["side"]
        + ": pain "
        + _text(fired["pain"])
        + " vs mean "
        + _num(mean)
        + " (threshold "
        + _num(mean + rules.pain_spike_points)
        + ")"
    )
    return _rows(
        "pain_spike", rule, fired["athlete_id"], fired["date"], values, count[hit], fired["body_region"], fired["side"]
    )


def _persistent(daily: Columns, as_of: pd.Timestamp, lo: pd.Timestamp, rules: FlagRules) -> Columns:
    daily = _take(daily, daily["day"] <= _day_number(as_of))
    runs = run_lengths(daily["group"], daily["pain"] >= rules.persistent_min_pain)
    hit = (runs >= rules.persistent_reports) & (daily["day"] >= _day_number(lo))
    fired = _take(daily, hit)
    rule = (
        f"same region and side at NPRS >= {rules.persistent_min_pain} on >= {rules.persistent_reports} "
        "consecutive reports"
    )
    values = (
        fired["body_region"]
        + " "
        + fired["side"]
        + ": NPRS >= "
        + str(rules.persistent_min_pain)
        + " on "
        + _text(runs[hit])
        + " consecutive reports, latest "
        + _text(fired["pain"])
    )
    return _rows(
        "persistent_pain", rule, fired["athlete_id"], fired["date"], values, None, fired["body_region"], fired["side"]
    )


def _injuries(injuries: pd.DataFrame) -> Columns:
    """Validated injuries for ``new_pain_injured_region``, each once (its first row), as arrays."""
    columns = ("injury_id", "athlete_id", "onset_date", "body_region", "side", "injury_type", "return_date")
    inj = checked(injuries, S.Injuries, columns)
    ids = inj["injury_id"].to_numpy(np.int64)
    _, first = np.unique(ids, return_index=True)
    first.sort()
    out = {c: inj[c].to_numpy() for c in columns}
    out["injury_id"] = ids
    return _take(out, first)


def _pairs(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of every (left, right) pair with equal keys, as an inner merge gives them: in the order
    of `left`, then of `right`. Binary search in the sorted right keys, no loop over rows."""
    order = np.argsort(right, kind="stable")
    ordered = right[order]
    first = np.searchsorted(ordered, left, "left")
    count = np.searchsorted(ordered, left, "right") - first
    at = np.repeat(np.arange(len(left)), count)
    offset = np.arange(len(at)) - np.repeat(np.cumsum(count) - count, count)
    return at, order[first[at] + offset]


def _new_pain(
    daily: Columns, injuries: pd.DataFrame, as_of: pd.Timestamp, lo: pd.Timestamp, rules: FlagRules
) -> Columns:
    daily = _take(daily, daily["day"] <= _day_number(as_of))
    group, day, pain = daily["group"], daily["day"], daily["pain"]
    same = np.zeros(len(day), dtype=bool)
    same[1:] = group[1:] == group[:-1]
    prev_day = np.where(same, np.roll(day, 1), -(10**9))
    prev_pain = np.where(same, np.roll(pain, 1), -1)
    recent = same & (day - prev_day <= rules.new_pain_gap_days)
    new = (pain >= rules.new_pain_min) & (~recent | (prev_pain == 0)) & (day >= _day_number(lo))
    new_reports = _take(daily, new)
    new_reports["prev_day"], new_reports["recent"] = prev_day[new], recent[new]
    injured = _injuries(injuries)
    n = len(new_reports["day"])
    athlete = pd.factorize(np.concatenate([new_reports["athlete_id"], injured["athlete_id"]]))[0]
    region, regions = pd.factorize(np.concatenate([new_reports["body_region"], injured["body_region"]]))
    key = athlete * np.int64(len(regions)) + region
    report, injury = _pairs(key[:n], key[n:])
    returned = injured["return_date"][injury]
    ok = (
        sides_compatible(new_reports["side"][report], injured["side"][injury])
        & (_days(injured["onset_date"][injury]) < new_reports["day"][report])  # began before the report day
        & ~np.isnat(returned)
        & (_days(returned) <= new_reports["day"][report])  # and returned to full participation on or before it
    )
    report, injury = report[ok], injury[ok]
    # Per report, the injury with the latest onset (then the highest id)
    last = np.lexsort((injured["injury_id"][injury], injured["onset_date"][injury], report))
    report, injury = report[last], injury[last]
    keep = run_ends(report)
    flagged, named_injury = _take(new_reports, report[keep]), _take(injured, injury[keep])
    rule = (
        f"new pain (NPRS >= {rules.new_pain_min} with no report in the previous {rules.new_pain_gap_days} days, "
        "or after a 0) in a region and side injured before (returned to full participation)"
    )
    prev_text = np.where(
        flagged["recent"],
        "after 0 on " + _day(np.where(flagged["recent"], flagged["prev_day"], flagged["day"])),
        "after no recent report",
    )
    values = (
        flagged["body_region"]
        + " "
        + flagged["side"]
        + ": pain "
        + _text(flagged["pain"])
        + " "
        + prev_text
        + "; injury "
        + _text(named_injury["injury_id"])
        + " ("
        + named_injury["injury_type"]
        + ", onset "
        + _day(named_injury["onset_date"])
        + ", returned "
        + _day(named_injury["return_date"])
        + ")"
    )
    return _rows(
        "new_pain_injured_region",
        rule,
        flagged["athlete_id"],
        flagged["date"],
        values,
        None,
        flagged["body_region"],
        flagged["side"],
    )


def pain_spike_flags(
    pain_reports: pd.DataFrame, as_of: object | None = None, start: object | None = None, rules: FlagRules | None = None
) -> pd.DataFrame:
    """``pain_spike`` flags: pain >= own 28-day mean + 2 points with >= 7 reports in the baseline.

    See the module docstring for the choices (per region and side; today excluded from the baseline;
    `as_of` defaults to the latest report; `start` None = the today board). Returns ``Flags``.
    """
    rules = rules or FlagRules()
    daily = _pain(pain_reports)
    as_of_ts = _ts(as_of) if as_of is not None else _latest(daily["date"])
    return _finish([_pain_spike(daily, as_of_ts, _range(as_of_ts, start), rules)])


def persistent_pain_flags(
    pain_reports: pd.DataFrame, as_of: object | None = None, start: object | None = None, rules: FlagRules | None = None
) -> pd.DataFrame:
    """``persistent_pain`` flags: same region and side at NPRS >= 3 on >= 5 consecutive reports.

    Raised on each report that ends such a run (so it stays on the board while the run continues).
    Returns ``Flags``.
    """
    rules = rules or FlagRules()
    daily = _pain(pain_reports)
    as_of_ts = _ts(as_of) if as_of is not None else _latest(daily["date"])
    return _finish([_persistent(daily, as_of_ts, _range(as_of_ts, start), rules)])


def new_pain_flags(
    pain_reports: pd.DataFrame,
    injuries: pd.DataFrame,
    as_of: object | None = None,
    start: object | None = None,
    rules: FlagRules | None = None,
) -> pd.DataFrame:
    """``new_pain_injured_region`` flags: new pain in a region (and compatible side) injured before.

    New = NPRS >= 1 with no report of that region and side in the previous 7 days, or after a 0; the
    injury must have begun before the report day and returned to full participation on or before it;
    the most recent such injury is named. Returns ``Flags``.
    """
    rules = rules or FlagRules()
    daily = _pain(pain_reports)
    as_of_ts = _ts(as_of) if as_of is not None else _latest(daily["date"])
    return _finish([_new_pain(daily, injuries, as_of_ts, _range(as_of_ts, start), rules)])


# --------------------------------------------------------------------------- ROM


def _rom_asymmetry(
    rom_measurements: pd.DataFrame,
    injuries: pd.DataFrame | None,
    norms: pd.DataFrame | None,
    as_of: object | None,
    start: object | None,
    rules: FlagRules,
) -> Columns:
    as_of_ts = _latest(pd.to_datetime(rom_measurements["date"])) if as_of is None else _ts(as_of)
    if start is None:  # today board: the latest comparison per measure within rom_current_days
        first = as_of_ts - pd.Timedelta(days=rules.rom_current_days - 1)
        sym = symmetry_columns(rom_measurements, injuries, norms, False, True, rules.rom_fraction, first, as_of_ts)
    else:
        sym = symmetry_columns(
            rom_measurements, injuries, norms, False, False, rules.rom_fraction, _range(as_of_ts, start), as_of_ts
        )
    fired = _take(sym, sym["asymmetric"])
    unit = np.where(fired["unit"] == "deg", " deg", " cm").astype(object)
    rule = (
        f"ROM asymmetry: |left - right| > MDC and > {rules.rom_fraction:.0%} of the larger side (same-day measurements)"
    )
    measure = fired["joint"] + "/" + fired["movement"]  # codes: `views.words.values_words` words them
    values = (
        measure
        + ": left "
        + _num(fired["left"])
        + unit
        + ", right "
        + _num(fired["right"])
        + unit
        + ", |diff| "
        + _num(fired["abs_diff"])
        + " > MDC "
        + _num(fired["mdc"])
        + " and > "
        + _num(rules.rom_fraction * fired["larger"])
        + "; LSI "
        + _num(fired["lsi"], 0)
        + " %"
    )
    return _rows(
        "rom_asymmetry",
        rule,
        fired["athlete_id"],
        fired["date"],
        values,
        None,
        fired["body_region"],
        fired["involved_side"],
        measure,
    )


def rom_asymmetry_flags(
    rom_measurements: pd.DataFrame,
    injuries: pd.DataFrame | None = None,
    norms: pd.DataFrame | None = None,
    as_of: object | None = None,
    start: object | None = None,
    rules: FlagRules | None = None,
) -> pd.DataFrame:
    """``rom_asymmetry`` flags: |left - right| > MDC and > 10 % of the larger side.

    From :func:`analytics.rom.rom_symmetry` (days with both sides measured, ``post_session`` left out).
    Today board: each athlete's latest comparison per measure within ``rom_current_days`` before
    `as_of`, if asymmetric; history: every asymmetric comparison from `start` to `as_of`. ``side`` is
    the involved side (injured, else smaller); ``measure`` the ``joint/movement`` code. Returns ``Flags``.
    """
    return _finish([_rom_asymmetry(rom_measurements, injuries, norms, as_of, start, rules or FlagRules())])


# --------------------------------------------------------------------------- wellness and check-ins


def _wellness_drop(checkins: Columns, as_of: pd.Timestamp, lo: pd.Timestamp, rules: FlagRules) -> Columns:
    days = rules.wellness_baseline_days
    lo_day = _day_number(lo)
    checkins = _take(checkins, (checkins["day"] <= _day_number(as_of)) & (checkins["day"] >= lo_day - days))
    total = checkins["total"]
    count, s, q = trailing_window_sums(checkins["athlete_id"], checkins["day"], total, days, include_current=False)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s / count
        var = (q - s * s / count) / (count - 1)
    sd = np.sqrt(np.clip(var, 0.0, None))
    drop = mean - total
    hit = (
        (checkins["day"] >= lo_day)
        & (count >= rules.wellness_min_baseline)
        & ~np.isnan(total)
        & (drop > _EPS)
        & (drop >= rules.wellness_drop_sd * sd - _EPS)
    )
    fired, sd, drop = _take(checkins, hit), sd[hit], drop[hit]
    with np.errstate(invalid="ignore", divide="ignore"):
        in_sd = _num(drop / np.where(sd > 0, sd, np.nan), missing="inf")
    rule = (
        f"wellness total (5 items, 5-25) down >= {rules.wellness_drop_sd:g} SD from own {days}-day mean "
        f"(>= {rules.wellness_min_baseline} check-ins in the baseline; today excluded)"
    )
    values = (
        "total "
        + _num(fired["total"])
        + " vs mean "
        + _num(mean[hit])
        + " (SD "
        + _num(sd)
        + "); drop "
        + _num(drop)
        + " = "
        + in_sd
        + " SD"
    )
    return _rows("wellness_drop", rule, fired["athlete_id"], fired["date"], values, count[hit])


def _missing_checkin(
    checkins: Columns, athletes: pd.DataFrame | None, as_of: pd.Timestamp, lo: pd.Timestamp, rules: FlagRules
) -> Columns:
    n_days = rules.missing_checkin_days
    lo_d, hi_d = _day_number(lo), _day_number(as_of)
    keep = checkins["day"] <= hi_d
    expected = None
    if athletes is not None:
        roster = checked(athletes, S.Athletes, ATHLETE_COLUMNS)
        expected = np.unique(roster["athlete_id"].to_numpy(np.int64)[roster["active"].to_numpy(dtype=bool)])
        keep &= np.isin(checkins["athlete_id"], expected)
    athlete = checkins["athlete_id"][keep]
    day = checkins["day"][keep]
    last_of_athlete = np.ones(len(day), dtype=bool)
    last_of_athlete[:-1] = athlete[1:] != athlete[:-1]
    next_day = np.where(last_of_athlete, hi_d + 1, np.roll(day, -1))
    # Days flagged after check-in day c (until the next check-in): c + n_days ... next - 1, within [lo, as_of].
    first = np.maximum(day + n_days, lo_d)
    last = np.minimum(next_day - 1, hi_d)
    length = np.clip(last - first + 1, 0, None)
    reps = np.repeat(np.arange(len(day)), length)
    offset = np.arange(reps.size) - np.repeat(np.cumsum(length) - length, length)
    flag_day = first[reps] + offset
    flagged_athlete = athlete[reps]
    values = "last check-in " + _day(day[reps]) + " (" + _text(flag_day - day[reps]) + " days before)"
    if expected is not None:  # active athletes with no check-in on record: every day of the range
        never = np.setdiff1d(expected, np.unique(athlete))
        span = np.arange(lo_d, hi_d + 1)
        flagged_athlete = np.concatenate([flagged_athlete, np.repeat(never, len(span))])
        flag_day = np.concatenate([flag_day, np.tile(span, len(never))])
        values = np.concatenate([values, np.full(len(never) * len(span), "no check-in on record", dtype=object)])
    rule = f"no check-in for >= {n_days} days (none today nor on the {n_days - 1} days before)"
    return _rows("missing_checkin", rule, flagged_athlete, flag_day.astype("datetime64[D]"), values)


def wellness_drop_flags(
    wellness_checkins: pd.DataFrame,
    as_of: object | None = None,
    start: object | None = None,
    rules: FlagRules | None = None,
) -> pd.DataFrame:
    """``wellness_drop`` flags: wellness total >= 1.5 SD below the athlete's own 28-day mean.

    Total = the sum of the five 1-5 items (missing if any item is); baseline = complete check-ins of the
    28 days before today (>= ``wellness_min_baseline``), sample SD; a flat baseline flags any drop.
    Returns ``Flags``.
    """
    rules = rules or FlagRules()
    checkins = _checkins(wellness_checkins, items=True)
    as_of_ts = _ts(as_of) if as_of is not None else _latest(checkins["date"])
    return _finish([_wellness_drop(checkins, as_of_ts, _range(as_of_ts, start), rules)])


def missing_checkin_flags(
    wellness_checkins: pd.DataFrame,
    athletes: pd.DataFrame | None = None,
    as_of: object | None = None,
    start: object | None = None,
    rules: FlagRules | None = None,
) -> pd.DataFrame:
    """``missing_checkin`` flags: no check-in today nor on the 2 days before (3 days by default).

    Expected from each athlete's first check-in; with `athletes`, only active athletes, and active
    athletes without any check-in are flagged on every day. One row per athlete and flagged day.
    Returns ``Flags``.
    """
    rules = rules or FlagRules()
    checkins = _checkins(wellness_checkins, items=False)
    as_of_ts = _ts(as_of) if as_of is not None else _latest(checkins["date"])
    return _finish([_missing_checkin(checkins, athletes, as_of_ts, _range(as_of_ts, start), rules)])


# --------------------------------------------------------------------------- OSTRC


def _ostrc(ostrc_responses: pd.DataFrame, as_of: object | None, start: object | None, rules: FlagRules) -> Columns:
    responses = checked(ostrc_responses, S.OstrcResponses, ("athlete_id", "week_start", "q1", "q2", "q3", "q4"))
    athlete = responses["athlete_id"].to_numpy(np.int64)
    day = _days(responses["week_start"].to_numpy(dtype="datetime64[ns]"))
    as_of_ts = _ts(as_of) if as_of is not None else _latest(day.astype("datetime64[D]"))
    # Up to as_of, sorted by athlete and week, the first response of an athlete and week kept
    order = np.lexsort((day, athlete))
    order = order[day[order] <= _day_number(as_of_ts)]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (athlete[order][1:] != athlete[order][:-1]) | (day[order][1:] != day[order][:-1])
    rows = order[first]
    if start is None:  # each athlete's latest response, if it is recent
        recent = _day_number(as_of_ts - pd.Timedelta(days=rules.ostrc_current_days))
        rows = rows[run_ends(athlete[rows]) & (day[rows] > recent)]
    else:
        rows = rows[day[rows] >= _day_number(_range(as_of_ts, start))]
    q1, q2, q3, q4 = (responses[q].to_numpy(np.int64)[rows] for q in ("q1", "q2", "q3", "q4"))
    # `analytics.surveillance.ostrc_substantial`'s rule on answers the schema has checked (its own
    # checks and conversions cost milliseconds per call); a test holds the two equal on all 256 answers.
    substantial = (q1 == 25) | (q2 >= 17) | (q3 >= 17)
    rows, q1, q2, q3, q4 = (x[substantial] for x in (rows, q1, q2, q3, q4))
    values = (
        "Q1 "
        + _text(q1)
        + ", Q2 "
        + _text(q2)
        + ", Q3 "
        + _text(q3)
        + ", Q4 "
        + _text(q4)
        + "; severity "
        + _text(q1 + q2 + q3 + q4)
    )
    rule = "OSTRC-O2 substantial problem: Q1 = 25 or Q2 >= 17 or Q3 >= 17 (Clarsen et al. 2013)"
    return _rows("ostrc_substantial", rule, athlete[rows], day[rows].astype("datetime64[D]"), values)


def ostrc_flags(
    ostrc_responses: pd.DataFrame,
    as_of: object | None = None,
    start: object | None = None,
    rules: FlagRules | None = None,
) -> pd.DataFrame:
    """``ostrc_substantial`` flags, dated on the response's ``week_start``.

    Today board: each athlete's latest response with week start within ``ostrc_current_days`` (14) up to
    `as_of`, if substantial; history: every substantial response from `start` to `as_of`. The values
    give the four answers and the severity score (their sum, 0-100). Returns ``Flags``.
    """
    return _finish([_ostrc(ostrc_responses, as_of, start, rules or FlagRules())])


# --------------------------------------------------------------------------- all flags


def compute_flags(
    *,
    as_of: object | None = None,
    start: object | None = None,
    pain_reports: pd.DataFrame | None = None,
    wellness_checkins: pd.DataFrame | None = None,
    injuries: pd.DataFrame | None = None,
    rom_measurements: pd.DataFrame | None = None,
    ostrc_responses: pd.DataFrame | None = None,
    athletes: pd.DataFrame | None = None,
    rom_norms: pd.DataFrame | None = None,
    rules: FlagRules | None = None,
) -> pd.DataFrame:
    """Every flag the given inputs allow, for the today board (``start=None``) or a history range.

    Each rule runs when its inputs are given: pain reports -> ``pain_spike``, ``persistent_pain``, and
    with injuries ``new_pain_injured_region``; ROM measurements -> ``rom_asymmetry`` (injuries, when
    given, decide the involved side); check-ins -> ``wellness_drop`` and ``missing_checkin`` (athletes,
    when given, restrict the latter to active athletes); OSTRC responses -> ``ostrc_substantial``.
    `as_of` defaults to the latest date in the given inputs. Rules, thresholds and date semantics are in
    the module docstring and :class:`FlagRules`. Inputs are validated once each.

    Returns ``Flags``: ``athlete_id, date, kind, rule, values, baseline_n, body_region, side, measure``,
    at most one row per :data:`FLAG_IDENTITY`, sorted by date, athlete, kind, region, side and measure.
    """
    rules = rules or FlagRules()
    daily = _pain(pain_reports) if pain_reports is not None else None
    checkins = _checkins(wellness_checkins, items=True) if wellness_checkins is not None else None
    if as_of is None:
        dates = [daily["date"] if daily is not None else None, checkins["date"] if checkins is not None else None]
        if rom_measurements is not None and len(rom_measurements):
            dates.append(pd.Series([pd.Timestamp(rom_measurements["date"].max())]))
        if ostrc_responses is not None and len(ostrc_responses):
            dates.append(pd.Series([pd.Timestamp(ostrc_responses["week_start"].max())]))
        as_of_ts = _latest(*dates)
    else:
        as_of_ts = _ts(as_of)
    lo = _range(as_of_ts, start)
    frames = []
    if daily is not None:
        frames.append(_pain_spike(daily, as_of_ts, lo, rules))
        frames.append(_persistent(daily, as_of_ts, lo, rules))
        if injuries is not None:
            frames.append(_new_pain(daily, injuries, as_of_ts, lo, rules))
    if checkins is not None:
        frames.append(_wellness_drop(checkins, as_of_ts, lo, rules))
        frames.append(_missing_checkin(checkins, athletes, as_of_ts, lo, rules))
    if rom_measurements is not None:
        frames.append(_rom_asymmetry(rom_measurements, injuries, rom_norms, as_of_ts, start, rules))
    if ostrc_responses is not None:
        frames.append(_ostrc(ostrc_responses, as_of_ts, start, rules))
    return _finish(frames)


def flag_identity(frame: pd.DataFrame) -> pd.DataFrame:
    """The :data:`FLAG_IDENTITY` columns of `frame` (flags or ``flag_reviews``) as they are compared:
    ``date`` as the day (``datetime64[ns]`` at midnight), a missing region, side or measure as ``""``."""
    text = {c: frame[c].astype(object).where(frame[c].notna(), "") for c in ("body_region", "side", "measure")}
    return frame[list(FLAG_IDENTITY)].assign(
        date=pd.to_datetime(frame["date"]).dt.normalize().astype("datetime64[ns]"), **text
    )


def open_flags(flags: pd.DataFrame, reviews: pd.DataFrame) -> pd.DataFrame:
    """The flags no therapist has closed: `flags` less those whose whole identity (:data:`FLAG_IDENTITY`,
    as `flag_identity` compares it) matches a review, so closing one flag never closes another."""
    if reviews.empty or flags.empty:
        return flags.reset_index(drop=True)
    key = list(FLAG_IDENTITY)
    closed = flag_identity(reviews).drop_duplicates()
    matched = flag_identity(flags).merge(closed, on=key, how="left", indicator=True)["_merge"] == "both"
    return flags[~matched.to_numpy()].reset_index(drop=True)
