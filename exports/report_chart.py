"""A report chart (one group of indicators: this year's and last year's common grade and the means)
as horizontal bars, laid out once and drawn twice: as inline SVG for the printable page and as a
PNG image (Pillow) for the Word document."""
from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from markupsafe import Markup, escape

from exports.report_model import Chart, number

COLOURS = ("#0b5cad", "#9aa5b1", "#7aa7d9", "#d9a441")
LABEL_WIDTH, BAR_WIDTH, BAR_HEIGHT, GAP = 330, 330, 11, 12
FONT_SIZE, SMALL_SIZE = 13, 11
LABEL_CHARS = 46   # per label line, two lines at most
# Fonts with æøå for the PNG (Debian's fonts-dejavu-core, else Liberation); Pillow's own font lacks them.
FONT_FILES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
              "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
              "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf")


@dataclass
class Box:
    x: float
    y: float
    width: float
    height: float
    colour: str


@dataclass
class Label:
    x: float
    y: float        # baseline
    text: str
    size: int


def _wrap(text: str) -> list[str]:
    """A label in at most two lines of LABEL_CHARS, cut with an ellipsis when longer."""
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > LABEL_CHARS:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    if len(lines) > 2:
        lines = [lines[0], lines[1][:LABEL_CHARS - 1].rstrip() + "…"]
    return [line if len(line) <= LABEL_CHARS else line[:LABEL_CHARS - 1] + "…" for line in lines]


def layout(chart: Chart, lang: str) -> tuple[float, float, list[Box], list[Label]]:
    """The chart's width, height, bars and texts, in points of a 700-wide drawing."""
    boxes, labels = [], []
    series = len(chart.series)
    row = max(series * (BAR_HEIGHT + 2), 2 * FONT_SIZE + 4) + GAP
    y = 8.0
    for bar in chart.bars:
        for line_number, line in enumerate(_wrap(bar.label)):
            labels.append(Label(0, y + FONT_SIZE + line_number * (FONT_SIZE + 3), line, FONT_SIZE))
        for index, value in enumerate(bar.values):
            if value is None:
                continue
            top = y + index * (BAR_HEIGHT + 2)
            width = BAR_WIDTH * value / chart.top
            boxes.append(Box(LABEL_WIDTH, top, width, BAR_HEIGHT, COLOURS[index % len(COLOURS)]))
            labels.append(Label(LABEL_WIDTH + width + 4, top + BAR_HEIGHT - 1, number(value, lang), SMALL_SIZE))
        y += row
    y += 6
    for index, name in enumerate(chart.series):  # the legend, two per line
        x = (index % 2) * 330
        line_y = y + (index // 2) * 18
        boxes.append(Box(x, line_y, 12, 12, COLOURS[index % len(COLOURS)]))
        labels.append(Label(x + 17, line_y + 11, name, SMALL_SIZE + 1))
    height = y + ((series + 1) // 2) * 18 + 4
    return LABEL_WIDTH + BAR_WIDTH + 40, height, boxes, labels


def chart_svg(chart: Chart, lang: str = "nb") -> Markup:
    """The chart as inline SVG (prints sharply), described by its title for screen readers."""
    width, height, boxes, labels = layout(chart, lang)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" viewBox="0 0 {width:.0f} {height:.0f}" '
             f'role="img" aria-label="{escape(chart.title)}">']
    parts += [f'<rect x="{b.x:.1f}" y="{b.y:.1f}" width="{b.width:.1f}" height="{b.height:.1f}" fill="{b.colour}"/>'
              for b in boxes]
    parts += [f'<text x="{t.x:.1f}" y="{t.y:.1f}" font-size="{t.size}">{escape(t.text)}</text>' for t in labels]
    parts.append("</svg>")
    return Markup("".join(parts))


@cache
def _font(size: int):
    from PIL import ImageFont

    for path in FONT_FILES:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def chart_png(chart: Chart, lang: str = "nb", scale: int = 2) -> bytes:
    """The chart as a PNG image at `scale` times its size in points (sharp when printed)."""
    from PIL import Image, ImageDraw

    width, height, boxes, labels = layout(chart, lang)
    image = Image.new("RGB", (int(width * scale), int(height * scale)), "white")
    draw = ImageDraw.Draw(image)
    for b in boxes:
        draw.rectangle([b.x * scale, b.y * scale, (b.x + max(b.width, 0.5)) * scale, (b.y + b.height) * scale],
                       fill=b.colour)
    for t in labels:
        draw.text((t.x * scale, t.y * scale), t.text, fill="#1a1a1a", font=_font(t.size * scale), anchor="ls")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")  # optimize=True takes three times as long for 2 % less
    return buffer.getvalue()
