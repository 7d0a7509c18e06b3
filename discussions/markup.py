"""Posts are written in a small Markdown subset and shown as sanitized HTML.

Markdown makes the HTML; nh3 then keeps only paragraphs, emphasis, lists, links, quotes
and code, drops scripts, styles and every event attribute, allows only http(s) and mailto
links, and marks every link nofollow, ugc and noopener. Raw HTML in a post is sanitized
the same way, so nothing a member types can run in a reader's browser.
"""

import markdown
import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "em",
    "strong",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "code",
    "pre",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"


def render_markup(text: str) -> str:
    html = markdown.markdown(text, extensions=["sane_lists", "nl2br"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
