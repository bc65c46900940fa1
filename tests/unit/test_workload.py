"""Unit tests of analytics.workload: daily load, ACWR (three methods), monotony and strain."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.errors
import pytest

from analytics.workload import acwr, daily_load, monotony_strain
from tests import factories

MONDAY = pd.Timestamp("2024-01-01")  # a Monday


def loads(values: list[float | None], athlete_id: int = 1, start: str | pd.Timestamp = MONDAY) -> pd.DataFrame:
    """A daily-load frame: one row per consecutive day from ``start`` (None = missing day)."""
    return pd.DataFrame(
        {
            "athlete_id": athlete_id,
            "date": pd.date_range(start, periods=len(values), freq="D"),
            "load": pd.array(values, dtype="float64"),
        }
    )


sessions = factories.training_sessions


# --------------------------------------------------------------------------- daily_load


def test_daily_load_sums_rpe_times_minutes_per_day_and_counts_duplicate_sessions():
    """Load = sum of RPE x minutes that day (Foster et al. 2001).

    Athlete 1, 2024-01-01: two identical sessions 60 min x RPE 5 = 300 each -> 600 (duplicate rows
    are two sessions; both count). 2024-01-02: 30 min x RPE 4 = 120. Rows come unsorted.
    """
    frame = sessions([(1, "2024-01-02", 30, 4), (1, "2024-01-01", 60, 5), (1, "2024-01-01", 60, 5)])
    out = daily_load(frame)
    assert list(out.columns) == ["athlete_id", "date", "load"]
    assert out["date"].tolist() == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-02")]
    assert out["load"].tolist() == [600.0, 120.0]


def test_daily_load_days_without_any_record_are_missing_not_zero():
    """Without a calendar only training days are recorded: 01-01 (10 x 5 = 50) and 01-04 (20 x 3 = 60).

    The output fills the days in between (01-02, 01-03) with NaN, never 0.
    """
    out = daily_load(sessions([(1, "2024-01-04", 20, 3), (1, "2024-01-01", 10, 5)]))
    assert out["date"].tolist() == list(pd.date_range("2024-01-01", "2024-01-04"))
    assert out["load"].iloc[0] == 50.0
    assert out["load"].iloc[1:3].isna().all()
    assert out["load"].iloc[3] == 60.0


def test_daily_load_calendar_days_without_training_are_rest_days_with_zero_load():
    """Calendar (check-in) days 12-31, 01-02 and 01-03 with no training -> 0; 01-01 (40 x 5 = 200)
    keeps its load; 01-04 has neither session nor check-in -> NaN; 01-05 (10 x 2 = 20).
    The range runs from the first record (the 12-31 check-in) to the last (01-05)."""
    calendar = pd.DataFrame(
        {"athlete_id": [1, 1, 1, 1], "date": pd.to_datetime(["2024-01-03", "2023-12-31", "2024-01-02", "2024-01-01"])}
    )
    out = daily_load(sessions([(1, "2024-01-01", 40, 5), (1, "2024-01-05", 10, 2)]), calendar=calendar)
    assert out["date"].tolist() == list(pd.date_range("2023-12-31", "2024-01-05"))
    np.testing.assert_array_equal(out["load"].to_numpy(), [0.0, 200.0, 0.0, 0.0, np.nan, 20.0])


def test_daily_load_one_athlete_one_day_and_several_athletes():
    """Athlete 2 has one session (45 x 6 = 270) on one day; athlete 1 two days (10 x 1 = 10 each).
    Each athlete's rows are the same as when computed alone."""
    both = sessions([(2, "2024-03-05", 45, 6), (1, "2024-03-01", 10, 1), (1, "2024-03-02", 10, 1)])
    out = daily_load(both)
    assert out["athlete_id"].tolist() == [1, 1, 2]
    alone = daily_load(both[both["athlete_id"] == 2])
    assert alone["load"].tolist() == [270.0]
    pd.testing.assert_frame_equal(out[out["athlete_id"] == 2].reset_index(drop=True), alone)


def test_daily_load_refuses_a_bad_rpe():
    """RPE is CR-10: 11 is refused at the boundary by the TrainingSessions schema."""
    with pytest.raises(pandera.errors.SchemaError):
        daily_load(sessions([(1, "2024-01-01", 10, 11)]))


