"""The README documents every setting and every command (no database needed)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from graph import settings_doc
from graph.cli import parser
from graph.config import Settings

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def _section(name: str) -> str:
    text = README.read_text()
    start = text.index(f"\n## {name}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end >= 0 else len(text)]


def test_every_setting_has_a_description():
    fields = {row[0] for row in settings_doc.settings_rows()}
    missing = sorted(f for f in fields if not settings_doc.DESCRIPTIONS.get(f, "").strip())
    assert not missing, f"describe these Settings fields in graph/settings_doc.py: {missing}"
    stale = sorted(set(settings_doc.DESCRIPTIONS) - fields)
    assert not stale, f"descriptions of fields Settings no longer has: {stale}"


def test_the_readme_table_is_the_generated_one():
    readme = README.read_text()
    assert settings_doc.current(readme) == settings_doc.block(), (
        "README.md's settings table is stale: python -m graph.settings_doc --update README.md"
    )


def _another(value, field: str = "") -> str:
    """A valid setting other than the default."""
    if field == "cors_origins":
        return "http://localhost:*"
    if isinstance(value, bool):
        return "0" if value else "1"
    if isinstance(value, int | float):
        return str(value + 1)
    return "member"  # a role, and a fine origin or name too


def test_each_variable_in_the_table_sets_its_field(monkeypatch):
    defaults = Settings()
    for field, variable, _, _ in settings_doc.settings_rows():
        if variable is None or "<" in variable:
            continue
        with monkeypatch.context() as env:
            env.setenv(variable, _another(getattr(defaults, field), field))
            assert getattr(Settings(), field) != getattr(defaults, field), (field, variable)


def test_a_role_budget_is_read_from_its_variable(monkeypatch):
    monkeypatch.setenv("MAX_QUERY_COST_REGULATOR", "123")
    assert Settings().budget_for("regulator") == 123


_READ = re.compile(
    r"""os\.environ(?:\.get|\.setdefault)?\(\s*f?"([^"]+)"|os\.environ\["([^"]+)"\]"""
)


def _variables_read_in_code() -> set[str]:
    names = set()
    for package in ("graph", "db", "domain", "policies"):
        for path in (ROOT / package).rglob("*.py"):
            for match in _READ.finditer(path.read_text()):
                name = match.group(1) or match.group(2)
                # f"CLAIMGRAPH_{name.upper()}_KEY" is documented as CLAIMGRAPH_<NAME>_KEY
                names.add(re.sub(r"\{(\w+)[^}]*\}", lambda m: f"<{m[1].upper()}>", name))
    return names


def test_every_variable_the_code_reads_is_documented():
    documented = {name for name, _, _ in settings_doc.OTHER}
    documented |= {v for _, v, _, _ in settings_doc.settings_rows() if v}
    missing = sorted(_variables_read_in_code() - documented)
    assert not missing, f"read but not in the README's table (graph/settings_doc.py): {missing}"


def test_every_other_variable_is_still_read():
    read = _variables_read_in_code() | {"FORWARDED_ALLOW_IPS"}  # read by uvicorn
    gone = sorted(name for name, _, _ in settings_doc.OTHER if name not in read)
    assert not gone, f"documented but read nowhere any more: {gone}"


def _subcommands() -> set[str]:
    (action,) = (a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    return set(action.choices)


def test_the_command_table_lists_every_command():
    rows = [line for line in _section("Commands").splitlines() if line.startswith("| `")]
    listed = {re.match(r"\| `claimgraph ([\w-]+)", row)[1] for row in rows}
    assert listed == _subcommands()
