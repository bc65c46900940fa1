"""Which pages each role's menu holds. `dashboard.py` builds `st.Page`s from this, and a page
reachable by no role's menu cannot be opened: the menu is the access rule for screens
(the data each screen reads is scoped again in `data/access.py`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    icon: str
    url_path: str


OVERVIEW = PageSpec("pages/overview.py", "Overview", ":material/dashboard:", "overview")
TEAM_TODAY = PageSpec("pages/team_today.py", "Team today", ":material/today:", "team-today")
TEAM_TRENDS = PageSpec("pages/team_trends.py", "Team trends", ":material/monitoring:", "team-trends")
CASELOAD = PageSpec("pages/caseload.py", "Caseload", ":material/assignment_ind:", "caseload")
PROGRESS = PageSpec("pages/athlete_progress.py", "Athlete progress", ":material/timeline:", "progress")
LOG_SESSION = PageSpec("pages/log_session.py", "Log a session", ":material/healing:", "log-session")
RECORD_ROM = PageSpec("pages/record_rom.py", "Record ROM", ":material/straighten:", "record-rom")
INJURIES = PageSpec("pages/injuries.py", "Health problems", ":material/personal_injury:", "injuries")
MY_RECOVERY = PageSpec("pages/my_recovery.py", "My recovery", ":material/trending_down:", "my-recovery")
CHECKIN = PageSpec("pages/checkin.py", "Daily check-in", ":material/edit_note:", "check-in")
OSTRC = PageSpec("pages/ostrc.py", "Weekly health questions", ":material/fact_check:", "ostrc")
USERS = PageSpec("pages/users_teams.py", "Users and teams", ":material/manage_accounts:", "users")
DATA_IO = PageSpec("pages/data_io.py", "Import and export", ":material/swap_vert:", "data")
AUDIT = PageSpec("pages/audit_log.py", "Audit log", ":material/history:", "audit")
EXPORT = PageSpec("pages/export.py", "Export data", ":material/download:", "export")
GLOSSARY = PageSpec("pages/glossary.py", "Glossary", ":material/menu_book:", "glossary")
INBOX = PageSpec("pages/inbox.py", "Inbox", ":material/inbox:", "inbox")
DELIVERIES = PageSpec("pages/deliveries.py", "Delivery log", ":material/outgoing_mail:", "deliveries")
SURVEILLANCE = PageSpec(
    "pages/surveillance.py", "Injury and illness surveillance", ":material/query_stats:", "surveillance"
)
FLAG_PERFORMANCE = PageSpec("pages/flag_performance.py", "Flag performance", ":material/rule:", "flag-performance")

#: The menu of each role, section by section. The first page is the role's landing page.
MENUS: dict[str, dict[str, list[PageSpec]]] = {
    "admin": {
        "Organisation": [OVERVIEW, SURVEILLANCE, FLAG_PERFORMANCE, USERS, DATA_IO, AUDIT, DELIVERIES],
        "Messages": [INBOX],
        "Help": [GLOSSARY],
    },
    "coach": {"Team": [TEAM_TODAY, TEAM_TRENDS, FLAG_PERFORMANCE, EXPORT], "Messages": [INBOX], "Help": [GLOSSARY]},
    "therapist": {
        "Clinic": [CASELOAD, PROGRESS, SURVEILLANCE, FLAG_PERFORMANCE],
        "Record": [LOG_SESSION, RECORD_ROM, INJURIES],
        "Data": [EXPORT],
        "Messages": [INBOX],
        "Help": [GLOSSARY],
    },
    "athlete": {"Me": [MY_RECOVERY, CHECKIN, OSTRC, EXPORT], "Messages": [INBOX], "Help": [GLOSSARY]},
}


def page_paths(role: str) -> list[str]:
    """Every page script the role may open."""
    return [spec.path for section in MENUS.get(role, {}).values() for spec in section]


def landing(role: str) -> PageSpec:
    """The role's first page."""
    return next(iter(MENUS[role].values()))[0]