# --------------------------------------------------------------------------- acwr: worked example


WILLIAMS = loads([50.0] * 28 + [100.0] * 7)


def test_acwr_worked_example_coupled():
    """acwr package docs (Williams et al. 2017): 28 days at 50 AU, then 7 at 100 AU; last day:
    acute = 7 x 100 / 7 = 100; chronic (last 28 days, today included) = (21 x 50 + 7 x 100) / 28
    = 1750 / 28 = 62.5; ACWR = 100 / 62.5 = 1.60."""
    last = acwr(WILLIAMS, method="coupled").iloc[-1]
    assert last["acute"] == pytest.approx(100.0)
    assert last["chronic"] == pytest.approx(62.5)
    assert last["acwr"] == pytest.approx(1.60)


def test_acwr_worked_example_uncoupled():
    """Same data; chronic = the 21 days before the acute week (days 8..28, all 50) = 50;
    ACWR = 100 / 50 = 2.00."""
    last = acwr(WILLIAMS, method="uncoupled").iloc[-1]
    assert last["chronic"] == pytest.approx(50.0)
    assert last["acwr"] == pytest.approx(2.00)


def test_acwr_worked_example_ewma():
    """Same data; EWMA_t = lambda x load_t + (1 - lambda) x EWMA_(t-1), seeded EWMA_1 = 50.
    After 28 days at 50 both EWMAs are 50. Seven steps at 100 from 50 give 100 - 50 (1 - lambda)^7:
    acute (lambda = 2/8): 100 - 50 x 0.75^7 = 100 - 6.6742 = 93.3258;
    chronic (lambda = 2/29): 100 - 50 x (27/29)^7 = 100 - 30.3201 = 69.6799;
    ACWR = 93.3258 / 69.6799 = 1.3394 (acwr package docs)."""
    last = acwr(WILLIAMS, method="ewma").iloc[-1]
    assert last["acute"] == pytest.approx(93.3258, abs=1e-4)
    assert last["chronic"] == pytest.approx(69.6799, abs=1e-4)
    assert round(last["acwr"], 4) == 1.3394


def test_acwr_default_method_is_ewma_and_output_has_one_row_per_day():
    out = acwr(WILLIAMS)
    assert list(out.columns) == ["athlete_id", "date", "acute", "chronic", "acwr"]
    assert len(out) == 35
    pd.testing.assert_frame_equal(out, acwr(WILLIAMS, method="ewma"))


@pytest.mark.parametrize("method", ["ewma", "coupled", "uncoupled"])
def test_acwr_not_given_before_28_days_of_data(method):
    """No ratio before 28 days of data: days 1..27 (rows 0..26) NaN, from day 28 (row 27) a value.
    Constant 50 AU -> every defined ratio is 50 / 50 = 1."""
    out = acwr(loads([50.0] * 30), method=method)
    assert out["acwr"].iloc[:27].isna().all()
    assert out["acwr"].iloc[27:].tolist() == pytest.approx([1.0, 1.0, 1.0])
    assert out["acute"].iloc[0] == pytest.approx(50.0)  # acute and chronic are given from day 1


@pytest.mark.parametrize("method", ["ewma", "coupled", "uncoupled"])
def test_acwr_counts_the_28_days_from_the_first_recorded_load(method):
    """Three leading missing days do not count as data: with 28 recorded days after them the ratio
    appears on the 28th recorded day (row 3 + 27 = 30), not on row 27."""
    out = acwr(loads([None] * 3 + [50.0] * 28), method=method)
    assert out["acwr"].iloc[:30].isna().all()
    assert out["acwr"].iloc[30] == pytest.approx(1.0)
    assert out["acute"].iloc[:3].isna().all()


def test_acwr_one_athlete_one_day():
    """One day at 80 AU: acute = chronic = 80 for rolling and EWMA alike; no ratio (1 day < 28)."""
    for method in ("ewma", "coupled"):
        out = acwr(loads([80.0]), method=method)
        assert len(out) == 1
        assert out["acute"].iloc[0] == out["chronic"].iloc[0] == 80.0
        assert np.isnan(out["acwr"].iloc[0])
    assert np.isnan(acwr(loads([80.0]), method="uncoupled")["chronic"].iloc[0])  # no day before the acute week


