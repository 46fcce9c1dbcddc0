"""The `bcikg` command: a thin layer that parses options, calls the library and prints.

Commands of other areas are registered from their own modules (bcikg.cli_graph: load, query,
export formats; bcikg.cli_report: report). Library errors (bcikg.errors) become one line on
stderr and the exit code of their type.
"""

from __future__ import annotations

import os
import re
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from bcikg.errors import BcikgError, InputError, Interrupted

DEFAULT_STORE = Path("bcikg_store")
STORE_ENV = "BCIKG_STORE"

app = typer.Typer(
    name="bcikg",
    help=(
        "Regional industry-chain knowledge graph for the brain-computer-interface (脑机接口) industry.\n\n"
        "Typical session:\n\n"
        "  bcikg ingest articles/            # read, extract, resolve; writes ./bcikg_store\n\n"
        "  bcikg report gaps 江西省           # what the region has, lacks, and who could fill it\n\n"
        "  bcikg export --format jsonl -o graph.jsonl\n\n"
        "  bcikg load                         # into Neo4j (NEO4J_URI, NEO4J_PASSWORD or .env)"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)

StoreOption = Annotated[
    Path,
    typer.Option(
        "--store",
        envvar=STORE_ENV,
        help="Folder of the embedded store (default ./bcikg_store, or $BCIKG_STORE).",
        show_default=False,
    ),
]


# Neo4j connection options shared by load, query and report (each falls back to NEO4J_* in the
# environment, then ./.env; see bcikg.settings).
UriOption = Annotated[
    str | None,
    typer.Option("--uri", help="Bolt address (default $NEO4J_URI, .env, bolt://127.0.0.1:7687)."),
]
UserOption = Annotated[
    str | None, typer.Option("--user", help="Neo4j user (default $NEO4J_USER, .env, neo4j).")
]
PasswordOption = Annotated[
    str | None,
    typer.Option(
        "--password", help="Neo4j password (better: $NEO4J_PASSWORD or .env, which stay out of `ps`)."
    ),
]
DatabaseOption = Annotated[
    str | None, typer.Option("--database", help="Database (default $NEO4J_DATABASE, neo4j).")
]


def parse_size(text: str) -> int:
    """'50MB', '200 mb', '1G', '1048576' -> bytes."""
    m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([kmgt]?i?b?)?\s*", text.lower())
    if not m:
        raise InputError(f"cannot read size {text!r}; write it like 50MB, 1GB or 1048576")
    number = float(m.group(1))
    unit = (m.group(2) or "b").rstrip("b").rstrip("i")
    factor = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}[unit]
    return int(number * factor)


# the signal that interrupted the command (SIGINT from Ctrl-C, or SIGTERM), for its exit code
_received: list[int] = []


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGINT and SIGTERM both stop an ingest the same way: as a KeyboardInterrupt, which the
    pipeline turns into Interrupted after committing what it extracted."""
    _received.append(signum)
    raise KeyboardInterrupt


def progress_bar() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


@app.command()
def ingest(
    paths: Annotated[
        # str, not Path: a Path would turn https://host into https:/host
        list[str],
        typer.Argument(
            help="Files or folders (read recursively) of .txt, .md, .html, .pdf and .docx; http(s) URLs; "
            ".urls files (or .txt files) listing one URL a line."
        ),
    ],
    store: StoreOption = DEFAULT_STORE,
    max_size: Annotated[str, typer.Option("--max-size", help="Skip files larger than this.")] = "50MB",
    workers: Annotated[
        int, typer.Option("--workers", "-j", help="Processes for extraction (0 = one per core).")
    ] = 0,
    corrections: Annotated[
        Path | None,
        typer.Option(
            "--corrections",
            envvar="BCIKG_CORRECTIONS",
            help="Analyst corrections to apply (default STORE/corrections.toml; see `bcikg fix`).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Read articles, extract organisations, regions and relations, and write the embedded store.

    Re-ingesting the same files changes nothing; new files add only their facts. Files that
    cannot be read are skipped with a reason, and the exit code is then 1. Ctrl-C (or SIGTERM)
    stops within seconds and keeps the documents extracted so far (exit code 130, or 143);
    running the same command again continues where it stopped.

    Examples:

      bcikg ingest ../shared/corpus/seeds

      bcikg ingest policies/ https://news.example.cn/a/1.html links.urls

      bcikg ingest news/ policy.md --store ./jiangxi_store --max-size 10MB
    """
    from bcikg.ingest.pipeline import ingest_paths

    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    with progress_bar() as bar:
        tasks: dict[str, TaskID] = {}

        def on_progress(stage: str, done: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        summary = ingest_paths(
            paths,
            store,
            max_bytes=parse_size(max_size),
            workers=workers or (os.cpu_count() or 1),
            progress=on_progress,
            corrections=corrections,
        )
    for skipped in summary.skipped:
        err.print(f"skipped {skipped.path}: {skipped.reason}", markup=False)
    out.print(
        f"documents read {summary.documents_read} (new {summary.documents_new}, "
        f"unchanged {summary.documents_unchanged}), skipped {len(summary.skipped)}; "
        f"organisations {summary.organizations}, relations {summary.relations}, regions {summary.regions}; "
        f"store {summary.store}",
        markup=False,
    )
    if summary.correction_issues:  # analyst corrections that no longer apply as written
        err.print(
            f"corrections: {len(summary.correction_issues)} need a look: "
            + "; ".join(summary.correction_issues[:3])
            + (" …" if len(summary.correction_issues) > 3 else "")
            + " (see `bcikg fix list`)",
            markup=False,
        )
    if summary.skipped:
        raise typer.Exit(1)


def _register_extensions() -> None:
    # Each area keeps its commands next to its code; a missing module means the area has none yet.
    for module_name in ("bcikg.cli_graph", "bcikg.cli_report", "bcikg.cli_fix"):
        try:
            module = __import__(module_name, fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.register(app)


_register_extensions()


def main() -> None:
    try:
        # without standalone mode click returns the exit code of typer.Exit instead of exiting
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except Interrupted as exc:
        err.print(str(exc), markup=False)
        sys.exit(128 + (_received[0] if _received else signal.SIGINT))
    except BcikgError as exc:
        err.print(f"error: {exc}", markup=False)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("aborted", markup=False)
        sys.exit(130)
    except KeyboardInterrupt:
        err.print("interrupted", markup=False)
        sys.exit(130)
    except Exception as exc:  # click usage errors and the like
        # Duck-typed: typer >= 0.2x vendors click as typer._click and click may not be installed.
        show, code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(code, int):
            show()
            sys.exit(code)
        raise


if __name__ == "__main__":
    main()
