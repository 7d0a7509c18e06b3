"""The dashboard's charts (insight/charts.py): the geometry of what they draw, read back from
the SVG, and what they say when there is nothing to draw."""

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from insight import charts

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def parsed(drawn: str) -> ET.Element:
    root = ET.fromstring(str(drawn))
    assert root.tag == f"{SVG}svg"
    return root


def bars(root) -> list[float]:
    return [float(rect.get("width")) for rect in root.iter(f"{SVG}rect")]


def texts(root) -> list[str]:
    return [text.text for text in root.iter(f"{SVG}text")]


def draw_bars(rows):
    return charts.bar_chart(rows, title="Activities by status", axis="Activities", nothing="None.")


def test_a_bar_is_as_long_as_its_value_on_one_scale_with_the_value_printed_after_it():
    root = parsed(draw_bars([("Planned", 2), ("Under way", 8), ("Completed", 5), ("Stalled", 0)]))
    room = charts.BAR_ROOM
    assert bars(root) == pytest.approx([room * 2 / 8, room, room * 5 / 8, 0], abs=0.06)
    assert texts(root) == ["Activities", "Planned", "2", "Under way", "8", "Completed", "5"] + [
        "Stalled",
        "0",
    ]
    # Each value sits just after the end of its bar, and the drawing is tall enough for all.
    values = [text for text in root.iter(f"{SVG}text") if text.text in {"2", "8", "5", "0"}]
    assert [float(text.get("x")) for text in values] == [length + 6 for length in bars(root)]
    last = max(float(rect.get("y")) + float(rect.get("height")) for rect in root.iter(f"{SVG}rect"))
    assert float(root.get("viewBox").split()[3]) >= last


def test_a_chart_is_an_image_with_a_title_that_gives_its_figures():
    drawn = draw_bars([("Under way", 1200), ("Completed", 3)])
    root = parsed(drawn)
    assert root.get("role") == "img"
    summary = "Activities by status — Under way 1,200; Completed 3"
    assert root.get("aria-label") == summary
    assert root.find(f"{SVG}title").text == summary
    assert "1,200" in texts(root)  # numbers as the reader's language writes them
    with translation.override("fr"):
        assert "1\xa0200" in texts(parsed(draw_bars([("En cours", 1200)])))


def test_labels_are_escaped():
    drawn = draw_bars([('<script>alert("x")</script> & co', 3)])
    assert "<script>" not in drawn
    assert '<script>alert("x")</script> & co' in texts(parsed(drawn))


@pytest.mark.parametrize("rows", [[], [("Planned", 0), ("Under way", 0)]])
def test_nothing_to_draw_is_said_in_a_sentence_not_an_empty_frame(rows):
    assert str(draw_bars(rows)) == '<p class="chart-empty">None.</p>'


def test_grouped_bars_share_one_scale_and_each_says_what_it_counts():
    root = parsed(
        charts.grouped_bar_chart(
            [("January", [40, 2]), ("February", [80, 0])],
            series=[lambda n: f"{n} delivered", lambda n: f"{n} failed"],
            title="Reach",
            axis="Subscribers",
            nothing="None.",
        )
    )
    room = charts.BAR_ROOM
    assert bars(root) == pytest.approx([room / 2, room * 2 / 80, room, 0], abs=0.06)
    assert [rect.get("class") for rect in root.iter(f"{SVG}rect")] == [
        "bar s0",
        "bar s1",
        "bar s0",
        "bar s1",
    ]
    assert texts(root)[1:] == ["January", "40 delivered", "2 failed"] + [
        "February",
        "80 delivered",
        "0 failed",
    ]
    assert root.get("aria-label") == (
        "Reach — January 40 delivered, 2 failed; February 80 delivered, 0 failed"
    )


def line(labels, series):
    return charts.line_chart(labels, series, title="Members", axis="Members", nothing="None yet.")


def test_a_line_goes_through_its_values_on_a_round_scale():
    root = parsed(
        line(["2004", "2005", "2006"], [("All", [10, 35, 50]), ("Governments", [4, 9, 20])])
    )
    all_members, governments = root.iter(f"{SVG}polyline")
    points = [tuple(map(float, p.split(","))) for p in all_members.get("points").split()]
    bottom = charts.LINE_HEIGHT - charts.BOTTOM
    plot_h = bottom - charts.TOP
    # 50 is the top of the scale: the line's last point at the top of the plot.
    assert [y for _x, y in points] == pytest.approx(
        [bottom - plot_h / 5, bottom - plot_h * 35 / 50, charts.TOP], abs=0.06
    )
    xs = [x for x, _y in points]
    assert xs[0] == charts.LEFT and xs[2] == charts.LINE_WIDTH - charts.RIGHT
    assert xs[1] - xs[0] == pytest.approx(xs[2] - xs[1])
    assert governments.get("stroke-dasharray") and not all_members.get("stroke-dasharray")
    assert {"0", "50", "2004", "2006", "Members", "50 All", "20 Governments"} <= set(texts(root))
    assert root.get("aria-label") == "Members (2004–2006) — All 10 → 50; Governments 4 → 20"


def test_names_at_the_ends_of_close_lines_do_not_overlap():
    root = parsed(line(["2005", "2006"], [("All", [10, 30]), ("A", [5, 30]), ("B", [5, 29])]))
    ends = sorted(
        float(text.get("y"))
        for text in root.iter(f"{SVG}text")
        if text.text in {"30 All", "30 A", "29 B"}
    )
    assert ends[1] - ends[0] >= charts.FONT and ends[2] - ends[1] >= charts.FONT


def test_a_line_of_one_point_or_of_zeros_divides_by_nothing():
    root = parsed(line(["2026"], [("All", [3])]))
    [polyline] = root.iter(f"{SVG}polyline")
    assert (
        polyline.get("points")
        == f"{charts.LEFT:.1f},{charts.TOP + (charts.LINE_HEIGHT - charts.TOP - charts.BOTTOM) * 2 / 5:.1f}"
    )
    assert str(line(["2025", "2026"], [("All", [0, 0])])) == '<p class="chart-empty">None yet.</p>'
    assert str(line([], [])) == '<p class="chart-empty">None yet.</p>'


@pytest.mark.parametrize(
    ("value", "top"), [(0, 5), (5, 5), (6, 10), (11, 20), (133, 200), (201, 500), (600, 1000)]
)
def test_the_scale_ends_on_a_round_number(value, top):
    assert charts.nice_top(value) == top
