"""Unit tests of analytics.recovery: pain trend, injury episodes, Kaplan-Meier, treatment response, chronic pain.

Every expected number is worked out by hand in the test's docstring.
"""

from __future__ import annotations

import json
import math
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.errors
import pytest

from analytics.recovery import (
    chronic_pain,
    episode_pain,
    km_curves,
    km_medians,
    pain_trend,
    recovery_episodes,
    session_response,
    session_rom_change,
    sides_compatible,
    treatment_summary,
)
from tests import factories
from tests.unit.reference.km_samples import km_samples

D = pd.Timestamp

KM_REFERENCE = Path(__file__).parent / "reference" / "km_lifelines.json"


pain = factories.pain_reports
injuries = factories.injuries
sessions = factories.therapy_sessions
#: ROM measurements from (session_id, athlete, date, joint, movement, side, value, unit, context) rows.
rom_rows = partial(
    factories.rom_measurements,
    columns=("session_id", "athlete_id", "date", "joint", "movement", "side", "value", "unit", "context"),
)


# --------------------------------------------------------------------------- helpers


def test_sides_compatible_only_left_against_right_conflicts():
    """left/left, left/bilateral, central/right match; left/right and right/left do not."""
    a = pd.Series(["left", "left", "central", "left", "right"])
    b = pd.Series(["left", "bilateral", "right", "right", "left"])
    assert sides_compatible(a, b).tolist() == [True, True, True, False, False]


# --------------------------------------------------------------------------- pain_trend


def test_pain_trend_rolling_mean_over_reports_present_in_the_last_7_days():
    """Knee left reports 01-01: 6, 01-02: 4 (and a duplicate 3 -> the higher, 4, is kept), 01-05: 2,
    01-08: 0, 01-09: 3. Windows are the 7 days ending that day; missing days are not zeros:
    01-01 [6] -> 6; 01-02 [6, 4] -> 5; 01-05 [6, 4, 2] -> 4; 01-08 (01-02..01-08) [4, 2, 0] -> 2;
    01-09 (01-03..01-09) [2, 0, 3] -> 5/3. Rows come unsorted."""
    frame = pain(
        [
            (1, "2024-01-09", "knee", "left", 3),
            (1, "2024-01-02", "knee", "left", 4),
            (1, "2024-01-01", "knee", "left", 6),
            (1, "2024-01-08", "knee", "left", 0),
            (1, "2024-01-05", "knee", "left", 2),
            (1, "2024-01-02", "knee", "left", 3),
        ]
    )
    out = pain_trend(frame)
    assert out["date"].dt.day.tolist() == [1, 2, 5, 8, 9]
    assert out["pain"].tolist() == [6, 4, 2, 0, 3]
    np.testing.assert_allclose(out["pain_rolling_mean"], [6, 5, 4, 2, 5 / 3])
    assert out["rolling_n"].tolist() == [1, 2, 3, 3, 3]


def test_pain_trend_one_report_and_several_athletes_match_each_alone():
    """Athlete 2 has one report (7 -> mean 7, n 1). Athlete 1's left and right knees are separate series:
    left 01-01: 2, 01-03: 4 -> 2, 3; right 01-03: 8 -> 8. Together = each athlete alone."""
    a1 = pain(
        [
            (1, "2024-01-03", "knee", "left", 4),
            (1, "2024-01-01", "knee", "left", 2),
            (1, "2024-01-03", "knee", "right", 8),
        ]
    )
    a2 = pain([(2, "2024-02-01", "ankle", "right", 7)])
    both = pain_trend(pd.concat([a2, a1]))
    assert both[both["athlete_id"] == 2]["pain_rolling_mean"].tolist() == [7.0]
    assert both[both["athlete_id"] == 1]["pain_rolling_mean"].tolist() == [2.0, 3.0, 8.0]
    for athlete, alone in ((1, pain_trend(a1)), (2, pain_trend(a2))):
        pd.testing.assert_frame_equal(both[both["athlete_id"] == athlete].reset_index(drop=True), alone)


