"""The computations behind the therapist's *Caseload*, one athlete's *Athlete progress* and the
athlete's own *My recovery* screen (issue 4). Pure pandas over the frames `data/queries.py` returns
and the outputs of the other analytics modules; the rules are stated once here and repeated in the
captions of the screens.

Rules and choices:

- **Flag severity.** Flags about pain and injury that the athlete reported (``pain_spike``,
  ``persistent_pain``, ``new_pain_injured_region``, ``ostrc_substantial``) are *red*: they are the
  "first hint of pain" DESIGN.md wants in front of the therapist. ``rom_asymmetry``, ``wellness_drop``
  and ``missing_checkin`` are *amber* (a caution to look at, not a complaint).
- **Pain trend** (7-day arrow). Per athlete, region and side: the mean of the reports in the 7 days
  ending on `as_of` against the mean of the reports in the 7 days before them (the 7-day rolling mean
  today vs a week ago). ``worse`` (↑) when it rose by >= 1 NPRS point, ``better`` (↓) when it fell by
  >= 1 point, ``steady`` (→) otherwise; ``new`` (↑) with reports this week and none the week before;
  ``no report this week`` (–) the other way round; ``no recent report`` (–) with neither. Days without
  a report are missing, not 0 (pain is reported where it hurts).
- **Caseload.** Athletes in scope with an open injury (no return date, onset on or before `as_of`) or
  an open flag. The pain shown is the latest report of an injured or flagged region (compatible side:
  equal, or either ``central``/``bilateral``); with several, the most recent report, then the highest.
  **Attention order**: more red flags first, then a rising pain trend (↑ worse or ↑ new), then higher
  current pain, then longer since the last therapy session (never treated first), then name.
- **ROM history.** The mean of each day's trials per side (``post_session`` left out: its immediate
  effect is the treatment response). Each value is compared with the previous measured day of the same
  side; the change is *real* only beyond the measure's minimal detectable change (`analytics.rom`),
  otherwise "within measurement error".
- **Plain sentences** (athlete page). Pain: first vs latest report of each region in the chosen dates;
  "down" only for a clinically important fall (>= 2 points and >= 30 %, Farrar et al. 2001), "up" for a
  rise of >= 2 points, otherwise "about the same". ROM: `analytics.rom.rom_sentences` from the first
  measurement since the latest injury in the measure's region (else the first in the dates), real
  changes first. Week: the 7 days ending on `as_of` against the 7 before.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analytics import recovery, rom
from analytics import schemas as S
from analytics.flags import FLAG_LEVEL
from analytics.recurrence import classify_injuries
from analytics.validation import validate_columns, validated
from analytics.vocabulary import MONTHS

RED_KINDS: tuple[str, ...] = tuple(kind for kind, level in FLAG_LEVEL.items() if level == "red")
AMBER_KINDS: tuple[str, ...] = ("rom_asymmetry", "wellness_drop", "missing_checkin")
FLAG_LABELS: dict[str, str] = {
    "pain_spike": "Pain spike",
    "persistent_pain": "Persistent pain",
    "new_pain_injured_region": "New pain where injured before",
    "rom_asymmetry": "ROM asymmetry",
    "wellness_drop": "Wellness drop",
    "missing_checkin": "No check-in",
    "ostrc_substantial": "OSTRC substantial problem",
}
#: What a flag means, said to the athlete it is about ({where} is the region, e.g. "left thigh").
FRIENDLY_FLAGS: dict[str, str] = {
    "pain_spike": "Your {where} pain was clearly higher than your usual level.",
    "persistent_pain": "Your {where} has hurt (3 or more out of 10) on several reports in a row.",
    "new_pain_injured_region": "You reported new pain in your {where}, where you were injured before.",
    "rom_asymmetry": "Your {where} moves noticeably less on one side than on the other.",
    "wellness_drop": "Your wellness answers were clearly lower than your usual.",
    "missing_checkin": "We have not had a check-in from you for a few days.",
    "ostrc_substantial": "Your weekly OSTRC answers show a problem that affects your training.",
}
TREND_DAYS = 7
TREND_POINTS = 1.0
TREND_ARROWS: dict[str, str] = {
    "worse": "↑ worse",
    "new": "↑ new",
    "steady": "→ steady",
    "better": "↓ better",
    "no report this week": "– none this week",
    "no recent report": "–",
}
RISING = ("worse", "new")
SENTENCE_DAYS = 28
_REGION_WORDS: dict[str, str] = {
    "hip_groin": "hip/groin",
    "lower_leg_achilles": "lower leg/Achilles",
    "pelvis_sacrum": "pelvis/sacrum",
}
#: Injury types in the caseload's few words (the progress page names them in full).
_INJURY_WORDS: dict[str, str] = {
    "muscle_strain": "strain",
    "tendinopathy": "tendinopathy",
    "ligament_sprain": "sprain",
    "contusion": "contusion",
    "joint_cartilage": "joint injury",
    "bone_stress": "bone stress",
    "other": "injury",
}
_DAY = pd.Timedelta(days=1)
_NAT = np.datetime64("NaT", "ns")


# --------------------------------------------------------------------------- words


def region_words(body_region: object, side: object = None) -> str:
    """A region and side as a person says it: ``("thigh", "left")`` -> "left thigh",
    ``("lower_back", "central")`` -> "lower back", ``("knee", "bilateral")`` -> "knee (both sides)"."""
    if body_region is None or (isinstance(body_region, float) and np.isnan(body_region)) or body_region == "":
        return ""
    region = _REGION_WORDS.get(str(body_region), str(body_region).replace("_", " "))
    if side in ("left", "right"):
        return f"{side} {region}"
    if side == "bilateral":
        return f"{region} (both sides)"
    return region


def day_words(day: object, reference: object | None = None) -> str:
    """ "3 October", with the year when it differs from `reference`'s (default: always without)."""
    d = pd.Timestamp(day)
    text = f"{d.day} {MONTHS[d.month - 1]}"
    if reference is not None and pd.Timestamp(reference).year != d.year:
        text += f" {d.year}"
    return text


