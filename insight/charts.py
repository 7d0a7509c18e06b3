"""The dashboard's charts, drawn on the server as inline SVG: no JavaScript, a few kilobytes,
readable in print. Each function takes the figures and returns the SVG as a safe string, every
text escaped; with nothing to draw it returns a sentence that says so instead of an empty frame.

Colours come from the stylesheet's custom properties through classes (`.chart .s0` ...), so a
chart follows the site's palette; every bar and line also carries its value or its name in
text, so none is told apart by colour alone. Each SVG is an image with a title (role="img",
aria-label, <title>) that summarises it; the figures themselves are in a table beside it.
"""

from collections.abc import Callable

from django.utils.formats import number_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

FONT = 14  # user units: each SVG is shown at its own size, or narrower on a small screen
# Horizontal bars: the label on a line of its own above its bar, so long names never squeeze
# the bars and the chart still reads on a phone.
BAR_WIDTH = 600  # the whole drawing
BAR_ROOM = 480  # the longest bar; the rest is for the text printed after it
BAR_THICKNESS = 16
BAR_GAP = 4  # between the bars of one group
ROW_GAP = 10  # between groups
LABEL_HEIGHT = 20
AXIS_HEIGHT = 22
# The line chart: the names of the lines at their right ends.
LINE_WIDTH, LINE_HEIGHT = 840, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 330, 30, 34
DASHES = ["", "6 3", "2 3", "10 3 2 3"]


def number(value) -> str:
    return number_format(value, force_grouping=True)


def empty(sentence: str) -> str:
    return format_html('<p class="chart-empty">{}</p>', sentence)


def svg(width: int, height: int, title: str, body: list[str]) -> str:
    """The SVG element around `body` (already escaped), titled `title` for assistive technology."""
    label = escape(title)
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{label}">'
        f"<title>{label}</title>{''.join(body)}</svg>"
    )


def bar_chart(rows: list[tuple[str, int]], *, title: str, axis: str, nothing: str) -> str:
    """Horizontal bars, one per (label, value), in the order given; each bar's length is in
    proportion to its value (the largest spans BAR_ROOM) and its value is printed after it.
    `axis` names what is counted; `nothing` is the sentence shown when every value is zero."""
    return grouped_bar_chart(
        [(label, [value]) for label, value in rows],
        series=[number],
        title=title,
        axis=axis,
        nothing=nothing,
    )


def grouped_bar_chart(
    groups: list[tuple[str, list[int]]],
    *,
    series: list[Callable[[int], str]],
    title: str,
    axis: str,
    nothing: str,
) -> str:
    """Horizontal bars in groups: for each (label, values), one bar per series, each followed
    by the text its series gives for the value ("412 delivered", in the reader's language and
    number), on one scale for the whole chart."""
    largest = max((value for _label, values in groups for value in values), default=0)
    if largest <= 0:
        return empty(nothing)
    parts = [f'<text class="axis" x="0" y="{FONT}" font-size="{FONT}">{escape(axis)}</text>']
    summary = []
    y = AXIS_HEIGHT
    for label, values in groups:
        parts.append(
            f'<text x="0" y="{y + FONT}" font-size="{FONT}" font-weight="bold">'
            f"{escape(label)}</text>"
        )
        y += LABEL_HEIGHT
        said = []
        for index, (says, value) in enumerate(zip(series, values, strict=True)):
            length = round(value / largest * BAR_ROOM, 1)
            text = says(value)
            parts.append(
                f'<rect class="bar s{index}" x="0" y="{y}" width="{length}" '
                f'height="{BAR_THICKNESS}"/>'
                f'<text x="{length + 6}" y="{y + BAR_THICKNESS - 3}" font-size="{FONT}">'
                f"{escape(text)}</text>"
            )
            said.append(text)
            y += BAR_THICKNESS + BAR_GAP
        y += ROW_GAP - BAR_GAP
        summary.append(f"{label} {', '.join(said)}")
    return svg(BAR_WIDTH, y, f"{title} — {'; '.join(summary)}", parts)


def nice_top(value: int) -> int:
    """A round number at or above `value` for the top of the scale."""
    if value <= 5:
        return 5
    step = 10 ** (len(str(value)) - 1)
    for factor in (1, 2, 5, 10):
        if value <= factor * step:
            return factor * step
    return value  # pragma: no cover (factor 10 always reaches it)


def line_chart(
    labels: list[str], series: list[tuple[str, list[int]]], *, title: str, axis: str, nothing: str
) -> str:
    """Lines over `labels` (the x axis, in order), one per (name, values), each drawn with its
    own dash pattern and named at its end beside its last value. `axis` names the y axis."""
    top = max((value for _name, values in series for value in values), default=0)
    if not labels or top <= 0:
        return empty(nothing)
    top = nice_top(top)
    plot_w, plot_h = LINE_WIDTH - LEFT - RIGHT, LINE_HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels) - 1, 1)

    def x(index):
        return LEFT + index * step

    def y(value):
        return TOP + plot_h - value / top * plot_h

    parts = [f'<text class="axis" x="0" y="{FONT}" font-size="{FONT}">{escape(axis)}</text>']
    for tick in range(5):
        value = top * tick // 4
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(value):.1f}" '
            f'y2="{y(value):.1f}" stroke="currentColor"/>'
            f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="{FONT}">'
            f"{number(value)}</text>"
        )
    every = max(1, -(-len(labels) // 8))
    for index, label in enumerate(labels):
        if index % every == 0 or index == len(labels) - 1:
            parts.append(
                f'<text x="{x(index):.1f}" y="{LINE_HEIGHT - BOTTOM + 18}" text-anchor="middle" '
                f'font-size="{FONT}">{escape(label)}</text>'
            )
    ends = []
    summary = []
    for index, (name, values) in enumerate(series):
        dash = DASHES[index % len(DASHES)]
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        parts.append(
            f'<polyline class="s{index}" points="{points}" fill="none" stroke="currentColor" '
            f'stroke-width="{3 if index == 0 else 2}"{dashes}/>'
        )
        if values:
            ends.append([y(values[-1]) + 4, f"{number(values[-1])} {name}", index, dashes])
            summary.append(f"{name} {number(values[0])} → {number(values[-1])}")
    # The names at the ends of the lines, moved apart where lines end close together.
    ends.sort()
    for before, after in zip(ends, ends[1:], strict=False):
        after[0] = max(after[0], before[0] + FONT + 2)
    for text_y, text, index, dashes in ends:
        parts.append(
            f'<line class="s{index}" x1="{LEFT + plot_w + 6}" x2="{LEFT + plot_w + 24}" '
            f'y1="{text_y - 4:.1f}" y2="{text_y - 4:.1f}" stroke="currentColor" '
            f'stroke-width="2"{dashes}/>'
            f'<text x="{LEFT + plot_w + 28}" y="{text_y:.1f}" font-size="{FONT}">'
            f"{escape(text)}</text>"
        )
    span = f"{labels[0]}–{labels[-1]}"
    return svg(LINE_WIDTH, LINE_HEIGHT, f"{title} ({span}) — {'; '.join(summary)}", parts)
