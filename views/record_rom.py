"""*Record ROM* (therapist): the empty grid of measures to fill (left and right), the rows a filled grid
holds, what was saved in words, and one athlete's latest ROM per measure against the norm and the other side.

Rules: `analytics.rom.rom_status` (latest value per side, % of the norm), `analytics.rom.rom_symmetry`
(limb symmetry index, asymmetry beyond the measurement error and 10 %). Measures in the order of
`analytics.vocabulary.ROM_MEASURES`; words: `views.words`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from analytics import rom
from analytics.vocabulary import ROM_MEASURES
from views import words
from views.reader import Reader, ids

#: The columns of `rom_table`, in order.
OVERVIEW_COLUMNS = ["measure", "left", "right", "normal", "left_pct", "right_pct", "lsi", "symmetry", "measured"]


def symmetry_words(last: pd.Series, measured: object) -> str:
    """The last `analytics.rom.rom_symmetry` row of a measure in words ("Asymmetric, left involved",
    "Equal", "Symmetric (within error)"), with its day when older than `measured`."""
    if last["asymmetric"]:
        text = f"Asymmetric, {words.word(words.SIDES, last['involved_side']).lower()} involved"
    elif last["involved_basis"] == "equal":
        text = "Equal"
    else:
        text = "Symmetric (within error)"
    if last["date"].date() < measured:
        text += f" ({words.short_day(last['date'], measured)})"
    return text


def rom_table(measurements: pd.DataFrame, injuries: pd.DataFrame, norms: pd.DataFrame) -> pd.DataFrame:
    """One row per ROM measure the athlete has: latest left and right against the norm and each other.

    From `analytics.rom.rom_status` (latest value per side and % of the norm; post-session values
    left out, as that function does by default) and `analytics.rom.rom_symmetry` (the last day both sides were
    measured: limb symmetry index = involved / uninvolved x 100, asymmetry when the difference
    exceeds both the measurement error and 10 % of the larger side). Columns (`OVERVIEW_COLUMNS`): measure
    (with its unit), left, right, normal, left_pct, right_pct, lsi, symmetry (`symmetry_words`), measured (the
    newest day of either side), in the order of `ROM_MEASURES`.
    """
    if measurements.empty:
        return pd.DataFrame(columns=OVERVIEW_COLUMNS)
    status = rom.rom_status(measurements, norms=norms)
    if status.empty:
        return pd.DataFrame(columns=OVERVIEW_COLUMNS)
    symmetry = rom.rom_symmetry(measurements, injuries=injuries if not injuries.empty else None, norms=norms)
    order = {(j, m): i for i, (j, m, _u, _me) in enumerate(ROM_MEASURES)}
    rows = []
    for (joint, movement, unit), group in status.groupby(["joint", "movement", "unit"], sort=False):
        sides = group.set_index("side")
        row: dict[str, Any] = {
            "order": order.get((joint, movement), len(order)),
            "measure": words.measure_option(joint, movement, unit),
            "normal": group["normal_value"].iloc[0],
            "measured": group["latest_date"].max().date(),
        }
        for side in ("left", "right"):
            present = side in sides.index
            row[side] = sides.at[side, "latest_value"] if present else None
            row[f"{side}_pct"] = sides.at[side, "pct_of_norm"] if present else None
        pair = symmetry[(symmetry["joint"] == joint) & (symmetry["movement"] == movement) & (symmetry["unit"] == unit)]
        if pair.empty:
            row["lsi"], row["symmetry"] = None, "Needs both sides on one day"
        else:
            row["lsi"] = pair["lsi"].iloc[-1]
            row["symmetry"] = symmetry_words(pair.iloc[-1], row["measured"])
        rows.append(row)
    out = pd.DataFrame(rows).sort_values("order")
    return out[OVERVIEW_COLUMNS].reset_index(drop=True)


def rom_overview(reader: Reader, athlete_id: int) -> pd.DataFrame:
    """*Record ROM*: the `rom_table` of one athlete (every measurement; the injuries tell the involved side)."""
    athlete = ids([athlete_id])
    return rom_table(reader.rom(athlete), reader.injuries(athlete), reader.norms())


def rom_grid(norms: pd.DataFrame) -> pd.DataFrame:
    """The empty grid of *Record ROM*: one row per `ROM_MEASURES` entry, left and right blank, with its unit,
    its normal value and its method (default from the norms table)."""
    known = norms.drop_duplicates(["joint", "movement", "unit"]).set_index(["joint", "movement", "unit"])
    rows = []
    for joint, movement, unit, method in ROM_MEASURES:
        key = (joint, movement, unit)
        rows.append(
            {
                "measure": words.measure_label(joint, movement),
                "unit": words.unit_symbol(unit),
                "normal": known.at[key, "normal_value"] if key in known.index else None,
                "left": None,
                "right": None,
                "method": known.at[key, "method"] if key in known.index else method,
            }
        )
    return pd.DataFrame(rows).astype({"left": "float64", "right": "float64", "normal": "float64"})


def grid_records(grid: pd.DataFrame) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """The ROM rows a filled `rom_grid` holds (one per measure and side with a value), and each row's name
    by its 1-based position ("Hip internal rotation, left"), for naming a refused row beside the grid."""
    records: list[dict[str, Any]] = []
    names: dict[int, str] = {}
    for (joint, movement, unit, _method), (_, row) in zip(ROM_MEASURES, grid.iterrows(), strict=True):
        for side in ("left", "right"):
            value = row[side]
            if value is None or pd.isna(value):
                continue
            records.append(
                {
                    "joint": joint,
                    "movement": movement,
                    "side": side,
                    "value": value,
                    "unit": unit,
                    "method": row["method"],
                }
            )
            names[len(records)] = f"{words.measure_label(joint, movement)}, {words.SIDES[side].lower()}"
    return records, names


def saved_rom_text(records: Iterable[Mapping[str, Any]]) -> str:
    """The values of a saved grid, by measure: "Hip internal rotation L 38°, R 44°; Knee flexion R 131°"."""
    by_measure: dict[tuple[str, str], list[str]] = {}
    for r in records:
        by_measure.setdefault((r["joint"], r["movement"]), []).append(
            f"{words.SIDES[r['side']][0]} {words.amount(float(r['value']), r['unit'])}"
        )
    return "; ".join(f"{words.measure_label(j, m)} {', '.join(values)}" for (j, m), values in by_measure.items())
