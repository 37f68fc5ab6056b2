"""The package as a stranger gets it: build the wheel, install it into a fresh virtual
environment outside the checkout, and from a directory outside it run `claimgraph --help`,
`claimgraph serve --demo` until /readyz answers, one query with a `claimgraph token`, then
stop the server (and with it the embedded PostgreSQL). Any failure exits 1, loudly.

Usage: python .ci/wheel_smoke.py   (from any directory; 30 s idle, up to 90 s on a busy machine)
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent
STARTED = time.monotonic()
QUERY = "{ me { email member { memberNumber claims(first: 1) { totalCount } } } }"


class Failed(Exception):
    pass


def step(what: str) -> None:
    print(f"-- wheel smoke, {time.monotonic() - STARTED:4.0f} s: {what}", flush=True)


def run(argv, *, timeout: float, **kwargs) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kwargs)
    if done.returncode != 0:
        raise Failed(f"{' '.join(map(str, argv))} exited {done.returncode}:\n"
                     f"{done.stdout[-3000:]}{done.stderr[-3000:]}")  # fmt: skip
    return done.stdout


def http(url: str, body: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, {"not JSON": raw.decode(errors="replace")[:500]}


def clean_copy(to: Path) -> Path:
    """The sources without build leftovers: a stale build/ or *.egg-info/SOURCES.txt in the
    checkout would put files into the package that its configuration leaves out."""
    listed = subprocess.run(
        ["git", "-C", SOURCE, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
    )  # fmt: skip
    if listed.returncode == 0:
        for name in filter(None, listed.stdout.decode().split("\0")):
            if (SOURCE / name).is_file():
                (to / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(SOURCE / name, to / name)
    else:  # not a git checkout
        shutil.copytree(SOURCE, to, dirs_exist_ok=True, ignore=shutil.ignore_patterns(
            ".git", "*.egg-info", "build", "dist", "venv", ".venv", ".claimgraph",
            "__pycache__", ".*_cache", "node_modules", "results"))  # fmt: skip
    return to


def smoke(work: Path, logs: dict) -> None:
    step("building the sdist, and the wheel from it, from a clean copy of the sources")
    run([sys.executable, "-m", "pip", "install", "-q", "build"], timeout=120)
    source = clean_copy(work / "source")
    run([sys.executable, "-m", "build", "-o", work / "dist", source], timeout=180)
    (wheel,) = (work / "dist").glob("claimgraph-*.whl")

    step(f"installing {wheel.name} into a fresh virtual environment")
    venv = work / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv], timeout=60)
    python, claimgraph = venv / "bin" / "python", venv / "bin" / "claimgraph"
    run([sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-compile",
         wheel], timeout=240)  # fmt: skip

    elsewhere = work / "elsewhere"  # no checkout here, nor above
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "PYTHONPATH", "VIRTUAL_ENV", "CORS_ORIGINS")}  # fmt: skip
    env["CLAIMGRAPH_HOME"] = str(work / "home")
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    where = run([python, "-c", "import graph; print(graph.__file__)"], timeout=30,
                cwd=elsewhere, env=env).strip()  # fmt: skip
    if not Path(where).is_relative_to(venv):
        raise Failed(f"graph was imported from {where}, not from the installed wheel")

    step("claimgraph --help")
    text = run([claimgraph, "--help"], timeout=30, cwd=elsewhere, env=env)
    if "serve" not in text or str(work / "home") not in text:
        raise Failed(f"--help does not list serve or the state directory:\n{text}")

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    step(f"claimgraph serve --demo --port {port}, until /readyz answers")
    log = logs["serve"] = open(work / "serve.log", "w+")  # read back on failure
    server = subprocess.Popen(
        [claimgraph, "serve", "--demo", "--port", str(port)],
        cwd=elsewhere, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    logs["server"] = server
    deadline = time.monotonic() + 90
    while True:
        if server.poll() is not None:
            raise Failed(f"serve exited {server.returncode} before it was ready")
        try:
            if http(f"{base}/readyz")[0] == 200:
                break
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise Failed("/readyz did not answer 200 within 90 s")
        time.sleep(0.5)

    step("claimgraph token, and one query")
    token = run([claimgraph, "token", "--email", "member@example.com"], timeout=60,
                cwd=elsewhere, env=env).strip()  # fmt: skip
    status, body = http(f"{base}/graphql", {"query": QUERY}, token)
    member = ((body.get("data") or {}).get("me") or {}).get("member") or {}
    if status != 200 or body.get("errors") or not member.get("claims", {}).get("totalCount"):
        raise Failed(f"the query answered {status}: {json.dumps(body)[:2000]}")

    step("the staff console page (serve --demo turns it on)")
    try:
        with urllib.request.urlopen(f"{base}/console", timeout=10) as response:
            page = response.status, response.headers.get("content-type", "")
    except urllib.error.HTTPError as exc:
        page = exc.code, ""
    if page[0] != 200 or not page[1].startswith("text/html"):
        raise Failed(f"/console answered {page}")

    step("stopping the server")
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired as exc:
        raise Failed("serve did not stop within 30 s of SIGTERM") from exc
    step(f"serve exited {server.returncode}")
    if (work / "home" / "pgdata" / "postmaster.pid").exists():
        raise Failed("the embedded PostgreSQL is still running after serve stopped")
    if list(elsewhere.iterdir()):
        raise Failed(f"the commands wrote into the working directory: {list(elsewhere.iterdir())}")


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="claimgraph-wheel-"))
    logs: dict = {}
    try:
        smoke(work, logs)
    except (Failed, subprocess.TimeoutExpired, ValueError) as exc:
        print(f"\n!! WHEEL SMOKE FAILED: {exc}", file=sys.stderr)
        if "serve" in logs:
            logs["serve"].seek(0)
            print("-- serve's output:\n" + logs["serve"].read()[-4000:], file=sys.stderr)
        return 1
    finally:
        server = logs.get("server")
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(work, ignore_errors=True)
    step("passed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