def short_day(day: object) -> str:
    """ "3 Oct" (day and abbreviated month), for tables."""
    d = pd.Timestamp(day)
    return f"{d.day} {MONTHS[d.month - 1][:3]}"


def _short_days(days: pd.Series) -> pd.Series:
    return days.map(lambda d: short_day(d) if pd.notna(d) else "").astype(object)


def _as_of(value: object) -> pd.Timestamp:
    return pd.Timestamp(value).normalize()


def _pair_words(regions: pd.Series | np.ndarray, sides: pd.Series | np.ndarray) -> np.ndarray:
    """`region_words` of each row as an object array, computed once per distinct pair (missing = "")."""
    region = np.asarray(regions, dtype=object)
    side = np.asarray(sides, dtype=object)
    region = np.where(pd.isna(region), "", region)
    side = np.where(pd.isna(side), "", side)
    words: dict[tuple[object, object], str] = {}
    out = np.empty(len(region), dtype=object)
    for i, key in enumerate(zip(region, side, strict=True)):  # a dict look-up per row: tiny frames
        out[i] = words[key] if key in words else words.setdefault(key, region_words(*key))
    return out


def _pairs(regions: pd.Series, sides: pd.Series) -> pd.Series:
    """`region_words` of each row, computed once per distinct pair."""
    return pd.Series(_pair_words(regions, sides), index=regions.index, dtype=object)


def _sort_codes(values: pd.Series | np.ndarray, ascending: bool = True) -> np.ndarray:
    """Integer sort keys for `np.lexsort` that order like ``sort_values`` (missing values last)."""
    codes, uniques = pd.factorize(values, sort=True)
    n = len(uniques)
    return np.where(codes < 0, n, codes if ascending else n - 1 - codes)


# --------------------------------------------------------------------------- flags


def flag_severity(kinds: pd.Series) -> pd.Series:
    """``"red"`` for the pain and injury flags (:data:`RED_KINDS`), ``"amber"`` for the others."""
    return pd.Series(np.where(kinds.isin(RED_KINDS), "red", "amber"), index=kinds.index, dtype=object)


def describe_flags(flags: pd.DataFrame) -> pd.DataFrame:
    """`flags` (``analytics.flags`` rows) with ``severity``, ``label`` and ``where`` (region words),
    red first, then newest first; the rule, values and baseline size are kept as they are."""
    kinds = flags["kind"].to_numpy(dtype=object)
    red = np.array([k in RED_KINDS for k in kinds], dtype=bool)
    where = _pair_words(flags["body_region"], flags["side"])
    asym = kinds == "rom_asymmetry"
    if asym.any():  # name the measure (it is in the values text) rather than its body region
        where[asym] = [
            v.split(":")[0].replace("_", " ") if isinstance(v, str) else np.nan
            for v in flags["values"].to_numpy(dtype=object)[asym]
        ]
    order = np.lexsort(  # red first, then newest, athlete and kind; ties keep their order
        (_sort_codes(kinds), _sort_codes(flags["athlete_id"]), _sort_codes(flags["date"], ascending=False), ~red)
    )
    f = flags.take(order).reset_index(drop=True)
    f["severity"] = np.where(red, "red", "amber").astype(object)[order]
    f["label"] = np.array([FLAG_LABELS.get(k, k) for k in kinds], dtype=object)[order]
    f["where"] = where[order]
    return f


def athlete_flag_messages(flags: pd.DataFrame) -> pd.DataFrame:
    """Each flag in words for the athlete it is about: `describe_flags` plus ``message``.

    E.g. a ``persistent_pain`` flag of the left thigh -> "Your left thigh has hurt (3 or more out of
    10) on several reports in a row." The rule and values stay beside it (no black boxes)."""
    f = describe_flags(flags)
    if f.empty:
        return f.assign(message=pd.Series(dtype=object))
    templates = f["kind"].map(FRIENDLY_FLAGS).fillna("A flag about you: {where}.")
    where = f["where"].where(f["where"] != "", "body")
    f["message"] = [t.format(where=w) for t, w in zip(templates, where, strict=True)]
    return f


