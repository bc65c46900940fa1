"""The admin's directories (*Users and teams*, *Audit log*): every user and every team the viewer may read,
with the teams, athletes and staff they are linked to in words."""

from __future__ import annotations

import pandas as pd

from views.reader import Reader


def users_directory(reader: Reader) -> pd.DataFrame:
    """Every user the viewer may read (an admin: everyone): user_id, username, role, active, team_ids, teams
    (what the user sees: "every team" for an admin, the athlete's team for an athlete, the assigned team
    names for a coach or therapist), athlete_id, athlete (the linked athlete's name, "" when none), created_at."""
    users = reader.users()
    teams = reader.teams()
    names = dict(zip(teams["team_id"].astype(int), teams["name"], strict=True))
    athletes = reader.athletes()
    athlete_names = dict(zip(athletes["athlete_id"].astype(int), athletes["display_name"], strict=True))
    athlete_teams = dict(zip(athletes["athlete_id"].astype(int), athletes["team"], strict=True))

    def team_text(role: str, team_ids: list[int], athlete_id: object) -> str:
        if role == "admin":
            return "every team"
        if role == "athlete":
            return athlete_teams.get(int(athlete_id), "") if pd.notna(athlete_id) else ""
        return ", ".join(sorted(names.get(t, f"#{t}") for t in team_ids)) or "no team yet"

    return users.assign(
        teams=[
            team_text(r, t, a) for r, t, a in zip(users["role"], users["team_ids"], users["athlete_id"], strict=True)
        ],
        athlete=users["athlete_id"].map(lambda a: athlete_names.get(int(a), f"#{a}") if pd.notna(a) else ""),
    )


def teams_directory(reader: Reader) -> pd.DataFrame:
    """Every team the viewer may see (an admin: every team): team_id, name, sport, timezone, athletes
    (active athletes), staff (the coaches and therapists assigned, comma separated)."""
    teams = reader.teams()
    athletes = reader.athletes()
    counts = athletes[athletes["active"]].groupby("team_id").size()
    users = reader.users()
    staff = users[users["role"].isin(["coach", "therapist"]) & users["active"]].explode("team_ids")
    staff_names = staff.groupby("team_ids")["username"].agg(lambda names: ", ".join(sorted(names)))
    return teams.assign(
        athletes=teams["team_id"].map(counts).fillna(0).astype(int),
        staff=teams["team_id"].map(staff_names).fillna(""),
    )
