"""Hostile and odd input, end to end through `bcikg ingest` (and ``ingest_paths`` where the run
itself has to be interfered with): every bad file is skipped with one line on stderr, every odd
but readable file is ingested, the rest of the batch goes in, the exit code is 1, and the store
is consistent afterwards.

One batch folder holds all the cases and is ingested by ONE real CLI run (module fixture); each
case is then its own test on that run's output and store. The reader's unit tests
(tests/test_read.py) cover the decoding and extraction rules in detail; this file checks that
the whole command behaves.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bcikg.graph.embedded import EmbeddedStore
from bcikg.ingest.pipeline import ingest_paths

GOOD = (
    "杭州脑机接口企业完成融资\n\n"
    "近日，杭州澄衡神经科技有限公司宣布完成1亿元A轮融资，本轮由西湖脑科学产业基金领投。"
    "公司与浙江大学医学院附属第二医院合作开展脑机接口临床试验。\n"
)
GOOD_MD = (
    "---\ntitle: 脑机接口临床研究中心揭牌\ndate: 2026-04-02\n---\n\n"
    "苏州大学附属第一医院与苏州工业园区共建脑机接口临床研究中心，首例植入手术已经完成。\n"
)
GBK_TITLE = "南昌脑机接口产业园开园"
GBK_TEXT = f"{GBK_TITLE}\n\n南昌大学第一附属医院与园区签署合作协议，共建脑机接口临床研究中心。\n"
MIXED_TITLE = "合肥脑机接口项目签约"
SCRIPT_HOSPITAL = "北京天坛医院"  # only inside <script> and <iframe>: must never be extracted


def html_with_scripts() -> str:
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>园区新闻</title>
<script>document.write("恶意脚本科技有限公司与{SCRIPT_HOSPITAL}签署合作协议。");</script>
<script src="https://example.invalid/tracker.js"></script></head>
<body>
<iframe src="javascript:alert('x')">{SCRIPT_HOSPITAL}开展临床试验。</iframe>
<article><h1>脑机接口临床研究中心揭牌</h1>
<p>苏州大学附属第一医院与苏州工业园区共建脑机接口临床研究中心，首例植入手术已经完成。</p>
<p>中心将面向运动功能障碍患者开展临床研究，并为园区企业提供临床试验服务。</p>
<script>var s = "{SCRIPT_HOSPITAL}"; eval(s);</script>
</article><img src=x onerror="alert(1)"></body></html>"""


def nested_html(depth: int = 5000) -> str:
    return (
        "<html><body>"
        + "<div>" * depth
        + "<p>苏州大学附属第一医院与苏州工业园区共建脑机接口临床研究中心，首例植入手术已经完成。</p>"
        + "</div>" * depth
        + "</body></html>"
    )


@functools.cache
def long_line() -> str:
    """A 2 MB single line: facts at both ends, varied prose without organisations in between."""
    parts = ["杭州澄衡神经科技有限公司与浙江大学医学院附属第二医院合作开展脑机接口临床试验。"]
    size, i = len(parts[0]) * 3, 0
    while size < 2 * 1024 * 1024:
        i += 1
        parts.append(f"第{i}段：业内人士认为，脑机接口正从实验室走向临床，市场规模有望突破{i % 97 + 3}亿元。")
        size += len(parts[-1].encode("utf-8"))
    parts.append("苏州大学附属第一医院与苏州工业园区共建脑机接口临床研究中心。")
    return "".join(parts)


@dataclass(frozen=True)
class Case:
    make: Callable[[Path], None]
    # "skipped": one stderr line with this reason; "ingested": a document in the store
    outcome: str
    reason: str = ""


def write(name: str, data: bytes | str) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        path = folder / name
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)

    return make


def sparse(folder: Path) -> None:
    with open(folder / "huge.txt", "wb") as f:
        f.truncate(200 * 1024 * 1024)  # 200 MB of holes: nothing on disk, refused by size


