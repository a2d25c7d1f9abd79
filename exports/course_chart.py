"""An indicator's course over a programme's years as a small server-rendered SVG line chart: the
agreed grade and the leadership's and observers' means, told apart by colour, line and marker."""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from assessment.i18n import N_, translate
from assessment.portfolio import CourseLine
from exports.labels import header

WIDTH, HEIGHT = 360, 240
LEFT, RIGHT, TOP, BOTTOM = 34, 12, 12, 88
# (series, colour, dash pattern, marker): each series differs in more than colour.
YEAR = N_("Year %(year)s")
DESCRIPTION = N_("Agreed grade and means by role group for programme years %(years)s; the table below "
                 "holds the figures.")
SERIES = (("agreed", "#1d2733", "", "circle"), ("leadership", "#0b5cad", "6 3", "square"),
          ("observers", "#a5520b", "2 3", "triangle"))


@dataclass(frozen=True)
class Series:
    key: str
    name: str
    values: list[float | None]


def series_of(line: CourseLine, lang: str) -> list[Series]:
    """The chart's three series, one value per session (None where there is none)."""
    names = {"agreed": header("consensus", lang), "leadership": header("leadership_mean", lang),
             "observers": header("observer_mean", lang)}
    values = {"agreed": [p.grade for p in line.points],
              "leadership": [p.means.leadership for p in line.points],
              "observers": [p.means.observers for p in line.points]}
    return [Series(key, names[key], values[key]) for key, *_rest in SERIES]


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'
    if shape == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'
    return f'<path d="M{x:.1f} {y - 4.5:.1f} L{x + 4.5:.1f} {y + 3.5:.1f} L{x - 4.5:.1f} {y + 3.5:.1f} Z" fill="{colour}"/>'


def course_chart(line: CourseLine, lang: str) -> Markup:
    """The SVG (role img, with a title and a description) for one indicator's course."""
    asked = [p for p in line.points if p.asked]
    scale = asked[0].session.bank.question(line.column.question_id).scale if asked else None
    low, high = (scale.min, scale.max) if scale else (1, 6)
    count = max(1, len(line.points))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_at(index: int) -> float:
        return LEFT + (plot_w * (index + 0.5) / count)

    def y_at(value: float) -> float:
        return TOP + plot_h * (high - value) / max(1, high - low)

    label = line.column.label.get(lang)
    title_id = f"chart-{escape(line.column.question_id)}"
    years = ", ".join(str(p.programme_year) for p in line.points)
    desc = translate(DESCRIPTION, lang, years=years)
    parts = [f'<svg class="course-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
             f'role="img" aria-labelledby="{title_id}-t {title_id}-d" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{title_id}-t">{escape(label)}</title><desc id="{title_id}-d">{escape(desc)}</desc>']
    for level in range(low, high + 1):
        y = y_at(level)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d5dbe2"/>'
                     f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#56616e">{level}</text>')
    for index, point in enumerate(line.points):
        text = translate(YEAR, lang, year=point.programme_year)
        parts.append(f'<text x="{x_at(index):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
                     f'font-size="11" fill="#1d2733">{escape(text)}</text>')
    for (_key, colour, dash, shape), series in zip(SERIES, series_of(line, lang)):
        points = [(x_at(i), y_at(v)) for i, v in enumerate(series.values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            dashes = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dashes}/>')
        parts.extend(_marker(shape, x, y, colour) for x, y in points)
    # The legend, under the years, a series a line: a line sample and marker with its name.
    for index, ((_key, colour, dash, shape), series) in enumerate(zip(SERIES, series_of(line, lang))):
        x, legend_y = LEFT, HEIGHT - BOTTOM + 36 + index * 17
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<line x1="{x:.1f}" x2="{x + 18:.1f}" y1="{legend_y}" y2="{legend_y}" stroke="{colour}" '
                     f'stroke-width="2"{dashes}/>' + _marker(shape, x + 9, legend_y, colour) +
                     f'<text x="{x + 26:.1f}" y="{legend_y + 4}" font-size="12" fill="#1d2733">'
                     f'{escape(series.name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
