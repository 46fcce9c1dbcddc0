"""Tests for bcikg.settings: precedence (options > environment > .env > defaults), the .env parser,
and that the password never shows."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bcikg.errors import InputError
from bcikg.settings import Neo4jSettings, parse_env_file, resolve_settings

SECRET = "s3cret-Passw0rd-xyz"


def write_env(path: Path, **values: str) -> Path:
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "option, env, dotenv, expected",
    [
        ("bolt://opt:1", "bolt://env:2", "bolt://file:3", "bolt://opt:1"),
        (None, "bolt://env:2", "bolt://file:3", "bolt://env:2"),
        (None, "", "bolt://file:3", "bolt://file:3"),  # an empty variable counts as unset
        (None, None, "bolt://file:3", "bolt://file:3"),
        (None, None, None, "bolt://127.0.0.1:7687"),
    ],
)
def test_uri_precedence(tmp_path: Path, option, env, dotenv, expected) -> None:
    environ = {"NEO4J_PASSWORD": SECRET}
    if env is not None:
        environ["NEO4J_URI"] = env
    env_file = write_env(tmp_path / ".env", **({"NEO4J_URI": dotenv} if dotenv else {}))
    settings = resolve_settings(uri=option, environ=environ, env_file=env_file)
    assert settings.uri == expected


@pytest.mark.parametrize(
    "key, attr, default", [("NEO4J_USER", "user", "neo4j"), ("NEO4J_DATABASE", "database", "neo4j")]
)
def test_user_and_database(tmp_path: Path, key: str, attr: str, default: str) -> None:
    missing = tmp_path / "absent.env"
    base = {"NEO4J_PASSWORD": SECRET}
    assert getattr(resolve_settings(environ=base, env_file=missing), attr) == default
    assert getattr(resolve_settings(environ={**base, key: "fromenv"}, env_file=missing), attr) == "fromenv"
    dotenv = write_env(tmp_path / ".env", **{key: "fromfile"})
    assert getattr(resolve_settings(environ=base, env_file=dotenv), attr) == "fromfile"
    assert (
        getattr(
            resolve_settings(environ={**base, key: "fromenv"}, env_file=dotenv, **{attr: "fromoption"}), attr
        )
        == "fromoption"
    )


def test_password_from_each_place(tmp_path: Path) -> None:
    dotenv = write_env(tmp_path / ".env", NEO4J_PASSWORD="from-file-123")
    assert resolve_settings(environ={}, env_file=dotenv).password.get_secret_value() == "from-file-123"
    assert (
        resolve_settings(environ={"NEO4J_PASSWORD": "from-env-123"}, env_file=dotenv).auth[1]
        == "from-env-123"
    )
    assert resolve_settings(password="from-opt-123", environ={}, env_file=dotenv).auth == (
        "neo4j",
        "from-opt-123",
    )


def test_missing_password_is_a_clear_error(tmp_path: Path) -> None:
    dotenv = write_env(tmp_path / ".env", NEO4J_PASSWORD="")  # as .env.example ships it
    with pytest.raises(InputError, match="no Neo4j password: set NEO4J_PASSWORD"):
        resolve_settings(environ={"NEO4J_PASSWORD": ""}, env_file=dotenv)


def test_reads_dotenv_from_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_env(tmp_path / ".env", NEO4J_PASSWORD="cwd-secret-1", NEO4J_URI="bolt://cwd:7")
    monkeypatch.chdir(tmp_path)
    settings = resolve_settings(environ={})
    assert (settings.uri, settings.auth[1]) == ("bolt://cwd:7", "cwd-secret-1")


def test_bad_uri_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a Bolt address"):
        resolve_settings(uri="http://127.0.0.1:7474", password=SECRET, environ={}, env_file=tmp_path / "none")


def test_the_password_never_shows() -> None:
    settings = resolve_settings(password=SECRET, environ={}, env_file=Path("/nonexistent/.env"))
    for text in (
        repr(settings),
        str(settings),
        f"{settings}",
        settings.model_dump_json(),
        str(settings.model_dump()),
    ):
        assert SECRET not in text
    assert settings.password.get_secret_value() == SECRET
    with pytest.raises(Exception) as info:
        Neo4jSettings(uri="bolt://x", password=SECRET, database="neo4j", extra_field=1)  # type: ignore[call-arg]
    assert SECRET not in str(info.value)


@pytest.mark.parametrize(
    "line, expected",
    [
        ("NEO4J_URI=bolt://h:1", {"NEO4J_URI": "bolt://h:1"}),
        ("export NEO4J_USER=alice", {"NEO4J_USER": "alice"}),
        ("NEO4J_PASSWORD='a b#c'", {"NEO4J_PASSWORD": "a b#c"}),
        ('NEO4J_PASSWORD="q\\"uote"', {"NEO4J_PASSWORD": 'q"uote'}),
        ("NEO4J_PASSWORD=abc # a comment", {"NEO4J_PASSWORD": "abc"}),
        ("NEO4J_PASSWORD=abc#def", {"NEO4J_PASSWORD": "abc#def"}),
        ("  NEO4J_URI = bolt://spaced:2  ", {"NEO4J_URI": "bolt://spaced:2"}),
        ("# NEO4J_URI=bolt://commented", {}),
        ("not a setting", {}),
        ("NEO4J_PASSWORD=", {"NEO4J_PASSWORD": ""}),
    ],
)
def test_env_file_lines(line: str, expected: dict[str, str]) -> None:
    assert parse_env_file(line + "\n") == expected


# str.splitlines() breaks lines at these; a quote would end the value
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_characters=LINE_BREAKS + "'"), max_size=40))
def test_single_quoted_values_round_trip(value: str) -> None:
    assert parse_env_file(f"NEO4J_PASSWORD='{value}'\n") == {"NEO4J_PASSWORD": value}


def test_the_example_file_parses() -> None:
    example = Path(__file__).resolve().parent.parent / ".env.example"
    values = parse_env_file(example.read_text(encoding="utf-8"))
    assert values["NEO4J_URI"] == "bolt://127.0.0.1:7687"
    assert values["NEO4J_PASSWORD"] == ""
