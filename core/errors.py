"""The few exception types the library raises. Messages tell the user what to do next; the CLI
prints them as one line and exits with the code attached to the type."""

from __future__ import annotations


class BcikgError(Exception):
    """Base class. ``exit_code`` is what the CLI exits with."""

    exit_code = 1


class InputError(BcikgError):
    """Bad command-line input: a missing path, an unknown query name, a malformed parameter."""

    exit_code = 2


class StoreError(BcikgError):
    """The embedded store is missing, unreadable or from an incompatible version."""

    exit_code = 3


class Neo4jUnavailable(BcikgError):
    """Neo4j cannot be reached or refused the credentials."""

    exit_code = 4


class NotFound(BcikgError):
    """A region, organisation or query the user named does not exist in the graph."""

    exit_code = 5


class Interrupted(BcikgError):
    """The user stopped the command (Ctrl-C or SIGTERM); what was finished is kept. The CLI
    exits with 128 + the signal's number (130 for SIGINT, 143 for SIGTERM)."""

    exit_code = 130

    def __init__(self, message: str, *, documents_kept: int = 0) -> None:
        super().__init__(message)
        self.documents_kept = documents_kept
