"""The weekly health questions' follow-ups (OSTRC-H2, Clarsen et al. 2020) as the athlete's page enters them:
each health problem of the week as `data.ostrc_health.save_week` takes it, the answers still missing, and the
problems saved earlier in the week to fill the form in with. No Streamlit here (`pages/ostrc.py` draws it).

Rules: the follow-ups are asked when the athlete's first OSTRC answer for the week is a problem (anything but
"full participation without problems"); each problem asks injury or illness, then its body region (injury)
or the system of its main symptoms (illness), the four OSTRC questions about that problem with the same
gatekeeper as the week's (Q1 "full participation without problems" or "could not participate" answers Q2-Q4),
and the days of full time-loss (0-7).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from views import words

QUESTIONS: tuple[str, ...] = ("q1", "q2", "q3", "q4")
#: Most problems one week's form takes.
MAX_PROBLEMS = 5
#: Q1 answers that make Q2-Q4 redundant, and the score each of them then takes (Clarsen et al. 2020).
GATEKEEPER: dict[int, int] = {0: 0, 25: 25}


@dataclass(frozen=True)
class FollowUp:
    """What the athlete entered about one health problem (None: not answered yet)."""

    problem_type: str | None = None
    body_region: str | None = None
    organ_system: str | None = None
    answers: Mapping[str, int | None] = field(default_factory=dict)
    days_lost: int | None = 0


def slot(number: int, field_name: str) -> str:
    """The key of the message slot under problem `number`'s (from 1) `field_name`."""
    return f"{number}:{field_name}"


def with_gatekeeper(answers: Mapping[str, int | None]) -> dict[str, int | None]:
    """The four answers, Q2-Q4 taken from the gatekeeper when Q1 is one of GATEKEEPER."""
    q1 = answers.get("q1")
    if q1 in GATEKEEPER:
        return {"q1": q1, **dict.fromkeys(QUESTIONS[1:], GATEKEEPER[int(q1)])}
    return {q: answers.get(q) for q in QUESTIONS}


def follow_up_problems(entered: Sequence[FollowUp]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The problems as `data.ostrc_health.save_week` takes them, and a message for each answer still missing,
    keyed by `slot` (nothing is saved while any is)."""
    problems: list[dict[str, Any]] = []
    missing: dict[str, str] = {}
    for number, follow_up in enumerate(entered, start=1):
        place = follow_up.body_region if follow_up.problem_type == "injury" else follow_up.organ_system
        where = "body_region" if follow_up.problem_type == "injury" else "organ_system"
        if follow_up.problem_type is None:
            missing[slot(number, "problem_type")] = f"Problem {number}: say whether it was an injury or an illness."
        elif place is None:
            what = "where the injury is" if where == "body_region" else "where the main symptoms were"
            missing[slot(number, where)] = f"Problem {number}: pick {what}."
        answers = with_gatekeeper(follow_up.answers)
        for question, value in answers.items():
            if value is None:
                missing[slot(number, question)] = (
                    f"Problem {number}, {words.FIELDS[question].lower()}: pick one answer."
                )
        if follow_up.days_lost is None:
            missing[slot(number, "days_lost")] = f"Problem {number}: give the days you could not take part (0-7)."
        problems.append(
            {
                "problem_type": follow_up.problem_type,
                "body_region": follow_up.body_region if follow_up.problem_type == "injury" else None,
                "organ_system": follow_up.organ_system if follow_up.problem_type == "illness" else None,
                **answers,
                "days_lost": follow_up.days_lost,
            }
        )
    return problems, missing


def saved_follow_ups(reports: pd.DataFrame) -> list[FollowUp]:
    """The week's saved reports (`data.ostrc_health.reports`) as the form's entries, in saved order."""

    def text(value: object) -> str | None:
        return None if pd.isna(value) else str(value)

    return [
        FollowUp(
            problem_type=str(row.problem_type),
            body_region=text(row.body_region),
            organ_system=text(row.organ_system),
            answers={q: int(getattr(row, q)) for q in QUESTIONS},
            days_lost=int(row.days_lost),
        )
        for row in reports.itertuples(index=False)
    ]


def summary(follow_up: Mapping[str, Any]) -> str:
    """One saved problem in words: "Injury, knee: severity 41 / 100, 2 days out"."""
    where = (
        words.word(words.BODY_REGIONS, follow_up["body_region"])
        if follow_up["problem_type"] == "injury"
        else words.word(words.ORGAN_SYSTEMS, follow_up["organ_system"])
    )
    severity = sum(int(follow_up[q]) for q in QUESTIONS)
    days = int(follow_up["days_lost"])
    out = "no days out" if days == 0 else f"{days} day{'s' if days != 1 else ''} out"
    return f"{words.word(words.PROBLEM_TYPES, follow_up['problem_type'])}, {where.lower()}: severity {severity} / 100, {out}"
