"""Every interface string is translated into French and Spanish, for real."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["fr", "es"]


def catalogue(root: Path, language: str):
    with open(root / "locale" / language / "LC_MESSAGES" / "django.po", "rb") as po:
        return read_po(po, locale=language)


def msgids(cat):
    return {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in cat
        if message.id
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_empty_or_fuzzy_entry(language):
    cat = catalogue(ROOT, language)
    assert len(msgids(cat)) > 100
    empty = [
        m.id
        for m in cat
        if m.id and not all(m.string if isinstance(m.string, tuple) else [m.string])
    ]
    fuzzy = [m.id for m in cat if m.id and m.fuzzy]
    assert not empty, f"untranslated in {language}: {empty}"
    assert not fuzzy, f"fuzzy in {language}: {fuzzy}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_their_placeholders(language):
    for message in catalogue(ROOT, language):
        if not message.id or not message.python_format:
            continue
        assert not message.check(), (message.id, message.check())


def test_catalogues_cover_every_string_in_the_source(tmp_path):
    """Extract the strings again from a copy of the code: none may be missing from a catalogue."""
    assert shutil.which("xgettext"), "gettext is missing: `make test` installs it"
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", "var", ".git", "__pycache__", "*.mo", "node_modules"
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--locale",
            "fr",
            "--locale",
            "es",
            "--no-obsolete",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        timeout=120,
    )
    for language in LANGUAGES:
        missing = msgids(catalogue(copy, language)) - {
            m.id if isinstance(m.id, str) else m.id[0]
            for m in catalogue(ROOT, language)
            if m.id and all(m.string if isinstance(m.string, tuple) else [m.string])
        }
        assert not missing, f"not translated into {language}: {sorted(missing)}"


# French typography: a narrow no-break space (U+202F) before : ; ! ? and inside « ». A plain
# or no space lets the line break before the mark, or glues it to the word.
FRENCH_MARK_WITHOUT_ITS_SPACE = re.compile(
    r"(?:^|[^\s\u202f\"“(])[ \u00a0]?[:;!?](?=\s|$|<|\)|»|\")|«(?!\u202f)|(?<!\u202f)»"
)


def test_french_puts_a_narrow_no_break_space_before_double_punctuation():
    wrong = []
    for message in catalogue(ROOT, "fr"):
        if not message.id:
            continue
        for text in message.string if isinstance(message.string, tuple) else [message.string]:
            if FRENCH_MARK_WITHOUT_ITS_SPACE.search(text):
                wrong.append(text)
    assert not wrong, "\n".join(wrong)


def test_no_translation_holds_a_bare_ampersand():
    # Translations go into pages unescaped: "&region" would read "®ion".
    for language in LANGUAGES:
        for message in catalogue(ROOT, language):
            if not message.id:
                continue  # the catalogue's header
            texts = [message.id] if isinstance(message.id, str) else list(message.id)
            texts += message.string if isinstance(message.string, tuple) else [message.string]
            for text in texts:
                assert not re.search(r"&(?![A-Za-z]+;|#\d+;)", text or ""), (language, text)