def test_pain_trend_refuses_pain_outside_nprs():
    with pytest.raises(pandera.errors.SchemaError):
        pain_trend(pain([(1, "2024-01-01", "knee", "left", 11)]))


# --------------------------------------------------------------------------- episodes


def test_episode_baseline_is_worst_early_report_and_improvement_needs_2_points_and_30_percent():
    """Injury 10 (knee left, onset 01-01). Compatible reports: 01-01: 5, 01-02: 7, 01-03: 6, 01-05: 5,
    01-08: 4, 01-10: 2, and a bilateral knee 01-12: 1. Excluded: the right knee (01-04: 9) and a report
    before onset (12-30: 8).
    Baseline = worst of days 0-2 (01-01..01-03) = 7.
    01-05: fall 2, 2/7 = 28.6 % < 30 % -> not important; 01-08: fall 3, 42.9 % -> important
    (pct_change -3/7 x 100 = -42.857); 01-10: fall 5 -> important; 01-12: fall 6 -> important.
    Rolling mean on 01-08 (01-02..01-08): (7 + 6 + 5 + 4) / 4 = 5.5."""
    reports = pain(
        [
            (1, "2023-12-30", "knee", "left", 8),
            (1, "2024-01-01", "knee", "left", 5),
            (1, "2024-01-02", "knee", "left", 7),
            (1, "2024-01-03", "knee", "left", 6),
            (1, "2024-01-04", "knee", "right", 9),
            (1, "2024-01-05", "knee", "left", 5),
            (1, "2024-01-08", "knee", "left", 4),
            (1, "2024-01-10", "knee", "left", 2),
            (1, "2024-01-12", "knee", "bilateral", 1),
        ]
    )
    out = episode_pain(reports, injuries([(10, 1, "2024-01-01", "knee", "left", None)]), as_of="2024-02-01")
    assert out["date"].dt.day.tolist() == [1, 2, 3, 5, 8, 10, 12]
    assert out["day"].tolist() == [0, 1, 2, 4, 7, 9, 11]
    assert (out["baseline_pain"] == 7.0).all()
    assert out["important_improvement"].tolist() == [False, False, False, False, True, True, True]
    assert out.loc[out["day"] == 7, "pct_change"].item() == pytest.approx(-300 / 7)
    assert out.loc[out["day"] == 7, "pain_rolling_mean"].item() == pytest.approx(5.5)


def test_important_improvement_boundary_30_percent_of_10_counts():
    """Baseline 10 (onset day). Day 5: 8 -> fall 2 = 20 % -> no. Day 6: 7 -> fall 3 = exactly 30 % -> yes (>=).
    Baseline 1 can never improve by 2 points."""
    reports = pain(
        [
            (1, "2024-01-01", "thigh", "right", 10),
            (1, "2024-01-06", "thigh", "right", 8),
            (1, "2024-01-07", "thigh", "right", 7),
            (2, "2024-01-01", "thigh", "right", 1),
            (2, "2024-01-02", "thigh", "right", 0),
        ]
    )
    inj = injuries([(1, 1, "2024-01-01", "thigh", "right", None), (2, 2, "2024-01-01", "thigh", "right", None)])
    out = episode_pain(reports, inj, as_of="2024-01-31")
    assert out[out["injury_id"] == 1]["important_improvement"].tolist() == [False, False, True]
    assert not out[out["injury_id"] == 2]["important_improvement"].any()


def test_episode_without_early_report_has_missing_baseline():
    """Onset 01-01, first report 01-10 (day 9 > the 3 baseline days) -> baseline missing, no improvement."""
    out = episode_pain(
        pain([(1, "2024-01-10", "ankle", "left", 2)]),
        injuries([(5, 1, "2024-01-01", "ankle", "left", None)]),
        as_of="2024-01-31",
    )
    assert out["baseline_pain"].isna().all() and not out["important_improvement"].any()


