"""Charts drawn on the server as SVG: no JavaScript, a few hundred bytes, readable in print.
Each line also differs by its dash pattern, so it reads without colour; the figures are in a
table beside every chart for screen readers."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

STYLES = [
    ("#0a5535", ""),
    ("#b34700", "6 3"),
    ("#2b5797", "2 3"),
]
WIDTH, HEIGHT = 780, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 260, 12, 28


def nice_top(value: int) -> int:
    """A round number at or above `value` for the top of the scale."""
    if value <= 5:
        return 5
    step = 10 ** (len(str(value)) - 1)
    for factor in (1, 2, 5, 10):
        if value <= factor * step:
            return factor * step
    return value


def line_chart(labels: list, series: list[tuple[str, list[int]]], title: str) -> str:
    """An SVG line chart of `series` ((name, values)) over `labels` (the x axis)."""
    top = nice_top(max((max(values) for _name, values in series if values), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels) - 1, 1)

    def x(index):
        return LEFT + index * step

    def y(value):
        return TOP + plot_h - value / top * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in range(0, 5):
        value = top * tick / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            'stroke="#cfd8d2"/>'
            f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="11">'
            f"{int(value)}</text>"
        )
    every = max(1, len(labels) // 8)
    for index, label in enumerate(labels):
        if index % every == 0 or index == len(labels) - 1:
            parts.append(
                f'<text x="{x(index):.1f}" y="{HEIGHT - 8}" text-anchor="middle" font-size="11">'
                f"{escape(label)}</text>"
            )
    for number, (name, values) in enumerate(series):
        colour, dash = STYLES[number % len(STYLES)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"'
            f"{dashes}/>"
        )
        legend_y = TOP + 14 + number * 20
        parts.append(
            f'<line x1="{WIDTH - RIGHT + 12}" x2="{WIDTH - RIGHT + 36}" y1="{legend_y - 4}" '
            f'y2="{legend_y - 4}" stroke="{colour}" stroke-width="2.5"{dashes}/>'
            f'<text x="{WIDTH - RIGHT + 42}" y="{legend_y}" font-size="12">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
