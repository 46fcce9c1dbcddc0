"""Commands of the graph area: export, load, query. Registered on the main app by bcikg.cli.

The library modules do the work and raise bcikg.errors types; this module only parses options,
asks for confirmation and prints.
"""

import csv
import io
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from bcikg.errors import InputError


def _parse_params(values: list[str] | None) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in values or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--param {item!r}: write it as NAME=VALUE, e.g. --param region=江西省")
        params[key.strip()] = value.strip()
    return params


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        if value and all(isinstance(v, dict) and "sentence" in v for v in value):
            return "\n".join(f"{v.get('doc_id', '')}: {v['sentence']}" for v in value)
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def register(app: typer.Typer) -> None:
    from bcikg.cli import (
        DEFAULT_STORE,
        DatabaseOption,
        PasswordOption,
        StoreOption,
        UriOption,
        UserOption,
        err,
        out,
        progress_bar,
    )

    def settings_from(uri: str | None, user: str | None, password: str | None, database: str | None) -> Any:
        from bcikg.settings import resolve_settings

        return resolve_settings(uri=uri, user=user, password=password, database=database)

    @app.command()
    def export(
        format: Annotated[
            str,
            typer.Option("--format", "-f", help="jsonl, graphml, nodelink or neo4j-csv.", show_default=True),
        ] = "jsonl",
        output: Annotated[
            Path | None,
            typer.Option(
                "--output",
                "-o",
                help="File (a folder for neo4j-csv); stdout when omitted (jsonl, nodelink, graphml).",
            ),
        ] = None,
        store: StoreOption = DEFAULT_STORE,
    ) -> None:
        """Write the graph of the store as JSON lines, GraphML, node-link JSON or neo4j-admin CSV.

        Examples:

          bcikg export --format jsonl -o graph.jsonl

          bcikg export --format graphml -o graph.graphml     # for Gephi or yEd

          bcikg export --format neo4j-csv -o neo4j-import/   # then run the printed neo4j-admin command
        """
        from bcikg.graph import export as exp
        from bcikg.graph.embedded import EmbeddedStore

        if format not in exp.FORMATS:
            raise InputError(f"unknown format {format!r}; choose one of {', '.join(exp.FORMATS)}")
        if format == "neo4j-csv" and output is None:
            raise InputError("neo4j-csv writes a folder of CSV files; give it with -o, e.g. -o neo4j-import")
        graph = EmbeddedStore(store).load_graph()
        if format == "neo4j-csv":
            assert output is not None
            if output.exists() and not output.is_dir():
                raise InputError(f"{output} is a file; give a folder for the CSV files")
            result = exp.write_neo4j_csv(graph, output)
            err.print(
                f"wrote {result.nodes} nodes and {result.relationships} relationships in "
                f"{len(result.node_files) + len(result.relationship_files)} files to {output}; import them "
                "into an empty, stopped database with:",
                markup=False,
            )
            out.print(result.command(), markup=False, soft_wrap=True)
            return
        if output is not None and output.is_dir():
            raise InputError(f"{output} is a folder; give a file name, e.g. -o graph.{format}")
        try:
            if format == "graphml":
                if output is None:
                    exp.write_graphml_to(graph, sys.stdout.buffer)
                else:
                    exp.write_graphml(graph, output)
            elif output is None:
                writer = exp.write_jsonl if format == "jsonl" else exp.write_nodelink
                writer(graph, sys.stdout)
            else:
                with open(output, "w", encoding="utf-8") as f:
                    if format == "jsonl":
                        exp.write_jsonl(graph, f)
                    else:
                        exp.write_nodelink(graph, f)
        except BrokenPipeError:  # `bcikg export | head`
            sys.stderr.close()
            raise typer.Exit(0) from None
        except OSError as exc:
            raise InputError(f"cannot write {output}: {exc.strerror or exc}") from None
        if output is not None:
            err.print(
                f"wrote {graph.number_of_nodes()} nodes and {graph.number_of_edges()} relationships "
                f"to {output}",
                markup=False,
            )

    @app.command()
    def load(
        store: StoreOption = DEFAULT_STORE,
        uri: UriOption = None,
        user: UserOption = None,
        password: PasswordOption = None,
        database: DatabaseOption = None,
        batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Rows per transaction.")] = 1000,
        wipe: Annotated[
            bool, typer.Option("--wipe", help="Delete this project's nodes first (asks to confirm).")
        ] = False,
        yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
        prune: Annotated[
            bool,
            typer.Option(
                "--prune",
                help="Also remove this project's nodes and relationships that are not in the store, so "
                "that Neo4j mirrors it (not when several stores share the database).",
            ),
        ] = False,
    ) -> None:
        """Load the store's graph into Neo4j (idempotent: loading again updates it in place; with
        --prune, what the store no longer has is removed).

        Connection: --uri/--user/--password/--database, else NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD,
        NEO4J_DATABASE from the environment or ./.env.

        Examples:

          bcikg load

          bcikg load --store ./jiangxi_store --wipe --yes

          bcikg load --prune            # after a re-ingest merged organisations
        """
        import time

        from bcikg.graph.embedded import EmbeddedStore
        from bcikg.graph.neo4j_store import load as load_graph
        from bcikg.graph.neo4j_store import open_driver
        from bcikg.graph.neo4j_store import wipe as wipe_graph

        settings = settings_from(uri, user, password, database)
        graph = EmbeddedStore(store).load_graph()
        with open_driver(settings) as driver:
            if wipe:
                if not yes:
                    typer.confirm(
                        f"Delete every bcikg node and relationship in database {settings.database} "
                        f"at {settings.uri}?",
                        abort=True,
                        err=True,
                    )
                started = time.perf_counter()
                removed = wipe_graph(settings, driver=driver)
                err.print(f"wiped {removed} nodes in {time.perf_counter() - started:.1f}s", markup=False)
            with progress_bar() as bar:
                task = bar.add_task("loading", total=None)

                def on_progress(done: int, total: int) -> None:
                    bar.update(task, completed=done, total=total)

                summary = load_graph(
                    graph, settings, batch_size=batch_size, progress=on_progress, driver=driver, prune=prune
                )
        out.print(
            f"loaded {summary.nodes} nodes and {summary.relationships} relationships into {settings.uri} "
            f"(database {settings.database}) in {summary.seconds:.1f}s"
            + (
                f"; removed {summary.removed_nodes} nodes and {summary.removed_relationships} relationships "
                "no longer in the store"
                if summary.removed_nodes or summary.removed_relationships
                else ""
            ),
            markup=False,
        )

    @app.command()
    def query(
        name: Annotated[str | None, typer.Argument(help="Query name; see --list.")] = None,
        param: Annotated[
            list[str] | None,
            typer.Option("--param", "-p", help="NAME=VALUE, repeatable, e.g. region=江西省."),
        ] = None,
        list_: Annotated[
            bool, typer.Option("--list", help="List the named queries and their parameters.")
        ] = False,
        format: Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")] = "table",
        backend: Annotated[
            str,
            typer.Option(
                "--backend", "-b", help="embedded (the store, no server; as `bcikg report`) or neo4j."
            ),
        ] = "embedded",
        store: StoreOption = DEFAULT_STORE,
        uri: UriOption = None,
        user: UserOption = None,
        password: PasswordOption = None,
        database: DatabaseOption = None,
        show_cypher: Annotated[
            bool,
            typer.Option("--cypher", help="Print the Cypher of the Neo4j reads it is made of, and exit."),
        ] = False,
    ) -> None:
        """Run a named query from the query library on the embedded store (default) or Neo4j; both
        give the same rows. Organisations and regions are written as people write them.

        Examples:

          bcikg query --list

          bcikg query orgs_in_region --param region=江西省

          bcikg query relation_evidence -p org=博睿康医疗 -p other=赣江新区

          bcikg query gaps -p region=赣江新区 --backend neo4j --format json
        """
        from bcikg.queries import list_queries, load_query
        from bcikg.queries.run import run_named

        if list_:
            for info in list_queries():
                out.print(f"[bold]{info.name}[/bold]  {info.purpose}", highlight=False)
                for p in info.parameters:
                    flag = ", optional" if p.optional else ""
                    out.print(f"    ${p.name} ({p.kind}{flag}) {p.description}", markup=False)
                out.print(f"    columns: {', '.join(info.columns)}", markup=False)
                if info.example:
                    out.print(f"    example: {info.example}", markup=False)
            return
        if name is None:
            raise InputError(
                "name a query (see `bcikg query --list`), e.g. bcikg query orgs_in_region -p region=江西省"
            )
        if format not in ("table", "json", "csv"):
            raise InputError(f"unknown format {format!r}; choose table, json or csv")
        if backend not in ("neo4j", "embedded"):
            raise InputError(f"unknown backend {backend!r}; choose embedded or neo4j")
        info = load_query(name)
        if show_cypher:
            out.print(info.cypher, markup=False)
            return
        params = _parse_params(param)
        if backend == "embedded":
            from bcikg.graph.embedded import EmbeddedStore

            result = run_named(name, params, graph=EmbeddedStore(store).load_graph())
        else:
            from bcikg.graph.neo4j_store import open_driver

            settings = settings_from(uri, user, password, database)
            with open_driver(settings) as driver:
                result = run_named(name, params, driver=driver, database=settings.database)
        _print_rows(result.columns, result.rows, format, out)

    def _print_rows(columns: list[str], rows: list[dict[str, Any]], format: str, console: Any) -> None:
        if format == "json":
            sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
            return
        if format == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow(columns)
            for row in rows:
                writer.writerow(
                    [
                        json.dumps(row[c], ensure_ascii=False)
                        if isinstance(row[c], (list, dict))
                        else _cell(row[c])
                        for c in columns
                    ]
                )
            sys.stdout.write(buffer.getvalue())
            return
        from rich.table import Table

        table = Table(show_lines=False, highlight=False)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*(_cell(row[c]) for c in columns))
        console.print(table)
        err.print(f"{len(rows)} rows", markup=False)
