"""The portal's identity and the pages every page links to: the logo and its files, the
social preview, the footer, the privacy and accessibility pages, the design system's page,
the navigation's current section and the account pages' wording."""

import io
import re

import pytest
from django.contrib.staticfiles import finders
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image, ImageChops, ImageStat

from mountainpartnership import identity
from tests.pages import LANGUAGES

pytestmark = pytest.mark.django_db

TITLES = {
    "privacy": ("Privacy notice", "Politique de confidentialité", "Aviso de privacidad"),
    "accessibility": (
        "Accessibility statement",
        "Déclaration d’accessibilité",
        "Declaración de accesibilidad",
    ),
    "style": ("Design system", "Charte graphique", "Sistema de diseño"),
}


def text(response):
    return response.content.decode()


def static_file(url: str) -> bytes:
    path = finders.find(url.split("/static/", 1)[1])
    assert path, url
    with open(path, "rb") as file:
        return file.read()


def test_the_logo_files_are_what_the_identity_module_draws():
    """`make images` writes them; a change to the drawing without them (or the reverse)
    fails here."""
    for name, drawn in identity.drawn().items():
        committed = (identity.STATIC / name).read_bytes()
        if name.endswith(".svg"):
            assert committed == drawn, name
            continue
        old, new = Image.open(io.BytesIO(committed)), Image.open(io.BytesIO(drawn))
        assert old.size == new.size, name
        # Font hinting may differ by a shade from one machine to another; a drawing does not.
        difference = ImageStat.Stat(ImageChops.difference(old.convert("RGBA"), new.convert("RGBA")))
        assert max(difference.mean) < 1.0, (name, difference.mean)


def test_the_logo_names_the_portal_as_the_catalogues_do():
    for language in LANGUAGES:
        with translation.override(language):
            assert identity.NAMES[language] == gettext("Mountain Partnership")


def test_the_header_draws_the_logo_s_mark_inline_beside_the_name(client):
    page = text(client.get("/fr/"))
    brand = re.search(r'<a class="brand" href="/fr/">(.*?)</a>', page).group(1)
    assert f"{identity.MARK}</svg>Partenariat de la montagne" in brand
    assert 'aria-hidden="true"' in brand


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_has_the_svg_favicon_and_a_social_preview_in_its_language(client, language):
    page = text(client.get(f"/{language}/"))
    assert 'href="data:,"' not in page
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page).group(1)
    assert static_file(icon).startswith(b"<svg")
    image = re.search(r'<meta property="og:image" content="http://testserver([^"]+)">', page)
    assert image.group(1).endswith(f"og-{language}.png")
    png = Image.open(io.BytesIO(static_file(image.group(1))))
    assert (png.format, png.size) == ("PNG", (1200, 630))
    assert '<meta property="og:image:width" content="1200">' in page
    assert re.search(r'<meta property="og:title" content="[^"]+">', page)
    assert re.search(r'<meta property="og:description" content="[^"]{40,}">', page)


