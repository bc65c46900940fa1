"""The benchmark's results: the printed table against the budget, and the JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Results:
    """Every figure of one run (milliseconds are medians)."""

    backend: str
    athletes: int
    days: int
    athlete_page_ms: dict[str, float]
    athlete_page_athletes: dict[str, int]
    team_overview_cold_ms: float
    team_overview_warm_ms: float
    team_overview_app_cold_ms: float
    team_overview_app_warm_ms: float
    first_page_cold_ms: float
    team_athletes: int
    org_analytics_ms: float
    org_floor_ms: float
    import_rows: int
    import_rows_per_s: float
    acwr_ms: float
    acwr_peer_ms: float
    acwr_max_abs_diff: float
    acwr_one_sided: int
    peak_rss_mb: float
    baseline_rss_mb: float
    after_read_rss_mb: float
    quick: bool
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The issue's keys first, then the supporting figures."""
        keys = {
            "athlete_page_ms": self.athlete_page_ms,
            "team_overview_cold_ms": self.team_overview_cold_ms,
            "team_overview_warm_ms": self.team_overview_warm_ms,
            "first_page_cold_ms": self.first_page_cold_ms,
            "org_analytics_ms": self.org_analytics_ms,
            "org_floor_ms": self.org_floor_ms,
            "import_rows_per_s": self.import_rows_per_s,
            "acwr_ms": self.acwr_ms,
            "acwr_peer_ms": self.acwr_peer_ms,
            "acwr_max_abs_diff": self.acwr_max_abs_diff,
            "peak_rss_mb": self.peak_rss_mb,
            "backend": self.backend,
            "athletes": self.athletes,
            "days": self.days,
        }
        supporting = {
            "quick": self.quick,
            "athlete_page_athletes": self.athlete_page_athletes,
            "team_athletes": self.team_athletes,
            "team_overview_apptest_cold_ms": self.team_overview_app_cold_ms,
            "team_overview_apptest_warm_ms": self.team_overview_app_warm_ms,
            "import_rows": self.import_rows,
            "acwr_one_sided": self.acwr_one_sided,
            "baseline_rss_mb": self.baseline_rss_mb,
            "after_read_rss_mb": self.after_read_rss_mb,
            **self.extra,
        }
        return {**keys, **supporting}

    def write_json(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.as_json(), indent=2) + "\n")

    def table(self) -> str:
        small, big = self.athlete_page_athletes["100"], self.athlete_page_athletes["1000"]
        page_small, page_big = self.athlete_page_ms["100"], self.athlete_page_ms["1000"]
        growth = page_big / page_small if page_small else float("nan")
        org_ratio = self.org_analytics_ms / self.org_floor_ms if self.org_floor_ms else float("nan")
        speed = self.acwr_peer_ms / self.acwr_ms if self.acwr_ms else float("nan")
        rows = [
            ("Athlete progress page", f"{big} athletes", f"{page_big:,.0f} ms", "<= 150 ms"),
            ("Athlete progress page", f"{small} athletes", f"{page_small:,.0f} ms", ""),
            ("  growth", f"{small} -> {big}", f"{growth:.2f}x", "<= 1.3x"),
            (
                "Team today, functions",
                f"cold, {self.team_athletes} athl.",
                f"{self.team_overview_cold_ms:,.0f} ms",
                "<= 1,500 ms",
            ),
            ("Team today, functions", "warm", f"{self.team_overview_warm_ms:,.1f} ms", "<= 300 ms"),
            ("Team today, AppTest", "cold", f"{self.team_overview_app_cold_ms:,.0f} ms", "<= 1,500 ms"),
            ("Team today, AppTest", "warm", f"{self.team_overview_app_warm_ms:,.0f} ms", "<= 300 ms"),
            ("First page, fresh process", "coach's landing", f"{self.first_page_cold_ms:,.0f} ms", "<= 3,000 ms"),
            ("Organisation: floor", "read rows", f"{self.org_floor_ms:,.0f} ms", ""),
            ("Organisation: analytics", "", f"{self.org_analytics_ms:,.0f} ms", ""),
            ("  analytics / floor", "", f"{org_ratio:.2f}x", "<= 1.5x"),
            (
                "Import check-ins",
                f"{self.import_rows:,} rows",
                f"{self.import_rows_per_s:,.0f} rows/s",
                ">= 50,000 rows/s",
            ),
            ("ACWR all athletes, Fascia", "EWMA", f"{self.acwr_ms:,.0f} ms", ""),
            ("ACWR all athletes, acwr pkg", "EWMA, per athlete", f"{self.acwr_peer_ms:,.0f} ms", ""),
            ("  speed ratio", "package / Fascia", f"{speed:.1f}x", ""),
            ("  max |difference|", "3 methods", f"{self.acwr_max_abs_diff:.1e}", "<= 1e-9"),
            ("Peak RSS, org analytics", f"imports {self.baseline_rss_mb:,.0f} MB", f"{self.peak_rss_mb:,.0f} MB", ""),
        ]
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        head = ("Figure", "Case", "Result", "Budget")
        widths = [max(w, len(h)) for w, h in zip(widths, head, strict=True)]
        title = f"Fascia benchmark: {self.backend}, {self.athletes:,} athletes x {self.days} days" + (
            " (--quick)" if self.quick else ""
        )
        lines = [title, "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
        lines.append("  ".join("-" * w for w in widths))
        for row in rows:
            lines.append(
                "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
            )
        return "\n".join(lines)