# --------------------------------------------------------------------------- pain trend and caseload


def pain_direction(
    pain_reports: pd.DataFrame, as_of: object, days: int = TREND_DAYS, points: float = TREND_POINTS
) -> pd.DataFrame:
    """Per athlete, region and side: the latest report and the 7-day trend (module docstring).

    ``mean_now`` / ``n_now``: the mean and count of the reports dated in the `days` days ending on
    `as_of`; ``mean_before`` / ``n_before``: the `days` days before those; ``change`` = mean_now -
    mean_before; ``trend`` in :data:`TREND_ARROWS` and ``arrow`` its symbol and word. Reports after
    `as_of` are ignored; duplicates of a day keep the highest pain.

    Returns ``athlete_id, body_region, side, latest_date, latest_pain, mean_now, n_now, mean_before,
    n_before, change, trend, arrow``, one row per key with any report on or before `as_of`.
    """
    as_of_ts = _as_of(as_of)
    p = recovery.daily_pain(pain_reports)
    p = p[p["date"] <= as_of_ts]
    keys = ["athlete_id", "body_region", "side"]
    back = (as_of_ts - p["date"]).dt.days
    now = p[back < days].groupby(keys)["pain"].agg(["mean", "size"])
    before = p[(back >= days) & (back < 2 * days)].groupby(keys)["pain"].agg(["mean", "size"])
    latest = p.groupby(keys, as_index=False).last()[keys + ["date", "pain"]]
    out = latest.rename(columns={"date": "latest_date", "pain": "latest_pain"}).set_index(keys)
    out["mean_now"] = now["mean"].astype(float)
    out["n_now"] = now["size"].reindex(out.index).fillna(0).astype(np.int64)
    out["mean_before"] = before["mean"].astype(float)
    out["n_before"] = before["size"].reindex(out.index).fillna(0).astype(np.int64)
    out = out.reset_index()
    out["change"] = out["mean_now"] - out["mean_before"]
    has_now, has_before = out["n_now"] > 0, out["n_before"] > 0
    out["trend"] = np.select(
        [
            has_now & has_before & (out["change"] >= points - 1e-9),
            has_now & has_before & (out["change"] <= -points + 1e-9),
            has_now & has_before,
            has_now,
            has_before,
        ],
        ["worse", "better", "steady", "new", "no report this week"],
        "no recent report",
    )
    out["arrow"] = out["trend"].map(TREND_ARROWS)
    return out.sort_values(keys).reset_index(drop=True)


def chronic_words(chronic: pd.DataFrame) -> str:
    """The chronic regions of ``analytics.recovery.chronic_pain`` rows in words, comma-separated
    ("" when none is chronic), e.g. "lower back, left thigh"."""
    if chronic is None or chronic.empty:
        return ""
    chosen = chronic["chronic"].astype(bool).to_numpy()
    regions, sides = chronic["body_region"].to_numpy()[chosen], chronic["side"].to_numpy()[chosen]
    return ", ".join(region_words(r, s) for r, s in zip(regions, sides, strict=True))


def open_injuries(injuries: pd.DataFrame, as_of: object) -> pd.DataFrame:
    """Injuries begun on or before `as_of` without a return to full participation by then."""
    as_of_ts = _as_of(as_of)
    begun = (pd.to_datetime(injuries["onset_date"]) <= as_of_ts).to_numpy()
    returned = (pd.to_datetime(injuries["return_date"]) <= as_of_ts).to_numpy()  # a missing date: False
    return injuries[begun & ~returned].reset_index(drop=True)