def test_resolution_is_first_day_of_three_consecutive_reports_at_0_or_1_and_return_days():
    """Onset 01-01. Reports: 01-01: 6, 01-03: 1, 01-04: 0, 01-06: 2 (breaks the run), 01-08: 1,
    01-10: 0 (gaps between reports do not break a run of reports), 01-15: 1, 01-16: 0.
    First three consecutive reports at 0-1: 01-08, 01-10, 01-15 -> resolved on 01-08, day 7.
    Return 01-20 -> 19 days. Baseline = 6 (day 0); first important improvement 01-03 (fall 5)."""
    reports = pain(
        [
            (1, d, "knee", "left", p)
            for d, p in [
                ("2024-01-16", 0),
                ("2024-01-01", 6),
                ("2024-01-03", 1),
                ("2024-01-04", 0),
                ("2024-01-06", 2),
                ("2024-01-08", 1),
                ("2024-01-10", 0),
                ("2024-01-15", 1),
            ]
        ]
    )
    ep = recovery_episodes(injuries([(3, 1, "2024-01-01", "knee", "left", "2024-01-20")]), reports, as_of="2024-02-01")
    row = ep.iloc[0]
    assert row["resolution_date"] == D("2024-01-08") and row["resolved"]
    assert row["days_to_resolution"] == 7.0 and row["resolution_time"] == 7.0
    assert row["returned"] and row["days_to_return"] == 19.0 and row["return_time"] == 19.0
    assert row["baseline_pain"] == 6.0 and row["improvement_date"] == D("2024-01-03")
    assert row["n_reports"] == 8 and row["last_pain"] == 0.0
    assert pd.isna(row["team"]) and pd.isna(row["technique"])


def test_unresolved_episode_is_censored_at_as_of_and_future_return_is_unknown():
    """Onset 01-01, as_of 01-31: reports 1, 0 only (two, not three) -> unresolved, resolution_time 30
    (censored), days_to_resolution missing. Return date 02-10 is after as_of -> not returned,
    return_time 30 (censored), return_date missing. An injury with onset after as_of is left out."""
    ep = recovery_episodes(
        injuries([(1, 1, "2024-01-01", "hip_groin", "left", "2024-02-10"), (2, 1, "2024-02-05", "knee", "left", None)]),
        pain([(1, "2024-01-20", "hip_groin", "left", 1), (1, "2024-01-25", "hip_groin", "left", 0)]),
        as_of="2024-01-31",
    )
    assert ep["injury_id"].tolist() == [1]
    row = ep.iloc[0]
    assert not row["resolved"] and math.isnan(row["days_to_resolution"]) and row["resolution_time"] == 30.0
    assert not row["returned"] and pd.isna(row["return_date"]) and row["return_time"] == 30.0
    assert row["end_date"] == D("2024-01-31")


def test_episode_ends_where_the_next_injury_at_the_same_site_begins():
    """Injuries A (onset 01-01) and B (onset 01-10), same athlete, knee left. Reports 0 on 01-12, 01-13,
    01-14 belong to B only: A is censored at its last day 01-09 (8 days), B resolves on 01-12 (2 days)."""
    ep = recovery_episodes(
        injuries([(1, 1, "2024-01-01", "knee", "left", None), (2, 1, "2024-01-10", "knee", "left", None)]),
        pain([(1, f"2024-01-{d}", "knee", "left", 0) for d in (12, 13, 14)]),
        as_of="2024-01-31",
    )
    a, b = ep.iloc[0], ep.iloc[1]
    assert not a["resolved"] and a["resolution_time"] == 8.0 and a["end_date"] == D("2024-01-09")
    assert b["resolved"] and b["days_to_resolution"] == 2.0


