"""Rules every template of the portal keeps, checked on the templates themselves, so that
pages no test visits (signed-in, admin, email) keep them too."""

import re
from pathlib import Path

import pytest
from django.template import engines
from django.template.base import TextNode
from django.template.loader_tags import BlockNode

from tests.test_project import ROOT

TEMPLATE_DIRS = [ROOT / "templates", *sorted(ROOT.glob("*/templates"))]


def project_templates() -> list[tuple[Path, str]]:
    """(file, name as the loader knows it) for every HTML template of the portal."""
    found = []
    for directory in TEMPLATE_DIRS:
        if ".venv" in directory.parts or "node_modules" in directory.parts:
            continue
        for path in sorted(directory.rglob("*.html")):
            found.append((path, path.relative_to(directory).as_posix()))
    return found


def compiled(name):
    return engines["django"].get_template(name).template


def test_the_templates_are_found():
    names = [name for _path, name in project_templates()]
    assert "base.html" in names and "members/member_detail.html" in names
    assert len(names) > 70


@pytest.mark.parametrize("name", [name for _path, name in project_templates()])
def test_a_title_block_holds_text_only(name):
    # <title> cannot hold markup: a page's sections pasted into the block came out as raw
    # HTML in the browser's tab, on every member page with joint activities.
    for block in compiled(name).nodelist.get_nodes_by_type(BlockNode):
        if block.name in {"title", "head_title"}:
            for node in block.nodelist.get_nodes_by_type(TextNode):
                assert "<" not in node.s, f"{name}: markup in the {block.name} block: {node.s!r}"


TEMPLATE_FILES = [
    (path, name)
    for directory in TEMPLATE_DIRS
    if ".venv" not in directory.parts
    for path in sorted(directory.rglob("*"))
    if path.suffix in {".html", ".txt"}
    for name in [path.relative_to(directory).as_posix()]
]


def interface_text(source: str) -> str:
    """The text a template writes itself, outside translated strings and template code, as a
    reader would see it: each translation stands as "T", each variable as "X"."""
    text = re.sub(r"{#.*?#}", "", source, flags=re.S)
    text = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", "", text, flags=re.S)
    text = re.sub(r"{%\s*blocktranslate.*?{%\s*endblocktranslate\s*%}", "T", text, flags=re.S)
    text = re.sub(r"{%\s*translate\s.*?%}", "T", text)
    text = re.sub(r"{%.*?%}", "", text, flags=re.S)
    text = re.sub(r"{{.*?}}", "X", text, flags=re.S)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text, flags=re.S)
    return re.sub(r"&[#\w]+;", " ", text)


@pytest.mark.parametrize("name", [name for _path, name in TEMPLATE_FILES])
def test_punctuation_around_words_is_part_of_a_translation(name):
    # French puts a narrow no-break space before : ; ! ? ("Date limite : …"): a colon written
    # in the template after a translated word or a value comes out English in every language.
    path = next(path for path, template in TEMPLATE_FILES if template == name)
    found = re.findall(r"\S\s?[:;!?](?=\s|$)", interface_text(path.read_text()))
    assert not found, f"{name}: punctuation outside a translation: {found}"


@pytest.mark.parametrize("name", [name for _path, name in TEMPLATE_FILES])
def test_dates_are_written_in_a_format_of_the_language(name):
    # "F Y" reads "abril 2006" in Spanish, where the language's own format says "abril de
    # 2006": templates name a format (mountainpartnership/formats/) or a machine one.
    path = next(path for path, template in TEMPLATE_FILES if template == name)
    for fmt in re.findall(r"\|date:[\"']([^\"']*)[\"']", path.read_text()):
        assert fmt.endswith("_FORMAT") or fmt in {"c", "Y-m-d"}, f"{name}: date:{fmt!r}"


def test_python_code_formats_dates_through_the_portals_helper():
    # django.utils.formats.date_format would miss the French "1er": one way to write dates.
    for path in ROOT.glob("*/**/*.py"):
        if {".venv", "node_modules", "tests"} & set(path.relative_to(ROOT).parts):
            continue
        if path == ROOT / "mountainpartnership" / "dates.py":
            continue
        source = path.read_text()
        assert "django.utils.formats import date_format" not in source, path
        assert "formats.date_format(" not in source, path
