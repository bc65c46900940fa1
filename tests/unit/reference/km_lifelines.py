"""Writes `km_lifelines.json`: lifelines' Kaplan-Meier figures for the samples of
`tests/unit/test_recovery.py::km_samples`, the reference that `analytics.recovery` is held to.

lifelines does not install beside pandas 3, so its figures are kept as fixed values. To refresh them,
in a separate environment (Python 3.11):

    python -m venv /tmp/lifelines && /tmp/lifelines/bin/pip install "lifelines==0.30.3" "pandas==2.2.3"
    /tmp/lifelines/bin/python tests/unit/reference/km_lifelines.py

The call per sample is `KaplanMeierFitter(alpha=0.05).fit(durations, resolved)`, then its
`survival_function_`, `confidence_interval_`, `event_table`, `median_survival_time_` and
`lifelines.utils.median_survival_times(confidence_interval_)`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import lifelines
import numpy as np
from lifelines import KaplanMeierFitter
from lifelines.utils import median_survival_times

sys.path.insert(0, str(Path(__file__).resolve().parent))
from km_samples import km_samples


def finite(value: float) -> float | None:
    """JSON has no infinity: lifelines' "never reaches half" (inf) is written as null."""
    return None if np.isinf(value) else float(value)


def figures() -> list[dict[str, object]]:
    out = []
    for durations, resolved in km_samples():
        kmf = KaplanMeierFitter(alpha=0.05).fit(durations, resolved)
        table = kmf.event_table.reindex(kmf.survival_function_.index)
        bounds = np.asarray(median_survival_times(kmf.confidence_interval_)).ravel()
        out.append(
            {
                "days": kmf.survival_function_.index.to_numpy(float).tolist(),
                "survival": kmf.survival_function_.iloc[:, 0].tolist(),
                "ci_lower": kmf.confidence_interval_.iloc[:, 0].tolist(),
                "ci_upper": kmf.confidence_interval_.iloc[:, 1].tolist(),
                "at_risk": table["at_risk"].astype(int).tolist(),
                "events": table["observed"].astype(int).tolist(),
                "censored": table["censored"].astype(int).tolist(),
                "median": [finite(kmf.median_survival_time_), finite(bounds[0]), finite(bounds[1])],
            }
        )
    return out


if __name__ == "__main__":
    document = {
        "produced_by": f"lifelines {lifelines.__version__}: KaplanMeierFitter(alpha=0.05).fit(durations, resolved)",
        "samples": figures(),
    }
    target = Path(__file__).with_suffix(".json")
    target.write_text(json.dumps(document, indent=1) + "\n")
    print(f"wrote {target}")