def test_recovery_episodes_team_and_main_technique_and_unsorted_duplicates():
    """Team from athletes; technique = the most used in sessions linked to the injury (2 x deep_tissue
    beat 1 x active_release); an injury without sessions gets "none". A duplicated injury row counts once."""
    inj = injuries([(1, 1, "2024-01-01", "knee", "left", None), (2, 2, "2024-01-01", "knee", "left", None)])
    inj = pd.concat([inj, inj.iloc[[0]]])
    s = sessions(
        [
            (11, 1, "2024-01-02", "active_release", "knee", "left", 5, 3),
            (12, 1, "2024-01-05", "deep_tissue", "knee", "left", 5, 3),
            (13, 1, "2024-01-09", "deep_tissue", "knee", "left", 4, 2),
        ]
    )
    s["injury_id"] = pd.array([1, 1, 1], dtype="Int64")
    athletes = pd.DataFrame(
        {
            "athlete_id": [1, 2],
            "team_id": [10, 20],
            "team": ["Reds", "Blues"],
            "display_name": ["A", "B"],
            "external_id": ["a", "b"],
            "position": [None, None],
            "dominant_side": ["right", "left"],
            "active": [True, True],
        }
    )
    ep = recovery_episodes(inj, pain([]), as_of="2024-02-01", athletes=athletes, therapy_sessions=s)
    assert ep["injury_id"].tolist() == [1, 2]
    assert ep["team"].tolist() == ["Reds", "Blues"] and ep["team_id"].tolist() == [10, 20]
    assert ep["technique"].tolist() == ["deep_tissue", "none"]
    assert ep["n_reports"].tolist() == [0, 0]


# --------------------------------------------------------------------------- Kaplan-Meier


def five_episodes(as_of: str = "2024-03-01") -> pd.DataFrame:
    """Five knee injuries, onset 01-01, athletes 1-5. Athletes 1, 2, 3 resolve on days 5, 10, 20 (three
    reports of 0 from that day); 4 and 5 never resolve -> censored at as_of (03-01 = day 60)."""
    rows = []
    for athlete, day in ((1, 5), (2, 10), (3, 20)):
        for k in range(3):
            rows.append((athlete, D("2024-01-01") + pd.Timedelta(days=day + k), "knee", "left", 0))
    rows += [(4, "2024-01-02", "knee", "left", 5), (5, "2024-01-02", "knee", "left", 4)]
    inj = injuries([(a, a, "2024-01-01", "knee", "left", None) for a in range(1, 6)])
    return recovery_episodes(inj, pain(rows), as_of=as_of)


def test_km_median_uses_censored_episodes_and_differs_from_mean_of_finished():
    """Kaplan-Meier by hand: t=5: 5 at risk, 1 event -> S = 4/5 = 0.8; t=10: 4 at risk -> 0.8 x 3/4 = 0.6;
    t=20: 3 at risk -> 0.6 x 2/3 = 0.4 <= 0.5 -> median 20 days. t=60: 2 censored, S stays 0.4.
    The mean of the finished episodes, (5 + 10 + 20) / 3 = 11.7, is not the answer."""
    ep = five_episodes()
    assert ep["resolved"].tolist() == [True, True, True, False, False]
    assert ep["resolution_time"].tolist() == [5.0, 10.0, 20.0, 60.0, 60.0]
    med = km_medians(ep)
    assert med.iloc[0][["group", "n", "events", "censored"]].tolist() == ["all", 5, 3, 2]
    assert med.iloc[0]["median_days"] == 20.0
    assert med.iloc[0]["median_days"] != pytest.approx(ep.loc[ep["resolved"], "days_to_resolution"].mean())
    curve = km_curves(ep)
    assert curve["days"].tolist() == [0.0, 5.0, 10.0, 20.0, 60.0]
    np.testing.assert_allclose(curve["survival"], [1.0, 0.8, 0.6, 0.4, 0.4])
    assert curve["at_risk"].tolist() == [5, 5, 4, 3, 2]
    assert curve["events"].tolist() == [0, 1, 1, 1, 0]
    assert curve["censored"].tolist() == [0, 0, 0, 0, 2]
    assert (curve["ci_lower"] <= curve["survival"]).all() and (curve["survival"] <= curve["ci_upper"]).all()


