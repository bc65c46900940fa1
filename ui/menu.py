"""Which pages each role's menu holds. `dashboard.py` builds `st.Page`s from this."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    icon: str
    url_path: str


OVERVIEW = PageSpec("pages/overview.py", "Overview", ":material/dashboard:", "overview")

#: The menu of each role, section by section. The first page is the role's landing page.
MENUS: dict[str, dict[str, list[PageSpec]]] = {
    "admin": {"Fascia": [OVERVIEW]},
    "coach": {"Team": [OVERVIEW]},
    "therapist": {"Clinic": [OVERVIEW]},
    "athlete": {"Me": [OVERVIEW]},
}


def page_paths(role: str) -> list[str]:
    """Every page script the role may open."""
    return [spec.path for section in MENUS.get(role, {}).values() for spec in section]