def caseload(
    athletes: pd.DataFrame,
    injuries: pd.DataFrame,
    flags: pd.DataFrame,
    pain_reports: pd.DataFrame,
    therapy_sessions: pd.DataFrame,
    chronic: pd.DataFrame | None,
    as_of: object,
    days: int = TREND_DAYS,
    points: float = TREND_POINTS,
) -> pd.DataFrame:
    """The therapist's caseload: athletes with an open injury or an open flag, in attention order.

    `flags` are the flags still open (``analytics.flags.open_flags``); `chronic` is
    ``analytics.recovery.chronic_pain`` (its ``chronic`` rows mark the athlete); `athletes` is the
    scope (athletes outside it are left out). Rules: see the module docstring (caseload, pain trend,
    attention order).

    Returns one row per athlete: ``athlete_id, display_name, team, n_red, n_amber, flag_kinds,
    open_injuries, n_open_injuries, pain_where, current_pain, current_pain_date, trend, arrow,
    trend_change, chronic, chronic_where, last_session_date, last_technique, days_since_session``, the
    same as table text (``flags_text`` "1 red · 2 amber", ``pain_text`` "6/10 left thigh · 3 Oct",
    ``session_text`` "1 Oct · active release (2 d)"; ``open_injuries`` "left thigh strain (12 d)",
    several joined by "; ") and ``attention`` (1 = the athlete to see first).
    """
    as_of_ts = _as_of(as_of)
    people = athletes[["athlete_id", "display_name", "team"]].drop_duplicates("athlete_id")
    inj = open_injuries(injuries, as_of_ts)
    inj = inj[inj["athlete_id"].isin(people["athlete_id"])]
    fl = flags[flags["athlete_id"].isin(people["athlete_id"])]
    ids = np.union1d(inj["athlete_id"].to_numpy(np.int64), fl["athlete_id"].to_numpy(np.int64))
    out = people[people["athlete_id"].isin(ids)].set_index("athlete_id")

    severity = flag_severity(fl["kind"])
    out["n_red"] = (severity == "red").groupby(fl["athlete_id"]).sum().reindex(out.index).fillna(0).astype(np.int64)
    out["n_amber"] = (severity == "amber").groupby(fl["athlete_id"]).sum().reindex(out.index).fillna(0).astype(int)
    kinds = fl.assign(label=fl["kind"].map(FLAG_LABELS)).drop_duplicates(["athlete_id", "kind"])
    out["flag_kinds"] = kinds.groupby("athlete_id")["label"].agg(", ".join).reindex(out.index).fillna("")

    since = (as_of_ts - pd.to_datetime(inj["onset_date"]).dt.normalize()).dt.days
    inj_text = (
        _pairs(inj["body_region"], inj["side"])
        + " "
        + inj["injury_type"].map(_INJURY_WORDS).fillna(inj["injury_type"].str.replace("_", " "))
        + " ("
        + since.astype(str)
        + " d)"
    )
    out["open_injuries"] = inj_text.groupby(inj["athlete_id"]).agg("; ".join).reindex(out.index).fillna("")
    out["n_open_injuries"] = inj.groupby("athlete_id").size().reindex(out.index).fillna(0).astype(np.int64)

    # Current pain: the latest report of an injured or flagged region with a compatible side.
    focus = pd.concat(
        [inj[["athlete_id", "body_region", "side"]], fl[["athlete_id", "body_region", "side"]].dropna()],
        ignore_index=True,
    ).drop_duplicates()
    trend = pain_direction(pain_reports, as_of_ts, days, points)
    m = trend.merge(focus.rename(columns={"side": "focus_side"}), on=["athlete_id", "body_region"])
    m = m[recovery.sides_compatible(m["side"], m["focus_side"])].drop_duplicates(["athlete_id", "body_region", "side"])
    m = m.sort_values(["athlete_id", "latest_date", "latest_pain"]).groupby("athlete_id").tail(1)
    m = m.set_index("athlete_id").reindex(out.index)
    out["pain_where"] = _pairs(m["body_region"], m["side"]).fillna("")
    out["current_pain"] = m["latest_pain"].astype(float)
    out["current_pain_date"] = pd.to_datetime(m["latest_date"])
    out["trend"] = m["trend"].fillna("no recent report")
    out["arrow"] = out["trend"].map(TREND_ARROWS)
    out["trend_change"] = m["change"].astype(float)

    if chronic is not None and not chronic.empty:
        ch = chronic[chronic["chronic"]]
        words = _pairs(ch["body_region"], ch["side"])
        out["chronic_where"] = words.groupby(ch["athlete_id"]).agg(", ".join).reindex(out.index).fillna("")
    else:
        out["chronic_where"] = ""
    out["chronic"] = out["chronic_where"] != ""

    s = therapy_sessions[therapy_sessions["athlete_id"].isin(out.index)]
    s = s[pd.to_datetime(s["date"]) <= as_of_ts].sort_values(["athlete_id", "date", "session_id"])
    last = s.groupby("athlete_id").tail(1).set_index("athlete_id").reindex(out.index)
    out["last_session_date"] = pd.to_datetime(last["date"])
    out["last_technique"] = last["technique"].astype(object)
    out["days_since_session"] = (as_of_ts - out["last_session_date"]).dt.days.astype(float)

    red_text = pd.Series(np.where(out["n_red"] > 0, out["n_red"].astype(str) + " red", ""), index=out.index)
    amber_text = pd.Series(np.where(out["n_amber"] > 0, out["n_amber"].astype(str) + " amber", ""), index=out.index)
    both = np.where((out["n_red"] > 0) & (out["n_amber"] > 0), " · ", "")
    out["flags_text"] = red_text + both + amber_text
    has_focus = pd.Series(out.index.isin(focus["athlete_id"]), index=out.index)
    out["pain_text"] = np.where(
        out["current_pain"].notna(),
        out["current_pain"].fillna(0).astype(int).astype(str)
        + "/10 "
        + out["pain_where"]
        + " · "
        + _short_days(out["current_pain_date"]),
        np.where(has_focus, "none reported", "—"),
    )
    out["session_text"] = np.where(
        out["last_session_date"].notna(),
        _short_days(out["last_session_date"])
        + " · "
        + out["last_technique"].fillna("").str.replace("_", " ")
        + " ("
        + out["days_since_session"].fillna(0).astype(int).astype(str)
        + " d)",
        "none on record",
    )

    out = out.reset_index()
    order = pd.DataFrame(
        {
            "red": -out["n_red"],
            "rising": ~out["trend"].isin(RISING),
            "pain": -out["current_pain"].fillna(-1),
            "since": -out["days_since_session"].fillna(np.inf),
            "name": out["display_name"],
        }
    )
    out = out.loc[order.sort_values(list(order.columns), kind="stable").index].reset_index(drop=True)
    out["attention"] = np.arange(1, len(out) + 1)
    columns = [
        "athlete_id",
        "display_name",
        "team",
        "n_red",
        "n_amber",
        "flag_kinds",
        "open_injuries",
        "n_open_injuries",
        "pain_where",
        "current_pain",
        "current_pain_date",
        "trend",
        "arrow",
        "trend_change",
        "chronic",
        "chronic_where",
        "last_session_date",
        "last_technique",
        "days_since_session",
        "flags_text",
        "pain_text",
        "session_text",
        "attention",
    ]
    return out[columns]


