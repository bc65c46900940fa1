"""Range of motion: baseline and latest, % of the shipped norm, left-right symmetry, real change.

Rules (DESIGN.md, "ROM"):

- **% of normal** = value / the norm of `analytics/reference/rom_norms.csv` x 100 (AAOS averages as
  tabulated by Norkin & White for goniometry; Kendall for the straight leg raise; Hoch & McKeon 2011
  for the knee-to-wall lunge; every row names its source).
- **Limb symmetry index** = involved / uninvolved x 100. Involved = the injured side when the athlete
  has a left- or right-sided injury in the measure's body region, otherwise the smaller value.
- **Asymmetry** when |left - right| exceeds **both** the minimal detectable change (measurement error)
  **and** 10 % of the larger side.
- **Real change** only beyond the method's minimal detectable change (MDC): by default 5 deg for
  goniometry and inclinometry (Gajdosik & Bohannon 1987), 1.5 cm for the weight-bearing lunge
  (Chisholm et al. 2012); smaller changes are "within measurement error".

Choices common to the module:

- A measure is (joint, movement, unit); its MDC and norm come from the norms table matched on those
  three, falling back to the unit's default MDC (5 deg, 1.5 cm) when the measure is not in the table.
- Status (baseline, latest, symmetry) uses the athlete's between-session state, so ``post_session``
  measurements are left out by default (their immediate effect is reported by the treatment response,
  `analytics.recovery.session_rom_change`); ``include_post_session=True`` keeps them.
- Repeated trials on one day (same athlete, measure and side) are averaged into the day's value.
- Joint to body region: hip -> hip_groin, knee -> knee, ankle -> ankle, shoulder -> shoulder, except the
  straight leg raise -> thigh (it is limited by hamstring length, and hamstring strains are thigh
  injuries).
- "Exceeds" is strict (> with a 1e-9 tolerance for float noise): exactly 5.0 deg is within error.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd

from analytics import schemas as S
from analytics.validation import validate_columns
from analytics.vocabulary import MONTHS

NORMS_PATH = Path(__file__).resolve().parent / "reference" / "rom_norms.csv"
ROM_COLUMNS = ("athlete_id", "date", "joint", "movement", "side", "value", "unit", "method", "context")
#: Default minimal detectable change per unit: 5 deg goniometry/inclinometry, 1.5 cm weight-bearing lunge.
DEFAULT_MDC: dict[str, float] = {"deg": 5.0, "cm": 1.5}
#: Asymmetry also needs the difference to exceed this fraction of the larger side.
ASYMMETRY_FRACTION = 0.10
JOINT_REGION: dict[str, str] = {"hip": "hip_groin", "knee": "knee", "ankle": "ankle", "shoulder": "shoulder"}
MOVEMENT_REGION: dict[tuple[str, str], str] = {("hip", "straight_leg_raise"): "thigh"}
MOVEMENT_LABEL: dict[tuple[str, str], str] = {
    ("hip", "straight_leg_raise"): "straight leg raise",
    ("ankle", "dorsiflexion_lunge"): "ankle dorsiflexion (knee-to-wall lunge)",
}
_EPS = 1e-9
_KEY = ["athlete_id", "joint", "movement", "unit"]


@functools.cache
def _read_norms(path: Path) -> pd.DataFrame:
    return S.RomNorms.validate(pd.read_csv(path))


def rom_norms(path: Path | str | None = None) -> pd.DataFrame:
    """The shipped ROM norms table (``analytics/reference/rom_norms.csv``), validated.

    One row per entry of ``vocabulary.ROM_MEASURES``: ``joint, movement, unit, normal_value, mdc, method,
    source``; every row names its source. The file is read once per process; a copy is returned.
    """
    return _read_norms(Path(path) if path is not None else NORMS_PATH).copy()


def beyond(value: pd.Series | np.ndarray, limit: pd.Series | np.ndarray) -> pd.Series | np.ndarray:
    """``value > limit`` with a 1e-9 tolerance, so float noise never tips a boundary case (5.0 vs 5)."""
    return value > limit + _EPS


def mdc_for(frame: pd.DataFrame, norms: pd.DataFrame | None = None) -> pd.Series:
    """The minimal detectable change of each row's measure (``joint, movement, unit`` columns).

    From the norms table (default: :func:`rom_norms`) matched on joint, movement and unit; otherwise the
    unit's default (5 deg goniometry/inclinometry, 1.5 cm weight-bearing lunge, Chisholm et al. 2012).
    """
    return _norm_lookup(frame, norms)["mdc"]


def _norm_lookup(frame: pd.DataFrame, norms: pd.DataFrame | None) -> pd.DataFrame:
    n = S.RomNorms.validate(norms) if norms is not None else rom_norms()
    n = n.drop_duplicates(["joint", "movement", "unit"])[["joint", "movement", "unit", "mdc", "normal_value"]]
    m = frame[["joint", "movement", "unit"]].merge(n, on=["joint", "movement", "unit"], how="left")
    m.index = frame.index
    m["mdc"] = m["mdc"].fillna(m["unit"].map(DEFAULT_MDC)).astype(float)
    m["normal_value"] = m["normal_value"].astype(float)
    return m


def body_region(joint: pd.Series, movement: pd.Series) -> pd.Series:
    """Body region a measure belongs to (for finding the injured side); see the module's mapping."""
    region = joint.map(JOINT_REGION).astype(object)
    for (j, m), special in MOVEMENT_REGION.items():  # a loop over the mapping's few entries, not over rows
        region = region.mask((joint == j) & (movement == m), special)
    return region