def test_acwr_chronic_zero_gives_nan_not_inf():
    """Uncoupled, 28 rest days (0) then 100 AU on day 29: acute = 100 / 7 = 14.29, chronic = the 21
    days before the acute week, all 0 -> ACWR NaN, never inf. EWMA of 30 zero days: 0 / 0 -> NaN."""
    out = acwr(loads([0.0] * 28 + [100.0]), method="uncoupled")
    assert out["acute"].iloc[-1] == pytest.approx(100 / 7)
    assert out["chronic"].iloc[-1] == 0.0
    assert np.isnan(out["acwr"].iloc[-1])
    assert not np.isinf(out["acwr"]).any()
    zero = acwr(loads([0.0] * 30), method="ewma")
    assert zero["acwr"].isna().all()
    assert (zero["acute"] == 0).all()


def test_acwr_missing_days_left_out_of_rolling_means_and_skipped_by_ewma():
    """acute_days = 2, chronic_days = 4; loads 10, missing, 30, 50. On the last day:
    coupled: acute = (30 + 50) / 2 = 40; chronic = (10 + 30 + 50) / 3 recorded days = 30 -> 1.3333.
    uncoupled: chronic = days before the acute pair = day 1, 2 -> only 10 recorded -> 40 / 10 = 4.0.
    EWMA, missing day skipped (value carried, no decay step):
      acute, lambda = 2/3: 10 -> 10 -> 2/3 x 30 + 1/3 x 10 = 23.3333 -> 2/3 x 50 + 1/3 x 23.3333 = 41.1111;
      chronic, lambda = 2/5: 10 -> 10 -> 0.4 x 30 + 0.6 x 10 = 18 -> 0.4 x 50 + 0.6 x 18 = 30.8;
      ACWR = 41.1111 / 30.8 = 1.3348."""
    data = loads([10.0, None, 30.0, 50.0])
    coupled = acwr(data, method="coupled", acute_days=2, chronic_days=4).iloc[-1]
    assert (coupled["acute"], coupled["chronic"]) == pytest.approx((40.0, 30.0))
    assert coupled["acwr"] == pytest.approx(4 / 3)
    uncoupled = acwr(data, method="uncoupled", acute_days=2, chronic_days=4).iloc[-1]
    assert uncoupled["acwr"] == pytest.approx(4.0)
    ewma = acwr(data, method="ewma", acute_days=2, chronic_days=4)
    assert ewma["acute"].iloc[1] == pytest.approx(10.0)  # the missing day carries the value
    assert ewma["acute"].iloc[-1] == pytest.approx(41.1111, abs=1e-4)
    assert ewma["chronic"].iloc[-1] == pytest.approx(30.8)
    assert ewma["acwr"].iloc[-1] == pytest.approx(41.1111 / 30.8, abs=1e-4)


@pytest.mark.parametrize("method", ["ewma", "coupled", "uncoupled"])
def test_acwr_absent_day_is_the_same_as_a_missing_day(method):
    """A day absent from the input and a day present with load NaN are both missing."""
    with_nan = loads([10.0, None, 30.0, 50.0])
    absent = with_nan.dropna()
    pd.testing.assert_frame_equal(
        acwr(with_nan, method, acute_days=2, chronic_days=4), acwr(absent, method, acute_days=2, chronic_days=4)
    )


def test_acwr_sums_duplicate_rows_of_a_day():
    """Two rows for one athlete and day are summed: 20 + 30 = 50, as one row of 50."""
    single = loads([50.0, 60.0])
    doubled = pd.concat([single.iloc[[1]], single.iloc[[0]].assign(load=20.0), single.iloc[[0]].assign(load=30.0)])
    pd.testing.assert_frame_equal(acwr(doubled, "coupled"), acwr(single, "coupled"))


