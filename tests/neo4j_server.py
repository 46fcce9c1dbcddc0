"""Helpers for tests that need the real local Neo4j started by ``scripts/neo4j.sh``.

Settings come from the environment (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD,
NEO4J_DATABASE) and fall back, key by key, to ``.neo4j/env``, which
``scripts/neo4j.sh up`` writes. The fault-tolerance tests stop, kill and restart
the server through the same script, so the test-suite and CI share one code path.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import time
from pathlib import Path

import neo4j
from neo4j.exceptions import AuthError, ClientError

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "neo4j.sh"
STATE_DIR = Path(os.environ.get("BCIKG_NEO4J_HOME") or ROOT / ".neo4j")
ENV_FILE = STATE_DIR / "env"
PASSWORD_FILE = STATE_DIR / "password"  # the generated password, before .neo4j/env exists

DEFAULTS = {
    "uri": "bolt://127.0.0.1:7687",
    "user": "neo4j",
    "password": "",
    "database": "neo4j",
}
_KEYS = {"uri": "NEO4J_URI", "user": "NEO4J_USER", "password": "NEO4J_PASSWORD", "database": "NEO4J_DATABASE"}

# Generous: the first `up` on a fresh CI machine builds the server with Maven.
START_TIMEOUT = 900.0


def read_env_file(path: Path = ENV_FILE) -> dict[str, str]:
    """KEY=value lines of ``.neo4j/env`` (values may be shell-quoted); {} if absent."""
    values: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return values
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, raw = line.split("=", 1)
        words = shlex.split(raw) if raw else [""]
        values[key.strip()] = words[0] if words else ""
    return values


def settings_from_env() -> dict[str, str]:
    """uri/user/password/database: environment first, then ``.neo4j/env``, then defaults
    (the password last from ``.neo4j/password``, which ``scripts/neo4j.sh`` generates).

    An empty variable counts as unset (``.env.example`` ships ``NEO4J_PASSWORD=``).
    """
    from_file = read_env_file()
    settings = {}
    for key, var in _KEYS.items():
        settings[key] = os.environ.get(var) or from_file.get(var) or DEFAULTS[key]
    if not settings["password"] and PASSWORD_FILE.is_file():
        settings["password"] = PASSWORD_FILE.read_text(encoding="utf-8").strip()
    return settings


def wait_for_bolt(uri: str, user: str, password: str, timeout: float = 60.0, database: str = "neo4j") -> None:
    """Block until ``RETURN 1`` succeeds with these credentials; raise TimeoutError after ``timeout``.

    A refused password is retried too, since right after a restart with a new password the
    server accepts it only once it has applied it; the error says so if it never does.
    """
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while True:
        remaining = deadline - time.monotonic()
        try:
            with (
                neo4j.GraphDatabase.driver(
                    uri, auth=(user, password), connection_timeout=max(1.0, min(10.0, remaining))
                ) as driver,
                driver.session(database=database) as session,
            ):
                session.run("RETURN 1").consume()
            return
        except Exception as exc:  # not up yet, still starting, or refusing the password
            last = exc
        if time.monotonic() >= deadline:
            kind = "refused the credentials" if _is_auth_error(last) else "did not answer"
            raise TimeoutError(f"Neo4j at {uri} {kind} within {timeout:.0f}s: {last}") from last
        # Neo4j (by default; not our local server) locks a user for a few seconds after repeated
        # failed logins: back off more then.
        time.sleep(2.0 if _is_auth_error(last) else 0.5)


def _is_auth_error(exc: BaseException | None) -> bool:
    # A rate-limited login (Security.AuthenticationRateLimit) is a ClientError, not an AuthError.
    return isinstance(exc, AuthError) or (
        isinstance(exc, ClientError) and ".Security." in str(getattr(exc, "code", "") or "")
    )


def _run_script(command: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """Run ``scripts/neo4j.sh COMMAND`` with the current environment; raise with its output on failure."""
    proc = subprocess.run(
        ["bash", str(SCRIPT), command],
        cwd=ROOT,
        env=os.environ.copy(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"scripts/neo4j.sh {command} failed with exit code {proc.returncode}:\n{proc.stdout}{proc.stderr}"
        )
    return proc


def start_server(timeout: float = START_TIMEOUT) -> dict[str, str]:
    """``scripts/neo4j.sh up`` (idempotent; waits until Bolt accepts the login). Returns the settings."""
    _run_script("up", timeout)
    return settings_from_env()


def stop_server(timeout: float = 180.0) -> None:
    """``scripts/neo4j.sh down``: clean stop (SIGTERM, SIGKILL only after the script's own timeout)."""
    _run_script("down", timeout)


def kill_server(timeout: float = 60.0) -> None:
    """``scripts/neo4j.sh kill``: SIGKILL, as a crash would; the next start runs Neo4j's recovery."""
    _run_script("kill", timeout)


def server_running() -> bool:
    """True if ``scripts/neo4j.sh status`` reports the local server running."""
    proc = subprocess.run(
        ["bash", str(SCRIPT), "status"],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return proc.returncode == 0
