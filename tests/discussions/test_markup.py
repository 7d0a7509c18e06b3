"""Posts are sanitized when saved: whatever is typed, nothing runs in a reader's browser."""

import pytest

from discussions.markup import render_markup
from tests.factories import PostFactory


def test_a_script_tag_comes_out_as_nothing():
    html = render_markup("Hello <script>alert('x')</script> world")
    assert "<script" not in html and "alert" not in html
    assert "Hello" in html and "world" in html


def test_an_onerror_attribute_is_dropped_with_its_image():
    html = render_markup('<img src="x" onerror="alert(1)"> <b onclick="alert(2)">bold</b>')
    assert "onerror" not in html and "onclick" not in html and "alert" not in html
    assert "<img" not in html


def test_a_javascript_link_loses_its_address():
    html = render_markup("[click me](javascript:alert(1)) and <a href='JaVaScRiPt:alert(2)'>x</a>")
    assert "javascript" not in html.lower()
    assert "click me" in html


def test_style_attributes_and_style_tags_are_dropped():
    html = render_markup('<p style="position:fixed">text</p><style>body{display:none}</style>')
    assert "style" not in html and "display" not in html and "text" in html


def test_links_are_marked_nofollow_ugc_noopener():
    html = render_markup("[CONDESAN](https://condesan.org/)")
    assert html == (
        '<p><a href="https://condesan.org/" rel="nofollow ugc noopener">CONDESAN</a></p>'
    )


def test_the_markdown_subset_is_kept():
    html = render_markup(
        "First *paragraph* with **bold**.\n\n- one\n- two\n\n1. first\n\n> a quote\n\n`code`"
    )
    for tag in ["<p>", "<em>", "<strong>", "<ul>", "<li>", "<ol>", "<blockquote>", "<code>"]:
        assert tag in html


@pytest.mark.django_db
def test_a_post_is_sanitized_on_save_and_again_when_edited():
    post = PostFactory(body="Safe <script>alert(1)</script>")
    post.refresh_from_db()
    assert "<script" not in post.body_html
    post.body = '<img src=x onerror="alert(2)">changed'
    post.save(update_fields=["body"])
    post.refresh_from_db()
    assert "onerror" not in post.body_html and "changed" in post.body_html
