"""The HTML report opened in a real browser: Debian's chromium, headless, offline.

Skipped only when no chromium is installed (``apt-get install -y chromium fonts-wqy-microhei``;
.ci/run installs it). The layout is checked in the browser itself: a copy of the page gets a small
script that measures the laid-out table cells and SVG pills and writes the figures into the DOM,
which ``--dump-dom`` returns. The screenshot is decoded with a small pure-Python PNG reader (no
image library needed).
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from test_report_render import LONG_SHOWN, sourced_report

from bcikg.graph.build import build_graph
from bcikg.models import KnowledgeGraph
from bcikg.report import EmbeddedSource, compare_report, render
from bcikg.report.html import PALETTE, STATUS_COLOUR, UNKNOWN_COLOUR
from bcikg.report.model import GapReport

KG_PATH = Path(__file__).parent / "data" / "report" / "chain_kg.json"

CHROMIUM = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)"),
]


def _chromium(page: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    assert CHROMIUM is not None
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
        f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args, page.as_uri(),
    ]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)


def read_png(path: Path) -> tuple[int, int, int, bytes]:
    """(width, height, channels, raw pixel rows without filter bytes) of an 8-bit RGB/RGBA PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    width = height = channels = 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    out = bytearray()
    previous = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            upper_left = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - upper_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - upper_left)
                pred = left if pa <= pb and pa <= pc else (up if pb <= pc else upper_left)
                line[i] = (line[i] + pred) & 0xFF
        out += line
        previous = line
    return width, height, channels, bytes(out)


@pytest.fixture(scope="module")
def report() -> GapReport:
    return sourced_report()


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory, report: GapReport) -> Path:
    path = tmp_path_factory.mktemp("html") / "江西.html"
    path.write_text(render(report, "html"), encoding="utf-8")
    return path


def _no_page_errors(stderr: str) -> None:
    bad = [
        line for line in stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line or "net::ERR" in line
    ]
    assert not bad, bad


# Measures the laid-out page and writes the figures as JSON into <pre id="layout">.
MEASURE = """
<script>
const out = {overflow: [], pills: [], frames: [], spill: [], names: [], quotes: [], text: ""};
for (const c of document.querySelectorAll("td, th")) {
  if (c.scrollWidth > c.clientWidth + 1) out.overflow.push(c.textContent.slice(0, 40));
}
for (const g of document.querySelectorAll("g.org")) {
  const rect = g.querySelector("rect"), text = g.querySelector("text");
  const r = rect.getBBox(), t = text.getBBox();
  out.pills.push({
    name: g.dataset.name, shown: text.textContent,
    presence: g.classList.contains("home") ? "home" : "settled",
    fill: rect.getAttribute("fill"), stroke: rect.getAttribute("stroke"),
    dashed: rect.hasAttribute("stroke-dasharray"),
    fits: t.x >= r.x && t.x + t.width <= r.x + r.width + 0.5 && t.y >= r.y - 0.5
          && t.y + t.height <= r.y + r.height + 0.5,
  });
}
for (const g of document.querySelectorAll("g.slot")) {
  const frame = g.querySelector("rect.frame"), f = frame.getBBox();
  out.frames.push({status: g.dataset.status, stroke: frame.getAttribute("stroke"),
                   dashed: frame.hasAttribute("stroke-dasharray")});
  for (const t of g.querySelectorAll("text")) {
    const b = t.getBBox();
    if (b.x < f.x - 0.5 || b.x + b.width > f.x + f.width + 0.5 || b.y + b.height > f.y + f.height + 0.5)
      out.spill.push(t.textContent);
  }
}
for (const td of document.querySelectorAll("td.name")) {
  // the lines the name itself takes (its row may be taller for other cells)
  const range = document.createRange();
  range.selectNodeContents(td);
  const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
  out.names.push({text: td.textContent, width: td.getBoundingClientRect().width,
                  font: parseFloat(getComputedStyle(td).fontSize), lines: tops.size});
}
for (const q of document.querySelectorAll(".quote")) out.quotes.push(q.textContent);
out.text = document.body.innerText;
const pre = document.createElement("pre");
pre.id = "layout";
pre.textContent = JSON.stringify(out);
document.body.appendChild(pre);
</script>
"""


def measure(page: Path, tmp_path: Path, width: int) -> dict:
    probe = tmp_path / f"probe-{width}.html"
    probe.write_text(
        page.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"), encoding="utf-8"
    )
    result = _chromium(probe, tmp_path, "--dump-dom", f"--window-size={width},900")
    assert result.returncode == 0, result.stderr[-2000:]
    _no_page_errors(result.stderr)
    m = re.search(r'<pre id="layout">(.*?)</pre>', result.stdout, re.S)
    assert m, "the measuring script did not run"
    return json.loads(m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))