@pytest.mark.parametrize("method", ["ewma", "coupled", "uncoupled"])
def test_acwr_several_athletes_at_once_equal_each_alone_and_ignore_order_and_extra_columns(method):
    """Three athletes with different starts, lengths and missing days, shuffled together and with an
    extra column, give each athlete exactly the rows it gets alone."""
    rng = np.random.default_rng(7)
    frames = []
    for athlete_id, (start, n) in enumerate([("2024-01-01", 60), ("2024-01-20", 45), ("2023-12-01", 90)], start=1):
        values = rng.uniform(0, 900, n).round(0)
        values[rng.random(n) < 0.15] = np.nan
        values[rng.random(n) < 0.2] = 0.0
        frames.append(loads(list(values), athlete_id=athlete_id, start=start))
    together = pd.concat(frames).sample(frac=1, random_state=3).assign(team="x")
    out = acwr(together, method=method)
    assert out["athlete_id"].is_monotonic_increasing
    for athlete_id, alone in enumerate(frames, start=1):
        mine = out[out["athlete_id"] == athlete_id].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, acwr(alone, method=method), check_exact=True)


def test_acwr_matches_a_pandas_groupby_reference():
    """The cumulative-sum rolling means and the EWMA equal the plain pandas reading:
    groupby().rolling(window, min_periods=1).mean() and groupby().ewm(alpha, adjust=False,
    ignore_na=True).mean(), on a dense calendar with missing days."""
    rng = np.random.default_rng(11)
    frames = []
    for athlete_id in range(1, 6):
        values = rng.uniform(0, 800, 120)
        values[rng.random(120) < 0.2] = np.nan
        frames.append(loads(list(values), athlete_id=athlete_id, start=f"2024-0{athlete_id}-01"))
    data = pd.concat(frames, ignore_index=True)
    by_athlete = data.groupby("athlete_id")["load"]

    coupled = acwr(data, "coupled")
    reference = by_athlete.rolling(28, min_periods=1).mean().to_numpy()
    np.testing.assert_allclose(coupled["chronic"].to_numpy(), reference, rtol=1e-9)

    uncoupled = acwr(data, "uncoupled")
    before_acute = data.assign(load=by_athlete.shift(7)).groupby("athlete_id")["load"]
    reference = before_acute.rolling(21, min_periods=1).mean().to_numpy()
    np.testing.assert_allclose(uncoupled["chronic"].to_numpy(), reference, rtol=1e-9)

    ewma = acwr(data, "ewma")
    for column, span in (("acute", 7), ("chronic", 28)):
        reference = by_athlete.ewm(alpha=2 / (span + 1), adjust=False, ignore_na=True).mean().to_numpy()
        np.testing.assert_allclose(ewma[column].to_numpy(), reference, rtol=1e-9)


def test_acwr_on_daily_load_with_a_calendar():
    """End to end: 28 check-in days; sessions of 10 min x RPE 5 = 50 AU on each of them, so every
    day is 50 and the 28th day has ACWR 50 / 50 = 1."""
    days = pd.date_range("2024-01-01", periods=28)
    training = sessions([(1, str(day.date()), 10, 5) for day in days])
    calendar = pd.DataFrame({"athlete_id": 1, "date": days})
    out = acwr(daily_load(training, calendar), method="coupled")
    assert out["acwr"].iloc[-1] == pytest.approx(1.0)


def test_acwr_refuses_bad_arguments():
    with pytest.raises(ValueError, match="method"):
        acwr(WILLIAMS, method="rolling")
    with pytest.raises(ValueError, match="acute_days"):
        acwr(WILLIAMS, acute_days=28, chronic_days=28)


def test_acwr_empty_input():
    out = acwr(loads([]))
    assert out.empty
    assert list(out.columns) == ["athlete_id", "date", "acute", "chronic", "acwr"]


# --------------------------------------------------------------------------- monotony and strain


def test_monotony_strain_worked_example():
    """Mon..Sun loads 100, 200, 0, 300, 100, 0, 0: weekly load = 700, mean = 100;
    deviations 0, 100, -100, 200, 0, -100, -100 -> squares sum 80,000; sample variance = 80,000 / 6
    = 13,333.3, SD = 115.470; monotony = 100 / 115.470 = 0.86603; strain = 700 x 0.86603 = 606.218."""
    out = monotony_strain(loads([100.0, 200.0, 0.0, 300.0, 100.0, 0.0, 0.0]))
    assert list(out.columns) == ["athlete_id", "week_start", "load", "days", "monotony", "strain"]
    row = out.iloc[0]
    assert row["week_start"] == MONDAY
    assert (row["load"], row["days"]) == (700.0, 7)
    assert row["monotony"] == pytest.approx(0.866025, abs=1e-6)
    assert row["strain"] == pytest.approx(606.2178, abs=1e-4)


