"""The HTML report opened in a real browser: Debian's chromium, headless, offline.

Skipped only when no chromium is installed (``apt-get install -y chromium``; .ci/run installs it).
The screenshot is decoded with a small pure-Python PNG reader (no image library needed).
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from bcikg.graph.build import build_graph
from bcikg.models import KnowledgeGraph
from bcikg.report import EmbeddedSource, compare_report, gap_report, render

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
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    graph = build_graph(KnowledgeGraph.model_validate_json(KG_PATH.read_text(encoding="utf-8")))
    path = tmp_path_factory.mktemp("html") / "江西.html"
    path.write_text(render(gap_report(EmbeddedSource(graph), "江西"), "html"), encoding="utf-8")
    return path


def _no_page_errors(stderr: str) -> None:
    bad = [
        line for line in stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line or "net::ERR" in line
    ]
    assert not bad, bad


def test_page_loads_and_its_dom_has_the_chain_map(page: Path, tmp_path: Path) -> None:
    result = _chromium(page, tmp_path, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    _no_page_errors(result.stderr)
    dom = result.stdout
    assert "<svg" in dom and "脑机接口产业链缺口报告" in dom and "远山神经" in dom


def test_screenshot_is_not_blank(page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    result = _chromium(page, tmp_path, f"--screenshot={shot}", "--window-size=1000,700")
    assert result.returncode == 0 and shot.is_file(), result.stderr[-2000:]
    _no_page_errors(result.stderr)
    width, height, channels, pixels = read_png(shot)
    assert (width, height) == (1000, 700)
    colours: set[bytes] = set()
    inked = 0
    for offset in range(0, len(pixels), channels * 7):  # every 7th pixel is plenty
        px = pixels[offset : offset + 3]
        colours.add(px)
        if px != b"\xff\xff\xff":
            inked += 1
    # the chain map paints coloured segment headers, status frames and organisation pills
    assert len(colours) > 20
    assert inked / (len(pixels) / channels / 7) > 0.05


def test_compare_heat_map_loads(tmp_path: Path) -> None:
    graph = build_graph(KnowledgeGraph.model_validate_json(KG_PATH.read_text(encoding="utf-8")))
    path = tmp_path / "compare.html"
    path.write_text(render(compare_report(EmbeddedSource(graph), ["江西", "大连"]), "html"), encoding="utf-8")
    result = _chromium(path, tmp_path, "--dump-dom")
    assert result.returncode == 0
    _no_page_errors(result.stderr)
    assert "rgba(46,125,50" in result.stdout
