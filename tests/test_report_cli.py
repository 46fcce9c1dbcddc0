"""`bcikg report …` commands on a store holding the hand-written graph of tests/data/report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bcikg.cli import app
from bcikg.errors import NotFound
from bcikg.graph.build import build_graph
from bcikg.graph.embedded import EmbeddedStore
from bcikg.models import KnowledgeGraph
from bcikg.report import EmbeddedSource, GapReport, gap_report

KG_PATH = Path(__file__).parent / "data" / "report" / "chain_kg.json"
runner = CliRunner()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("report_store")
    graph = build_graph(KnowledgeGraph.model_validate_json(KG_PATH.read_text(encoding="utf-8")))
    EmbeddedStore(directory).save({}, graph)
    return directory


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    if result.exception and not isinstance(result.exception, (SystemExit, NotFound)):
        raise result.exception
    return result.exit_code, result.output


def test_gaps_json_equals_the_library(store: Path) -> None:
    code, output = invoke("report", "gaps", "江西", "--store", str(store), "--format", "json")
    assert code == 0
    expected = gap_report(EmbeddedSource(EmbeddedStore(store).load_graph()), "江西")
    assert GapReport.model_validate_json(output) == expected


@pytest.mark.parametrize(
    ("fmt", "marker"),
    [("table", "产业链"), ("markdown", "# 脑机接口产业链缺口报告"), ("html", "<!DOCTYPE html>")],
)
def test_gaps_formats_to_file(store: Path, tmp_path: Path, fmt: str, marker: str) -> None:
    out = tmp_path / f"report.{fmt}"
    code, _ = invoke("report", "gaps", "赣江新区", "--store", str(store), "-f", fmt, "-o", str(out))
    assert code == 0
    assert marker in out.read_text(encoding="utf-8")


def test_gaps_schema() -> None:
    code, output = invoke("report", "gaps", "--schema")
    assert code == 0
    assert json.loads(output) == GapReport.model_json_schema()


def test_gaps_unknown_region_fails_with_not_found(store: Path) -> None:
    result = runner.invoke(app, ["report", "gaps", "西藏", "--store", str(store)])
    assert isinstance(result.exception, NotFound)
    assert "regions with data" in str(result.exception)


def test_gaps_without_region_is_an_input_error(store: Path) -> None:
    result = runner.invoke(app, ["report", "gaps", "--store", str(store)])
    assert "name a region" in str(result.exception)


def test_compare_and_targets(store: Path) -> None:
    code, output = invoke("report", "compare", "江西", "大连", "--store", str(store), "-f", "json")
    assert code == 0
    assert [r["full_name"] for r in json.loads(output)["regions"]] == ["江西省", "辽宁省大连市"]
    code, output = invoke("report", "targets", "江西", "--store", str(store), "-f", "markdown")
    assert code == 0 and "脑机接口芯片企业" in output


def test_help_has_examples() -> None:
    for command in ("gaps", "compare", "targets"):
        code, output = invoke("report", command, "--help")
        assert code == 0 and "Examples" in output


def test_no_candidates_asked_for_says_so(store: Path) -> None:
    result = runner.invoke(app, ["report", "gaps", "大连", "--store", str(store), "-n", "0", "-f", "json"])
    assert result.exit_code == 0
    report = GapReport.model_validate_json(result.stdout)
    assert report.candidate_limit == 0
    assert "-n 0 asks for none" in result.stderr