def symlink_loops(folder: Path) -> None:
    (folder / "loop_a.txt").symlink_to("loop_b.txt")
    (folder / "loop_b.txt").symlink_to("loop_a.txt")
    sub = folder / "sub"
    sub.mkdir()
    (sub / "up").symlink_to("..")  # a folder loop: walked once, silently


def fifo(folder: Path) -> None:
    os.mkfifo(folder / "pipe.txt")


def mixed(folder: Path) -> None:
    utf8 = f"{MIXED_TITLE}\n\n合肥市科技局有关负责人出席活动。\n".encode()
    gbk = "中国科学技术大学附属第一医院与园区签署合作协议，共建脑机接口临床研究中心。\n".encode("gbk")
    (folder / "mixed.txt").write_bytes(utf8 + gbk + "活动现场还举办了产品展示。\n".encode())


CASES: dict[str, Case] = {
    "good.txt": Case(write("good.txt", GOOD), "ingested"),
    "good.md": Case(write("good.md", GOOD_MD), "ingested"),
    "empty.txt": Case(write("empty.txt", b""), "skipped", "empty file (0 bytes)"),
    "blank.txt": Case(write("blank.txt", " \n\t\n　\n"), "skipped", "no text (only whitespace)"),
    "binary.txt": Case(
        write("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40),
        "skipped",
        "looks like a binary file",
    ),
    "huge.txt": Case(
        sparse, "skipped", "larger than the 50 MB limit (200 MB); raise --max-size to ingest it"
    ),
    "gbk.txt": Case(write("gbk.txt", GBK_TEXT.encode("gbk")), "ingested"),
    "mixed.txt": Case(mixed, "ingested"),
    "scripts.html": Case(write("scripts.html", html_with_scripts()), "ingested"),
    "nested.html": Case(write("nested.html", nested_html()), "ingested"),
    "broken_front_matter.md": Case(
        write(
            "broken_front_matter.md", "---\ntitle: [未闭合\ndate: :\n---\n\n" + GOOD_MD.split("---\n\n")[1]
        ),
        "ingested",
    ),
    "loop_a.txt": Case(symlink_loops, "skipped", "symlink loop; fix or remove the link"),
    "loop_b.txt": Case(lambda folder: None, "skipped", "symlink loop; fix or remove the link"),
    "pipe.txt": Case(fifo, "skipped", "not a regular file"),
    "no_orgs.txt": Case(
        write("no_orgs.txt", "今天天气晴朗\n\n气温在十五到二十度之间，适合出行。傍晚有小雨，请带好雨具。\n"),
        "ingested",
    ),
    "long_line.txt": Case(write("long_line.txt", long_line()), "ingested"),
    "no_punctuation.txt": Case(
        write("no_punctuation.txt", "脑机接口产业链条长带动作用强" * 50_000), "ingested"
    ),
}


@dataclass(frozen=True)
class Run:
    folder: Path
    store: Path
    proc: subprocess.CompletedProcess[str]

    def skip_lines(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for line in self.proc.stderr.splitlines():
            if line.startswith("skipped "):
                path, _, reason = line[len("skipped ") :].partition(": ")
                out[Path(path).name] = reason
        return out

    def documents(self) -> dict[str, dict[str, object]]:
        graph = EmbeddedStore(self.store).load_graph()
        return {Path(str(d["path"])).name: d for _, d in graph.nodes(data=True) if "Document" in d["labels"]}


def bcikg(*args: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "BCIKG_STORE"}
    return subprocess.run(
        [sys.executable, "-m", "bcikg.cli", *args],
        cwd=cwd,
        env={**env, "COLUMNS": "200"},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    work = tmp_path_factory.mktemp("hostile")
    folder = work / "batch"
    folder.mkdir()
    for case in CASES.values():
        case.make(folder)
    store = work / "store"
    # the timeout only guards against a hang; speed is measured by bench/ingest
    proc = bcikg("ingest", str(folder), "--store", str(store), "--workers", "2", cwd=work)
    return Run(folder, store, proc)


def test_the_batch_exits_1_with_one_line_per_skipped_file_and_nothing_else(run: Run) -> None:
    assert run.proc.returncode == 1, run.proc.stderr
    lines = [line for line in run.proc.stderr.splitlines() if line.strip()]
    skipped = sorted(name for name, case in CASES.items() if case.outcome == "skipped")
    assert all(line.startswith("skipped ") for line in lines), run.proc.stderr  # no traceback, no warning
    assert sorted(run.skip_lines()) == skipped
    assert len(lines) == len(skipped)
    ingested = sum(case.outcome == "ingested" for case in CASES.values())
    assert (
        f"documents read {ingested} (new {ingested}, unchanged 0), skipped {len(skipped)}" in run.proc.stdout
    )


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c.outcome == "skipped"))
def test_each_bad_file_is_skipped_with_its_reason(run: Run, name: str) -> None:
    reason = run.skip_lines()[name]
    assert reason.startswith(CASES[name].reason)
    assert "\n" not in reason and len(reason) < 200
    assert name not in run.documents()


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c.outcome == "ingested"))
def test_each_odd_but_readable_file_is_ingested(run: Run, name: str) -> None:
    assert name in run.documents()
    assert name not in run.skip_lines()


