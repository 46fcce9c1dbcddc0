"""The Neo4j password: taken from --password, the environment or ./.env, and never shown — not on
stdout or stderr, not in log records (the driver's too, at DEBUG), not in exceptions, their
reprs, tracebacks or error messages — on the success and the failure paths. The
docker-compose.yml takes it from the environment and commits none.

The CLI runs as a real subprocess against the real Neo4j (the separate instance of
tests/test_faults.py, whose password scripts/neo4j.sh generated: 32 random URL-safe
characters, distinctive enough to search for). Python logging is switched on at DEBUG in the
subprocess by a small wrapper, so everything the libraries log reaches the captured stderr.
"""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
import traceback
from pathlib import Path

import pytest
import yaml
from test_faults import FAULT_HOME, FAULT_URI, NEO4J_KEYS, FaultServer, base_env, fault_server, synthetic_kg

from bcikg.errors import BcikgError, Neo4jUnavailable
from bcikg.graph.build import build_graph
from bcikg.graph.embedded import EmbeddedStore
from bcikg.graph.neo4j_store import load, open_driver, run_query
from bcikg.settings import Neo4jSettings, resolve_settings

pytestmark = pytest.mark.neo4j

ROOT = Path(__file__).resolve().parent.parent
# Distinctive wrong passwords, with characters that quoting and escaping could garble.
WRONG = "Wr0ng-S3cret-'\"\\$-bcikg-7f3a9c"
WRAPPER = (
    "import logging, sys; logging.basicConfig(level=logging.DEBUG, stream=sys.stderr); "
    "sys.argv = ['bcikg', *sys.argv[1:]]; from bcikg.cli import main; main()"
)


@pytest.fixture(scope="module")
def fault_neo4j(request: pytest.FixtureRequest) -> FaultServer:
    return fault_server(request)


@pytest.fixture
def live_fault_neo4j(request: pytest.FixtureRequest) -> FaultServer:
    return fault_server(request)


