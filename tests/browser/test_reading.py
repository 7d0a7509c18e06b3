"""What a reader sees on the public pages, in English, French and Spanish: lists sorted in
their language, English marked as English, dates and punctuation written as their language
writes them. One demo load for all of it, in a real browser with JavaScript off."""

import pytest

from activities.models import Activity, Event, FundingOpportunity
from discussions.models import Consultation
from mountainpartnership.db import natural_key
from tests.pages import sent_edition

pytestmark = pytest.mark.django_db(transaction=True)

NNBSP = "\u202f"  # narrow no-break space, before : ; ! ? in French


def in_reading_order(names):
    return names == sorted(names, key=natural_key)


def options(page, label):
    return [
        text.strip()
        for text in page.get_by_label(label, exact=True).locator("option").all_inner_texts()
    ][1:]  # after "All …" (or the newsletter's "Not said")


def test_lists_of_names_are_sorted_in_the_readers_language(new_page, demo, screenshot):
    sent_edition()
    problems = []

    def check(where, names, least=2):
        if len(names) < least or not in_reading_order(names):
            problems.append(f"{where}: {names}")

    french = new_page(locale="fr-FR")
    french.goto("/fr/areas/")
    for heading in ["Domaines thématiques", "Zones géographiques"]:
        names = french.locator(f"h2:text-is('{heading}') + ul > li > a").all_inner_texts()
        check(f"/fr/areas/ {heading}", names)
    assert "Éducation" in french.locator("main").inner_text()
    screenshot(french, "reading-areas-fr")

    french.goto("/fr/discussions/")
    for heading in ["Domaines thématiques", "Zones géographiques"]:
        names = french.locator(f"h2:text-is('{heading}') + ul > li > a").all_inner_texts()
        check(f"/fr/discussions/ {heading}", names)
    screenshot(french, "reading-discussions-fr")

    french.goto("/fr/")
    check("/fr/ regions", french.locator("ul.figures + h3 + ul > li > a").all_inner_texts())

    for language, path, labels in [
        ("fr", "members/", ["Région", "Domaine thématique", "Zone géographique"]),
        ("es", "members/", ["Región", "Área temática", "Área geográfica"]),
        ("fr", "activities/", ["Domaine thématique", "Zone géographique", "Région", "Membre"]),
        ("es", "activities/", ["Área temática", "Área geográfica", "Región", "Miembro"]),
        ("fr", "events/", ["Domaine thématique", "Zone géographique"]),
        ("fr", "funding/", ["Domaine thématique", "Région"]),
        ("es", "funding/", ["Área temática", "Región"]),
        ("fr", "newsletter/", ["Votre région (facultatif)"]),
    ]:
        page = french if language == "fr" else new_page(locale="es-ES")
        page.goto(f"/{language}/{path}")
        for label in labels:
            names = options(page, label)
            if path == "newsletter/":
                # The form's label carries its colon: "Votre région (facultatif) :".
                options_shown = page.get_by_label(label).locator("option").all_inner_texts()
                assert options_shown[0] == "Non précisée"  # nothing chosen for the reader
                names = options_shown[1:]
            check(f"/{language}/{path} {label}", names)

    french.goto("/fr/newsletter/")
    topics = french.locator("#id_topics label").all_inner_texts()
    check("/fr/newsletter/ topics", [t.strip() for t in topics if t.strip()])

    french.goto("/fr/members/condesan/")
    areas = french.locator("h2:text-is('Domaines de travail') + ul > li")
    by_kind = {}
    for item in areas.all_inner_texts():
        name, _, kind = item.rstrip(")").rpartition(" (")
        by_kind.setdefault(kind, []).append(name)
    assert len(by_kind.get("Domaine thématique", [])) >= 2, by_kind
    for kind, names in by_kind.items():
        check(f"/fr/members/condesan/ {kind}", names, least=1)

    assert not problems, "\n".join(problems)