def test_gbk_without_declaration_is_decoded(run: Run) -> None:
    doc = run.documents()["gbk.txt"]
    assert doc["encoding"] == "gb18030"
    assert doc["title"] == GBK_TITLE


def test_mixed_encodings_are_decoded_line_by_line(run: Run) -> None:
    doc = run.documents()["mixed.txt"]
    assert doc["encoding"] == "utf-8+gb18030"
    assert doc["title"] == MIXED_TITLE


def evidence_texts(run: Run, file_name: str) -> list[str]:
    extractions = EmbeddedStore(run.store).load_extractions()
    doc = next(e for e in extractions.values() if Path(e.document.path).name == file_name)
    texts = [m.evidence.sentence for m in doc.orgs] + [r.evidence.sentence for r in doc.relations]
    return texts + [m.name for m in doc.orgs]


def test_scripts_and_iframes_are_not_read(run: Run) -> None:
    texts = evidence_texts(run, "scripts.html")
    assert any("苏州大学附属第一医院" in t for t in texts)  # the article was read ...
    assert not any(SCRIPT_HOSPITAL in t or "恶意脚本" in t or "alert" in t for t in texts)  # ... the code not


def test_nested_html_keeps_its_paragraph(run: Run) -> None:
    assert any("苏州大学附属第一医院" in t for t in evidence_texts(run, "nested.html"))


def test_broken_front_matter_keeps_the_text(run: Run) -> None:
    assert any("苏州大学附属第一医院" in t for t in evidence_texts(run, "broken_front_matter.md"))


def test_long_line_is_read_whole(run: Run) -> None:
    doc = run.documents()["long_line.txt"]
    assert doc["chars"] == len(long_line())
    texts = evidence_texts(run, "long_line.txt")
    # facts at both ends of the 2 MB line are found, with their own sentence as evidence
    assert any("浙江大学医学院附属第二医院" in t for t in texts)
    assert any("苏州大学附属第一医院" in t for t in texts)
    assert all(len(t) <= 1000 for t in texts)


def test_text_without_organisations_is_a_document_without_facts(run: Run) -> None:
    assert evidence_texts(run, "no_orgs.txt") == []


