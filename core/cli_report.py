"""The `bcikg report` commands: chain-gap, compare and targets reports per region.

Registered on the main app by bcikg.cli. The library (bcikg.report) computes and renders; this
module parses options, opens the backend and writes the output.
"""

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bcikg.errors import InputError

if TYPE_CHECKING:
    from bcikg.report import ReportSource

BACKENDS = ("embedded", "neo4j")

BackendOption = Annotated[
    str, typer.Option("--backend", "-b", help="embedded (the store, no server) or neo4j.")
]


@contextmanager
def open_source(
    backend: str,
    store: Path,
    uri: str | None,
    user: str | None,
    password: str | None,
    database: str | None,
) -> Iterator["ReportSource"]:
    """The report source of a backend: the store's graph (embedded) or a Neo4j session (neo4j);
    shared by `bcikg report` and `bcikg review`."""
    if backend not in BACKENDS:
        raise InputError(f"unknown backend {backend!r}; choose embedded or neo4j")
    if backend == "embedded":
        from bcikg.graph.embedded import EmbeddedStore
        from bcikg.report import EmbeddedSource

        yield EmbeddedSource(EmbeddedStore(store).load_graph())
        return
    from bcikg.graph.neo4j_store import open_driver
    from bcikg.report.neo4j import Neo4jSource
    from bcikg.settings import resolve_settings

    settings = resolve_settings(uri=uri, user=user, password=password, database=database)
    with open_driver(settings) as driver:
        yield Neo4jSource(driver, settings.database)


def register(app: typer.Typer) -> None:
    from bcikg.cli import (
        DEFAULT_STORE,
        DatabaseOption,
        PasswordOption,
        StoreOption,
        UriOption,
        UserOption,
        out,
    )
    from bcikg.report import DEFAULT_CANDIDATES, FORMATS

    report_app = typer.Typer(
        name="report",
        help=(
            "Chain-gap reports per region: what a region has on the BCI industry chain, what it lacks, "
            "and who elsewhere could fill the gaps.\n\n"
            "  bcikg report gaps 江西省                      # tables in the terminal\n\n"
            "  bcikg report gaps 大连 --format html -o dalian.html\n\n"
            "  bcikg report compare 江西 上海 大连 --format markdown\n\n"
            "  bcikg report targets 江苏"
        ),
        no_args_is_help=True,
    )
    app.add_typer(report_app)

    FormatOption = Annotated[
        str, typer.Option("--format", "-f", help=f"{', '.join(FORMATS)} (html: one self-contained page).")
    ]
    OutputOption = Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of the terminal.")
    ]

    def emit(report: object, fmt: str, output: Path | None, render_text: Callable[[str], str]) -> None:
        from rich.console import Console

        from bcikg.report import render_table

        if fmt not in FORMATS:
            raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        if output is not None and output.is_dir():
            raise InputError(
                f"{output} is a folder; give a file name, e.g. -o report.{'md' if fmt == 'markdown' else fmt}"
            )
        if fmt == "table":
            renderable = render_table(report)
            if output is None:
                out.print(renderable)
                return
            try:
                with open(output, "w", encoding="utf-8") as f:
                    Console(file=f, width=160, color_system=None, soft_wrap=False).print(renderable)
            except OSError as exc:
                raise InputError(f"cannot write {output}: {exc.strerror or exc}") from None
            return
        text = render_text(fmt)
        if output is None:
            try:
                sys.stdout.write(text)
                sys.stdout.flush()
            except BrokenPipeError:  # `bcikg report … | head`
                sys.stderr.close()
                raise typer.Exit(0) from None
            return
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write {output}: {exc.strerror or exc}") from None

    @report_app.command()
    def gaps(
        region: Annotated[
            str | None,
            typer.Argument(help="Region as people write it: 江西, 江西省, 赣江新区, 上海, 江西省/南昌市."),
        ] = None,
        format: FormatOption = "table",
        backend: BackendOption = "embedded",
        store: StoreOption = DEFAULT_STORE,
        output: OutputOption = None,
        candidates: Annotated[
            int,
            typer.Option(
                "--candidates",
                "-n",
                min=0,
                help="Candidates listed per gap or thin spot (0: none, not searched).",
            ),
        ] = DEFAULT_CANDIDATES,
        schema: Annotated[
            bool, typer.Option("--schema", help="Print the JSON schema of the report and exit.")
        ] = False,
        uri: UriOption = None,
        user: UserOption = None,
        password: PasswordOption = None,
        database: DatabaseOption = None,
    ) -> None:
        """What a region has on the chain (upstream, midstream, downstream and support pillars, with
        its sub-regions rolled up), what it lacks, and ranked organisations elsewhere that could
        fill each gap or thin spot; with the region's own statements and its policy targets, every
        fact with its evidence sentence.

        Examples:

          bcikg report gaps 江西省

          bcikg report gaps 大连 --format html -o dalian.html

          bcikg report gaps 赣江新区 --format json --backend neo4j

          bcikg report gaps --schema
        """
        from bcikg.report import GapReport, gap_report, render

        if schema:
            sys.stdout.write(json.dumps(GapReport.model_json_schema(), ensure_ascii=False, indent=2) + "\n")
            return
        if region is None:
            raise InputError("name a region, e.g. bcikg report gaps 江西省 (or --schema for the JSON schema)")
        with open_source(backend, store, uri, user, password, database) as source:
            report = gap_report(source, region, candidates=candidates)
        emit(report, format, output, lambda fmt: render(report, fmt))
        if candidates == 0:
            from bcikg.cli import err

            err.print(
                "no candidates listed (-n 0 asks for none): the gaps above were not searched for "
                "organisations elsewhere; leave out -n 0, or give -n 5, to list them",
                markup=False,
            )

    @report_app.command()
    def compare(
        regions: Annotated[list[str], typer.Argument(help="Two or more regions, e.g. 江西 上海 大连.")],
        format: FormatOption = "table",
        backend: BackendOption = "embedded",
        store: StoreOption = DEFAULT_STORE,
        output: OutputOption = None,
        uri: UriOption = None,
        user: UserOption = None,
        password: PasswordOption = None,
        database: DatabaseOption = None,
    ) -> None:
        """Compare regions: a region × segment/subsector/pillar matrix of the number of organisations
        present (home-based and settled); as HTML, a heat map.

        Examples:

          bcikg report compare 江西 上海 大连

          bcikg report compare 江西省 江苏省 --format html -o compare.html
        """
        from bcikg.report import compare_report, render

        with open_source(backend, store, uri, user, password, database) as source:
            report = compare_report(source, regions)
        emit(report, format, output, lambda fmt: render(report, fmt))

    @report_app.command()
    def targets(
        region: Annotated[str, typer.Argument(help="Region, e.g. 江苏, 江西省, 上海.")],
        format: FormatOption = "table",
        backend: BackendOption = "embedded",
        store: StoreOption = DEFAULT_STORE,
        output: OutputOption = None,
        uri: UriOption = None,
        user: UserOption = None,
        password: PasswordOption = None,
        database: DatabaseOption = None,
    ) -> None:
        """The region's numeric policy goals (到2030年…不少于20款…), with the responsible agencies and
        the current status of the chain links each goal bears on.

        Examples:

          bcikg report targets 江苏

          bcikg report targets 上海 --format markdown -o shanghai_targets.md
        """
        from bcikg.report import render, targets_report

        with open_source(backend, store, uri, user, password, database) as source:
            report = targets_report(source, region)
        emit(report, format, output, lambda fmt: render(report, fmt))
