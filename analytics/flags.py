"""The design's flags (DESIGN.md, "Flags"): each a row that shows its rule, values and baseline size.

Every flag is one row ``athlete_id, date, kind, rule, values, baseline_n, body_region, side``:
``rule`` says in words what tripped, ``values`` the numbers that tripped it, ``baseline_n`` the size of
the baseline it compared against (missing for rules without one). No black boxes.

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
loop over athletes, days or rows, so a 1,000-athlete organisation with two years of check-ins runs in
about a second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import schemas as S
from analytics.recovery import (
    _day_numbers,
    daily_pain,
    run_lengths,
    sides_compatible,
    window_sums,
)
from analytics.rom import _symmetry, body_region
from analytics.surveillance import ostrc_substantial
from analytics.validation import empty_frame, validate_columns, validate_output

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
_COLUMNS = ["athlete_id", "date", "kind", "rule", "values", "baseline_n", "body_region", "side"]


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


def _num(values: pd.Series, decimals: int = 1, missing: str = "n/a") -> pd.Series:
    """Numbers as text, rounded to 0 or 1 decimal, whole numbers without ".0"; vectorised.

    Built from integer tenths with numpy's C int-to-text conversion, because formatting floats one by
    one costs seconds on the ~10^5 flags of a two-year organisation history.
    """
    if decimals not in (0, 1):
        raise ValueError("decimals must be 0 or 1")
    v = values.to_numpy(dtype=float)
    finite = np.isfinite(v)
    scale = 10**decimals
    k = np.round(np.where(finite, v, 0.0) * scale).astype(np.int64)
    negative = k < 0
    k = np.abs(k)
    text = (k // scale).astype(str).astype(object)
    if decimals:
        tenths = k % scale
        text = np.where(tenths > 0, text + "." + tenths.astype(str).astype(object), text)
    text = np.where(negative, "-" + text, text)
    return pd.Series(np.where(finite, text, missing), index=values.index, dtype=object)


def _day(values: pd.Series) -> pd.Series:
    return values.dt.strftime("%Y-%m-%d")


def _rows(
    df: pd.DataFrame,
    kind: str,
    rule: str,
    values: pd.Series,
    baseline_n: pd.Series | None = None,
    body_region: pd.Series | None = None,
    side: pd.Series | None = None,
) -> pd.DataFrame:
    n = len(df)
    return pd.DataFrame(
        {
            "athlete_id": df["athlete_id"].to_numpy(np.int64),
            "date": df["date"].to_numpy("datetime64[ns]"),
            "kind": kind,
            "rule": rule,
            "values": values.to_numpy(object) if n else np.array([], dtype=object),
            "baseline_n": pd.array(baseline_n.to_numpy() if baseline_n is not None else [pd.NA] * n, dtype="Int64"),
            "body_region": body_region.to_numpy(object) if body_region is not None else np.full(n, None, object),
            "side": side.to_numpy(object) if side is not None else np.full(n, None, object),
        }
    )


def _finish(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate rule outputs column by column (pandas' concat inspects all-None columns element by
    element), sort deterministically and check against ``Flags``."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return S.Flags.validate(empty_frame(S.Flags))
    columns = {}
    for c in _COLUMNS:  # eight columns, not rows
        if c == "baseline_n":
            stacked = np.concatenate([f[c].to_numpy(dtype=float, na_value=np.nan) for f in frames])
            columns[c] = pd.Series(stacked).astype("Int64")
        else:
            columns[c] = np.concatenate([f[c].to_numpy() for f in frames])
    out = pd.DataFrame(columns)
    out = out.sort_values(["date", "athlete_id", "kind", "body_region", "side", "values"], kind="stable")
    return validate_output(out.reset_index(drop=True), S.Flags)


def _pain(pain_reports: pd.DataFrame) -> pd.DataFrame:
    """Daily pain (one per athlete, region, side, date; sorted) with its group code and day number."""
    return daily_pain(pain_reports, with_codes=True)


def _checkins(wellness_checkins: pd.DataFrame, items: bool) -> pd.DataFrame:
    """Check-ins reduced to what the flags need: ``athlete_id, day, date`` [, ``total``].

    Validated; one per athlete and day (the first row of duplicates kept); sorted by athlete and day
    (already sorted input, as queries return it, skips the sort). ``total`` is the sum of the five
    wellness items, missing when any item is missing.
    """
    columns = ("athlete_id", "date", *WELLNESS_ITEMS) if items else ("athlete_id", "date")
    w = validate_columns(wellness_checkins, S.WellnessCheckins, columns)
    athlete = w["athlete_id"].to_numpy(np.int64)
    day = _day_numbers(w["date"])
    total = None
    if items:
        total = np.zeros(len(w))
        for item in WELLNESS_ITEMS:  # five columns, not rows
            total += w[item].to_numpy(dtype=float, na_value=np.nan)
    take = None
    if len(day):
        key = athlete * (np.int64(1) << 22) + (day - day.min())
        if not np.all(key[1:] > key[:-1]):
            order = np.argsort(key, kind="stable")
            key = key[order]
            keep = np.ones(len(key), dtype=bool)
            keep[1:] = key[1:] != key[:-1]
            take = order[keep]
    if take is not None:
        athlete, day = athlete[take], day[take]
        total = total[take] if total is not None else None
    out = pd.DataFrame(
        {"athlete_id": athlete, "day": day, "date": day.astype("datetime64[D]").astype("datetime64[ns]")}
    )
    if total is not None:
        out["total"] = total
    return out


def _latest(*dates: pd.Series | None) -> pd.Timestamp:
    found = [d.max() for d in dates if d is not None and len(d)]
    found = [d for d in found if pd.notna(d)]
    if not found:
        raise ValueError("as_of cannot be inferred from empty inputs; pass it explicitly")
    return _ts(max(found))


# --------------------------------------------------------------------------- pain rules


def _pain_spike(p: pd.DataFrame, as_of: pd.Timestamp, lo: pd.Timestamp, rules: FlagRules) -> pd.DataFrame:
    days = rules.pain_baseline_days
    p = p[(p["date"] <= as_of) & (p["date"] >= lo - pd.Timedelta(days=days))]
    count, total, _ = window_sums(
        p["group"].to_numpy(), p["day"].to_numpy(), p["pain"].to_numpy(float), days, include_current=False
    )
    mean = total / np.maximum(count, 1)
    hit = (
        (p["date"] >= lo).to_numpy()
        & (count >= rules.pain_min_baseline)
        & (p["pain"].to_numpy(float) >= mean + rules.pain_spike_points - _EPS)
    )
    f = p[hit]
    mean_s = pd.Series(mean[hit], index=f.index)
    rule = (
        f"pain >= own {days}-day mean + {rules.pain_spike_points:g} points (same region and side; "
        f">= {rules.pain_min_baseline} reports in the baseline; today excluded)"
    )
    values = (
        f["body_region"]
        + " "
        + f["side"]
        + ": pain "
        + f["pain"].astype(str)
        + " vs mean "
        + _num(mean_s)
        + " (threshold "
        + _num(mean_s + rules.pain_spike_points)
        + ")"
    )
    return _rows(f, "pain_spike", rule, values, pd.Series(count[hit]), f["body_region"], f["side"])


def _persistent(p: pd.DataFrame, as_of: pd.Timestamp, lo: pd.Timestamp, rules: FlagRules) -> pd.DataFrame:
    p = p[p["date"] <= as_of]
    runs = run_lengths(p["group"].to_numpy(), (p["pain"] >= rules.persistent_min_pain).to_numpy())
    hit = (runs >= rules.persistent_reports) & (p["date"] >= lo).to_numpy()
    f = p[hit]
    rule = (
        f"same region and side at NPRS >= {rules.persistent_min_pain} on >= {rules.persistent_reports} "
        "consecutive reports"
    )
    values = (
        f["body_region"]
        + " "
        + f["side"]
        + ": NPRS >= "
        + str(rules.persistent_min_pain)
        + " on "
        + pd.Series(runs[hit], index=f.index).astype(str)
        + " consecutive reports, latest "
        + f["pain"].astype(str)
    )
    return _rows(f, "persistent_pain", rule, values, None, f["body_region"], f["side"])


def _new_pain(
    p: pd.DataFrame, injuries: pd.DataFrame, as_of: pd.Timestamp, lo: pd.Timestamp, rules: FlagRules
) -> pd.DataFrame:
    p = p[p["date"] <= as_of]
    group = p["group"].to_numpy()
    day = p["day"].to_numpy()
    pain = p["pain"].to_numpy()
    same = np.zeros(len(p), dtype=bool)
    same[1:] = group[1:] == group[:-1]
    prev_day = np.where(same, np.roll(day, 1), -(10**9))
    prev_pain = np.where(same, np.roll(pain, 1), -1)
    recent = same & (day - prev_day <= rules.new_pain_gap_days)
    new = (pain >= rules.new_pain_min) & (~recent | (prev_pain == 0)) & (p["date"] >= lo).to_numpy()
    c = p[new].assign(prev_day=prev_day[new], prev_pain=prev_pain[new], recent=recent[new])
    inj = validate_columns(
        injuries,
        S.Injuries,
        ("injury_id", "athlete_id", "onset_date", "body_region", "side", "injury_type", "return_date"),
    ).drop_duplicates("injury_id")
    m = c.merge(
        inj.rename(columns={"side": "injury_side"}),
        on=["athlete_id", "body_region"],
        how="inner",
    )
    m = m[
        sides_compatible(m["side"], m["injury_side"])
        & (m["onset_date"].dt.normalize() < m["date"])
        & m["return_date"].notna()
        & (m["return_date"].dt.normalize() <= m["date"])
    ]
    m = m.sort_values(["onset_date", "injury_id"]).drop_duplicates(_PAIN_KEYS + ["date"], keep="last")
    m = m.sort_values(_PAIN_KEYS + ["date"]).reset_index(drop=True)
    rule = (
        f"new pain (NPRS >= {rules.new_pain_min} with no report in the previous {rules.new_pain_gap_days} days, "
        "or after a 0) in a region and side injured before (returned to full participation)"
    )
    prev_text = pd.Series(
        np.where(
            m["recent"],
            "after 0 on " + _day(pd.to_datetime(m["prev_day"].where(m["recent"]), unit="D")),
            "after no recent report",
        ),
        index=m.index,
    )
    values = (
        m["body_region"]
        + " "
        + m["side"]
        + ": pain "
        + m["pain"].astype(str)
        + " "
        + prev_text
        + "; injury "
        + m["injury_id"].astype(str)
        + " ("
        + m["injury_type"]
        + ", onset "
        + _day(m["onset_date"])
        + ", returned "
        + _day(m["return_date"])
        + ")"
    )
    return _rows(m, "new_pain_injured_region", rule, values, None, m["body_region"], m["side"])


def pain_spike_flags(
    pain_reports: pd.DataFrame, as_of: object | None = None, start: object | None = None, rules: FlagRules | None = None
) -> pd.DataFrame:
    """``pain_spike`` flags: pain >= own 28-day mean + 2 points with >= 7 reports in the baseline.

    See the module docstring for the choices (per region and side; today excluded from the baseline;
    `as_of` defaults to the latest report; `start` None = the today board). Returns ``Flags``.
    """
    rules = rules or FlagRules()
    p = _pain(pain_reports)
    as_of_ts = _ts(as_of) if as_of is not None else _latest(p["date"])
    return _finish([_pain_spike(p, as_of_ts, _range(as_of_ts, start), rules)])


def persistent_pain_flags(
    pain_reports: pd.DataFrame, as_of: object | None = None, start: object | None = None, rules: FlagRules | None = None
) -> pd.DataFrame:
    """``persistent_pain`` flags: same region and side at NPRS >= 3 on >= 5 consecutive reports.

    Raised on each report that ends such a run (so it stays on the board while the run continues).
    Returns ``Flags``.
    """
    rules = rules or FlagRules()
    p = _pain(pain_reports)
    as_of_ts = _ts(as_of) if as_of is not None else _latest(p["date"])
    return _finish([_persistent(p, as_of_ts, _range(as_of_ts, start), rules)])


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
    p = _pain(pain_reports)
    as_of_ts = _ts(as_of) if as_of is not None else _latest(p["date"])
    return _finish([_new_pain(p, injuries, as_of_ts, _range(as_of_ts, start), rules)])


# --------------------------------------------------------------------------- ROM


def _rom_asymmetry(
    rom_measurements: pd.DataFrame,
    injuries: pd.DataFrame | None,
    norms: pd.DataFrame | None,
    as_of: object | None,
    start: object | None,
    rules: FlagRules,
) -> pd.DataFrame:
    as_of_ts = _latest(pd.to_datetime(rom_measurements["date"])) if as_of is None else _ts(as_of)
    if start is None:  # today board: the latest comparison per measure within rom_current_days
        first = as_of_ts - pd.Timedelta(days=rules.rom_current_days - 1)
        sym = _symmetry(rom_measurements, injuries, norms, False, True, rules.rom_fraction, first, as_of_ts)
    else:
        sym = _symmetry(
            rom_measurements, injuries, norms, False, False, rules.rom_fraction, _range(as_of_ts, start), as_of_ts
        )
    f = sym[sym["asymmetric"]]
    unit = np.where(f["unit"] == "deg", " deg", " cm")
    rule = (
        f"ROM asymmetry: |left - right| > MDC and > {rules.rom_fraction:.0%} of the larger side (same-day measurements)"
    )
    values = (
        f["joint"]
        + " "
        + f["movement"]
        + ": left "
        + _num(f["left"])
        + unit
        + ", right "
        + _num(f["right"])
        + unit
        + ", |diff| "
        + _num(f["abs_diff"])
        + " > MDC "
        + _num(f["mdc"])
        + " and > "
        + _num(rules.rom_fraction * f["larger"])
        + "; LSI "
        + _num(f["lsi"], 0)
        + " %"
    )
    region = body_region(f["joint"], f["movement"])
    return _rows(f, "rom_asymmetry", rule, values, None, region, f["involved_side"])


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
    the involved side (injured, else smaller). Returns ``Flags``.
    """
    return _finish([_rom_asymmetry(rom_measurements, injuries, norms, as_of, start, rules or FlagRules())])