def _measurements(
    rom_measurements: pd.DataFrame, include_post_session: bool, start: object | None = None, end: object | None = None
) -> pd.DataFrame:
    r = validate_columns(rom_measurements, S.RomMeasurements, ROM_COLUMNS)
    r["date"] = r["date"].dt.normalize()
    keep = pd.Series(True, index=r.index)
    if not include_post_session:
        keep &= r["context"] != "post_session"
    if start is not None:
        keep &= r["date"] >= pd.Timestamp(start).normalize()
    if end is not None:
        keep &= r["date"] <= pd.Timestamp(end).normalize()
    return r[keep] if not keep.all() else r


def _daily(r: pd.DataFrame, with_method: bool = True) -> pd.DataFrame:
    """Mean of the day's trials per athlete, measure, side and date (method: first by name)."""
    keys = _KEY + ["side", "date"]
    if not with_method:
        return r.groupby(keys, as_index=False, sort=True)["value"].mean()
    return (
        r.sort_values(keys + ["method"], kind="stable")
        .groupby(keys, as_index=False, sort=True)
        .agg(value=("value", "mean"), method=("method", "first"))
    )


def rom_status(
    rom_measurements: pd.DataFrame,
    norms: pd.DataFrame | None = None,
    include_post_session: bool = False,
) -> pd.DataFrame:
    """Baseline and latest value per athlete, joint, movement and side; change since baseline; % of norm.

    Rules and choices:

    - Day value: mean of the day's trials; ``post_session`` left out unless `include_post_session`.
    - Baseline: the first day with a ``baseline``-context measurement (its value: the mean of that day's
      baseline-context trials); when there is none, the first measured day (``baseline_context`` says
      which: ``"baseline"`` or ``"first"``).
    - Latest: the last measured day. ``change`` = latest - baseline; missing when the latest day is the
      baseline day (``change_label`` ``"not re-measured"``).
    - ``change_real`` when |change| exceeds the measure's MDC (strictly; 4.9 deg within, 5.1 deg real);
      ``change_label``: ``"gain"``, ``"loss"``, ``"within measurement error"`` or ``"not re-measured"``.
      For every shipped measure a larger value is more motion.
    - ``pct_of_norm`` = latest / normal value x 100; missing when the measure has no norm.

    Returns ``RomStatus``: ``athlete_id, joint, movement, side, unit, method, baseline_date,
    baseline_value, baseline_context, latest_date, latest_value, n_dates, change, mdc, change_real,
    change_label, normal_value, pct_of_norm``; sorted by athlete, joint, movement, side.
    """
    r = _measurements(rom_measurements, include_post_session)
    d = _daily(r)
    keys = _KEY + ["side"]
    g = d.groupby(keys, sort=True)
    out = g.agg(
        first_date=("date", "first"),
        first_value=("value", "first"),
        latest_date=("date", "last"),
        latest_value=("value", "last"),
        method=("method", "last"),
        n_dates=("date", "size"),
    )
    b = r[r["context"] == "baseline"]
    bday = b.groupby(keys)["date"].transform("min")
    b = b[b["date"] == bday].groupby(keys).agg(b_date=("date", "first"), b_value=("value", "mean"))
    out = out.join(b, how="left").reset_index()
    has_b = out["b_date"].notna()
    out["baseline_date"] = out["b_date"].where(has_b, out["first_date"])
    out["baseline_value"] = out["b_value"].where(has_b, out["first_value"]).astype(float)
    out["baseline_context"] = np.where(has_b, "baseline", "first")
    remeasured = out["latest_date"] > out["baseline_date"]
    out["change"] = (out["latest_value"] - out["baseline_value"]).where(remeasured).astype(float)
    looked = _norm_lookup(out, norms)
    out["mdc"] = looked["mdc"]
    out["normal_value"] = looked["normal_value"]
    out["change_real"] = beyond(out["change"].abs(), out["mdc"]).fillna(False).astype(bool)
    out["change_label"] = np.select(
        [~remeasured, out["change_real"] & (out["change"] > 0), out["change_real"]],
        ["not re-measured", "gain", "loss"],
        "within measurement error",
    )
    out["pct_of_norm"] = (out["latest_value"] / out["normal_value"] * 100.0).astype(float)
    columns = list(S.RomStatus.to_schema().columns)
    return S.RomStatus.validate(out[columns].reset_index(drop=True))