def test_english_standing_in_for_a_translation_is_marked_and_noted(new_page, demo, screenshot):
    activity = Activity.objects.get(slug="andean-ecotourism-feasibility-study")
    activity.other_partners_fr = ""
    activity.save()
    funding = activity.funding.get()
    funding.funder_fr = ""
    funding.save()
    opportunity = FundingOpportunity.objects.get(slug="andean-rural-tourism-credit-line")
    opportunity.donor_es = ""
    opportunity.save()

    page = new_page(locale="fr-FR")
    page.goto(f"/fr/activities/{activity.slug}/")
    partners = page.locator("dt:text-is('Autres partenaires') + dd")
    assert "pas encore disponible en français" in partners.inner_text()
    assert partners.locator("[lang=en]").inner_text() == activity.other_partners_en
    funder = page.locator("main li", has_text="7 500").locator("[lang=en]")
    assert funder.inner_text() == "Mountain Partnership secretariat"
    screenshot(page, "reading-activity-fr-fallback")

    page.goto("/fr/events/andean-ecotourism-workshop-la-paz/")
    assert page.locator("dt:text-is('Langues') + dd").inner_text() == "espagnol, anglais"
    event = Event.objects.get(slug="andean-ecotourism-workshop-la-paz")
    event.languages_fr = ""
    event.save()
    page.goto("/fr/events/andean-ecotourism-workshop-la-paz/")
    languages = page.locator("dt:text-is('Langues') + dd")
    assert languages.get_attribute("lang") == "en" and languages.inner_text() == "Spanish, English"

    spanish = new_page(locale="es-ES")
    spanish.goto("/es/funding/")
    donor = spanish.locator("li", has_text="turismo rural").locator("[lang=en]")
    assert donor.inner_text() == "Andean Regional Development Bank"
    # Translated, it is the reader's language's own.
    spanish.goto(f"/es/activities/{activity.slug}/")
    partners = spanish.locator("dt:text-is('Otros socios') + dd")
    assert partners.inner_text().strip() == activity.other_partners_es
    assert partners.locator("[lang=en]").count() == 0


def test_search_results_name_a_consultation_in_the_language_of_the_result(new_page, demo):
    from insight.search import rebuild

    rebuild()
    consultation = Consultation.objects.get(slug="mountain-ecotourism")
    for language, query in [("fr", "écotourisme"), ("es", "ecoturismo")]:
        page = new_page(locale=language)
        page.goto(f"/{language}/search/?q={query}&kind=post")
        titles = {}
        for link in page.locator("ol.list > li > a").all():
            titles.setdefault(link.get_attribute("lang"), set()).add(link.inner_text())
        assert titles.get(language), (language, titles)
        question = getattr(consultation, f"question_{language}")
        assert question in titles[language], (language, titles)
        for hit_language, shown in titles.items():
            if hit_language != "en":
                assert consultation.question_en not in shown, (language, hit_language)


def test_funding_names_every_type_of_member_that_may_apply(new_page, demo):
    page = new_page()
    page.goto("/en/funding/")
    item = page.locator("li.card", has_text="rural tourism in the Andes")
    assert "Open to:" in item.inner_text()
    assert {"Government", "Major group"} <= set(item.locator(".tag").all_inner_texts())
    page.goto("/fr/funding/")
    item = page.locator("li.card", has_text="tourisme rural dans les Andes")
    assert f"Ouvert à{NNBSP}:" in item.inner_text()
    assert {"Gouvernement", "Grand groupe"} <= set(item.locator(".tag").all_inner_texts())


def test_dates_and_punctuation_read_as_each_language_writes_them(new_page, demo, screenshot):
    sent_edition()
    activity = "/activities/andean-ecotourism-feasibility-study/"
    page = new_page()
    page.goto(f"/en{activity}")
    text = page.locator("main").inner_text()
    assert "1 September 2005 – 31 December 2006" in text
    assert "September 1, 2005" not in text
    assert "30 Nov 2005" in text  # the workplan's short dates: the same order, no 11/30
    page.goto("/en/newsletter/")
    assert "April 2006" in page.locator("main").inner_text()

    french = new_page(locale="fr-FR")
    french.goto(f"/fr{activity}")
    text = french.locator("main").inner_text()
    assert "1er septembre 2005 – 31 décembre 2006" in text
    assert f"secrétariat{NNBSP}: Secrétariat du Partenariat de la montagne" in text
    assert f"31 octobre 2004{NNBSP}: Proposée" in text
    screenshot(french, "reading-activity-fr")
    french.goto("/fr/funding/")
    assert f"Date limite{NNBSP}: " in french.locator("main").inner_text()
    french.goto("/fr/search/?q=andes")
    assert f"«{NNBSP}andes{NNBSP}»" in french.locator("main").inner_text()

    spanish = new_page(locale="es-ES")
    spanish.goto("/es/newsletter/")
    assert "abril de 2006" in spanish.locator("main").inner_text()
    spanish.goto(f"/es{activity}")
    assert "1 de septiembre de 2005" in spanish.locator("main").inner_text()