def test_recovery_episodes_several_athletes_equal_each_alone():
    """The five-athlete cohort computed together gives, for each athlete, the row computed from that
    athlete's injury and reports alone (same as_of, so the same censoring)."""
    rows = []
    for athlete, day in ((1, 5), (2, 10), (3, 20)):
        for k in range(3):
            rows.append((athlete, D("2024-01-01") + pd.Timedelta(days=day + k), "knee", "left", 0))
    reports = pain(rows + [(4, "2024-01-02", "knee", "left", 5)])
    inj = injuries([(a, a, "2024-01-01", "knee", "left", None) for a in range(1, 6)])
    together = recovery_episodes(inj, reports, as_of="2024-03-01")
    for athlete in range(1, 6):
        alone = recovery_episodes(
            inj[inj["athlete_id"] == athlete], reports[reports["athlete_id"] == athlete], as_of="2024-03-01"
        )
        pd.testing.assert_frame_equal(together[together["athlete_id"] == athlete].reset_index(drop=True), alone)


def test_km_median_missing_when_curve_never_reaches_half_and_grouping():
    """Cut at as_of 01-15: only athlete 1 (day 5) and athlete 2 (day 10: reports 01-11..01-13) resolve;
    3 is censored at day 14 like 4 and 5. S: t=5 0.8, t=10 0.6 -> never <= 0.5 -> median missing.
    Grouped by body_region ("knee") the single group equals the ungrouped one."""
    ep = five_episodes(as_of="2024-01-15")
    assert ep["resolved"].sum() == 2
    med = km_medians(ep, by="body_region")
    assert med["group"].tolist() == ["knee"] and math.isnan(med.iloc[0]["median_days"])
    pd.testing.assert_frame_equal(med.drop(columns="group"), km_medians(ep).drop(columns="group"))


def test_km_return_outcome_and_bad_outcome():
    """Return: A returns day 10, B day 30, C not yet (censored at day 40, as_of 02-10).
    S: t=10: 3 at risk -> 2/3; t=30: 2 at risk -> 1/3 <= 0.5 -> median 30."""
    inj = injuries(
        [
            (1, 1, "2024-01-01", "ankle", "right", "2024-01-11"),
            (2, 2, "2024-01-01", "ankle", "right", "2024-01-31"),
            (3, 3, "2024-01-01", "ankle", "right", None),
        ]
    )
    ep = recovery_episodes(inj, pain([]), as_of="2024-02-10")
    med = km_medians(ep, outcome="return")
    assert med.iloc[0]["median_days"] == 30.0 and med.iloc[0]["events"] == 2
    np.testing.assert_allclose(km_curves(ep, outcome="return")["survival"], [1, 2 / 3, 1 / 3, 1 / 3])
    with pytest.raises(ValueError):
        km_medians(ep, outcome="pain")


def km_episodes(durations: np.ndarray, resolved: np.ndarray) -> pd.DataFrame:
    """A RecoveryEpisodes frame whose resolution columns are `durations` / `resolved`."""
    n = len(durations)
    onset = pd.Timestamp("2024-01-01")
    return pd.DataFrame(
        {
            "injury_id": np.arange(1, n + 1),
            "athlete_id": np.ones(n, dtype=np.int64),
            "body_region": "knee",
            "side": "left",
            "injury_type": "muscle_strain",
            "onset_date": onset,
            "end_date": onset + pd.to_timedelta(durations, unit="D"),
            "n_reports": np.zeros(n, dtype=np.int64),
            "baseline_pain": np.nan,
            "last_pain": np.nan,
            "improvement_date": pd.NaT,
            "resolution_date": pd.NaT,
            "resolved": resolved,
            "days_to_resolution": np.where(resolved, durations, np.nan),
            "resolution_time": durations,
            "return_date": pd.NaT,
            "returned": False,
            "days_to_return": np.nan,
            "return_time": durations,
            "team_id": pd.array([pd.NA] * n, dtype="Int64"),
            "team": pd.Series([None] * n, dtype=object),
            "technique": pd.Series([None] * n, dtype=object),
        }
    )