def test_monotony_all_zero_week_is_nan_without_error():
    """Seven rest days: load 0, SD 0 -> monotony 0 / 0 undefined -> NaN, strain NaN; no crash."""
    row = monotony_strain(loads([0.0] * 7)).iloc[0]
    assert row["load"] == 0.0
    assert np.isnan(row["monotony"]) and np.isnan(row["strain"])


def test_monotony_constant_nonzero_week_is_nan_not_inf():
    """Seven days at 300: SD 0 -> 300 / 0; documented choice: NaN, not inf (load still 2100)."""
    row = monotony_strain(loads([300.0] * 7)).iloc[0]
    assert (row["load"], row["days"]) == (2100.0, 7)
    assert np.isnan(row["monotony"]) and np.isnan(row["strain"])


def test_monotony_needs_the_full_week_unless_min_days_is_lowered():
    """Mon..Sun 100, 200, missing, 300, 100, 0, 0: 6 recorded days, load = 700.
    Default (min_days = 7): monotony and strain NaN. min_days = 6, over the 6 recorded days:
    mean = 700 / 6 = 116.667; squared deviations sum = 100^2 + 200^2 + 300^2 + 100^2 - 6 x 116.667^2
    = 150,000 - 81,666.7 = 68,333.3; variance = 68,333.3 / 5 = 13,666.7; SD = 116.905;
    monotony = 116.667 / 116.905 = 0.99796; strain = 700 x 0.99796 = 698.57."""
    data = loads([100.0, 200.0, None, 300.0, 100.0, 0.0, 0.0])
    strict = monotony_strain(data).iloc[0]
    assert (strict["load"], strict["days"]) == (700.0, 6)
    assert np.isnan(strict["monotony"])
    lenient = monotony_strain(data, min_days=6).iloc[0]
    assert lenient["monotony"] == pytest.approx(0.99796, abs=1e-5)
    assert lenient["strain"] == pytest.approx(698.57, abs=1e-2)


def test_monotony_weeks_run_monday_to_sunday():
    """Data from Wednesday 2024-01-03 for 7 days: week of Mon 01-01 holds Wed..Sun (5 days, 5 x 10),
    week of Mon 01-08 holds Mon, Tue (2 days, 2 x 10); neither is complete, so no monotony."""
    out = monotony_strain(loads([10.0] * 7, start="2024-01-03"))
    assert out["week_start"].tolist() == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-08")]
    assert out["days"].tolist() == [5, 2]
    assert out["load"].tolist() == [50.0, 20.0]
    assert out["monotony"].isna().all()


def test_monotony_week_without_any_recorded_day_has_missing_load():
    """Week 1 at 10 a day, week 2 all missing, week 3 at 10: week 2 has days 0, load NaN."""
    out = monotony_strain(loads([10.0] * 7 + [None] * 7 + [10.0] * 7))
    assert out["days"].tolist() == [7, 0, 7]
    assert np.isnan(out["load"].iloc[1])


def test_monotony_several_athletes_unsorted_equal_each_alone():
    first = loads([100.0, 200.0, 0.0, 300.0, 100.0, 0.0, 0.0] * 2, athlete_id=1)
    second = loads([50.0, 0.0, 50.0, 80.0, 0.0, 20.0, 90.0], athlete_id=2, start="2024-01-08")
    out = monotony_strain(pd.concat([second, first]).sample(frac=1, random_state=0))
    assert out["athlete_id"].tolist() == [1, 1, 2]
    for athlete_id, alone in ((1, first), (2, second)):
        mine = out[out["athlete_id"] == athlete_id].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, monotony_strain(alone))


def test_monotony_refuses_a_bad_min_days():
    with pytest.raises(ValueError, match="min_days"):
        monotony_strain(loads([1.0] * 7), min_days=1)
