"""Every abbreviation and technical term a screen shows, said in plain words with its source: the
*Glossary* page lists them, and `explained` gives the hover text of any caption or label that uses them.

One entry per term (datasette's `permissions.py` idea: declare each thing once, in a registry).
Streamlit-free.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """`short` as it appears on screen, `name` written out, `meaning` in plain words, `source` where the
    definition comes from, and `anchor` (the id of its entry on the *Glossary* page)."""

    short: str
    name: str
    meaning: str
    source: str

    @property
    def anchor(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.short.lower()).strip("-")


GLOSSARY: tuple[Term, ...] = (
    Term(
        "ACWR",
        "Acute:chronic workload ratio",
        "The last 7 days' training load compared with the last 28 days' (or the 21 before them). Above 1 means "
        "more load than the athlete is used to. It describes load; it is not a chance of injury, and it is not "
        "shown before 28 days of data.",
        "Williams et al. 2017 (BJSM 51:209-210); the 0.8-1.3 band: Gabbett 2016, disputed by Impellizzeri et al. 2020.",
    ),
    Term(
        "AU",
        "Arbitrary units",
        "The unit of training load: effort (RPE, 0-10) times minutes. 60 minutes at effort 5 is 300 AU.",
        "Foster et al. 2001 (J Strength Cond Res 15:109-115).",
    ),
    Term(
        "CI",
        "Confidence interval",
        "The range the true value probably lies in, given how much data there is: a 95 % interval misses the "
        "true value 1 time in 20. Few cases give a wide interval.",
        "Standard statistics; exact Poisson intervals for rates (Bahr et al. 2020, IOC consensus).",
    ),
    Term(
        "EWMA",
        "Exponentially weighted moving average",
        "An average in which recent days count more than older ones (λ = 2 / (N + 1)); one of the three ways to "
        "compute the ACWR.",
        "Williams et al. 2017 (BJSM 51:209-210).",
    ),
    Term(
        "IOC",
        "International Olympic Committee",
        "Its 2020 consensus statement sets how sports medicine records and reports injuries and illnesses: "
        "onset, mechanism, body area, tissue, severity in days lost, incidence and burden.",
        "Bahr et al. 2020 (BJSM 54:372-389).",
    ),
    Term(
        "KM",
        "Kaplan-Meier estimate",
        "How long recovery takes, counting the athletes who have not recovered yet as well as those who have, "
        "so a slow recovery still under way is not left out of the average.",
        "Kaplan and Meier 1958 (J Am Stat Assoc 53:457-481).",
    ),
    Term(
        "LSI",
        "Limb symmetry index",
        "The injured (or weaker) side as a percentage of the other side: 90 % means the injured side reaches "
        "nine tenths of the healthy one.",
        "Common in return-to-sport testing; Fascia: injured side ÷ other side × 100.",
    ),
    Term(
        "MDC",
        "Minimal detectable change",
        "The smallest change a measurement can show beyond its own error: 5° for a goniometer, 1.5 cm for the "
        "knee-to-wall lunge. A smaller change is 'within measurement error'.",
        "Chisholm et al. 2012 (lunge); goniometry reliability studies (5°).",
    ),
    Term(
        "NPRS",
        "Numeric pain rating scale",
        "Pain from 0 (no pain) to 10 (worst pain imaginable). A fall of at least 2 points and 30 % is a change "
        "a person feels.",
        "Farrar et al. 2001 (Pain 94:149-158); LOINC 72514-3.",
    ),
    Term(
        "OSIICS",
        "Orchard Sports Injury and Illness Classification System",
        "Diagnosis codes used in sports medicine. Fascia keeps the code the club enters; it does not ship the "
        "code table.",
        "Orchard et al. 2020 (BJSM 54:397-401), the OSIICS and SMDCS consensus versions.",
    ),
    Term(
        "OSTRC",
        "Oslo Sports Trauma Research Center questionnaire",
        "Four weekly questions on how much a health problem affected training, performance and symptoms "
        "(the 'weekly health questions'); each answer scores 0, 8, 17 or 25, and 0-100 in all.",
        "Clarsen et al. 2013, 2020 (BJSM 47:495-502; BJSM 54:390-396).",
    ),
    Term(
        "PPV",
        "Positive predictive value",
        "Of the times a flag was raised, the share that an injury of the same athlete followed within the days "
        "counted (7, 14 or 28). A low PPV means most flags were not followed by an injury; on one club's "
        "history it describes an association, not a chance for the next athlete. Its partner, sensitivity, is "
        "the share of injuries that had the flag on the days before.",
        "Standard diagnostic-accuracy terms (Altman and Bland 1994, BMJ 309:102); Fascia's definitions: "
        "docs/FLAG_PERFORMANCE.md.",
    ),
    Term(
        "ROM",
        "Range of motion",
        "How far a joint moves, in degrees (or, for the ankle lunge, centimetres from the wall).",
        "Norms and methods: the source named on each row of the shipped ROM norms.",
    ),
    Term(
        "RPE",
        "Rating of perceived exertion",
        "How hard a session felt, from 0 (rest) to 10 (maximal), asked about 30 minutes after it (CR-10 scale).",
        "Foster et al. 2001 (J Strength Cond Res 15:109-115).",
    ),
    Term(
        "SD",
        "Standard deviation",
        "How far values usually spread around their average; a drop of 1.5 SD is unusual for that athlete.",
        "Standard statistics.",
    ),
)

TERMS: dict[str, Term] = {term.short: term for term in GLOSSARY}

_WORD = re.compile(r"\b(" + "|".join(re.escape(t) for t in sorted(TERMS, key=len, reverse=True)) + r")\b")


def terms_in(text: str) -> list[Term]:
    """The glossary terms `text` uses, in the order they first appear."""
    found = dict.fromkeys(_WORD.findall(text))
    return [TERMS[short] for short in found]


def explained(text: str) -> str | None:
    """Hover text saying what every abbreviation in `text` means ("ACWR: acute:chronic workload ratio …"),
    or None when it uses none."""
    used = terms_in(text)
    if not used:
        return None
    return "  \n".join(f"**{t.short}**: {t.name}. {t.meaning}" for t in used)