def test_km_is_lifelines_kaplan_meier_number_for_number():
    """`km_curves` / `km_medians` compute the product-limit estimate themselves (lifelines costs ~15 ms a
    fit in pandas overhead); lifelines' KaplanMeierFitter stays the reference: survival, the exponential
    Greenwood band, the event table, the median and its interval are the same float64 numbers, to 1e-12
    relative (not bit for bit: numpy's vectorised log and exp may differ in the last bit between CPUs).

    lifelines does not install beside pandas 3, so its figures are fixed in
    `reference/km_lifelines.json`, made by `reference/km_lifelines.py` (which names the version and call)."""
    reference = json.loads(KM_REFERENCE.read_text())
    assert reference["produced_by"].startswith("lifelines 0.30.3: KaplanMeierFitter(alpha=0.05)")
    samples = km_samples()
    assert len(reference["samples"]) == len(samples)
    for (durations, resolved), expected in zip(samples, reference["samples"], strict=True):
        curve = km_curves(km_episodes(durations, resolved))
        for column in ("days", "survival", "ci_lower", "ci_upper", "at_risk", "events", "censored"):
            np.testing.assert_allclose(
                curve[column].to_numpy(float), np.array(expected[column], dtype=float), rtol=1e-12, atol=0
            )
        med = km_medians(km_episodes(durations, resolved)).iloc[0]
        want = [np.nan if x is None else x for x in expected["median"]]
        got = med[["median_days", "median_ci_lower", "median_ci_upper"]].to_numpy(float)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)
        assert (med["n"], med["events"]) == (len(durations), int(resolved.sum()))


# --------------------------------------------------------------------------- treatment response


def response_fixture() -> tuple[pd.DataFrame, pd.DataFrame]:
    s = sessions(
        [
            (1, 1, "2024-01-10", "active_release", "knee", "left", 6, 3),
            (2, 1, "2024-01-15", "active_release", "knee", "left", 5, 2),
            (3, 1, "2024-01-20", "active_release", "knee", "left", 4, 4),
            (4, 1, "2024-01-22", "stretching", "knee", "left", 5, None),
            (5, 2, "2024-01-10", "deep_tissue", "hip_groin", "right", 7, 5),
        ]
    )
    p = pain(
        [
            (1, "2024-01-10", "knee", "left", 5),
            (1, "2024-01-12", "knee", "left", 3),
            (1, "2024-01-16", "knee", "bilateral", 4),
            (1, "2024-01-30", "knee", "left", 1),
            (2, "2024-01-11", "hip_groin", "left", 9),
            (2, "2024-01-13", "hip_groin", "right", 5),
        ]
    )
    return s, p


def test_session_response_relief_and_whether_it_held_until_the_next_report():
    """Relief = before - after. Next report = first compatible report of the region after the session day:
    S1 (01-10, after 3): the same-day 5 is ignored; 01-12: 3 <= 3 -> held. S2 (after 2): 01-16 bilateral 4
    > 2 -> not held. S3 (01-20): next 01-30 is 10 days later (> 7) -> unknown. S4: pain_after missing
    -> relief and held unknown. S5 (hip right, after 5): the left hip 01-11 is ignored; 01-13: 5 -> held."""
    s, p = response_fixture()
    out = session_response(s.sample(frac=1, random_state=3), p)
    assert out["session_id"].tolist() == [1, 2, 3, 4, 5]
    np.testing.assert_array_equal(out["pain_relief"].to_numpy(), [3.0, 3.0, 0.0, np.nan, 2.0])
    assert out["held"].tolist() == [True, False, pd.NA, pd.NA, True]
    assert out["next_date"].tolist()[:3] == [D("2024-01-12"), D("2024-01-16"), pd.NaT]
    assert out["next_pain"].tolist()[4] == 5.0


