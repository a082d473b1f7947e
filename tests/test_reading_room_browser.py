"""The reading room in a real browser: headless Chromium from the OS packages opens the pages of the
seeds' bag and of a 20,000-file bag from file://, with no server.

How to run locally (Debian or Ubuntu; as root, or with sudo):

    apt-get update && apt-get install -y chromium
    .venv/bin/python -m pytest -q -p no:cacheprovider -m browser

`ARCHIVER_CHROMIUM=/path/to/chrome` picks another Chromium build. Without a browser these tests are
skipped on a developer's machine and FAIL in CI (the CI variable is set), where .ci/run installs it.

What is checked, on the DOM as Chromium leaves it after running the pages' scripts (`--dump-dom`):
every link resolves to a file inside the bag; the status markings are there; the page's own script ran
(its filter tools are shown) while a title holding <script> and <img onerror> that would retitle the
page did not; and a screenshot is not blank (the PNG, decoded here with zlib, has more than one colour).
"""
from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from test_reading_room import HOSTILE, STAMP, Page, assert_links_resolve, pages

from conftest import run

pytestmark = pytest.mark.browser


def chromium() -> str:
    found = os.environ.get("ARCHIVER_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        message = "no Chromium: apt-get install -y chromium (see this module's docstring)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def browse(page: Path, tmp: Path, screenshot: Path | None = None) -> str:
    """The DOM of `page` (a file) after Chromium loaded it and ran its scripts; with `screenshot`, a PNG."""
    profile = tmp / "chromium-profile"
    args = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            f"--user-data-dir={profile}", "--window-size=1280,1400"]
    if screenshot is not None:
        proc = subprocess.run(args + [f"--screenshot={screenshot}", page.resolve().as_uri()],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0 and screenshot.is_file(), proc.stderr
    proc = subprocess.run(args + ["--dump-dom", page.resolve().as_uri()], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0 and "</html>" in proc.stdout, proc.stderr
    return proc.stdout


def png_colours(path: Path, limit: int = 2) -> int:
    """How many different pixel values (up to `limit`) an 8-bit, non-interlaced PNG holds."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0
            bpp = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + length
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    previous = bytearray(stride)
    seen = set()
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = previous[i]
            c = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        seen.update(bytes(line[i:i + bpp]) for i in range(0, stride, bpp))
        if len(seen) >= limit:
            return len(seen)
        previous = line
    return len(seen)


def check_bag_in_browser(bag: Path, tmp: Path, shots: Path, items: int) -> None:
    assert assert_links_resolve(bag) >= 2 * items       # every link of every page, payload and record too
    index_dom = browse(bag / "metadata" / "index.html", tmp, shots / "index.png")
    assert png_colours(shots / "index.png") > 1
    index = Page(index_dom)
    assert any(row[:2] == ["Files", f"{items:,}"] for row in index.rows)
    for label in ("Title", "Outlet", "Date", "Story code", "Byline", "Language"):
        assert any(row and row[0] == label for row in index.rows), label
    item_pages = pages(bag)[1:]
    shown = 0
    for number, page in enumerate(item_pages):
        if number not in (0, len(item_pages) - 1):
            continue                                      # the first and the last page in the browser
        shot = shots / f"{page.stem}.png"
        dom = browse(page, tmp, shot)
        assert png_colours(shot) > 1
        parsed = Page(dom)
        assert "<title>Items " in dom and "<title>pwned" not in dom    # no scraped script ran
        assert '<p id="tools">' in dom and " shown</span>" in dom      # the page's own script did
        assert {"e", "u"} <= set(parsed.cell_classes)        # extracted and unknown values, by class
        assert len(re.findall(r'<td class="[eau]"><b>[EA?]</b> ', dom)) == 6 * parsed.tags["tbody"]  # and letter
        shown += parsed.tags["tbody"]
    assert shown >= min(items, 2)


def test_seeds_bag_in_chromium(seeds_copy, tmp_path, monkeypatch):
    chromium()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    (seeds_copy / "zz-hostile.txt").write_text(f"{HOSTILE}\n{STAMP}\n\nIslam Times - Body of the story.\n")
    bag = tmp_path / "bag"
    assert run("bag", seeds_copy, "-o", bag, "--quiet").exit_code == 0
    shots = tmp_path / "shots"
    shots.mkdir()
    check_bag_in_browser(bag, tmp_path, shots, items=6)
    dom = browse(bag / "metadata" / "reading-room" / "items-0001.html", tmp_path)
    assert any(cell.endswith(HOSTILE) for row in Page(dom).rows for cell in row)   # shown, as text


def test_20000_file_bag_in_chromium(tmp_path):
    chromium()
    src = tmp_path / "src"
    outlets = ("Islam Times", "Press TV", "Tasnim News Agency")
    for d in range(20):
        (src / f"d{d:02d}").mkdir(parents=True)
    for i in range(20_000):
        (src / f"d{i % 20:02d}" / f"story {i:05d}.txt").write_text(
            f"Headline number {i} of the day\n\n{outlets[i % 3]} - Body of story {i}.\n\nStory Code: {100000 + i}\n")
    (src / "d00" / "hostile #1.txt").write_text(f"{HOSTILE}\n{STAMP}\n\nIslam Times - Body.\n")
    bag = tmp_path / "bag"
    assert run("bag", src, "-o", bag, "--quiet").exit_code == 0
    shots = tmp_path / "shots"
    shots.mkdir()
    check_bag_in_browser(bag, tmp_path, shots, items=20_001)