# --------------------------------------------------------------------------- wellness and check-ins


def _wellness_drop(w: pd.DataFrame, as_of: pd.Timestamp, lo: pd.Timestamp, rules: FlagRules) -> pd.DataFrame:
    days = rules.wellness_baseline_days
    w = w[(w["date"] <= as_of) & (w["date"] >= lo - pd.Timedelta(days=days))]
    total = w["total"].to_numpy()
    count, s, q = window_sums(
        w["athlete_id"].to_numpy(np.int64), w["day"].to_numpy(), total, days, include_current=False
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s / count
        var = (q - s * s / count) / (count - 1)
    sd = np.sqrt(np.clip(var, 0.0, None))
    drop = mean - total
    hit = (
        (w["date"] >= lo).to_numpy()
        & (count >= rules.wellness_min_baseline)
        & ~np.isnan(total)
        & (drop > _EPS)
        & (drop >= rules.wellness_drop_sd * sd - _EPS)
    )
    f = w[hit]
    idx = f.index
    sd_s, drop_s = pd.Series(sd[hit], index=idx), pd.Series(drop[hit], index=idx)
    in_sd = _num(drop_s / sd_s.where(sd_s > 0), missing="inf")
    rule = (
        f"wellness total (5 items, 5-25) down >= {rules.wellness_drop_sd:g} SD from own {days}-day mean "
        f"(>= {rules.wellness_min_baseline} check-ins in the baseline; today excluded)"
    )
    values = (
        "total "
        + _num(pd.Series(total[hit], index=idx))
        + " vs mean "
        + _num(pd.Series(mean[hit], index=idx))
        + " (SD "
        + _num(sd_s)
        + "); drop "
        + _num(drop_s)
        + " = "
        + in_sd
        + " SD"
    )
    return _rows(f, "wellness_drop", rule, values, pd.Series(count[hit]))


def _missing_checkin(
    w: pd.DataFrame, athletes: pd.DataFrame | None, as_of: pd.Timestamp, lo: pd.Timestamp, rules: FlagRules
) -> pd.DataFrame:
    n_days = rules.missing_checkin_days
    w = w[w["date"] <= as_of]
    expected = None
    if athletes is not None:
        a = validate_columns(athletes, S.Athletes, ("athlete_id", "active"))
        expected = np.unique(a.loc[a["active"], "athlete_id"].to_numpy(np.int64))
        w = w[w["athlete_id"].isin(expected)]
    athlete = w["athlete_id"].to_numpy(np.int64)
    day = w["day"].to_numpy()
    lo_d, hi_d = int(_day_numbers(pd.Series([lo]))[0]), int(_day_numbers(pd.Series([as_of]))[0])
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
    f = pd.DataFrame(
        {
            "athlete_id": athlete[reps],
            "date": flag_day.astype("datetime64[D]").astype("datetime64[ns]"),
            "last": day[reps].astype("datetime64[D]").astype("datetime64[ns]"),
        }
    )
    since = (f["date"] - f["last"]).dt.days
    values = "last check-in " + _day(f["last"]) + " (" + since.astype(str) + " days before)"
    frames = [f.assign(values=values)]
    if expected is not None:
        never = np.setdiff1d(expected, np.unique(athlete))
        span = pd.date_range(lo, as_of, freq="D")
        g = pd.DataFrame(
            {"athlete_id": np.repeat(never, len(span)), "date": np.tile(span.to_numpy(), len(never))}
        ).assign(values="no check-in on record")
        frames.append(g)
    f = pd.concat(frames, ignore_index=True)
    rule = f"no check-in for >= {n_days} days (none today nor on the {n_days - 1} days before)"
    return _rows(f, "missing_checkin", rule, f["values"])


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
    w = _checkins(wellness_checkins, items=True)
    as_of_ts = _ts(as_of) if as_of is not None else _latest(w["date"])
    return _finish([_wellness_drop(w, as_of_ts, _range(as_of_ts, start), rules)])


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
    w = _checkins(wellness_checkins, items=False)
    as_of_ts = _ts(as_of) if as_of is not None else _latest(w["date"])
    return _finish([_missing_checkin(w, athletes, as_of_ts, _range(as_of_ts, start), rules)])


# --------------------------------------------------------------------------- OSTRC


def _ostrc(ostrc_responses: pd.DataFrame, as_of: object | None, start: object | None, rules: FlagRules) -> pd.DataFrame:
    o = validate_columns(ostrc_responses, S.OstrcResponses, ("athlete_id", "week_start", "q1", "q2", "q3", "q4"))
    o = o.assign(date=o["week_start"].dt.normalize()).drop_duplicates(["athlete_id", "date"])
    as_of_ts = _ts(as_of) if as_of is not None else _latest(o["date"])
    o = o[o["date"] <= as_of_ts].sort_values(["athlete_id", "date"])
    if start is None:
        o = o.groupby("athlete_id", sort=False).tail(1)
        o = o[o["date"] > as_of_ts - pd.Timedelta(days=rules.ostrc_current_days)]
    else:
        o = o[o["date"] >= _range(as_of_ts, start)]
    f = o[ostrc_substantial(o["q1"], o["q2"], o["q3"], o["q4"])]
    values = (
        "Q1 "
        + f["q1"].astype(str)
        + ", Q2 "
        + f["q2"].astype(str)
        + ", Q3 "
        + f["q3"].astype(str)
        + ", Q4 "
        + f["q4"].astype(str)
        + "; severity "
        + (f["q1"] + f["q2"] + f["q3"] + f["q4"]).astype(str)
    )
    rule = "OSTRC-O2 substantial problem: Q1 = 25 or Q2 >= 17 or Q3 >= 17 (Clarsen et al. 2013)"
    return _rows(f, "ostrc_substantial", rule, values)


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

    Returns ``Flags``: ``athlete_id, date, kind, rule, values, baseline_n, body_region, side``, sorted by
    date, athlete and kind.
    """
    rules = rules or FlagRules()
    p = _pain(pain_reports) if pain_reports is not None else None
    w = _checkins(wellness_checkins, items=True) if wellness_checkins is not None else None
    if as_of is None:
        dates = [p["date"] if p is not None else None, w["date"] if w is not None else None]
        if rom_measurements is not None and len(rom_measurements):
            dates.append(pd.Series([pd.Timestamp(rom_measurements["date"].max())]))
        if ostrc_responses is not None and len(ostrc_responses):
            dates.append(pd.Series([pd.Timestamp(ostrc_responses["week_start"].max())]))
        as_of_ts = _latest(*dates)
    else:
        as_of_ts = _ts(as_of)
    lo = _range(as_of_ts, start)
    frames = []
    if p is not None:
        frames.append(_pain_spike(p, as_of_ts, lo, rules))
        frames.append(_persistent(p, as_of_ts, lo, rules))
        if injuries is not None:
            frames.append(_new_pain(p, injuries, as_of_ts, lo, rules))
    if w is not None:
        frames.append(_wellness_drop(w, as_of_ts, lo, rules))
        frames.append(_missing_checkin(w, athletes, as_of_ts, lo, rules))
    if rom_measurements is not None:
        frames.append(_rom_asymmetry(rom_measurements, injuries, rom_norms, as_of_ts, start, rules))
    if ostrc_responses is not None:
        frames.append(_ostrc(ostrc_responses, as_of_ts, start, rules))
    return _finish(frames)


def open_flags(flags: pd.DataFrame, reviews: pd.DataFrame) -> pd.DataFrame:
    """The flags no therapist has closed: `flags` less those matching a review on
    athlete_id, date, kind, body_region and side (a missing region or side matches "")."""
    key = ["athlete_id", "date", "kind", "body_region", "side"]
    if reviews.empty or flags.empty:
        return flags.reset_index(drop=True)
    closed = reviews[key].assign(
        date=pd.to_datetime(reviews["date"]).dt.normalize(),
        body_region=reviews["body_region"].fillna(""),
        side=reviews["side"].fillna(""),
    )
    lookup = flags.assign(body_region=flags["body_region"].fillna(""), side=flags["side"].fillna(""))[key]
    matched = lookup.merge(closed.drop_duplicates(key), on=key, how="left", indicator=True)["_merge"] == "both"
    return flags[~matched.to_numpy()].reset_index(drop=True)
