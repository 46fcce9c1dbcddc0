"""Neo4j connection settings.

Each setting is taken from the first place that has it (an empty value counts as unset):

    1. command-line options (--uri, --user, --password, --database)
    2. the environment: NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE
    3. a .env file in the working directory (KEY=value lines, as in .env.example)
    4. defaults: bolt://127.0.0.1:7687, user neo4j, database neo4j

The password has no default. It is kept as a pydantic SecretStr, so it does not show in repr,
str, logs or error messages; only ``password.get_secret_value()`` reveals it (to the driver).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, SecretStr

from bcikg.errors import InputError

DEFAULT_URI = "bolt://127.0.0.1:7687"
DEFAULT_USER = "neo4j"
DEFAULT_DATABASE = "neo4j"
ENV_KEYS = {
    "uri": "NEO4J_URI",
    "user": "NEO4J_USER",
    "password": "NEO4J_PASSWORD",
    "database": "NEO4J_DATABASE",
}

_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")


class Neo4jSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    uri: str = DEFAULT_URI
    user: str = DEFAULT_USER
    password: SecretStr
    database: str = DEFAULT_DATABASE

    def __str__(self) -> str:
        return f"{self.user}@{self.uri} (database {self.database})"

    @property
    def auth(self) -> tuple[str, str]:
        return (self.user, self.password.get_secret_value())


def parse_env_file(text: str) -> dict[str, str]:
    """KEY=value lines: '#' comments, blank lines, an optional 'export ', values optionally in
    single or double quotes (in double quotes, backslash escapes \\" and \\\\); an unquoted value
    ends at ' #'."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _LINE.match(line)
        if not m:
            continue
        key, raw = m.group(1), m.group(2)
        if len(raw) >= 2 and raw[0] == raw[-1] == "'":
            value = raw[1:-1]
        elif len(raw) >= 2 and raw[0] == raw[-1] == '"':
            value = re.sub(r"\\([\"\\$`])", r"\1", raw[1:-1])
        else:
            value = re.split(r"\s+#", raw, maxsplit=1)[0].strip()
        values[key] = value
    return values


def read_env_file(path: Path) -> dict[str, str]:
    try:
        return parse_env_file(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc.__class__.__name__}; fix or remove the file") from None


def resolve_settings(
    *,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
    environ: Mapping[str, str] | None = None,
    env_file: Path | None = None,
) -> Neo4jSettings:
    """Settings from options > environment > .env (in the working directory) > defaults."""
    env = os.environ if environ is None else environ
    dotenv = read_env_file(env_file if env_file is not None else Path.cwd() / ".env")
    given = {"uri": uri, "user": user, "password": password, "database": database}
    defaults = {"uri": DEFAULT_URI, "user": DEFAULT_USER, "password": "", "database": DEFAULT_DATABASE}
    chosen: dict[str, str] = {}
    for key, var in ENV_KEYS.items():
        chosen[key] = given[key] or env.get(var) or dotenv.get(var) or defaults[key]
    if not chosen["password"]:
        raise InputError(
            "no Neo4j password: set NEO4J_PASSWORD (in the environment or in .env) or pass --password"
        )
    if not re.match(r"^(bolt|neo4j)(\+s|\+ssc)?://", chosen["uri"]):
        raise InputError(
            f"NEO4J_URI {chosen['uri']!r} is not a Bolt address; write it like bolt://127.0.0.1:7687"
        )
    return Neo4jSettings(
        uri=chosen["uri"],
        user=chosen["user"],
        password=SecretStr(chosen["password"]),
        database=chosen["database"],
    )