def _symmetry(
    rom_measurements: pd.DataFrame,
    injuries: pd.DataFrame | None,
    norms: pd.DataFrame | None,
    include_post_session: bool,
    latest_only: bool,
    fraction: float,
    start: object | None,
    end: object | None,
) -> pd.DataFrame:
    """The work of :func:`rom_symmetry`, output not validated (for callers that validate their own)."""
    d = _daily(_measurements(rom_measurements, include_post_session, start, end), with_method=False)
    sides = d.pop("side")
    out = d[sides == "left"].merge(d[sides == "right"], on=_KEY + ["date"], suffixes=("_l", "_r"))
    out = out.rename(columns={"value_l": "left", "value_r": "right"})
    if latest_only:
        out = out.sort_values(_KEY + ["date"]).groupby(_KEY, sort=False).tail(1)
    out = out.sort_values(["date"] + _KEY, kind="stable").reset_index(drop=True)
    out["abs_diff"] = (out["left"] - out["right"]).abs()
    out["larger"] = np.maximum(out["left"].abs(), out["right"].abs())
    out["mdc"] = mdc_for(out, norms)
    out["exceeds_mdc"] = beyond(out["abs_diff"], out["mdc"]).astype(bool)
    out["exceeds_fraction"] = beyond(out["abs_diff"], fraction * out["larger"]).astype(bool)
    out["asymmetric"] = out["exceeds_mdc"] & out["exceeds_fraction"]
    out["body_region"] = body_region(out["joint"], out["movement"])
    out["injury_id"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["injured_side"] = None
    if injuries is not None and not out.empty:
        inj = validate_columns(injuries, S.Injuries, ("injury_id", "athlete_id", "onset_date", "body_region", "side"))
        inj = inj[inj["side"].isin(["left", "right"])].drop_duplicates("injury_id")
        inj = inj.assign(onset_date=inj["onset_date"].dt.normalize()).sort_values(["onset_date", "injury_id"])
        inj = inj.rename(columns={"side": "injured_side_found", "injury_id": "injury_found"})
        if not inj.empty:
            matched = pd.merge_asof(
                out[["date", "athlete_id", "body_region"]].reset_index(),
                inj[["onset_date", "athlete_id", "body_region", "injured_side_found", "injury_found"]],
                left_on="date",
                right_on="onset_date",
                by=["athlete_id", "body_region"],
                direction="backward",
            ).set_index("index")
            out["injured_side"] = matched["injured_side_found"].reindex(out.index)
            out["injury_id"] = matched["injury_found"].reindex(out.index).astype("Int64")
    by_injury = out["injured_side"].notna()
    smaller = np.where(out["left"] < out["right"], "left", np.where(out["right"] < out["left"], "right", None))
    out["involved_side"] = out["injured_side"].where(by_injury, pd.Series(smaller, index=out.index)).astype(object)
    out["involved_basis"] = np.where(by_injury, "injury", np.where(pd.isna(smaller), "equal", "smaller"))
    involved = np.where(out["involved_side"] == "right", out["right"], out["left"])
    uninvolved = np.where(out["involved_side"] == "right", out["left"], out["right"])
    lsi = pd.Series(involved / np.where(uninvolved == 0, np.nan, uninvolved) * 100.0, index=out.index)
    out["lsi"] = lsi.where(out["involved_basis"] != "equal", 100.0).astype(float)
    columns = list(S.RomSymmetry.to_schema().columns)
    return out[columns].sort_values(_KEY + ["date"]).reset_index(drop=True)


def rom_symmetry(
    rom_measurements: pd.DataFrame,
    injuries: pd.DataFrame | None = None,
    norms: pd.DataFrame | None = None,
    include_post_session: bool = False,
    latest_only: bool = True,
    fraction: float = ASYMMETRY_FRACTION,
    start: object | None = None,
    end: object | None = None,
) -> pd.DataFrame:
    """Left vs right per athlete and measure on days both sides were measured: LSI and asymmetry flag.

    Rules and choices:

    - Only days with both sides measured are compared (the same day's state); day values are the mean
      of the day's trials, ``post_session`` left out unless `include_post_session`. `latest_only` keeps
      the last such day per athlete and measure, else every such day (history). `start`/`end` restrict
      the days considered (inclusive; default all).
    - ``abs_diff`` = |left - right|; ``larger`` = the larger of |left|, |right|.
    - ``asymmetric`` = abs_diff > MDC (``exceeds_mdc``) **and** abs_diff > `fraction` (10 %) x larger
      (``exceeds_fraction``); both strict.
    - Involved side: the side of the athlete's most recent left- or right-sided injury in the measure's
      body region (hip -> hip_groin, knee, ankle, shoulder; straight leg raise -> thigh) with onset on or
      before the day (``involved_basis`` ``"injury"``, ``injury_id`` set); otherwise the side with the
      smaller value (``"smaller"``); with equal values and no injury, none (``"equal"``, LSI 100).
    - ``lsi`` = involved / uninvolved x 100; missing when the uninvolved value is 0.

    Returns ``RomSymmetry``: ``athlete_id, joint, movement, unit, date, left, right, abs_diff, larger,
    mdc, exceeds_mdc, exceeds_fraction, asymmetric, involved_side, involved_basis, injury_id, lsi``.
    """
    return S.RomSymmetry.validate(
        _symmetry(rom_measurements, injuries, norms, include_post_session, latest_only, fraction, start, end)
    )


def _day_label(day: pd.Timestamp, reference: pd.Timestamp) -> str:
    text = f"{day.day} {MONTHS[day.month - 1]}"
    return text if day.year == reference.year else f"{text} {day.year}"


def _amount(value: float, unit: str) -> str:
    return f"{value:.0f}°" if unit == "deg" else f"{value:.1f} cm"


def rom_sentences(status: pd.DataFrame, symmetry: pd.DataFrame | None = None) -> list[str]:
    """Plain sentences for the athlete page, one per athlete, joint, movement and side of `status`.

    Rule: a change is stated as up/down only when it is real (beyond the MDC, :func:`rom_status`);
    otherwise the sentence says it is within measurement error. When `symmetry` (from
    :func:`rom_symmetry`, latest) has the measure and this side is the involved side, the sentence adds
    the limb symmetry index, e.g. "Right hip internal rotation is up 12° since 3 October and is now 92 %
    of your left side." Degrees are rounded to whole degrees, centimetres to 0.1 cm, the LSI to a whole
    percent; dates are "3 October", with the year when it differs from the latest measurement's.
    """
    st = S.RomStatus.validate(status)
    sym = S.RomSymmetry.validate(symmetry) if symmetry is not None else None
    sentences: list[str] = []
    for row in st.itertuples(index=False):  # one row per measure and side: a handful per athlete
        label = MOVEMENT_LABEL.get((row.joint, row.movement), f"{row.joint} {row.movement.replace('_', ' ')}")
        subject = f"{row.side.capitalize()} {label}"
        since = _day_label(row.baseline_date, row.latest_date)
        if row.change_label == "not re-measured":
            text = f"{subject} was measured at {_amount(row.latest_value, row.unit)} on {since}"
        elif row.change_real:
            direction = "up" if row.change > 0 else "down"
            text = f"{subject} is {direction} {_amount(abs(row.change), row.unit)} since {since}"
        else:
            sign = "+" if row.change >= 0 else "-"
            text = (
                f"{subject} is unchanged since {since} ({sign}{_amount(abs(row.change), row.unit)}, "
                "within measurement error)"
            )
        if sym is not None:
            match = sym[
                (sym["athlete_id"] == row.athlete_id)
                & (sym["joint"] == row.joint)
                & (sym["movement"] == row.movement)
                & (sym["unit"] == row.unit)
                & (sym["involved_side"] == row.side)
            ]
            if not match.empty and pd.notna(match["lsi"].iloc[-1]):
                other = "left" if row.side == "right" else "right"
                text += f" and is now {match['lsi'].iloc[-1]:.0f} % of your {other} side"
        sentences.append(text + ".")
    return sentences