@pytest.fixture(scope="module")
def layout(page: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    return measure(page, tmp_path_factory.mktemp("wide"), 1280)


def test_page_loads_and_its_dom_has_the_chain_map(page: Path, tmp_path: Path) -> None:
    result = _chromium(page, tmp_path, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    _no_page_errors(result.stderr)
    dom = result.stdout
    assert "<svg" in dom and "脑机接口产业链缺口报告" in dom and LONG_SHOWN in dom


@pytest.mark.parametrize("width", [1280, 800])
def test_no_table_cell_overflows(page: Path, tmp_path: Path, width: int) -> None:
    assert measure(page, tmp_path, width)["overflow"] == []


def test_pills_show_full_names_inside_them(layout: dict, report: GapReport) -> None:
    pills = layout["pills"]
    assert pills
    assert all(p["fits"] for p in pills), [p["name"] for p in pills if not p["fits"]]
    assert all(p["shown"] == p["name"] for p in pills)  # never shortened with …
    assert LONG_SHOWN in {p["name"] for p in pills}
    assert layout["spill"] == []  # box titles, counts and candidate hints stay inside their box


def test_colours_mean_one_thing_each(layout: dict) -> None:
    status = {c.lower() for c in STATUS_COLOUR.values()}
    regions = {c.lower() for c in (*PALETTE, UNKNOWN_COLOUR)}
    assert not status & regions
    pill_colours = {p["fill"].lower() for p in layout["pills"]} | {
        p["stroke"].lower() for p in layout["pills"]
    }
    assert not pill_colours & status  # no organisation is painted in a status colour
    assert {f["stroke"].lower() for f in layout["frames"]} <= status
    # only a gap is dashed; a settled firm is a pale pill with a solid border, not a gap look-alike
    assert all(f["dashed"] == (f["status"] == "gap") for f in layout["frames"])
    assert not any(p["dashed"] for p in layout["pills"])
    settled = [p for p in layout["pills"] if p["presence"] == "settled"]
    home = [p for p in layout["pills"] if p["presence"] == "home"]
    assert settled and home
    assert not {p["fill"] for p in settled} & {p["fill"] for p in home}


def test_candidate_and_org_names_are_readable(layout: dict) -> None:
    names = layout["names"]
    assert names
    for cell in names:
        # at least five characters a line: a name never wraps every two characters
        per_line = len(cell["text"]) / max(cell["lines"], 1)
        assert cell["width"] >= 5 * cell["font"] or cell["lines"] == 1, cell
        assert per_line >= min(5, len(cell["text"])), cell


def test_each_sentence_is_quoted_once_with_its_source(layout: dict, report: GapReport, page: Path) -> None:
    quotes = layout["quotes"]
    assert quotes and len(quotes) == len(set(quotes))
    html = page.read_text(encoding="utf-8")
    assert 'href="https://news.example.cn/bci/one.html#:~:text=' in html
    assert "《示例二：示例新闻标题》" in layout["text"]
    assert "来源文献" in layout["text"] and "/fixtures/two.txt" in layout["text"]


def test_all_text_is_chinese_and_displayable(layout: dict) -> None:
    text = layout["text"]
    assert not re.search(r"[\u2e80-\u2fdf\uf900-\ufaff]", text)  # no radicals or compatibility forms
    for english in ("covered", "settled", "home", "Company", "Candidates are", "籍贯"):
        assert english not in text
    assert "企业" in text and "落户" in text


def test_screenshot_is_not_blank(page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    result = _chromium(page, tmp_path, f"--screenshot={shot}", "--window-size=1000,700")
    assert result.returncode == 0 and shot.is_file(), result.stderr[-2000:]
    _no_page_errors(result.stderr)
    width, height, channels, pixels = read_png(shot)
    assert (width, height) == (1000, 700)
    counts: dict[bytes, int] = {}
    inked = 0
    for offset in range(0, len(pixels), channels):
        px = pixels[offset : offset + 3]
        counts[px] = counts.get(px, 0) + 1
        if px != b"\xff\xff\xff":
            inked += 1
    assert len(counts) > 20
    assert inked / (len(pixels) / channels) > 0.05

    def rgb(colour: str) -> bytes:
        return bytes(int(colour[i : i + 2], 16) for i in (1, 3, 5))

    # the status frames and the region fills are painted, each in its own colour
    assert counts.get(rgb(STATUS_COLOUR["gap"]), 0) > 200
    painted = [c for c in PALETTE if counts.get(rgb(c), 0) > 200]
    assert len(painted) >= 2, painted


def test_compare_heat_map_loads(tmp_path: Path) -> None:
    graph = build_graph(KnowledgeGraph.model_validate_json(KG_PATH.read_text(encoding="utf-8")))
    path = tmp_path / "compare.html"
    path.write_text(render(compare_report(EmbeddedSource(graph), ["江西", "大连"]), "html"), encoding="utf-8")
    result = _chromium(path, tmp_path, "--dump-dom")
    assert result.returncode == 0
    _no_page_errors(result.stderr)
    assert "rgba(46,125,50" in result.stdout
