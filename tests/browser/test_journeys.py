"""A reader's journeys through the public site, in a real browser with JavaScript off."""

import re
import unicodedata

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def without_accents(name):
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def test_a_french_reader_filters_opens_a_member_and_switches_to_spanish(
    browser, live_server, demo, screenshot
):
    context = browser.new_context(
        locale="fr-FR", java_script_enabled=False, viewport={"width": 1024, "height": 800}
    )
    page = context.new_page()

    page.goto(live_server.url + "/")
    assert page.url == live_server.url + "/fr/"
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Partenariat de la montagne"
    screenshot(page, "1-home-fr")

    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Membres"
    ).click()
    page.get_by_label("Région").select_option(label="Amérique latine et Caraïbes")
    page.get_by_label("Domaine thématique").select_option(label="Recherche")
    page.get_by_role("button", name="Afficher les membres").click()
    assert "region=latin-america-caribbean" in page.url and "theme=research" in page.url
    summary = page.locator(".summary").inner_text()
    assert re.match(r"\d+ membres?\u202f:", summary), summary
    names = page.locator("ol.list > li > a").all_inner_texts()
    assert "Consortium pour le développement durable de l'écorégion andine" in names
    assert names == sorted(names, key=without_accents)
    screenshot(page, "2-directory-fr-filtered")

    page.get_by_role("link", name="Consortium pour le développement durable").click()
    assert page.url == live_server.url + "/fr/members/condesan/"
    assert "Membre depuis" in page.locator("main").inner_text()
    screenshot(page, "3-member-fr")

    page.get_by_role("link", name="Español").click()
    assert page.url == live_server.url + "/es/members/condesan/"
    assert page.locator("html").get_attribute("lang") == "es"
    main = page.locator("main").inner_text()
    assert "Consorcio para el Desarrollo Sostenible de la Ecorregión Andina" in main
    assert "Miembro desde" in main and "Áreas de trabajo" in main
    assert "CONDESAN es un consorcio" in main
    screenshot(page, "4-member-es")
    context.close()


def test_the_language_switcher_keeps_the_filters(browser, live_server, demo, screenshot):
    context = browser.new_context(locale="en-GB", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/en/members/?geo=andes&type=government")
    english = page.locator("ol.list > li").count()
    page.get_by_role("link", name="Français").click()
    assert page.url.endswith("/fr/members/?geo=andes&type=government")
    assert page.get_by_label("Zone géographique").input_value() == "andes"
    assert page.locator("ol.list > li").count() == english > 0
    screenshot(page, "5-directory-fr-andes-governments")
    context.close()


def test_a_spanish_reader_finds_an_upcoming_workshop_and_downloads_its_ics(
    browser, live_server, demo, screenshot
):
    from django.utils import translation
    from icalendar import Calendar

    from activities.models import Event
    from mountainpartnership.dates import date_format

    context = browser.new_context(locale="es-BO", java_script_enabled=False, accept_downloads=True)
    page = context.new_page()
    page.goto(live_server.url + "/es/")
    page.get_by_role("navigation", name="Navegación principal").get_by_role(
        "link", name="Eventos"
    ).click()
    assert page.url == live_server.url + "/es/events/"
    page.get_by_label("Área geográfica").select_option(label="Andes")
    page.get_by_role("button", name="Mostrar").click()
    screenshot(page, "7-events-es-andes")
    page.locator("li.card a", has_text="Taller").first.click()
    assert "/es/events/" in page.url
    # The demo dates it from the day it is loaded: its day, at 9 a.m. in La Paz.
    event = Event.objects.get(slug=page.url.rstrip("/").rsplit("/", 1)[-1])
    with translation.override("es"):
        day = date_format(event.local_start(), "DATE_FORMAT")
    when = page.locator("main").inner_text()
    assert f"{day} a las 09:00" in when and "America/La Paz" in when
    screenshot(page, "8-event-es")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Añadir a mi calendario (.ics)").click()
    calendar = Calendar.from_ical(download_info.value.path().read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    assert "Taller" in str(events[0]["summary"])
    assert str(events[0].decoded("dtstart").tzinfo) == "America/La_Paz"
    context.close()