# --------------------------------------------------------------------------- ROM history


def rom_history(
    rom_measurements: pd.DataFrame, norms: pd.DataFrame | None = None, include_post_session: bool = False
) -> pd.DataFrame:
    """Every measured day per athlete, measure and side, with the change since the previous measured day.

    Rules (module docstring): the day's value is the mean of its trials; ``post_session`` is left out
    unless `include_post_session`; ``change`` = value - the previous measured day's value of the same
    side (missing on the first day); ``change_real`` when |change| exceeds the measure's ``mdc``
    (strictly, `analytics.rom.beyond`); ``change_label`` is ``"first measurement"``, ``"gain"``,
    ``"loss"`` or ``"within measurement error"``. ``normal_value`` is the norm (missing when the
    measure has none); ``contexts`` the day's contexts, comma-separated.

    ``first_date`` / ``change_from_first`` / ``from_first_real``: the same against the first day in the
    input (several changes each within error can add up to a real one).

    Returns ``athlete_id, joint, movement, unit, side, date, value, n_trials, contexts, previous_date,
    change, mdc, change_real, change_label, normal_value, first_date, change_from_first,
    from_first_real``, sorted by athlete, measure, side and date.
    """
    r = validate_columns(rom_measurements, S.RomMeasurements, rom.ROM_COLUMNS)
    if not include_post_session:
        r = r[r["context"].to_numpy(dtype=object) != "post_session"]
    # Sort the trials by athlete, measure, side and day (factorised labels sort like the labels): each
    # measured day is then a run of trials and each athlete-measure-side a run of days, so the rules
    # are a few numpy passes rather than grouped pandas operations on a small frame.
    labels = {c: pd.factorize(r[c].to_numpy(dtype=object), sort=True) for c in ("joint", "movement", "unit", "side")}
    athlete = r["athlete_id"].to_numpy(np.int64)
    day = r["date"].to_numpy().astype("datetime64[D]").astype("datetime64[ns]")  # the day (normalised)
    order = np.lexsort((day, *(labels[c][0] for c in reversed(labels)), athlete))
    codes = [athlete[order]] + [labels[c][0][order] for c in labels]
    day = day[order]
    new_series = np.ones(len(order), dtype=bool)  # first trial of an athlete, measure and side
    new_series[1:] = np.any([c[1:] != c[:-1] for c in codes], axis=0)
    new_day = new_series.copy()  # first trial of a measured day
    new_day[1:] |= day[1:] != day[:-1]
    starts = np.flatnonzero(new_day)

    # One row per measured day from here on.
    first = new_series[starts]  # the first measured day of its athlete, measure and side
    values = pd.Series(r["value"].to_numpy(float)[order])
    value = values.groupby(np.cumsum(new_day) - 1).mean().to_numpy(float)  # pandas' grouped mean, as before
    date = day[starts]
    previous = np.arange(len(starts)) - 1
    series_start = np.maximum.accumulate(np.where(first, np.arange(len(starts)), 0))
    change = np.where(first, np.nan, value - value[previous])
    contexts = np.split(r["context"].to_numpy(dtype=object)[order], starts[1:]) if len(order) else []
    measure = {c: np.asarray(labels[c][1], dtype=object).take(labels[c][0][order][starts]) for c in labels}
    mdc, normal = rom.norm_values(measure["joint"], measure["movement"], measure["unit"], norms)  # one look-up
    real = rom.beyond(np.abs(change), mdc)  # the first day (NaN change) is never real
    from_first = value - value[series_start]
    return pd.DataFrame(
        {
            "athlete_id": codes[0][starts],
            **measure,
            "date": date,
            "value": value,
            "n_trials": np.diff(np.append(starts, len(order))).astype(np.int64),
            "contexts": np.array([", ".join(sorted(set(c))) for c in contexts], dtype=object),
            "previous_date": np.where(first, np.datetime64("NaT", "ns"), date[previous]).astype(date.dtype),
            "change": change,
            "mdc": mdc,
            "change_real": real,
            "change_label": np.select(
                [first, real & (change > 0), real], ["first measurement", "gain", "loss"], "within measurement error"
            ).astype(object),
            "normal_value": normal,
            "first_date": date[series_start],
            "change_from_first": from_first,
            "from_first_real": rom.beyond(np.abs(from_first), mdc),
        }
    )