def test_session_response_with_checkins_counts_no_report_as_no_pain():
    """With check-ins, the next report is the next check-in: athlete 1 checks in on 01-21 without a knee
    report -> S3's next pain is 0 <= 4 -> held. S1's next check-in 01-12 has the knee at 3 -> held."""
    s, p = response_fixture()
    checkins = pd.DataFrame(
        {"athlete_id": [1, 1, 1, 2], "date": pd.to_datetime(["2024-01-12", "2024-01-16", "2024-01-21", "2024-01-13"])}
    )
    out = session_response(s, p, wellness_checkins=checkins)
    assert out["next_pain"].tolist()[:3] == [3.0, 4.0, 0.0]
    assert out["held"].tolist() == [True, False, True, pd.NA, True]


def test_session_rom_change_pairs_pre_and_post_and_marks_change_beyond_mdc():
    """Session 1 hip IR left: pre 30 and 32 (trials -> 31), post 38 -> +7 > 5 deg -> real.
    Session 2 knee flexion right: pre 120, post 124.9 -> 4.9 within error; session 3: post 125.1 -> 5.1 real.
    Session 4 lunge left: 10.0 -> 11.4 cm, 1.4 < 1.5 -> within. Session 5 has only a pre -> no pair;
    a measurement without session_id is ignored."""
    r = rom_rows(
        [
            (1, 1, "2024-01-10", "hip", "internal_rotation", "left", 30.0, "deg", "pre_session"),
            (1, 1, "2024-01-10", "hip", "internal_rotation", "left", 32.0, "deg", "pre_session"),
            (1, 1, "2024-01-10", "hip", "internal_rotation", "left", 38.0, "deg", "post_session"),
            (2, 1, "2024-01-11", "knee", "flexion", "right", 120.0, "deg", "pre_session"),
            (2, 1, "2024-01-11", "knee", "flexion", "right", 124.9, "deg", "post_session"),
            (3, 1, "2024-01-12", "knee", "flexion", "right", 120.0, "deg", "pre_session"),
            (3, 1, "2024-01-12", "knee", "flexion", "right", 125.1, "deg", "post_session"),
            (4, 2, "2024-01-12", "ankle", "dorsiflexion_lunge", "left", 10.0, "cm", "pre_session"),
            (4, 2, "2024-01-12", "ankle", "dorsiflexion_lunge", "left", 11.4, "cm", "post_session"),
            (5, 2, "2024-01-13", "ankle", "dorsiflexion_lunge", "left", 11.0, "cm", "pre_session"),
            (None, 2, "2024-01-13", "ankle", "dorsiflexion_lunge", "left", 15.0, "cm", "post_session"),
        ]
    )
    out = session_rom_change(r)
    assert out["session_id"].tolist() == [1, 2, 3, 4]
    np.testing.assert_allclose(out["pre"], [31.0, 120.0, 120.0, 10.0])
    np.testing.assert_allclose(out["change"], [7.0, 4.9, 5.1, 1.4])
    assert out["mdc"].tolist() == [5.0, 5.0, 5.0, 1.5]
    assert out["real_change"].tolist() == [True, False, True, False]


