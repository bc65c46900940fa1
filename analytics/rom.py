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
from analytics.kernels import run_ends
from analytics.validation import checked

NORMS_PATH = Path(__file__).resolve().parent / "reference" / "rom_norms.csv"
ROM_COLUMNS = ("athlete_id", "date", "joint", "movement", "side", "value", "unit", "method", "context")
#: Default minimal detectable change per unit: 5 deg goniometry/inclinometry, 1.5 cm weight-bearing lunge.
DEFAULT_MDC: dict[str, float] = {"deg": 5.0, "cm": 1.5}
#: Asymmetry also needs the difference to exceed this fraction of the larger side.
ASYMMETRY_FRACTION = 0.10
JOINT_REGION: dict[str, str] = {"hip": "hip_groin", "knee": "knee", "ankle": "ankle", "shoulder": "shoulder"}
MOVEMENT_REGION: dict[tuple[str, str], str] = {("hip", "straight_leg_raise"): "thigh"}
_EPS = 1e-9


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
    mdc, _ = norm_values(frame["joint"], frame["movement"], frame["unit"], norms)
    return pd.Series(mdc, index=frame.index, name="mdc")


def _distinct(*columns: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, a code of its combination of `columns` values, and one row holding each combination.

    Codes are dense and follow a sort by the columns (missing values last), so sorting by the code sorts
    by the columns; factorised per column with hashing, no Python loop over rows.
    """
    code = np.zeros(len(columns[0]), dtype=np.int64)
    size = 1  # codes are below `size`
    for column in columns:
        part, uniques = pd.factorize(column, sort=True, use_na_sentinel=False)
        if size * max(len(uniques), 1) >= 2**62:  # dense again first: no overflow however many columns
            code = np.unique(code, return_inverse=True)[1].reshape(-1)
            size = int(code.max()) + 1 if len(code) else 1
        code = code * len(uniques) + part
        size *= max(len(uniques), 1)
    _, first, code = np.unique(code, return_index=True, return_inverse=True)
    return code.reshape(-1), first


def norm_values(
    joint: pd.Series | np.ndarray,
    movement: pd.Series | np.ndarray,
    unit: pd.Series | np.ndarray,
    norms: pd.DataFrame | None,
) -> tuple[np.ndarray, np.ndarray]:
    """MDC and normal value per row: the norms table's first row of the same joint, movement and unit;
    unmatched, the unit's default MDC and no normal value. A loop over the few distinct measures, not rows."""
    table = _norms_table(norms)
    joint, movement, unit = (np.asarray(c, dtype=object) for c in (joint, movement, unit))
    code, first = _distinct(joint, movement, unit)
    values = _measure_norms(table, joint[first], movement[first], unit[first])
    return values[code, 0], values[code, 1]


def _norms_table(norms: pd.DataFrame | None) -> dict[tuple[object, object, object], tuple[float, float]]:
    """(joint, movement, unit) -> (MDC, normal value) from the validated norms table (its first row of each)."""
    n = _read_norms(NORMS_PATH) if norms is None else checked(norms, S.RomNorms)  # the file is checked when read
    table: dict[tuple[object, object, object], tuple[float, float]] = {}
    for key in zip(n["joint"], n["movement"], n["unit"], n["mdc"], n["normal_value"], strict=True):
        table.setdefault(key[:3], (float(key[3]), float(key[4])))
    return table


def _measure_norms(
    table: dict[tuple[object, object, object], tuple[float, float]],
    joint: np.ndarray,
    movement: np.ndarray,
    unit: np.ndarray,
) -> np.ndarray:
    """MDC and normal value (columns 0 and 1) of each of a few distinct measures; unmatched, the unit's
    default MDC and no normal value."""
    found = [
        table.get((j, m, u), (DEFAULT_MDC.get(u, np.nan), np.nan))
        for j, m, u in zip(joint, movement, unit, strict=True)
    ]
    return np.array(found, dtype=float).reshape(-1, 2)


def _regions(joint: np.ndarray, movement: np.ndarray) -> np.ndarray:
    """`body_region` on arrays: an object array, NaN for a joint outside the mapping."""
    code, first = _distinct(joint, movement)
    return _measure_regions(joint[first], movement[first])[code]


def _measure_regions(joint: np.ndarray, movement: np.ndarray) -> np.ndarray:
    """The body region of each of a few distinct measures (NaN for a joint outside the mapping)."""
    found = [MOVEMENT_REGION.get((j, m), JOINT_REGION.get(j, np.nan)) for j, m in zip(joint, movement, strict=True)]
    return np.array(found, dtype=object)


def body_region(joint: pd.Series, movement: pd.Series) -> pd.Series:
    """Body region a measure belongs to (for finding the injured side); see the module's mapping."""
    region = _regions(joint.to_numpy(dtype=object), movement.to_numpy(dtype=object))
    return pd.Series(region, index=joint.index, name=joint.name, dtype=object)


def _measurements(
    rom_measurements: pd.DataFrame, include_post_session: bool, start: object | None = None, end: object | None = None
) -> dict[str, np.ndarray]:
    """Validated measurements as arrays by column, dates at the day, ``post_session`` left out unless
    `include_post_session`, within `start` and `end` (inclusive) when given."""
    r = checked(rom_measurements, S.RomMeasurements, ROM_COLUMNS)
    out = {c: r[c].to_numpy() for c in ROM_COLUMNS}
    out["date"] = out["date"].astype("datetime64[D]").astype("datetime64[ns]")
    keep = np.ones(len(r), dtype=bool)
    if not include_post_session:
        keep &= out["context"] != "post_session"
    if start is not None:
        keep &= out["date"] >= pd.Timestamp(start).normalize().to_datetime64()
    if end is not None:
        keep &= out["date"] <= pd.Timestamp(end).normalize().to_datetime64()
    return {c: v[keep] for c, v in out.items()} if not keep.all() else out


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
      baseline day (not re-measured).
    - ``change_real`` when |change| exceeds the measure's MDC (strictly; 4.9 deg within, 5.1 deg real):
      a gain when the change is positive, a loss when negative, else within measurement error. For
      every shipped measure a larger value is more motion.
    - ``pct_of_norm`` = latest / normal value x 100; missing when the measure has no norm.

    Returns ``RomStatus``: ``athlete_id, joint, movement, side, unit, method, baseline_date,
    baseline_value, baseline_context, latest_date, latest_value, n_dates, change, mdc, change_real,
    normal_value, pct_of_norm``; sorted by athlete, joint, movement, side.
    """
    r = _measurements(rom_measurements, include_post_session)
    athlete, date, value = r["athlete_id"], r["date"], r["value"]
    joint, movement, unit, side, method = (r[c] for c in ("joint", "movement", "unit", "side", "method"))
    day = date.astype("datetime64[D]").astype(np.int64)
    day -= day.min() if len(day) else 0
    measure, _ = _distinct(athlete, joint, movement, unit, side)  # 0, 1, ... in the order of the keys
    # Day values: the day's trials sorted by method name (the day's method: the first), then averaged
    key = measure * (day.max() + 1 if len(day) else 1) + day
    order = np.lexsort((pd.factorize(method, sort=True)[0], key))
    new_day = np.ones(len(order), dtype=bool)
    new_day[1:] = key[order][1:] != key[order][:-1]
    day_value = pd.Series(value[order]).groupby(np.cumsum(new_day) - 1).mean().to_numpy()
    day_row = order[new_day]  # the first trial of each day
    first = np.flatnonzero(_starts(measure[day_row]))
    last = np.flatnonzero(run_ends(measure[day_row]))
    row = day_row[first]
    # Baseline context: the first day with baseline-context trials, their mean
    in_baseline = r["context"] == "baseline"
    baseline_day = np.full(len(first), np.iinfo(np.int64).max)
    np.minimum.at(baseline_day, measure[in_baseline], day[in_baseline])
    on = in_baseline & (day == baseline_day[measure])
    has_b = baseline_day < np.iinfo(np.int64).max
    b_value = np.full(len(first), np.nan)
    b_value[has_b] = pd.Series(value[on]).groupby(measure[on]).mean().to_numpy()
    b_row = np.zeros(len(first), dtype=np.int64)
    b_row[measure[on]] = np.flatnonzero(on)  # a row of the baseline day
    latest_date, latest_value = date[day_row[last]], day_value[last]
    baseline_date = np.where(has_b, date[b_row], date[row])
    baseline_value = np.where(has_b, b_value, day_value[first])
    remeasured = latest_date > baseline_date
    change = np.where(remeasured, latest_value - baseline_value, np.nan)
    mdc, normal_value = norm_values(joint[row], movement[row], unit[row], norms)
    change_real = beyond(np.abs(change), mdc)
    out = {
        "athlete_id": athlete[row],
        "joint": joint[row],
        "movement": movement[row],
        "side": side[row],
        "unit": unit[row],
        "method": method[day_row[last]],
        "baseline_date": baseline_date,
        "baseline_value": baseline_value,
        "baseline_context": np.where(has_b, "baseline", "first").astype(object),
        "latest_date": latest_date,
        "latest_value": latest_value,
        "n_dates": last - first + 1,
        "change": change,
        "mdc": mdc,
        "change_real": change_real,
        "normal_value": normal_value,
        "pct_of_norm": latest_value / normal_value * 100.0,
    }
    return S.RomStatus.validate(pd.DataFrame(out))


def _starts(group: np.ndarray) -> np.ndarray:
    """True on the first row of each run of equal `group` values."""
    start = np.ones(len(group), dtype=bool)
    start[1:] = group[1:] != group[:-1]
    return start


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
    columns = symmetry_columns(
        rom_measurements, injuries, norms, include_post_session, latest_only, fraction, start, end
    )
    return pd.DataFrame({c: columns[c] for c in S.RomSymmetry.to_schema().columns})


def symmetry_columns(
    rom_measurements: pd.DataFrame,
    injuries: pd.DataFrame | None,
    norms: pd.DataFrame | None,
    include_post_session: bool,
    latest_only: bool,
    fraction: float,
    start: object | None,
    end: object | None,
) -> dict[str, np.ndarray]:
    """:func:`rom_symmetry`'s columns as arrays, sorted by athlete, joint, movement, unit and date, plus
    ``body_region``.

    Numpy on the measurements' arrays (a page's inputs are a few hundred rows, where each pandas
    operation's fixed cost would dominate): one code per athlete, measure, day and side whose sort order
    is theirs, so a day's left mean sits just before its right mean.
    """
    r = _measurements(rom_measurements, include_post_session, start, end)
    athlete, date = r["athlete_id"], r["date"]
    joint, movement, unit = r["joint"], r["movement"], r["unit"]
    day = date.astype("datetime64[D]").astype(np.int64)
    kind, kind_row = _distinct(joint, movement, unit)  # each measure kind once, coded in their sort order
    measure, _ = _distinct(athlete, kind)  # so these codes sort by athlete, joint, movement and unit
    day -= day.min() if len(day) else 0
    key = (measure * (day.max() + 1 if len(day) else 1) + day) * 2 + (r["side"] == "right")
    keys, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    # pandas' grouped mean (compensated sums), so a day's value is the one rom_status reports
    mean = pd.Series(r["value"]).groupby(inverse.reshape(-1)).mean().to_numpy()
    left_at = np.flatnonzero((keys[:-1] % 2 == 0) & (keys[1:] == keys[:-1] + 1))
    if latest_only:  # the last day of each athlete and measure
        pair_measure = measure[first[left_at]]
        left_at = left_at[run_ends(pair_measure)]
    row = first[left_at]  # a measurement of the day's left side: athlete, measure and date
    out: dict[str, np.ndarray] = {
        "athlete_id": athlete[row],
        "joint": joint[row],
        "movement": movement[row],
        "unit": unit[row],
        "date": date[row],
        "left": mean[left_at],
        "right": mean[left_at + 1],
    }
    left, right = out["left"], out["right"]
    out["abs_diff"] = np.abs(left - right)
    out["larger"] = np.maximum(np.abs(left), np.abs(right))
    out["mdc"] = _measure_norms(_norms_table(norms), joint[kind_row], movement[kind_row], unit[kind_row])[kind[row], 0]
    out["exceeds_mdc"] = beyond(out["abs_diff"], out["mdc"])
    out["exceeds_fraction"] = beyond(out["abs_diff"], fraction * out["larger"])
    out["asymmetric"] = out["exceeds_mdc"] & out["exceeds_fraction"]
    out["body_region"] = _measure_regions(joint[kind_row], movement[kind_row])[kind[row]]
    by_injury = np.zeros(len(row), dtype=bool)
    injured_side = np.full(len(row), None, dtype=object)
    injury_id = pd.array([pd.NA] * len(row), dtype="Int64")
    if injuries is not None and len(row):
        inj = checked(injuries, S.Injuries, ("injury_id", "athlete_id", "onset_date", "body_region", "side"))
        found, side, ids = _latest_injury(out, inj)
        by_injury = found >= 0
        injured_side[by_injury] = side[found[by_injury]]
        injury_id[by_injury] = ids[found[by_injury]]
    equal = ~((left < right) | (right < left))
    smaller = np.where(left < right, "left", np.where(right < left, "right", None))
    out["involved_side"] = np.where(by_injury, injured_side, smaller)
    out["involved_basis"] = np.where(by_injury, "injury", np.where(equal, "equal", "smaller")).astype(object)
    on_right = out["involved_side"] == "right"
    involved = np.where(on_right, right, left)
    uninvolved = np.where(on_right, left, right)
    lsi = involved / np.where(uninvolved == 0, np.nan, uninvolved) * 100.0
    out["lsi"] = np.where(out["involved_basis"] != "equal", lsi, 100.0)
    out["injury_id"] = injury_id
    return out


def _latest_injury(out: dict[str, np.ndarray], inj: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each comparison of `out`, its athlete's most recent left- or right-sided injury in the
    measure's body region with onset on or before the day (ties: the higher injury id).

    Returns the index of that injury in the returned ``side`` and ``injury_id`` arrays, -1 when none.
    Binary search on one sortable code per athlete, region and day, as ``pd.merge_asof`` would do by
    athlete and region.
    """
    side = inj["side"].to_numpy(dtype=object)
    ids = inj["injury_id"].to_numpy(dtype=np.int64)
    limb = np.flatnonzero((side == "left") | (side == "right"))
    _, first = np.unique(ids[limb], return_index=True)  # each injury once (its first row)
    take = limb[np.sort(first)]
    side, ids = side[take], ids[take]
    n = len(out["date"])
    if not len(ids):
        return np.full(n, -1), side, ids
    onset = inj["onset_date"].to_numpy(dtype="datetime64[ns]")[take].astype("datetime64[D]").astype(np.int64)
    athlete = pd.factorize(np.concatenate([out["athlete_id"], inj["athlete_id"].to_numpy(dtype=np.int64)[take]]))[0]
    region = pd.factorize(np.concatenate([out["body_region"], inj["body_region"].to_numpy(dtype=object)[take]]))[0]
    group = athlete * (region.max() + 2) + region + 1  # a measure without a region (-1) matches no injury
    day = np.concatenate([out["date"].astype("datetime64[D]").astype(np.int64), onset])
    day -= day.min()
    key = group * (day.max() + 1) + day
    order = np.lexsort((ids, key[n:]))
    at = np.searchsorted(key[n:][order], key[:n], side="right") - 1
    found = order[np.maximum(at, 0)]
    found[(at < 0) | (group[n:][found] != group[:n])] = -1
    return found, side, ids


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
    out = _symmetry(rom_measurements, injuries, norms, include_post_session, latest_only, fraction, start, end)
    return checked(out, S.RomSymmetry)