def rom_since_injury(
    rom_measurements: pd.DataFrame, injuries: pd.DataFrame | None, start: object | None = None
) -> pd.DataFrame:
    """The measurements an athlete's "is my ROM coming back" sentences compare: per athlete and measure,
    those on or after the onset of the most recent injury in the measure's body region (any side; hip ->
    hip/groin, knee, ankle, shoulder, straight leg raise -> thigh, as `analytics.rom`) that began on or
    after `start`; for measures without such an injury, all of them. Pass the result to
    ``analytics.rom.rom_status``, whose baseline is then the first measurement since that injury."""
    if injuries is None or injuries.empty or rom_measurements.empty:
        return rom_measurements
    onsets = pd.to_datetime(injuries["onset_date"]).dt.normalize().to_numpy()
    chosen = ~np.isnat(onsets)
    if start is not None:
        chosen &= onsets >= _as_of(start).to_datetime64()
    latest: dict[tuple[object, object], np.datetime64] = {}  # (athlete, region) -> latest onset
    athletes, regions = injuries["athlete_id"].to_numpy()[chosen], injuries["body_region"].to_numpy()[chosen]
    for athlete, region, onset in zip(athletes, regions, onsets[chosen], strict=True):  # a few injuries
        if pd.isna(athlete) or pd.isna(region):  # as a groupby, which leaves out missing keys
            continue
        if (athlete, region) not in latest or onset > latest[(athlete, region)]:
            latest[(athlete, region)] = onset
    measured = rom.body_region(rom_measurements["joint"], rom_measurements["movement"]).to_numpy()
    since = np.array(
        [latest.get(k, _NAT) for k in zip(rom_measurements["athlete_id"].to_numpy(), measured, strict=True)],
        dtype="datetime64[ns]",
    )
    dates = pd.to_datetime(rom_measurements["date"]).dt.normalize().to_numpy()
    return rom_measurements[np.isnat(since) | (dates >= since)]


_WHY = {"smaller": "smaller value"}  # symmetry_table's words for an involved side not from an injury


def symmetry_table(symmetry: pd.DataFrame) -> pd.DataFrame:
    """`analytics.rom.rom_symmetry` rows with ``measure`` (words and unit, "hip internal rotation (°)")
    and ``why`` (why that side is the involved one: "injured side (#12)" when an injury of that side in
    the measure's region began on or before the day, else "smaller value", or "sides equal")."""
    sym = S.RomSymmetry.validate(symmetry)  # a copy already
    sym["measure"] = np.array(
        [
            f"{rom.measure_words(j, m)} ({'°' if u == 'deg' else 'cm'})"
            for j, m, u in zip(sym["joint"], sym["movement"], sym["unit"], strict=True)
        ],
        dtype=object,
    )
    sym["why"] = np.array(
        [
            f"injured side (#{'' if pd.isna(i) else i})" if b == "injury" else _WHY.get(b, "sides equal")
            for b, i in zip(sym["involved_basis"], sym["injury_id"], strict=True)
        ],
        dtype=object,
    )
    return sym


# --------------------------------------------------------------------------- episodes and Kaplan-Meier


