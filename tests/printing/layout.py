"""Where a PDF's text lies: each shown run of glyphs with its box, read back with pypdf.

WeasyPrint writes each run of glyphs with a text matrix (``Tm``/``Td``) inside the page's
transformation (``cm``) and a Type0 font whose widths are in the font's ``/W`` array; pypdf hands
every operator to a visitor with both matrices, so a run's left edge is their product applied to
the origin and its right edge adds the sum of its glyphs' widths (less any ``TJ`` adjustments).
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.generic import IndirectObject


@dataclass(frozen=True)
class Run:
    page: int
    x: float
    right: float
    y: float
    size: float
    glyphs: int


def _resolve(value):
    return value.get_object() if isinstance(value, IndirectObject) else value


def _widths(font) -> tuple[dict[int, float], float, bool]:
    """(cid → width in 1/1000 em, default width, two-byte codes) of a font resource."""
    font = _resolve(font)
    if font.get("/Subtype") != "/Type0":
        first = int(font.get("/FirstChar", 0))
        widths = [float(w) for w in _resolve(font.get("/Widths", []))]
        return {first + i: w for i, w in enumerate(widths)}, 500.0, False
    descendant = _resolve(_resolve(font["/DescendantFonts"])[0])
    default = float(descendant.get("/DW", 1000))
    table: dict[int, float] = {}
    w = list(_resolve(descendant.get("/W", [])))
    i = 0
    while i < len(w):
        start = int(w[i])
        nxt = _resolve(w[i + 1])
        if isinstance(nxt, list):
            for k, width in enumerate(nxt):
                table[start + k] = float(width)
            i += 2
        else:
            end, width = int(nxt), float(w[i + 2])
            for cid in range(start, end + 1):
                table[cid] = width
            i += 3
    return table, default, True


def _multiply(a, b):
    return [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]


def runs(content: bytes) -> tuple[list[tuple[float, float]], list[Run]]:
    """The pages' sizes (width, height in points) and every run of glyphs shown on them."""
    reader = PdfReader(io.BytesIO(content))
    sizes: list[tuple[float, float]] = []
    found: list[Run] = []
    for number, page in enumerate(reader.pages, start=1):
        box = page.mediabox
        sizes.append((float(box.width), float(box.height)))
        fonts = _resolve(_resolve(page.get("/Resources", {})).get("/Font", {}))
        cache: dict[str, tuple] = {}
        state = {"font": None, "size": 0.0}

        def before(op, args, cm, tm, number=number, fonts=fonts, cache=cache, state=state):
            if op == b"Tf":
                name = str(args[0])
                if name not in cache:
                    cache[name] = _widths(fonts[name])
                state["font"], state["size"] = cache[name], float(args[1])
                return
            if op not in (b"Tj", b"TJ") or state["font"] is None:
                return
            table, default, two_byte = state["font"]
            items = args[0] if op == b"TJ" else [args[0]]
            advance, glyphs = 0.0, 0
            for item in items:
                if isinstance(item, (bytes, str)) or hasattr(item, "original_bytes"):
                    data = item.original_bytes if hasattr(item, "original_bytes") else bytes(item, "latin-1")
                    codes = (
                        [int.from_bytes(data[k : k + 2], "big") for k in range(0, len(data) - 1, 2)]
                        if two_byte
                        else list(data)
                    )
                    advance += sum(table.get(c, default) for c in codes) / 1000
                    glyphs += len(codes)
                else:
                    advance -= float(item) / 1000
            if not glyphs:
                return
            m = _multiply(tm, cm)
            scale = (m[0] ** 2 + m[1] ** 2) ** 0.5
            size = state["size"] * scale
            found.append(Run(number, m[4], m[4] + advance * size, m[5], size, glyphs))

        page.extract_text(visitor_operand_before=before)
    return sizes, found


def outside_the_page(content: bytes, *, tolerance: float = 0.5) -> list[Run]:
    """Runs of glyphs that begin or end outside their page."""
    sizes, found = runs(content)
    bad = []
    for run in found:
        width, height = sizes[run.page - 1]
        if run.x < -tolerance or run.right > width + tolerance or not (0 <= run.y <= height):
            bad.append(run)
    return bad


def overlapping(content: bytes, *, tolerance: float = 0.5) -> list[tuple[Run, Run]]:
    """Pairs of runs on the same line whose boxes overlap: text that ran out of its column."""
    _sizes, found = runs(content)
    pairs = []
    lines: dict[tuple[int, int], list[Run]] = {}
    for run in found:
        lines.setdefault((run.page, round(run.y)), []).append(run)
    for same_line in lines.values():
        same_line.sort(key=lambda r: r.x)
        for left, right in itertools.pairwise(same_line):
            if right.x < left.right - tolerance:
                pairs.append((left, right))
    return pairs