def test_the_favicon_and_the_social_preview_are_served(client, settings):
    # WhiteNoise serves the app's static folders, as `runserver` does (its middleware is
    # built at the client's first request, after this).
    settings.WHITENOISE_USE_FINDERS = settings.WHITENOISE_AUTOREFRESH = True
    page = text(client.get("/en/"))
    for url in [
        re.search(r'<link rel="icon" href="([^"]+)"', page).group(1),
        re.search(r'<meta property="og:image" content="http://testserver([^"]+)"', page).group(1),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert body == static_file(url)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_footer_links_all_answer(client, language):
    page = text(client.get(f"/{language}/"))
    footer = page.split("<footer>", 1)[1]
    links = re.findall(r'href="([^"]+)"', footer)
    assert "mailto:mountain-partnership@fao.org" in links
    assert {"https://www.fao.org", "https://www.unep.org"} <= set(links)
    assert "Viale delle Terme di Caracalla" in footer and "00153" in footer
    internal = [link for link in links if link.startswith("/")]
    for name in ["privacy", "accessibility", "style", "data", "newsletter"]:
        assert f"/{language}/{name}/" in internal, name
    for link in internal:
        assert link.startswith(f"/{language}/"), link
        assert client.get(link).status_code == 200, link


@pytest.mark.parametrize("page", TITLES)
def test_the_footer_pages_answer_in_three_languages_with_their_title(client, page):
    for language, title in zip(LANGUAGES, TITLES[page], strict=True):
        response = client.get(f"/{language}/{page}/")
        assert response.status_code == 200
        assert re.search(rf"<title>{title} · [^<]+</title>", text(response)), (language, page)
        assert f"<h1>{title}</h1>" in text(response)


def test_the_privacy_notice_says_what_is_kept_for_how_long(client):
    page = text(client.get("/en/privacy/"))
    for kept in ["Newsletter subscribers", "Focal points", "Page views", "Cookies"]:
        assert kept in page
    assert page.count("no end date") >= 3
    assert "is kept, marked as unsubscribed" in page


def test_the_style_page_gives_each_colour_its_contrast_on_white(client):
    page = text(client.get("/en/style/"))
    assert "--accent</code> #0a5535" in page and "white 8.9:1" in page
    ratios = [float(ratio) for ratio in re.findall(r"white (\d+\.\d):1", page)]
    assert len(ratios) == len(identity_colours()) and min(ratios) >= 4.5
    assert 'class="filter-panel"' in page and 'class="cards"' in page


def identity_colours():
    from mountainpartnership.views import COLOURS

    return COLOURS


def test_contrast_is_computed_as_wcag_does():
    from mountainpartnership.views import contrast

    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#767676", "#ffffff"), 2) == 4.54
    assert contrast("#ffffff", "#ffffff") == 1


def current_sections(client, url):
    page = text(client.get(url))
    nav = re.search(r'<nav aria-label="Main" class="sections">(.*?)</nav>', page).group(1)
    return re.findall(r'<a href="([^"]+)" aria-current="page">', nav)


@pytest.mark.parametrize(
    ("url", "current"),
    [
        ("/en/", []),
        ("/en/members/", ["/en/members/"]),
        ("/en/members/join/", ["/en/members/join/"]),
        ("/en/events/past/", ["/en/events/"]),
        ("/en/consultations/", ["/en/discussions/"]),
        ("/en/newsletter/", ["/en/newsletter/"]),
        ("/en/privacy/", []),
    ],
)
def test_the_navigation_marks_the_section_of_the_page(client, url, current):
    assert current_sections(client, url) == current


def test_the_navigation_marks_the_section_in_every_language(client):
    page = text(client.get("/es/news/"))
    assert '<a href="/es/news/" aria-current="page">Noticias</a>' in page


def test_the_sign_in_page_writes_sign_in_and_says_who_signs_in(client):
    page = text(client.get("/en/accounts/login/"))
    assert "Sign In" not in page and "Remember Me" not in page
    assert "<h1>Sign in</h1>" in page
    assert re.search(r'<button[^>]* type="submit">Sign in</button>', page)
    assert "Member representatives (focal points and their colleagues) and the secretariat" in page
    assert "placeholder=" not in page.split("<main", 1)[1]


@pytest.mark.parametrize(
    ("language", "heading"),
    [("fr", "Se connecter"), ("es", "Iniciar sesión")],
)
def test_the_sign_in_page_uses_the_words_of_the_header(client, language, heading):
    page = text(client.get(f"/{language}/accounts/login/"))
    assert f"<h1>{heading}</h1>" in page
    assert page.count(f">{heading}<") >= 3  # the header's link, the heading, the button


@pytest.mark.parametrize("url", ["/en/accounts/signup/", "/en/accounts/password/reset/"])
def test_the_account_pages_have_no_title_case_and_use_the_portal_forms(client, url):
    page = text(client.get(url))
    assert not re.search(r"Sign (In|Up)|Password Reset|Reset My Password|Email Address", page)
    assert 'class="stacked"' in page and "placeholder=" not in page.split("<main", 1)[1]


def test_the_newsletter_page_says_when_there_is_no_edition_yet(client):
    from tests.pages import sent_edition

    empty = "No editions yet: the first one will be listed here once it is sent."
    assert empty in text(client.get("/en/newsletter/"))
    assert "Aucun numéro pour l’instant" in text(client.get("/fr/newsletter/"))
    sent_edition()
    page = text(client.get("/en/newsletter/"))
    assert empty not in page and "/en/newsletter/2006-04/" in page


@pytest.mark.parametrize(
    ("attrs", "html"),
    [
        ({"type": "submit", "tags": ["prominent", "login"]}, ""),
        ({"type": "submit", "tags": ["outline", "primary", "mfa", "cancel"]}, ' class="secondary"'),
        ({"type": "submit", "tags": ["danger", "delete"]}, ' class="danger"'),
        (
            {"href": "/en/accounts/login/code/", "tags": ["prominent", "outline"]},
            ' class="button secondary"',
        ),
        ({"href": "/en/"}, ' class="button"'),
    ],
)
def test_allauth_buttons_take_the_design_system_s_classes(attrs, html):
    from mountainpartnership.templatetags.portal import button_class

    assert button_class(attrs) == html
