"""The `bcikg fix` commands (analyst corrections kept in STORE/corrections.toml) and `bcikg review`
(what most deserves an analyst's look). Registered on the main app by bcikg.cli.

The library (bcikg.ingest.corrections, bcikg.report.review) checks names and values, writes the
file and rebuilds the store's graph; this module parses options and prints.
"""

import shlex
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from bcikg.cli_report import BackendOption, open_source

CORRECTIONS_ENV = "BCIKG_CORRECTIONS"


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
    )

    fix_app = typer.Typer(
        name="fix",
        help=(
            "Analyst corrections that survive every re-ingest: decisions kept in STORE/corrections.toml "
            "(one table per decision, with a note and a timestamp), applied after resolution on every "
            "ingest and at once to the store's graph.\n\n"
            "  bcikg fix set 某某脑机科技有限公司 --segment midstream --note '官网只列出解码软件'\n\n"
            "  bcikg fix set 某某集团 --region 赣江新区\n\n"
            "  bcikg fix reject 某某研究室 --note 'a department, not a player on the chain'\n\n"
            "  bcikg fix merge 某某医疗器械有限公司 某某医疗\n\n"
            "  bcikg fix list\n\n"
            "  bcikg fix drop 2"
        ),
        no_args_is_help=True,
    )
    add_app = typer.Typer(
        name="add",
        help=(
            "Add an organisation or a relationship the texts do not give, with the analyst's evidence.\n\n"
            "  bcikg fix add org 某某神经科技有限公司 --type Company --region 大连 --segment upstream "
            "--note 'press release of 2026-03-02'\n\n"
            "  bcikg fix add relation 某某神经科技 PARTNERS_WITH 某某大学第一医院 --note '签约仪式照片'"
        ),
        no_args_is_help=True,
    )
    fix_app.add_typer(add_app)
    app.add_typer(fix_app)

    CorrectionsOption = Annotated[
        Path | None,
        typer.Option(
            "--corrections",
            envvar=CORRECTIONS_ENV,
            help="Corrections file (default STORE/corrections.toml, or $BCIKG_CORRECTIONS).",
            show_default=False,
        ),
    ]
    NoteOption = Annotated[str, typer.Option("--note", "-m", help="Why: the analyst's own evidence.")]
    NameArg = Annotated[
        str, typer.Argument(help="The organisation: its name, an alias, a unique part or its id.")
    ]
    TypeOption = Annotated[
        str | None,
        typer.Option("--type", help="Company, Hospital, Fund, Agency, Institute or Platform (企业, 医院 …)."),
    ]
    RegionOption = Annotated[
        str | None,
        typer.Option("--region", help="Home region: 大连, 赣江新区, 江西省/南昌市; none clears it."),
    ]
    SettledOption = Annotated[
        list[str] | None,
        typer.Option("--settled-in", help="Regions it settled in (repeat, or commas); none clears."),
    ]
    SegmentOption = Annotated[
        list[str] | None,
        typer.Option("--segment", help="upstream, midstream, downstream or 上游, 中游, 下游; none clears."),
    ]
    SubsectorOption = Annotated[
        list[str] | None,
        typer.Option("--subsector", help="Subsector key or name (electrodes, 电极 …); none clears."),
    ]

    def store_graph(store: Path) -> Any:
        from bcikg.graph.embedded import EmbeddedStore

        return EmbeddedStore(store).load_graph()

    def report_change(number: int, text: str, summary: Any) -> None:
        out.print(f"#{number} {text}", markup=False)
        out.print(
            f"store rebuilt: organisations {summary.organizations}, relations {summary.relations}; "
            f"corrections {summary.corrections_applied}",
            markup=False,
        )
        for line in summary.correction_issues:
            err.print(line, markup=False)

    def record(store: Path, corrections: Path | None, correction: Any) -> None:
        from bcikg.ingest.corrections import record_correction

        number, summary = record_correction(store, corrections, correction)
        report_change(number, correction.describe(), summary)

    def record_fields(
        kind: Literal["set", "add_org"],
        name: str,
        type: str | None,
        region: str | None,
        settled_in: list[str] | None,
        segment: list[str] | None,
        subsector: list[str] | None,
        note: str,
        store: Path,
        corrections: Path | None,
    ) -> None:
        """`fix set` and `fix add org`: a decision on an organisation's fields, recorded."""
        from bcikg.ingest.corrections import make_correction

        correction = make_correction(
            store_graph(store),
            kind,
            name,
            note=note,
            type=type,
            region=region,
            settled_in=settled_in,
            segment=segment,
            subsector=subsector,
        )
        record(store, corrections, correction)

    @fix_app.command("set")
    def set_(
        name: NameArg,
        type: TypeOption = None,
        region: RegionOption = None,
        settled_in: SettledOption = None,
        segment: SegmentOption = None,
        subsector: SubsectorOption = None,
        note: NoteOption = "",
        store: StoreOption = DEFAULT_STORE,
        corrections: CorrectionsOption = None,
    ) -> None:
        """Set the type, home region, settled regions, segment or subsector of an organisation.

        A field set again later replaces the earlier decision (`fix list` shows it as overridden).

        Examples:

          bcikg fix set 大连市某某重点实验室 --segment midstream --note '实验室主页：算法与系统研发'

          bcikg fix set 某某招商集团 --region 赣江新区

          bcikg fix set 某某科技 --type Company --segment 上游,中游 --subsector electrodes

          bcikg fix set 某某科技 --settled-in 南昌 --settled-in 赣江新区
        """
        record_fields("set", name, type, region, settled_in, segment, subsector, note, store, corrections)

    @fix_app.command()
    def reject(
        name: NameArg,
        note: NoteOption = "",
        store: StoreOption = DEFAULT_STORE,
        corrections: CorrectionsOption = None,
    ) -> None:
        """Remove a node that is not an organisation on the chain (and its relationships).

        Example:

          bcikg fix reject 某某市委政策研究室 --note '写调研报告的部门，不是产业主体'
        """
        from bcikg.ingest.corrections import make_correction

        record(store, corrections, make_correction(store_graph(store), "reject", name, note=note))

    @fix_app.command()
    def merge(
        name: NameArg,
        other: Annotated[str, typer.Argument(help="The organisation to merge into NAME (it disappears).")],
        note: NoteOption = "",
        store: StoreOption = DEFAULT_STORE,
        corrections: CorrectionsOption = None,
    ) -> None:
        """Merge OTHER into NAME: one node with both names, mentions and relationships.

        Example:

          bcikg fix merge 某某医疗器械有限公司 某某医疗 --note '同一统一社会信用代码'
        """
        from bcikg.ingest.corrections import make_correction

        record(store, corrections, make_correction(store_graph(store), "merge", name, other=other, note=note))

    @fix_app.command()
    def split(
        name: NameArg,
        alias: Annotated[str, typer.Argument(help="An alias of NAME that is another organisation.")],
        note: NoteOption = "",
        store: StoreOption = DEFAULT_STORE,
        corrections: CorrectionsOption = None,
    ) -> None:
        """Split an alias wrongly merged into NAME off as an organisation of its own (with the
        mentions written that way and the relationships only they support).

        Example:

          bcikg fix split 某某科技有限公司 江西某某 --note '江西某某是另一家公司'
        """
        from bcikg.ingest.corrections import make_correction

        record(store, corrections, make_correction(store_graph(store), "split", name, other=alias, note=note))

    @add_app.command("org")
    def add_org(
        name: Annotated[str, typer.Argument(help="Full name of the organisation.")],
        type: TypeOption = None,
        region: RegionOption = None,
        settled_in: SettledOption = None,
        segment: SegmentOption = None,
        subsector: SubsectorOption = None,
        note: NoteOption = "",
        store: StoreOption = DEFAULT_STORE,
        corrections: CorrectionsOption = None,
    ) -> None:
        """Add an organisation the articles do not name (the note is its evidence).

        Example:

          bcikg fix add org 某某神经科技有限公司 --type Company --region 大连 --segment upstream --note '官网'
        """
        record_fields("add_org", name, type, region, settled_in, segment, subsector, note, store, corrections)

    @add_app.command("relation")
    def add_relation(
        source: Annotated[str, typer.Argument(help="The organisation the relationship starts from.")],
        relation: Annotated[
            str,
            typer.Argument(
                help="PARTNERS_WITH, CLINICAL_TRIAL_AT, INCUBATED_BY, OPERATES, INVESTS_IN, LOCATED_IN "
                "(in a park) or SIGNED_IN (a region)."
            ),
        ],
        target: Annotated[str, typer.Argument(help="The other organisation (a region for SIGNED_IN).")],
        note: NoteOption = "",
        store: StoreOption = DEFAULT_STORE,
        corrections: CorrectionsOption = None,
    ) -> None:
        """Add a relationship the articles do not state (the note is its evidence).

        Examples:

          bcikg fix add relation 某某神经科技 PARTNERS_WITH 某某大学第一医院 --note '合作协议'

          bcikg fix add relation 某某神经科技 SIGNED_IN 赣江新区 --note '2026年签约名单'
        """
        from bcikg.ingest.corrections import make_correction

        correction = make_correction(
            store_graph(store), "add_relation", source, other=target, relation=relation, note=note
        )
        record(store, corrections, correction)

    @fix_app.command("list")
    def list_(store: StoreOption = DEFAULT_STORE, corrections: CorrectionsOption = None) -> None:
        """The decisions in the corrections file, numbered, with their notes and dates; those that
        no longer match anything (stale) or were replaced by a later one (overridden) are marked.

        Example:

          bcikg fix list --store ./jiangxi_store
        """
        from bcikg.graph.embedded import EmbeddedStore
        from bcikg.ingest.corrections import current_issues

        EmbeddedStore(store).load_graph()  # a clear error when there is no store
        fixes, issues = current_issues(store, corrections)
        if not fixes.items:
            out.print(f"no corrections in {fixes.path}", markup=False)
            return
        by_number: dict[int, list[str]] = {}
        for issue in issues:
            by_number.setdefault(issue.number, []).append(f"{issue.kind}: {issue.reason}")
        out.print(f"{len(fixes.items)} corrections in {fixes.path}", markup=False)
        for number, c in enumerate(fixes.items, 1):
            out.print(f"#{number} {c.describe()}", markup=False)
            details = [f"at {c.at}" if c.at else "", f"note: {c.note}" if c.note else ""]
            out.print("    " + "; ".join(d for d in details if d), markup=False)
            for line in by_number.get(number, []):
                out.print(f"    ! {line}", markup=False)

    @fix_app.command()
    def drop(
        number: Annotated[int, typer.Argument(help="The number `bcikg fix list` shows.")],
        store: StoreOption = DEFAULT_STORE,
        corrections: CorrectionsOption = None,
    ) -> None:
        """Remove a decision from the corrections file and rebuild the store's graph without it.

        Example:

          bcikg fix drop 3
        """
        from bcikg.ingest.corrections import drop_correction

        store_graph(store)
        dropped, summary = drop_correction(store, corrections, number)
        report_change(number, f"dropped: {dropped.describe()}", summary)

    @app.command()
    def review(
        region: Annotated[
            str | None, typer.Argument(help="Region to review (default: the whole store), e.g. 大连.")
        ] = None,
        limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Items listed.")] = 20,
        store: StoreOption = DEFAULT_STORE,
        backend: BackendOption = "embedded",
        uri: UriOption = None,
        user: UserOption = None,
        password: PasswordOption = None,
        database: DatabaseOption = None,
    ) -> None:
        """What most deserves an analyst's look: organisations known from a single mention without a
        type suffix, names whose place contradicts their region, several segments at once, and
        near-duplicate names; the ones whose decision would change the region's report most come
        first, each with its evidence and the `bcikg fix` command that settles it.

        Examples:

          bcikg review 大连

          bcikg review --limit 50

          bcikg review 大连 --backend neo4j
        """
        from bcikg.report.review import review_items

        with open_source(backend, store, uri, user, password, database) as source:
            items = review_items(source, region, limit=limit)
        if not items:
            out.print("nothing to review", markup=False)
            return
        for i, item in enumerate(items, 1):
            head = f"{i}. [{item.kind}] {item.name} — {item.reason} (impact {item.impact:g})"
            out.print(head, markup=False)
            if item.evidence:
                out.print(f"   {item.evidence}", markup=False)
            suffix = "" if store == DEFAULT_STORE else f" --store {shlex.quote(str(store))}"
            for command in item.commands:
                out.print(f"   $ {command}{suffix}", markup=False)
