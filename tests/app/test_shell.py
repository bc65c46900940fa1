"""The shell: first-run screen, sign-in, each role's menu and landing page, sign-out."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from data.accounts import has_users
from data.db import ROOT, make_engine
from data.demo import DEMO_ACCOUNTS
from data.errors import ValidationError
from data.models import User
from data.setup import create_first_admin, setup_token
from tests.app.conftest import APP, fill_first_admin, reload, sign_in
from ui.menu import MENUS, page_paths

StartApp = Callable[[str], AppTest]


def texts(at: AppTest) -> str:
    """Everything the page wrote, as one string."""
    parts = [e.value for e in (*at.title, *at.header, *at.subheader, *at.markdown, *at.caption, *at.info, *at.success)]
    parts += [e.value for e in at.error]
    return "\n".join(str(p) for p in parts)


def test_first_run_offers_the_demo_only_when_the_server_allows_it(
    app_at: StartApp, empty_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FASCIA_DEMO", raising=False)
    at = app_at(empty_url)
    assert not at.exception
    assert "Welcome to Fascia" in texts(at)
    assert [b.label for b in at.button] == ["Create admin account"], "no demo with published passwords"
    assert "FASCIA\\_DEMO=1" in texts(at) or "FASCIA_DEMO=1" in texts(at)
    monkeypatch.setenv("FASCIA_DEMO", "1")
    at = app_at(empty_url)
    assert [b.label for b in at.button] == ["Load the demo team", "Create admin account"]


def test_the_first_admin_needs_the_setup_token(app_at: StartApp, empty_url: str) -> None:
    at = app_at(empty_url)
    fields = {t.label: t for t in at.text_input}
    fields["Setup token"].input("a guess")
    fields["Username"].input("intruder")
    fields["Password"].input("correct-horse")
    fields["Repeat password"].input("correct-horse")
    at = next(b for b in at.button if b.label == "Create admin account").click().run()
    assert "Setup token is not this server's setup token: see the server's log" in texts(at)
    assert "user_id" not in at.session_state
    engine = make_engine(empty_url)
    assert not has_users(engine)
    engine.dispose()


def test_first_admin_account_signs_in(app_at: StartApp, empty_url: str) -> None:
    at = fill_first_admin(app_at(empty_url), empty_url, "head-physio", "correct-horse")
    assert not at.exception
    at = reload(at)
    assert "Overview" in texts(at)
    assert "head\\-physio" in texts(at)  # Markdown-escaped (ui.text.literal): shown as head-physio
    engine = make_engine(empty_url)
    with pytest.raises(ValidationError):  # the token worked once and is gone
        create_first_admin(engine, setup_token(engine), "second", "correct-horse")
    engine.dispose()


def test_first_admin_refuses_mismatch_and_short_password(app_at: StartApp, empty_url: str) -> None:
    at = fill_first_admin(app_at(empty_url), empty_url, "boss", "short")
    assert "at least 8" in texts(at)
    at = fill_first_admin(at, empty_url, "boss", "long-enough-1", repeat="long-enough-2")
    assert "Repeat password does not match the password." in texts(at)
    assert "Welcome to Fascia" in texts(at)


def test_loading_the_demo_shows_the_demo_sign_ins(
    app_at: StartApp, empty_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import data.demo

    real = data.demo.load_demo
    monkeypatch.setattr(data.demo, "load_demo", lambda engine: real(engine, athletes=6, days=60, seed=5))
    monkeypatch.setenv("FASCIA_DEMO", "1")
    at = app_at(empty_url)
    at = at.button[0].click().run()
    assert not at.exception
    assert at.session_state["demo_loaded"] is True
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["demo_loaded"] = True  # what the click left in the session, after a reload
    at = at.run()
    assert "Sign in to Fascia" in texts(at)
    shown = at.dataframe[0].value
    assert sorted(shown["Username"]) == sorted(u for u, _, _ in DEMO_ACCOUNTS)


def test_wrong_password_gets_one_neutral_message(app_at: StartApp, demo_url: str) -> None:
    at = app_at(demo_url)
    username = DEMO_ACCOUNTS[0][0]
    at = sign_in(at, username, "not-the-password")
    assert [e.value for e in at.error] == ["Wrong username or password."]
    at = sign_in(at, "no-such-user", "not-the-password")
    assert [e.value for e in at.error] == ["Wrong username or password."]


@pytest.mark.parametrize(("username", "role", "password"), DEMO_ACCOUNTS)
def test_each_role_signs_in_to_its_landing_page(
    app_at: StartApp, demo_url: str, username: str, role: str, password: str
) -> None:
    at = sign_in(app_at(demo_url), username, password)
    assert not at.exception
    assert at.title, "the landing page has a title"
    assert f"**{username}** ({role})" in [c.value for c in at.sidebar.caption][0]
    # Signing out is exercised in a real browser (tests/e2e): AppTest re-applies session state set from outside.
    assert at.button(key="sign_out").label == "Sign out"


def test_admin_landing_counts_the_organisation(app_at: StartApp, demo_url: str) -> None:
    username, _, password = next(a for a in DEMO_ACCOUNTS if a[1] == "admin")
    at = sign_in(app_at(demo_url), username, password)
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Athletes"]) == 12
    assert int(metrics["Check-ins"].replace(",", "")) > 0


def test_menus_hold_exactly_each_roles_pages() -> None:
    assert {role: page_paths(role) for role in MENUS} == {
        "admin": [
            "pages/overview.py",
            "pages/surveillance.py",
            "pages/flag_performance.py",
            "pages/users_teams.py",
            "pages/data_io.py",
            "pages/audit_log.py",
            "pages/deliveries.py",
            "pages/inbox.py",
            "pages/glossary.py",
        ],
        "coach": [
            "pages/team_today.py",
            "pages/team_trends.py",
            "pages/flag_performance.py",
            "pages/export.py",
            "pages/inbox.py",
            "pages/glossary.py",
        ],
        "therapist": [
            "pages/caseload.py",
            "pages/athlete_progress.py",
            "pages/surveillance.py",
            "pages/flag_performance.py",
            "pages/log_session.py",
            "pages/record_rom.py",
            "pages/injuries.py",
            "pages/export.py",
            "pages/inbox.py",
            "pages/glossary.py",
        ],
        "athlete": [
            "pages/my_recovery.py",
            "pages/checkin.py",
            "pages/ostrc.py",
            "pages/export.py",
            "pages/inbox.py",
            "pages/glossary.py",
        ],
    }


@pytest.mark.parametrize("role", list(MENUS))
def test_a_role_cannot_open_another_roles_page(app_at: StartApp, demo_url: str, role: str) -> None:
    """A page outside the role's menu is not registered in the role's navigation, so it cannot be run."""
    username, _, password = next(a for a in DEMO_ACCOUNTS if a[1] == role)
    at = sign_in(app_at(demo_url), username, password)
    foreign = next(p for other in MENUS if other != role for p in page_paths(other) if p not in page_paths(role))
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(foreign)


def test_five_failures_lock_a_username_with_a_clear_message(app_at: StartApp, own_url: str) -> None:
    """Known or unknown, a username is refused after five failures, and the message says for how long."""
    for username in ("coach", "no-such-user"):
        at = app_at(own_url)
        for _ in range(4):
            at = sign_in(at, username, "not-the-password")
            assert [e.value for e in at.error] == ["Wrong username or password."]
        at = sign_in(at, username, "not-the-password")
        assert [e.value for e in at.error] == [
            "Wrong username or password. Too many failed attempts for this username; try again in 1 second. "
            "If it stays locked, someone else may be trying it: ask an admin to clear the sign-in lock "
            "(Users and teams)."
        ]
    from data.auth import failures_of
    from data.db import make_engine

    engine = make_engine(own_url)
    assert failures_of(engine, "coach") == failures_of(engine, "no-such-user") == 5
    engine.dispose()


def test_an_idle_session_expires_and_the_sign_in_page_says_so(
    app_at: StartApp, demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    username, _, password = next(a for a in DEMO_ACCOUNTS if a[1] == "coach")
    monkeypatch.setenv("FASCIA_IDLE_MINUTES", "10")
    at = sign_in(app_at(demo_url), username, password)
    assert "user_id" in at.session_state
    at.session_state["last_seen"] = time.time() - 9 * 60  # 9 idle minutes: still signed in
    at = at.run()
    assert "Sign in to Fascia" not in texts(at)
    at.session_state["last_seen"] = time.time() - 11 * 60  # 11 idle minutes: expired
    at = at.run()
    assert "Sign in to Fascia" in texts(at)
    assert "Your session expired after 10 minutes without activity. Sign in again." in [w.value for w in at.warning]
    assert "user_id" not in at.session_state


def test_idle_minutes_come_from_the_environment_or_default() -> None:
    from ui.session import DEFAULT_IDLE_MINUTES, parse_idle_minutes

    assert parse_idle_minutes("45") == 45
    assert parse_idle_minutes(None) == DEFAULT_IDLE_MINUTES == 30
    assert parse_idle_minutes("soon") == DEFAULT_IDLE_MINUTES
    assert parse_idle_minutes("-5") == DEFAULT_IDLE_MINUTES


def test_sign_in_offers_single_sign_on_only_when_auth_is_configured(app_at: StartApp, demo_url: str) -> None:
    at = app_at(demo_url)
    assert "Sign in with single sign-on" not in [b.label for b in at.button]
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "test-only",
        "client_id": "fascia",
        "client_secret": "test-only",
        "server_metadata_url": "https://id.example.org/.well-known/openid-configuration",
    }
    at = at.run()
    assert not at.exception
    assert "Sign in with single sign-on" in [b.label for b in at.button]
    assert "Sign in to Fascia" in texts(at)


@pytest.mark.parametrize("page", sorted({spec.path for menu in MENUS.values() for s in menu.values() for spec in s}))
def test_a_page_run_directly_refuses_anyone_its_menu_does_not_hold(
    app_at: Callable[[str], AppTest], demo_url: str, page: str
) -> None:
    """Streamlit serves every script in pages/ by file name until a new server process first reaches
    st.navigation; each page checks the signed-in role itself, so a direct run shows nothing."""
    app_at(demo_url)  # clears the cache and points the app at the demo database
    roles = {role for role, menu in MENUS.items() if any(spec.path == page for s in menu.values() for spec in s)}
    outsider = next((u for u, role, _ in DEMO_ACCOUNTS if role not in roles), None)  # every role has the inbox
    with make_engine(demo_url).connect() as connection:
        outsider_id = connection.scalar(select(User.id).where(User.username == outsider))
    for who in (None, outsider_id) if outsider is not None else (None,):
        direct = AppTest.from_file(str(ROOT / page), default_timeout=60)
        if who is not None:
            direct.session_state["user_id"] = who
        direct = direct.run()
        assert not direct.exception
        assert [w.value for w in direct.warning] == [
            "This page is not open to you. Go to Fascia's start page and sign in."
        ]
        assert not direct.dataframe and not direct.button and not direct.get("plotly_chart")


def test_the_first_run_page_refuses_once_users_exist(app_at: Callable[[str], AppTest], demo_url: str) -> None:
    app_at(demo_url)
    direct = AppTest.from_file(str(ROOT / "pages/first_run.py"), default_timeout=60).run()
    assert [i.value for i in direct.info] == ["Fascia is already set up. Open the start page and sign in."]
    assert not direct.text_input and not direct.button
