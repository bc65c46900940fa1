"""The tables behind the charts, readable: the analytics frame each chart draws, with clear column
names that carry the unit, dates as dates and codes as words. What "Download data (CSV)" under a chart
gives (`ui.charts.render.show_chart(..., data=...)`) and what the progress report prints."""

from __future__ import annotations

import pandas as pd

from analytics.availability import AVAILABILITY_ORDER
from views import words


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.date


def _words(table: dict[str, str], codes: pd.Series) -> list[str]:
    return [words.word(table, c) for c in codes]


def _where(frame: pd.DataFrame) -> list[str]:
    return [words.where_label(r, s) for r, s in zip(frame["body_region"], frame["side"], strict=True)]


def pain_table(trend: pd.DataFrame, sessions: pd.DataFrame | None = None) -> pd.DataFrame:
    """The pain timeline's records: each pain report (NPRS and its 7-day mean) and each therapy session
    (technique, pain before and after, minutes), by date."""
    columns = [
        "Date",
        "Record",
        "Region",
        "Pain (NPRS 0-10)",
        "7-day mean pain (NPRS)",
        "Technique",
        "Pain before (NPRS)",
        "Pain after (NPRS)",
        "Minutes",
    ]
    parts = []
    if not trend.empty:
        parts.append(
            pd.DataFrame(
                {
                    "Date": _dates(trend["date"]),
                    "Record": "pain report",
                    "Region": _where(trend),
                    "Pain (NPRS 0-10)": trend["pain"].to_numpy(),
                    "7-day mean pain (NPRS)": trend["pain_rolling_mean"].round(2).to_numpy(),
                }
            )
        )
    if sessions is not None and not sessions.empty:
        parts.append(
            pd.DataFrame(
                {
                    "Date": _dates(sessions["date"]),
                    "Record": "therapy session",
                    "Region": _where(sessions),
                    "Technique": _words(words.TECHNIQUES, sessions["technique"]),
                    "Pain before (NPRS)": sessions["pain_before"].to_numpy(),
                    "Pain after (NPRS)": sessions["pain_after"].to_numpy(),
                    "Minutes": sessions["minutes"].to_numpy(),
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=columns)
    out = pd.concat(parts, ignore_index=True).reindex(columns=columns)
    return out.sort_values(["Date", "Record", "Region"], kind="stable").reset_index(drop=True)


def rom_table(history: pd.DataFrame, joint: str, movement: str) -> pd.DataFrame:
    """One ROM measure's days (``analytics.caseload.rom_history``): value per side, change since the
    previous measurement and whether it is beyond the MDC, and the norm, in the measure's unit."""
    h = history[(history["joint"] == joint) & (history["movement"] == movement)].sort_values(["date", "side"])
    unit = words.unit_symbol("deg" if h.empty else h["unit"].iloc[0])
    return pd.DataFrame(
        {
            "Date": _dates(h["date"]),
            "Measure": words.measure_label(joint, movement),
            "Side": _words(words.SIDES, h["side"]),
            f"Value ({unit})": h["value"].round(1).to_numpy(),
            "Trials": h["n_trials"].to_numpy(),
            f"Change since previous ({unit})": h["change"].round(1).to_numpy(),
            "Change": words.rom_change_words(h["change"], h["change_real"]),
            f"MDC ({unit})": h["mdc"].to_numpy(),
            f"Norm ({unit})": h["normal_value"].to_numpy(),
            "Context": [words.upper_first(words.contexts_words(c)) for c in h["contexts"]],
        }
    )


def km_table(curves: pd.DataFrame) -> pd.DataFrame:
    """Kaplan-Meier steps: per group and day, the share of episodes not yet resolved (%) with its 95 %
    interval, at risk, resolved and censored."""
    if curves.empty:
        return pd.DataFrame(columns=["Group", "Days since onset", "Not yet resolved (%)"])
    return pd.DataFrame(
        {
            "Group": curves["group"].to_numpy(),
            "Days since onset": curves["days"].to_numpy(),
            "Not yet resolved (%)": (curves["survival"] * 100).round(1).to_numpy(),
            "95 % low (%)": (curves["ci_lower"] * 100).round(1).to_numpy(),
            "95 % high (%)": (curves["ci_upper"] * 100).round(1).to_numpy(),
            "At risk": curves["at_risk"].to_numpy(),
            "Resolved": curves["events"].to_numpy(),
            "Censored": curves["censored"].to_numpy(),
        }
    )


def treatment_table(summary: pd.DataFrame) -> pd.DataFrame:
    """``analytics.recovery.treatment_summary(by=("technique",))`` in words: mean change per technique and
    outcome with its t-based 95 % interval and the share of sessions whose relief held."""
    if summary.empty:
        return pd.DataFrame(columns=["Technique", "Outcome", "Unit", "n", "Mean change"])
    return pd.DataFrame(
        {
            "Technique": _words(words.TECHNIQUES, summary["technique"]),
            "Outcome": [words.outcome_label(o) for o in summary["outcome"]],
            "Unit": [words.unit_symbol(u) for u in summary["unit"]],
            "n": summary["n"].to_numpy(),
            "Mean change": summary["mean"].round(2).to_numpy(),
            "95 % low": summary["ci_lower"].round(2).to_numpy(),
            "95 % high": summary["ci_upper"].round(2).to_numpy(),
            "With next check-in": summary["n_held_known"].to_numpy(),
            "Held (%)": (summary["share_held"] * 100).round(0).to_numpy(),
        }
    )


def availability_table(counts: dict[str, int]) -> pd.DataFrame:
    """Today's availability counts."""
    return pd.DataFrame(
        {
            "Availability": [words.AVAILABILITY[k] for k in AVAILABILITY_ORDER],
            "Athletes (n)": [int(counts.get(k, 0)) for k in AVAILABILITY_ORDER],
        }
    )


#: The soreness item's column, as the athletes answered it.
SORENESS_COLUMN = f"Soreness ({words.SORENESS_SCALE})"


def soreness_matrix_table(matrix: pd.DataFrame) -> pd.DataFrame:
    """The athlete x day soreness matrix, one row per athlete and day (missing = no check-in)."""
    if matrix.empty:
        return pd.DataFrame(columns=["Athlete", "Date", SORENESS_COLUMN])
    long = (6 - matrix).rename_axis(index="Athlete", columns="Date").stack(future_stack=True).reset_index()
    long.columns = ["Athlete", "Date", SORENESS_COLUMN]
    long["Date"] = _dates(long["Date"])
    return long


def region_share_table(share: pd.DataFrame) -> pd.DataFrame:
    """``analytics.soreness.region_pain_share`` rows of one period, in words and per cent."""
    return pd.DataFrame(
        {
            "Period start": _dates(share["period_start"]),
            "Body region": _words(words.BODY_REGIONS, share["body_region"]),
            "Athletes with pain (n)": share["n_with_pain"].to_numpy(),
            "Athletes checked in (n)": share["n_checked_in"].to_numpy(),
            "Share with pain (%)": (share["share"] * 100).round(1).to_numpy(),
        }
    )


def soreness_table(soreness: pd.DataFrame, per: str = "day") -> pd.DataFrame:
    """Team soreness per day or week as the athletes answered it (1 = very sore … 5 = not sore): median and
    interquartile range."""
    x = "week_start" if per == "week" else "date"
    count = "n_athletes" if per == "week" else "n_checkins"
    if soreness.empty:
        return pd.DataFrame(columns=["Week starting" if per == "week" else "Date", f"Median {SORENESS_COLUMN.lower()}"])
    return pd.DataFrame(
        {
            "Week starting" if per == "week" else "Date": _dates(soreness[x]),
            "Athletes (n)" if per == "week" else "Check-ins (n)": soreness[count].to_numpy(),
            f"Median {SORENESS_COLUMN.lower()}": (6 - soreness["soreness_score_median"]).to_numpy(),
            "25th percentile": (6 - soreness["soreness_score_q3"]).to_numpy(),
            "75th percentile": (6 - soreness["soreness_score_q1"]).to_numpy(),
        }
    )


def injuries_per_month_table(per_month: pd.DataFrame) -> pd.DataFrame:
    """Injuries per onset month and Fuller category."""
    return pd.DataFrame(
        {
            "Onset month": pd.to_datetime(per_month["month"]).dt.strftime("%Y-%m"),
            "Category": _words(words.RECURRENCE, per_month["category"]),
            "Injuries (n)": per_month["injuries"].to_numpy(),
        }
    )


def recurrence_table(rates: pd.DataFrame) -> pd.DataFrame:
    """Recurrence rate per body region (``analytics.recurrence.recurrence_rate``)."""
    return pd.DataFrame(
        {
            "Body region": _words(words.BODY_REGIONS, rates["body_region"]) if "body_region" in rates else [],
            "Injuries (n)": rates["injuries"].to_numpy(),
            "Recurrences (n)": rates["recurrences"].to_numpy(),
            "Exacerbations (n)": rates["exacerbations"].to_numpy(),
            "Recurrence rate (%)": (rates["recurrence_rate"] * 100).round(1).to_numpy(),
        }
    )


def ostrc_prevalence_table(prevalence: pd.DataFrame) -> pd.DataFrame:
    """OSTRC-O2 weekly prevalence (``analytics.surveillance.weekly_prevalence``), in per cent."""
    if prevalence.empty:
        return pd.DataFrame(columns=["Week starting", "Responders (n)"])
    return pd.DataFrame(
        {
            "Week starting": _dates(prevalence["week_start"]),
            "Responders (n)": prevalence["responders"].to_numpy(),
            "With a problem (n)": prevalence["problems"].to_numpy(),
            "With a substantial problem (n)": prevalence["substantial"].to_numpy(),
            "Problem prevalence (%)": (prevalence["problem_prevalence"] * 100).round(1).to_numpy(),
            "Substantial prevalence (%)": (prevalence["substantial_prevalence"] * 100).round(1).to_numpy(),
            "Week complete": prevalence["complete"].map({True: "yes", False: "no, in progress"}).to_numpy(),
        }
    )


def load_table(load: pd.DataFrame, method_name: str) -> pd.DataFrame:
    """One athlete's daily load (AU) and ACWR by the chosen method."""
    return pd.DataFrame(
        {
            "Date": _dates(load["date"]),
            "Daily load (AU, RPE x minutes)": load["load"].to_numpy(),
            "Acute load (AU)": load["acute"].to_numpy(),
            "Chronic load (AU)": load["chronic"].to_numpy(),
            f"ACWR ({method_name})": load["acwr"].round(3).to_numpy(),
        }
    )


def ostrc_weeks_table(weeks: pd.DataFrame) -> pd.DataFrame:
    """The athlete's OSTRC weeks: answers (0/8/17/25), severity (0-100), problem, substantial."""
    return pd.DataFrame(
        {
            "Week starting": _dates(weeks["week_start"]),
            "Answered": weeks["answered"].to_numpy(),
            "Q1 participation": weeks["q1"].to_numpy(),
            "Q2 training volume": weeks["q2"].to_numpy(),
            "Q3 performance": weeks["q3"].to_numpy(),
            "Q4 symptoms": weeks["q4"].to_numpy(),
            "Severity (0-100)": weeks["severity"].to_numpy(),
            "Problem": weeks["problem"].to_numpy(),
            "Substantial problem": weeks["substantial"].to_numpy(),
        }
    )
