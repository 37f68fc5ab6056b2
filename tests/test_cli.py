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


# --- the CLI anywhere: one state directory per user, and one line when there is no database ---
def _elsewhere(tmp_path: Path, *argv: str, **env: str):
    """Run `claimgraph ARGV` as a new process from a directory outside the checkout."""
    import os
    import subprocess
    import sys

    cwd = tmp_path / "elsewhere"
    cwd.mkdir(exist_ok=True)
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    base["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "graph.cli", *argv], cwd=cwd, env={**base, **env},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


@pytest.mark.parametrize("argv", [["token", "--email", "admin@example.com"], ["keys", "rotate"]])
def test_a_command_without_a_database_says_how_to_make_one(tmp_path, argv):
    home = tmp_path / "fresh-home"
    done = _elsewhere(tmp_path, *argv, CLAIMGRAPH_HOME=str(home))
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1, done.stderr  # one line, no traceback
    assert f"no database under {home}" in done.stderr
    assert "`claimgraph serve --demo`" in done.stderr and "`claimgraph migrate`" in done.stderr
    # nothing made: not in the working directory, not in the state directory
    assert list((tmp_path / "elsewhere").iterdir()) == []
    assert not (home / "pgdata").exists()
    assert not (home / "keys" / "data-keys.json").exists()


def test_an_unmigrated_database_says_so(new_database, monkeypatch, capsys):
    from sqlalchemy.engine import make_url

    url = make_url(new_database()).set(password="s3cret").render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["token", "--email", "admin@example.com"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not migrated" in err and "`claimgraph migrate`" in err
    assert "s3cret" not in err


def test_an_unreachable_database_says_so(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:9/nowhere")
    assert main(["token", "--email", "admin@example.com"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot reach the database at" in err


def test_state_lives_in_the_user_data_directory_by_default(tmp_path, monkeypatch, capsys):
    import platformdirs

    monkeypatch.delenv("CLAIMGRAPH_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "user" / "data"))
    expected = Path(platformdirs.user_data_dir("claimgraph", appauthor=False))
    assert expected.is_relative_to(tmp_path)  # the test itself writes nowhere real
    assert main(["home"]) == 0
    assert capsys.readouterr().out.strip() == str(expected)
    with pytest.raises(SystemExit):
        main(["--help"])
    assert str(expected) in [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert not expected.exists()  # printing the place does not make it


def test_claimgraph_home_overrides_the_default(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CLAIMGRAPH_HOME", str(tmp_path / "state"))
    assert main(["home"]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "state")


def test_serve_says_where_state_is_and_demo_allows_local_origins(tmp_path, monkeypatch, capsys):
    import os

    import graph.cli as cli

    seen = {}
    env = {k: v for k, v in os.environ.items() if k != "CORS_ORIGINS"}
    env["CLAIMGRAPH_HOME"] = str(tmp_path / "state")
    monkeypatch.setattr(os, "environ", env)  # serve sets variables for its workers
    monkeypatch.setattr(cli.signal, "signal", lambda *args: None)
    monkeypatch.setattr(cli, "_url", lambda **_: "postgresql://unused/x")
    monkeypatch.setattr(cli, "_load_demo", lambda url: False)
    monkeypatch.setattr("db.migrate.upgrade", lambda url: None)

    def run(*args, **kwargs):
        from graph.config import Settings

        seen["origins"] = Settings().cors_origins

    monkeypatch.setattr("uvicorn.run", run)
    assert main(["serve", "--demo"]) == 0
    assert seen["origins"] == ("http://localhost:*", "http://127.0.0.1:*")
    assert f"State directory: {tmp_path / 'state'}" in capsys.readouterr().out


# --- long work shows progress on a terminal, and a summary with its rate ---
def test_seed_members_summarises_with_a_rate_and_keeps_stderr_clean(new_database, monkeypatch,
                                                                    capsys):  # fmt: skip
    monkeypatch.setenv("DATABASE_URL", new_database())
    assert main(["seed", "--members", "20"]) == 0
    out, err = capsys.readouterr()
    assert "20 members" in out and "rows/s" in out
    # not a terminal: no bar (other tests may have left the app's JSON log handler on stderr)
    assert "Seeding" not in err and "\x1b[" not in err and "\r" not in err


def test_progress_draws_a_bar_on_a_terminal():
    import io

    from graph.progress import Progress

    screen = io.StringIO()
    with Progress("Seeding", total=30, unit="members", stream=screen, live=True) as bar:
        for _ in range(3):
            bar.advance(10, note="members")
    assert "Seeding" in screen.getvalue() and "30/30" in screen.getvalue()
    quiet = io.StringIO()
    with Progress("Seeding", total=30, unit="members", stream=quiet) as bar:
        bar.advance(30)
    assert quiet.getvalue() == ""