def run_logged(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The CLI with every logger of every library at DEBUG on stderr."""
    return subprocess.run(
        [sys.executable, "-c", WRAPPER, *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )


def assert_absent(secrets: list[str], *texts: str) -> None:
    for secret in secrets:
        assert len(secret) >= 8
        for text in texts:
            assert secret not in text
            assert secret.encode("unicode_escape").decode() not in text  # nor escaped
            assert repr(secret)[1:-1] not in text


def files_text(folder: Path) -> str:
    out = []
    for path in folder.rglob("*"):
        if path.is_file() and path.name != ".env" and path.stat().st_size < 5_000_000:
            out.append(path.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(out)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("secrets") / "store"
    EmbeddedStore(path).save({}, build_graph(synthetic_kg(0, 30)))
    return path


def connection_env(server: FaultServer, **extra: str) -> dict[str, str]:
    return base_env(NEO4J_URI=server.settings.uri, NEO4J_USER="neo4j", NEO4J_DATABASE="neo4j", **extra)


COMMANDS = {
    "load": ["load"],
    "query": ["query", "orgs_in_region", "-p", "region=苏州", "--format", "json", "--backend", "neo4j"],
    "report": ["report", "gaps", "苏州", "--backend", "neo4j", "--format", "json"],
}


@pytest.mark.parametrize(
    "source, command",
    [
        ("option", "load"),
        ("environment", "load"),
        ("dotenv", "load"),
        ("environment", "query"),
        ("dotenv", "report"),
    ],
)
def test_success_never_shows_the_password(
    live_fault_neo4j: FaultServer, store: Path, tmp_path: Path, source: str, command: str
) -> None:
    password = live_fault_neo4j.password
    env = connection_env(live_fault_neo4j)
    args = [*COMMANDS[command], "--store", str(store)]
    if source == "option":
        args += ["--password", password]
    elif source == "environment":
        env["NEO4J_PASSWORD"] = password
    else:
        (tmp_path / ".env").write_text(f"NEO4J_PASSWORD='{password}'\n", encoding="utf-8")
    proc = run_logged(*args, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "DEBUG" in proc.stderr or command != "load"  # the logging really was on (the driver logs)
    assert_absent([password], proc.stdout, proc.stderr, files_text(tmp_path))


@pytest.mark.parametrize("source", ["option", "environment", "dotenv"])
def test_a_wrong_password_is_never_shown(
    live_fault_neo4j: FaultServer, store: Path, tmp_path: Path, source: str
) -> None:
    env = connection_env(live_fault_neo4j)
    args = ["load", "--store", str(store)]
    if source == "option":
        args += ["--password", WRONG]
    elif source == "environment":
        env["NEO4J_PASSWORD"] = WRONG
    else:
        escaped = WRONG.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
        (tmp_path / ".env").write_text(f'NEO4J_PASSWORD="{escaped}"\n', encoding="utf-8")
    proc = run_logged(*args, env=env, cwd=tmp_path)
    assert proc.returncode == Neo4jUnavailable.exit_code, proc.stderr[-2000:]
    assert "refused the credentials for user neo4j; check NEO4J_PASSWORD" in proc.stderr
    assert_absent([WRONG, live_fault_neo4j.password], proc.stdout, proc.stderr, files_text(tmp_path))


@pytest.mark.parametrize(
    "uri, code",
    [("bolt://127.0.0.1:1", 4), ("http://127.0.0.1:7474", 2), ("bolt://[::1:7687", 4)],
)
def test_other_failures_never_show_the_password(store: Path, tmp_path: Path, uri: str, code: int) -> None:
    env = base_env(NEO4J_URI=uri, NEO4J_PASSWORD=WRONG)
    proc = run_logged("load", "--store", str(store), env=env, cwd=tmp_path)
    assert proc.returncode == code, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert_absent([WRONG], proc.stdout, proc.stderr)


def test_a_missing_password_says_where_to_put_one(store: Path, tmp_path: Path) -> None:
    proc = run_logged(
        "load", "--store", str(store), env=base_env(NEO4J_URI="bolt://127.0.0.1:1"), cwd=tmp_path
    )
    assert proc.returncode == 2
    assert (
        "no Neo4j password: set NEO4J_PASSWORD (in the environment or in .env) or pass --password"
        in proc.stderr
    )


def test_library_objects_and_logs_never_show_it(
    live_fault_neo4j: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    password = live_fault_neo4j.password
    caplog.set_level(logging.DEBUG)
    settings = resolve_settings(
        uri=live_fault_neo4j.settings.uri, password=password, environ={}, env_file=Path("/nonexistent/.env")
    )
    shown = [
        repr(settings),
        str(settings),
        f"{settings}",
        settings.model_dump_json(),
        str(settings.model_dump()),
    ]
    with open_driver(settings) as driver:
        load(build_graph(synthetic_kg(0, 5)), settings, driver=driver)
        run_query(driver, "MATCH (n:Organization) RETURN count(n) AS n")
        shown.append(repr(driver))
    wrong = settings.model_copy(update={"password": Neo4jSettings(password=WRONG).password})
    with pytest.raises(Neo4jUnavailable) as info:
        open_driver(wrong)
    error: BcikgError = info.value
    shown += [
        str(error),
        repr(error),
        repr(error.args),
        "".join(traceback.format_exception(error)),
        repr(wrong),
        str(wrong),
    ]
    assert "DEBUG" in {r.levelname for r in caplog.records}  # the driver did log
    assert_absent([password, WRONG], caplog.text, *shown)


def test_the_local_server_script_keeps_the_password_private(live_fault_neo4j: FaultServer) -> None:
    for name in ("password", "env"):
        mode = (FAULT_HOME / name).stat().st_mode
        assert stat.S_IMODE(mode) & 0o077 == 0, f"{name} is readable by others"
    env = {k: v for k, v in os.environ.items() if k not in NEO4J_KEYS}
    env.update(BCIKG_NEO4J_HOME=str(FAULT_HOME), NEO4J_URI=FAULT_URI)
    for command in ("up", "status"):
        proc = subprocess.run(
            ["bash", str(ROOT / "scripts" / "neo4j.sh"), command],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr
        assert_absent([live_fault_neo4j.password], proc.stdout, proc.stderr)


# ------------------------------------------------------------------ committed files


def test_docker_compose_takes_the_password_from_the_environment() -> None:
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    compose = yaml.safe_load(text)
    environment = compose["services"]["neo4j"]["environment"]
    auth = environment["NEO4J_AUTH"]
    # required variable, no default: compose refuses to start without it
    assert auth.startswith("neo4j/${NEO4J_PASSWORD:?"), auth
    assert ":-" not in auth and "-}" not in auth
    for key, value in environment.items():
        if any(word in key.upper() for word in ("AUTH", "PASSWORD", "SECRET")):
            assert "${" in str(value), f"{key} has a literal value"
    # the health check reads it inside the container ($$: not expanded by compose on the host)
    healthcheck = " ".join(compose["services"]["neo4j"]["healthcheck"]["test"])
    assert "$${NEO4J_AUTH" in healthcheck
    code = "\n".join(line.split("#", 1)[0] for line in text.splitlines())  # (comments show an example)
    assert "NEO4J_PASSWORD:-" not in code and "NEO4J_PASSWORD=" not in code


def test_no_password_is_committed_in_the_examples() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    lines = [line for line in example.splitlines() if "=" in line and not line.startswith("#")]
    values = dict(line.split("=", 1) for line in lines)
    assert values["NEO4J_PASSWORD"].strip() == ""
    assert ".env" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert ".neo4j/" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()