def episode_table(
    injuries: pd.DataFrame, episodes: pd.DataFrame, as_of: object, classified: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One athlete's (or any) injuries with their Fuller category and recovery: classify_injuries
    (on all the given injuries: pass the athlete's whole history) joined to recovery_episodes on
    ``injury_id``, newest onset first, with ``where`` (region words), ``days_since_onset`` (to
    `as_of`) and ``status``: "returned" (to full participation by `as_of`) or "open"; whether the pain
    resolved is in ``resolved`` / ``days_to_resolution``.

    `classified`: ``classify_injuries(injuries)`` when the caller has it already (not computed twice).
    """
    if classified is None:
        classified = classify_injuries(injuries)
    keep = ["injury_id", "resolved", "resolution_date", "days_to_resolution", "days_to_return", "n_reports"]
    ep = validated(S.RecoveryEpisodes.to_schema(), episodes, copy=False)  # same verdict; read, not changed
    order = np.lexsort(  # newest onset first, then the higher injury id
        (_sort_codes(classified["injury_id"], ascending=False), _sort_codes(classified["onset_date"], ascending=False))
    )
    ids = pd.Index(ep["injury_id"].to_numpy())
    if ids.is_unique and not classified.columns.isin(keep[1:]).any():
        # the left join on a unique key as a look-up (no merge): one episode per injury, or none
        out = classified.take(order).reset_index(drop=True)
        found = ep[keep[1:]].set_axis(ids).reindex(out["injury_id"].to_numpy())
        out = pd.concat([out, found.set_axis(out.index)], axis=1)
    else:
        out = classified.take(order).merge(ep[keep], on="injury_id", how="left")
    out["where"] = _pair_words(out["body_region"], out["side"])
    as_of_day = _as_of(as_of).to_datetime64().astype("datetime64[D]")
    out["days_since_onset"] = (as_of_day - out["onset_date"].to_numpy().astype("datetime64[D]")).astype(np.int64)
    returned = out["return_date"].to_numpy() <= as_of_day  # a missing return date: False
    out["status"] = np.where(returned, "returned", "open").astype(object)
    return out


def km_athlete_vs_team(
    episodes: pd.DataFrame,
    athlete_id: int,
    outcome: str = "resolution",
    athlete_label: str = "This athlete",
    team_label: str = "Team",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Kaplan-Meier curves and medians of one athlete's episodes against all episodes of `episodes`
    (the team's, the athlete's own included), via `analytics.recovery.km_curves` / `km_medians`.

    The groups are named `athlete_label` and `team_label`; an athlete without episodes gives only the
    team's curve. Returns ``(curves, medians)`` in the ``KmCurve`` / ``KmMedian`` layouts, the team's
    rows first. Each group's estimate is computed once (`analytics.recovery`'s Kaplan-Meier, the
    numbers of `km_curves` / `km_medians` grouped by team and athlete) and both tables built from it.
    """
    ep = validated(S.RecoveryEpisodes.to_schema(), episodes, copy=False)  # same verdict; read, not changed
    if ep.empty or outcome not in recovery.KM_OUTCOMES:  # the empty tables, or km_curves' error
        return recovery.km_curves(ep, outcome), recovery.km_medians(ep, outcome)
    time_col, event_col = recovery.KM_OUTCOMES[outcome]
    times, observed = ep[time_col].to_numpy(float), ep[event_col].to_numpy(bool)
    mine = ep["athlete_id"].to_numpy() == athlete_id
    groups = [(team_label, np.ones(len(ep), dtype=bool))] + ([(athlete_label, mine)] if mine.any() else [])
    fits = [(label, rows, recovery.kaplan_meier(times[rows], observed[rows])) for label, rows in groups]
    curves = pd.DataFrame(
        {
            "group": np.concatenate([np.full(len(km.days), label, dtype=object) for label, _, km in fits]),
            **{
                column: np.concatenate([getattr(km, column) for _, _, km in fits])
                for column in ("days", "survival", "ci_lower", "ci_upper", "at_risk", "events", "censored")
            },
        }
    )
    n = np.array([int(rows.sum()) for _, rows, _ in fits], dtype=np.int64)
    events = np.array([int(observed[rows].sum()) for _, rows, _ in fits], dtype=np.int64)
    medians = pd.DataFrame(
        {
            "group": np.array([label for label, _, _ in fits], dtype=object),
            "n": n,
            "events": events,
            "censored": n - events,
            **{
                column: np.array([np.nan if np.isinf(v) else v for v in (getattr(km, column) for _, _, km in fits)])
                for column in ("median", "median_ci_lower", "median_ci_upper")
            },
        }
    ).rename(columns={"median": "median_days"})
    return S.KmCurve.validate(curves), S.KmMedian.validate(medians)


# --------------------------------------------------------------------------- plain sentences


def _direction_words(first: float, last: float) -> str:
    fall = first - last
    if fall >= recovery.IMPORTANT_POINTS and 100 * fall >= recovery.IMPORTANT_PERCENT * first:
        return "down"
    if -fall >= recovery.IMPORTANT_POINTS:
        return "up"
    return "about the same"


def pain_sentences(
    pain_reports: pd.DataFrame, as_of: object, start: object | None = None, days: int = SENTENCE_DAYS
) -> list[str]:
    """Plain sentences about the pain reported from `start` to `as_of` (default: the 28 days ending on it).

    Per athlete, region and side with a report of NPRS >= 1 in the window, the first report in the
    window is compared with the latest: "Your left thigh pain is down from 6 to 2 since 3 October."
    "down" needs a clinically important fall (>= 2 points and >= 30 %, Farrar et al. 2001), "up" a rise
    of >= 2 points; otherwise "about the same (6 on 3 October, 5 on 20 October)". When the latest
    report of an "up"/"down" sentence is not from `as_of`, its date is added. Worst latest pain first.
    """
    as_of_ts = _as_of(as_of)
    first_day = _as_of(start) if start is not None else as_of_ts - (days - 1) * _DAY
    p = recovery.daily_pain(pain_reports)
    p = p[(p["date"] >= first_day) & (p["date"] <= as_of_ts)]
    keys = ["athlete_id", "body_region", "side"]
    painful = p.groupby(keys)["pain"].transform("max") >= 1
    p = p[painful]
    if p.empty:
        return []
    g = p.groupby(keys, as_index=False).agg(
        first_date=("date", "first"),
        first_pain=("pain", "first"),
        last_date=("date", "last"),
        last_pain=("pain", "last"),
        n=("pain", "size"),
    )
    g = g.sort_values(["last_pain", "last_date"], ascending=False)
    sentences = []
    for row in g.itertuples(index=False):  # one row per complaint: a handful per athlete
        where = region_words(row.body_region, row.side)
        since = day_words(row.first_date, as_of_ts)
        if row.n == 1:
            sentences.append(f"You reported {where} pain of {row.last_pain} on {since}.")
            continue
        words = _direction_words(float(row.first_pain), float(row.last_pain))
        latest = day_words(row.last_date, as_of_ts)
        if words == "about the same":
            text = f"Your {where} pain is about the same ({row.first_pain} on {since}, {row.last_pain} on {latest})"
        else:
            text = f"Your {where} pain is {words} from {row.first_pain} to {row.last_pain} since {since}"
            if row.last_date != as_of_ts:
                text += f" (last reported {latest})"
        sentences.append(text + ".")
    return sentences


def rom_sentences_ordered(status: pd.DataFrame, symmetry: pd.DataFrame | None = None) -> list[str]:
    """`analytics.rom.rom_sentences` with what matters to the athlete first: real changes (beyond the
    MDC), then measures whose latest left-right difference is an asymmetry, then the rest."""
    st = S.RomStatus.validate(status)
    asym = pd.Series(False, index=st.index)
    if symmetry is not None and not symmetry.empty:
        flagged = S.RomSymmetry.validate(symmetry)
        flagged = flagged[flagged["asymmetric"]][["athlete_id", "joint", "movement", "unit"]].drop_duplicates()
        key = ["athlete_id", "joint", "movement", "unit"]
        asym = st[key].merge(flagged.assign(_a=True), on=key, how="left")["_a"].eq(True).to_numpy()
    order = pd.DataFrame({"real": ~st["change_real"].to_numpy(bool), "asym": ~np.asarray(asym, dtype=bool)})
    order = order.assign(pos=np.arange(len(st))).sort_values(["real", "asym", "pos"], kind="stable")
    return rom.rom_sentences(st.iloc[order.index.to_numpy()], symmetry)


def week_changes(
    pain_reports: pd.DataFrame,
    wellness_checkins: pd.DataFrame,
    therapy_sessions: pd.DataFrame,
    as_of: object,
    days: int = TREND_DAYS,
) -> list[str]:
    """What changed since last week, in sentences: check-ins, pain per region, treatment sessions.

    "This week" is the `days` (7) days ending on `as_of`, "the week before" the 7 days before them.
    Pain: the mean of each region's reports in each week; "down"/"up" when the means differ by >= 1
    point (the caseload's trend rule), otherwise "about the same"; a region reported in only one of the
    weeks is said so. Sessions: each of this week's sessions with technique, region and pain before ->
    after.
    """
    as_of_ts = _as_of(as_of)
    out: list[str] = []
    w = validate_columns(wellness_checkins, S.WellnessCheckins, ("athlete_id", "date"))
    back = (as_of_ts - w["date"].dt.normalize()).dt.days
    now = w[(back >= 0) & (back < days)]["date"].dt.normalize().nunique()
    before = w[(back >= days) & (back < 2 * days)]["date"].dt.normalize().nunique()
    out.append(f"You checked in on {now} of the last {days} days ({before} of {days} the week before).")

    trend = pain_direction(pain_reports, as_of_ts, days)
    trend = trend[(trend["n_now"] > 0) | (trend["n_before"] > 0)].sort_values("mean_now", ascending=False)
    if trend.empty:
        out.append("No pain reported this week or the week before.")
    for row in trend.itertuples(index=False):  # one row per complaint
        where = region_words(row.body_region, row.side)
        subject = where[0].upper() + where[1:]
        if row.n_now and row.n_before:
            if row.trend in ("worse", "better"):
                direction = "up" if row.trend == "worse" else "down"
                out.append(
                    f"{subject} pain averaged {row.mean_now:.1f} this week, {direction} from "
                    f"{row.mean_before:.1f} the week before."
                )
            else:
                out.append(
                    f"{subject} pain averaged {row.mean_now:.1f} this week, about the same as the week before "
                    f"({row.mean_before:.1f})."
                )
        elif row.n_now:
            out.append(f"New this week: {where} pain (average {row.mean_now:.1f}).")
        else:
            out.append(f"No {where} pain reported this week (it averaged {row.mean_before:.1f} the week before).")

    s = therapy_sessions[
        ((as_of_ts - pd.to_datetime(therapy_sessions["date"]).dt.normalize()).dt.days.between(0, days - 1))
    ].sort_values("date")
    if s.empty:
        out.append("No treatment sessions this week.")
    else:
        parts = []
        for row in s.itertuples(index=False):  # this week's sessions: a few
            text = (
                f"{day_words(row.date)}: {row.technique.replace('_', ' ')}, {region_words(row.body_region, row.side)}"
            )
            if pd.notna(row.pain_before) and pd.notna(row.pain_after):
                text += f" (pain {row.pain_before} → {row.pain_after})"
            parts.append(text)
        noun = "session" if len(parts) == 1 else "sessions"
        out.append(f"{len(parts)} treatment {noun} this week: " + "; ".join(parts) + ".")
    return out


def week_window(as_of: object, days: int = TREND_DAYS) -> tuple[dt.date, dt.date]:
    """The first and last day of "this week" as :func:`week_changes` counts it."""
    as_of_ts = _as_of(as_of)
    return (as_of_ts - (days - 1) * _DAY).date(), as_of_ts.date()