def test_treatment_summary_t_interval_and_held_share():
    """active_release / knee: reliefs 3, 3, 0 -> n 3, mean 2, sd sqrt((1 + 1 + 4) / 2) = sqrt(3);
    t-based 95 % interval: t(0.975, 2) = 4.302653 x sd / sqrt(3) = 4.302653 x 1 -> 2 +/- 4.302653.
    Held known for S1 (yes) and S2 (no) -> 1 / 2. deep_tissue / hip: one session -> interval missing.
    stretching: relief missing -> no row. ROM: session 1 hip IR +7 joins active_release / knee."""
    s, p = response_fixture()
    resp = session_response(s, p)
    rc = session_rom_change(
        rom_rows(
            [
                (1, 1, "2024-01-10", "hip", "internal_rotation", "left", 30.0, "deg", "pre_session"),
                (1, 1, "2024-01-10", "hip", "internal_rotation", "left", 37.0, "deg", "post_session"),
            ]
        )
    )
    out = treatment_summary(resp, rc)
    assert out[["technique", "body_region", "outcome"]].values.tolist() == [
        ["active_release", "knee", "hip internal_rotation"],
        ["active_release", "knee", "pain_relief"],
        ["deep_tissue", "hip_groin", "pain_relief"],
    ]
    ar = out.iloc[1]
    assert ar["n"] == 3 and ar["mean"] == pytest.approx(2.0) and ar["sd"] == pytest.approx(math.sqrt(3))
    assert ar["ci_lower"] == pytest.approx(2 - 4.302653, abs=1e-6) and ar["ci_upper"] == pytest.approx(
        6.302653, abs=1e-6
    )
    assert (ar["n_held_known"], ar["n_held"], ar["share_held"]) == (2, 1, 0.5)
    assert math.isnan(out.iloc[2]["ci_lower"]) and out.iloc[2]["mean"] == 2.0
    assert out.iloc[0]["mean"] == 7.0 and out.iloc[0]["unit"] == "deg" and out.iloc[0]["n_held_known"] == 0


# --------------------------------------------------------------------------- chronic pain


def test_chronic_pain_needs_pain_in_more_than_6_of_the_last_12_weeks():
    """as_of 2024-03-24; blocks of 7 days counted back (block k = as_of - 7k - 6 .. as_of - 7k).
    Athlete 1 knee left: pain in blocks 0, 1, 2, 4, 6, 8, 10 (7 blocks; two reports in block 0 count once)
    -> chronic. Hip right: blocks 0-5 (6) -> not chronic. Athlete 2 ankle left: blocks 0-7 but blocks 6
    and 7 only have 0 -> 6 painful blocks -> not chronic. A report 84 days back (outside) is ignored."""
    as_of = D("2024-03-24")

    def at(block: int, offset: int = 0) -> pd.Timestamp:
        return as_of - pd.Timedelta(days=7 * block + offset)

    rows = [(1, at(b), "knee", "left", 3) for b in (0, 1, 2, 4, 6, 8, 10)] + [(1, at(0, 3), "knee", "left", 5)]
    rows += [(1, at(b), "hip_groin", "right", 2) for b in range(6)]
    rows += [(2, at(b), "ankle", "left", 4 if b < 6 else 0) for b in range(8)]
    rows += [(1, as_of - pd.Timedelta(days=84), "hip_groin", "right", 6)]
    out = chronic_pain(pain(rows), as_of=as_of)
    got = {(r.athlete_id, r.body_region): (r.weeks_with_pain, r.chronic) for r in out.itertuples()}
    assert got == {(1, "knee"): (7, True), (1, "hip_groin"): (6, False), (2, "ankle"): (6, False)}
    assert out.iloc[0]["body_region"] == "knee" and out.iloc[0]["max_pain"] == 5
    only_2 = chronic_pain(pain(rows), as_of=as_of, athlete_ids=[2])
    assert only_2["athlete_id"].tolist() == [2]
    none = chronic_pain(pain(rows), as_of=as_of, athlete_ids=[3])
    assert none.empty and none["athlete_id"].dtype == np.int64 and none["first_date"].dtype == "datetime64[ns]"
