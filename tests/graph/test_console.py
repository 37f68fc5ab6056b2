"""The staff console as served: the committed build matches console/'s sources, the page
loads nothing but this server's files under a strict Content-Security-Policy, and the demo
personas are offered only when turned on. In a real browser: test_console_browser.py."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from bench.operations import OPERATIONS
from graph.console import ASSETS, CSP
from tests.graph.conftest import app_with

SOURCES = Path(__file__).resolve().parents[2] / "console"


def _manifest() -> dict:
    return json.loads((ASSETS / "build.json").read_text())


def test_the_committed_build_is_the_one_the_lockfile_makes():
    """A change to package.json or the lockfile without `npm run build` fails here."""
    manifest = _manifest()
    lock_text = (SOURCES / "package-lock.json").read_bytes()
    assert manifest["lockfile_sha256"] == hashlib.sha256(lock_text).hexdigest(), (
        "console/package-lock.json changed since the build: run `npm ci && npm run build`"
    )
    lock = json.loads(lock_text)
    declared = json.loads((SOURCES / "package.json").read_text())
    for name, wanted in {**declared["dependencies"], **declared["devDependencies"]}.items():
        resolved = lock["packages"][f"node_modules/{name}"]["version"]
        assert wanted == resolved == manifest["versions"][name], name
    assert manifest["versions"]["graphiql"].startswith("5.")


def test_every_built_file_is_listed_with_its_digest_and_nothing_else_ships():
    listed = _manifest()["files"]
    on_disk = {
        p.relative_to(ASSETS).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in ASSETS.rglob("*")
        if p.is_file() and p.name != "build.json"
    }
    assert on_disk == listed


def test_the_examples_include_the_bench_s_operations_verbatim():
    examples = (SOURCES / "src" / "examples.js").read_text()
    for name, (document, _who) in OPERATIONS.items():
        assert document in examples, name
    for name in ("regulator-report", "adjudication"):
        assert f"id: '{name}'" in examples


def test_the_page_has_no_inline_script_and_names_only_its_own_files():
    html = (ASSETS / "index.html").read_text()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all('src="/console/assets/' in attrs and not body.strip()
                           for attrs, body in scripts)  # fmt: skip
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert not re.search(r"\bon[a-z]+=", html)  # no inline event handlers either


async def test_the_page_and_its_assets_are_served_with_a_strict_policy(db_url):
    async with app_with(db_url, console_enabled=True) as c:
        page = await c.get("/console")
        assert page.status_code == 200
        policy = page.headers["content-security-policy"]
        assert policy == CSP
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["script-src"] == "'self'"
        assert directives["connect-src"] == "'self'"
        assert directives["default-src"] == "'none'"
        assert "unsafe-eval" not in policy
        assert page.headers["x-content-type-options"] == "nosniff"
        for path in re.findall(r'(?:src|href)="(/console/assets/[^"]+)"', page.text):
            asset = await c.get(path)
            assert asset.status_code == 200 and asset.headers["cache-control"].endswith(
                "immutable"
            ), path
        assert (await c.get("/console/assets/../build.json")).status_code == 404


async def test_the_demo_personas_are_offered_only_when_turned_on(db_url):
    async with app_with(db_url, console_enabled=True) as c:
        assert (await c.get("/console/personas")).status_code == 404
    async with app_with(db_url, console_enabled=True, console_personas=True) as c:
        listed = (await c.get("/console/personas")).json()["personas"]
        emails = [p["email"] for p in listed]
        assert emails[0] == "admin@example.com" and "regulator@example.com" in emails
        assert all(p["password"] for p in listed)
    async with app_with(db_url, console_personas=True) as c:  # no console: no personas
        assert (await c.get("/console/personas")).status_code == 404


async def test_the_sign_in_answers_the_page_relies_on(client):
    """session.js shows the TOTP field on this answer and refreshes with refresh_token."""
    form = {"grant_type": "password", "username": "admin@example.com", "password": "demo-password"}
    signed = (await client.post("/auth/token", data=form)).json()
    assert signed["refresh_token"] and signed["expires_in"] > 60
    again = await client.post(
        "/auth/token",
        data={"grant_type": "refresh_token", "refresh_token": signed["refresh_token"]},
    )
    assert again.status_code == 200 and again.json()["refresh_token"] != signed["refresh_token"]
    js = (SOURCES / "src" / "session.js").read_text()
    from graph.grants import MFA_REQUIRED

    pattern = re.search(r"const MFA_REQUIRED = /(.+)/i;", js).group(1)
    assert re.search(pattern, MFA_REQUIRED, re.I)
    code = "\n".join(line for line in js.splitlines() if not line.lstrip().startswith("//"))
    for storage in ("localStorage", "sessionStorage", "cookie"):
        assert storage not in code  # the tokens stay in the module's variables
