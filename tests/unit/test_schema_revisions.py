"""The migration files keep the naming rule `data.schema` reads the newest revision by, without Alembic."""

from __future__ import annotations

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from data.db import ROOT
from data.schema import MIGRATIONS, current_revision, head_revision, migrate


def alembic_scripts() -> ScriptDirectory:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return ScriptDirectory.from_config(config)


def test_each_file_holds_the_revision_it_is_named_after_and_follows_the_one_before() -> None:
    numbers = sorted(path.name.split("_", 1)[0] for path in MIGRATIONS.glob("[0-9]*_*.py"))
    scripts = alembic_scripts()
    assert numbers == sorted(script.revision for script in scripts.walk_revisions())
    for before, after in zip([None, *numbers], numbers, strict=False):
        assert scripts.get_revision(after).down_revision == before


def test_the_newest_revision_is_alembics_head() -> None:
    assert head_revision() == alembic_scripts().get_current_head()


def test_the_current_revision_is_the_one_alembic_reads(empty_engine: Engine) -> None:
    assert current_revision(empty_engine) is None
    migrate(empty_engine, "0003")
    with empty_engine.connect() as connection:
        assert current_revision(empty_engine) == MigrationContext.configure(connection).get_current_revision() == "0003"
