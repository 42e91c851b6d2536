"""Figures of reports as a few shapes, drawn as SVG (HTML, PDF) or PNG (Word).

A :class:`Figure` holds rectangles, lines, polygons and text in pixel coordinates; the
charts (:func:`bar_chart`) and the map (:mod:`meili.reports.maps`) build one, and
:func:`to_svg` / :func:`to_png` draw it. Nothing is fetched: the SVG is written inline and
the PNG is drawn with Pillow in the CJK font fontconfig matches.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from itertools import pairwise
from xml.sax.saxutils import escape, quoteattr

from PIL import Image, ImageDraw, ImageFont

from meili.reports.fonts import FAMILY, font_file

Point = tuple[float, float]
INK = "#1f2933"
GRID = "#c8ced6"
BAR = "#1b7f4b"
MUTED = "#8a96a3"


@dataclass
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str


@dataclass
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str = GRID
    width: float = 1


@dataclass
class Poly:
    rings: list[list[Point]]
    fill: str
    stroke: str = "#ffffff"


@dataclass
class Text:
    x: float
    y: float
    text: str
    size: float = 12
    anchor: str = "start"  # start, middle, end
    fill: str = INK


@dataclass
class Figure:
    width: int
    height: int
    label: str
    items: list[Rect | Line | Poly | Text] = field(default_factory=list)


def bar_chart(
    label: str,
    bars: list[tuple[str, float | None, str]],
    *,
    maximum: float = 100.0,
    width: int = 640,
) -> Figure:
    """Horizontal bars on a 0–``maximum`` scale: (name, value or None, value's text)."""
    row, left, right, top = 26, 230, 70, 28
    fig = Figure(width, top + row * len(bars) + 24, label)
    span = width - left - right
    for k in range(5):
        x = left + span * k / 4
        fig.items.append(Line(x, top - 6, x, top + row * len(bars)))
        fig.items.append(Text(x, top - 10, f"{maximum * k / 4:g}", 10, "middle", MUTED))
    for n, (name, value, shown) in enumerate(bars):
        y = top + row * n
        short = name if len(name) <= 18 else name[:17] + "…"
        fig.items.append(Text(left - 8, y + 17, short, 12, "end"))
        if value is None:
            fig.items.append(Text(left + 4, y + 17, shown, 11, "start", MUTED))
            continue
        w = span * max(0.0, min(value, maximum)) / maximum
        fig.items.append(Rect(left, y + 5, w, row - 10, BAR))
        fig.items.append(Text(left + w + 6, y + 17, shown, 11))
    return fig


def line_chart(
    label: str,
    years: list[int],
    values: list[float],
    target: tuple[int, float] | None = None,
    *,
    unit: str = "",
    width: int = 640,
    height: int = 170,
) -> Figure:
    """Values by year as a line with points, and the target (year, value) as a mark."""
    left, right, top, bottom = 60, 20, 22, 26
    xs = [*years, *([target[0]] if target else [])]
    ys = [*values, *([target[1]] if target else [])]
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(ys), max(ys)
    if y1 == y0:
        y0, y1 = y0 - 1, y1 + 1
    pad = (y1 - y0) * 0.1
    y0, y1 = y0 - pad, y1 + pad

    def px(year: float) -> float:
        return left + (width - left - right) * ((year - x0) / (x1 - x0) if x1 > x0 else 0.5)

    def py(value: float) -> float:
        return top + (height - top - bottom) * (1 - (value - y0) / (y1 - y0))

    fig = Figure(width, height, label)
    fig.items.append(Text(left, 14, label, 11))
    for k in range(3):
        v = y0 + (y1 - y0) * k / 2
        fig.items.append(Line(left, py(v), width - right, py(v)))
        fig.items.append(Text(left - 6, py(v) + 4, f"{v:.4g}", 10, "end", MUTED))
    for year in sorted(set(xs)):
        fig.items.append(Text(px(year), height - 8, str(year), 10, "middle", MUTED))
    points = list(zip(years, values, strict=True))
    for (a, va), (b, vb) in pairwise(points):
        fig.items.append(Line(px(a), py(va), px(b), py(vb), BAR, 2))
    for year, value in points:
        fig.items.append(Rect(px(year) - 3, py(value) - 3, 6, 6, BAR))
    if target:
        fig.items.append(Rect(px(target[0]) - 4, py(target[1]) - 4, 8, 8, "#b35c00"))
        fig.items.append(Text(px(target[0]) - 8, py(target[1]) - 8, f"{target[1]:g} {unit}", 10,
                              "end", "#b35c00"))  # fmt: skip
    return fig


def _f(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def to_svg(fig: Figure) -> str:
    """The figure as an inline SVG element (text in the CJK font family, so PDFs embed it)."""
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {fig.width} {fig.height}" '
        f'width="{fig.width}" height="{fig.height}" role="img" aria-label={quoteattr(fig.label)} '
        f"font-family=\"'{FAMILY}', 'Noto Sans CJK', sans-serif\">"
    ]
    for it in fig.items:
        if isinstance(it, Rect):
            out.append(
                f'<rect x="{_f(it.x)}" y="{_f(it.y)}" width="{_f(it.w)}" '
                f'height="{_f(it.h)}" fill="{it.fill}"/>'
            )
        elif isinstance(it, Line):
            out.append(
                f'<line x1="{_f(it.x1)}" y1="{_f(it.y1)}" x2="{_f(it.x2)}" '
                f'y2="{_f(it.y2)}" stroke="{it.stroke}" stroke-width="{_f(it.width)}"/>'
            )
        elif isinstance(it, Poly):
            d = " ".join(
                "M" + "L".join(f"{_f(x)},{_f(y)}" for x, y in ring) + "Z" for ring in it.rings
            )
            out.append(
                f'<path d="{d}" fill="{it.fill}" stroke="{it.stroke}" '
                'stroke-width="0.6" fill-rule="evenodd"/>'
            )
        else:
            out.append(
                f'<text x="{_f(it.x)}" y="{_f(it.y)}" font-size="{_f(it.size)}" '
                f'text-anchor="{it.anchor}" fill="{it.fill}">{escape(it.text)}</text>'
            )
    out.append("</svg>")
    return "".join(out)


def _font(size: float, scale: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    found = font_file()
    if found is None:
        return ImageFont.load_default(size * scale)
    return ImageFont.truetype(found[0], int(size * scale), index=found[1])


def to_png(fig: Figure, scale: int = 2) -> bytes:
    """The figure as a PNG at ``scale`` × its pixel size (for Word)."""
    image = Image.new("RGB", (fig.width * scale, fig.height * scale), "#ffffff")
    draw = ImageDraw.Draw(image)
    fonts: dict[float, ImageFont.FreeTypeFont | ImageFont.ImageFont] = {}
    for it in fig.items:
        if isinstance(it, Rect):
            box = [it.x * scale, it.y * scale, (it.x + it.w) * scale, (it.y + it.h) * scale]
            draw.rectangle(box, fill=it.fill)
        elif isinstance(it, Line):
            draw.line([it.x1 * scale, it.y1 * scale, it.x2 * scale, it.y2 * scale], fill=it.stroke)
        elif isinstance(it, Poly):
            for ring in it.rings:
                if len(ring) >= 3:
                    pts = [(x * scale, y * scale) for x, y in ring]
                    draw.polygon(pts, fill=it.fill, outline=it.stroke)
        else:
            font = fonts.setdefault(it.size, _font(it.size, scale))
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[it.anchor]
            draw.text((it.x * scale, it.y * scale), it.text, fill=it.fill, font=font, anchor=anchor)
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=False)
    return buf.getvalue()