def test_the_store_is_consistent_and_a_rerun_changes_nothing(run: Run) -> None:
    store = EmbeddedStore(run.store)
    meta, graph, extractions = store.meta(), store.load_graph(), store.load_extractions()
    documents = run.documents()
    assert meta["documents"] == len(extractions) == len(documents)
    assert meta["nodes"] == graph.number_of_nodes() and meta["edges"] == graph.number_of_edges()
    # every fact's evidence points at a document of the store
    doc_ids = {e.document.id for e in extractions.values()}
    assert all(m.evidence.doc_id in doc_ids for e in extractions.values() for m in e.orgs)
    export = bcikg("export", "--store", str(run.store), "--format", "jsonl", cwd=run.folder.parent)
    assert export.returncode == 0, export.stderr
    exported = {json.loads(line)["id"] for line in export.stdout.splitlines()}
    assert set(graph.nodes) <= exported <= set(graph.nodes) | {k for *_, k in graph.edges(keys=True)}
    again = bcikg(
        "ingest", str(run.folder), "--store", str(run.store), "--workers", "2", cwd=run.folder.parent
    )
    assert again.returncode == 1
    assert f"(new 0, unchanged {len(documents)})" in again.stdout
    assert EmbeddedStore(run.store).meta()["generation"] == meta["generation"]  # nothing was rewritten


# ------------------------------------------------------------------ memory and disappearing files


# Runs the CLI in a fresh interpreter and, at exit, writes that process's own peak resident size
# (VmHWM, KiB). ru_maxrss from wait4 would not do: Linux carries the high-water mark of the forked
# copy of the (large) pytest process across the exec, so every child would look as big as pytest.
PEAK_WRAPPER = """
import atexit, sys
peak_file = sys.argv[1]
def report():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM"):
            open(peak_file, "w").write(line.split()[1])
atexit.register(report)
sys.argv = ["bcikg", *sys.argv[2:]]
from bcikg.cli import main
main()
"""


def max_rss_of(args: list[str], cwd: Path) -> tuple[int, str]:
    """Run the CLI and return (peak resident size in KiB of that run alone, stderr)."""
    err_path = cwd / "stderr.txt"
    peak_path = cwd / "peak.txt"
    peak_path.unlink(missing_ok=True)
    with open(err_path, "wb") as err:
        subprocess.run(
            [sys.executable, "-c", PEAK_WRAPPER, str(peak_path), *args],
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=err,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    return int(peak_path.read_text()), err_path.read_text()


@pytest.mark.slow
def test_200mb_file_is_refused_without_being_read(tmp_path: Path) -> None:
    sparse(tmp_path)
    (tmp_path / "empty_folder").mkdir()
    baseline, _ = max_rss_of(["ingest", str(tmp_path / "empty_folder"), "--store", "s0"], tmp_path)
    refused, stderr = max_rss_of(["ingest", str(tmp_path / "huge.txt"), "--store", "s1"], tmp_path)
    assert "larger than the 50 MB limit" in stderr
    # with the limit raised the same run reads the 200 MB (and then refuses the NULs): the
    # measurement sees a read
    read, stderr = max_rss_of(
        ["ingest", str(tmp_path / "huge.txt"), "--store", "s2", "--max-size", "300MB"], tmp_path
    )
    assert "looks like a binary file" in stderr
    assert read - baseline > 150 * 1024
    assert refused - baseline < 30 * 1024, (
        f"refusing used {(refused - baseline) // 1024} MiB more than nothing"
    )


def test_file_that_disappears_during_the_run(tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    for i in range(4):
        (folder / f"a{i}.txt").write_text(GOOD.replace("1亿元", f"{i + 1}亿元"), encoding="utf-8")
    (folder / "z_vanishing.txt").write_text(GOOD_MD, encoding="utf-8")

    def on_progress(stage: str, done: int, total: int | None) -> None:
        # the first report comes after the first document: the folder is listed, the last file
        # (sorted last, read lazily) not yet read
        (folder / "z_vanishing.txt").unlink(missing_ok=True)

    summary = ingest_paths([folder], tmp_path / "store", workers=1, progress=on_progress)
    assert [Path(s.path).name for s in summary.skipped] == ["z_vanishing.txt"]
    assert summary.skipped[0].reason == "no such file (it may have been moved or deleted after it was listed)"
    assert summary.documents_new == 4
    assert EmbeddedStore(tmp_path / "store").meta()["documents"] == 4
