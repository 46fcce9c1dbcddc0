#!/usr/bin/env python3
"""Wait until a Neo4j server answers over Bolt *and* accepts the given credentials.

Used by scripts/neo4j.sh. A TCP port that is open is not enough: Neo4j binds the
Bolt port before the databases and the password are ready, so this logs in for real.

With the official ``neo4j`` driver importable (the project's .venv), it logs in and
runs ``RETURN 1`` on the target database. Without it (a bare CI machine before the
venv exists), it speaks just enough Bolt 4.4 with the standard library: handshake,
HELLO with basic auth, and reads SUCCESS or FAILURE.

The password is read from the environment variable NEO4J_PASSWORD, never from argv.

Exit codes: 0 ready, 1 timed out, 2 the watched server process died,
3 credentials refused (only with --fail-on-auth-error), 4 bad arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import re
import socket
import struct
import sys
import time
from urllib.parse import urlsplit

try:  # the official driver gives the most faithful check
    import neo4j  # noqa: F401 - only probing whether it is installed

    HAVE_DRIVER = True
except Exception:  # any import problem means: use the stdlib path
    HAVE_DRIVER = False


class AuthRefused(Exception):
    """The server answered and refused the credentials."""


def _pack_str(s: str) -> bytes:
    data = s.encode("utf-8")
    n = len(data)
    if n < 16:
        return bytes([0x80 | n]) + data
    if n < 256:
        return b"\xd0" + bytes([n]) + data
    return b"\xd1" + struct.pack(">H", n) + data


def _pack_map(m: dict[str, str]) -> bytes:
    assert len(m) < 16
    return bytes([0xA0 | len(m)]) + b"".join(_pack_str(k) + _pack_str(v) for k, v in m.items())


def _chunk(message: bytes) -> bytes:
    return struct.pack(">H", len(message)) + message + b"\x00\x00"


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        part = sock.recv(n - len(buf))
        if not part:
            raise ConnectionError("connection closed by server")
        buf += part
    return buf


def check_stdlib(host: str, port: int, user: str, password: str, timeout: float) -> None:
    """Bolt 4.4 handshake + HELLO with basic auth; raises on any failure."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        # Magic preamble, then four proposed versions: 4.4 and nothing else.
        sock.sendall(b"\x60\x60\xb0\x17" + b"\x00\x00\x04\x04" + b"\x00" * 12)
        agreed = _recv_exact(sock, 4)
        if agreed == b"\x00\x00\x00\x00":
            raise ConnectionError("server accepted none of the offered Bolt versions")
        hello = {
            "user_agent": "bcikg-boltcheck/1.0",
            "scheme": "basic",
            "principal": user,
            "credentials": password,
        }
        sock.sendall(_chunk(b"\xb1\x01" + _pack_map(hello)))
        size = struct.unpack(">H", _recv_exact(sock, 2))[0]
        reply = _recv_exact(sock, size)
        if len(reply) < 2:
            raise ConnectionError("short reply to HELLO")
        if reply[1] == 0x70:  # SUCCESS
            with contextlib.suppress(OSError):
                sock.sendall(_chunk(b"\xb0\x02"))  # GOODBYE
            return
        if reply[1] == 0x7F:  # FAILURE: the map holds code and message
            # Not worth a PackStream decoder: keep the printable parts (code and message).
            text = " ".join(re.findall(r"[\x20-\x7e]{4,}", reply.decode("utf-8", "replace")))
            if "Unauthorized" in text or "AuthenticationRateLimit" in text:
                raise AuthRefused(text)
            raise ConnectionError(f"HELLO failed: {text!r}")
        raise ConnectionError(f"unexpected reply to HELLO: {reply[:8]!r}")


def check_driver(uri: str, user: str, password: str, database: str, timeout: float) -> None:
    import neo4j
    from neo4j.exceptions import AuthError

    driver = neo4j.GraphDatabase.driver(
        uri, auth=(user, password), connection_timeout=timeout, max_transaction_retry_time=0
    )
    try:
        with driver.session(database=database) as session:
            session.run("RETURN 1").consume()
    except Exception as exc:
        if isinstance(exc, AuthError):
            raise AuthRefused(str(exc)) from exc
        raise
    finally:
        driver.close()


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped) still answers kill(0); look at its state.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--uri", required=True, help="bolt://host:port or neo4j://host:port")
    ap.add_argument("--user", default="neo4j")
    ap.add_argument("--database", default="neo4j")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds to keep trying")
    ap.add_argument("--pid", type=int, help="give up early if this process dies")
    ap.add_argument(
        "--fail-on-auth-error",
        action="store_true",
        help="stop at the first refused login instead of retrying until the timeout",
    )
    args = ap.parse_args()

    # The driver logs each failed routing attempt while the server is starting; we report
    # the last error ourselves.
    logging.getLogger("neo4j").addHandler(logging.NullHandler())
    logging.getLogger("neo4j").propagate = False

    password = os.environ.get("NEO4J_PASSWORD", "")
    parts = urlsplit(args.uri)
    if parts.scheme not in ("bolt", "neo4j") or not parts.hostname:
        print(f"boltcheck: unsupported URI {args.uri!r}", file=sys.stderr)
        return 4
    host, port = parts.hostname, parts.port or 7687

    deadline = time.monotonic() + args.timeout
    last_error = "no attempt made"
    auth_failures = 0
    while True:
        if args.pid is not None and not pid_alive(args.pid):
            print(f"boltcheck: server process {args.pid} exited", file=sys.stderr)
            return 2
        attempt_timeout = max(1.0, min(10.0, deadline - time.monotonic()))
        try:
            if HAVE_DRIVER:
                check_driver(args.uri, args.user, password, args.database, attempt_timeout)
            else:
                check_stdlib(host, port, args.user, password, attempt_timeout)
            return 0
        except AuthRefused as exc:
            auth_failures += 1
            last_error = f"credentials refused: {exc}"
            if args.fail_on_auth_error:
                print(f"boltcheck: {last_error}", file=sys.stderr)
                return 3
        except Exception as exc:  # anything else means "not ready yet"
            last_error = f"{type(exc).__name__}: {exc}"
        if time.monotonic() >= deadline:
            print(f"boltcheck: gave up after {args.timeout:.0f}s; last error: {last_error}", file=sys.stderr)
            return 1
        # After a refused login back off harder: a new password is applied a few seconds
        # after Bolt opens, and a stock Neo4j locks a user out after repeated failures.
        time.sleep(2.0 if auth_failures else 0.5)


if __name__ == "__main__":
    sys.exit(main())
