"""The `claimgraph` command, in-process, against the test database."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def on_test_db(db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    return db_url


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for command in ("serve", "migrate", "seed", "token", "db-url", "export-schema"):
        assert command in out


def test_an_unknown_command_is_a_clear_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["frobnicate"])
    assert exit_.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_export_schema_prints_the_checked_in_schema(capsys):
    assert main(["export-schema"]) == 0
    assert capsys.readouterr().out == (ROOT / "schema.graphql").read_text()


def test_db_url_prints_the_database_in_use(on_test_db, capsys):
    assert main(["db-url"]) == 0
    assert capsys.readouterr().out.strip() == on_test_db


def test_token_for_a_persona_is_accepted_by_the_api(on_test_db, capsys, users):
    from graph.auth import signing_key, verify_access_token
    from graph.config import Settings

    assert main(["token", "--email", "member@example.com"]) == 0
    token = capsys.readouterr().out.strip()
    verified = verify_access_token(token, settings=Settings(), key=signing_key())
    assert verified.user_id == users["member@example.com"]["id"]


def test_token_for_an_unknown_email_is_refused(on_test_db, capsys):
    assert main(["token", "--email", "nobody@example.com"]) == 1
    assert "no user with the email" in capsys.readouterr().err


def test_seed_without_a_choice_is_refused(on_test_db, capsys):
    assert main(["seed"]) == 2
    assert "--demo" in capsys.readouterr().err


def test_seed_demo_twice_changes_nothing(on_test_db, capsys):
    assert main(["seed", "--demo"]) == 0
    assert "already there" in capsys.readouterr().out


def test_migrate_check_passes_on_a_migrated_database(on_test_db, capsys):
    assert main(["migrate", "--check"]) == 0
    assert main(["migrate"]) == 0


def test_serve_refuses_a_bad_port(capsys):
    assert main(["serve", "--port", "70000"]) == 2
    assert "--port" in capsys.readouterr().err
