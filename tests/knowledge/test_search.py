"""Finding and reading the knowledge base: search (both engines), facets, territories,
visibility in search, feeds and API, PDF text, portrait section, préconisation page, demo."""

import io
from datetime import UTC, datetime
from xml.etree import ElementTree

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from jobs.models import Job
from portal.celery import app as celery_app
from portal.knowledge.choices import ResourceKind, ResourceStatus, Visibility
from portal.knowledge.models import Attachment, NarrativeStep, Preconisation, Resource, Theme
from portal.knowledge.reference.services import reference_preconisations_load
from portal.knowledge.search import selectors as search
from portal.knowledge.search.services import attachment_text_extract_later
from territories.models import Indicator

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def _reading_urls(settings):
    settings.ROOT_URLCONF = "tests.knowledge.reading_urls"


def make(title, summary, body="", *, kind=ResourceKind.STUDY, year=2024, **fields):
    links = {k: fields.pop(k, []) for k in ("themes", "preconisations", "territories")}
    resource = Resource.objects.create(
        kind=kind,
        title=title,
        slug=fields.pop("slug", None) or f"r-{Resource.objects.count() + 1}",
        summary=summary,
        body=body,
        body_html=f"<p>{body}</p>",
        search_text=body,
        status=fields.pop("status", ResourceStatus.PUBLISHED),
        visibility=fields.pop("visibility", Visibility.PUBLIC),
        published_at=datetime(year, 3, 1, tzinfo=UTC),
        **fields,
    )
    for name, values in links.items():
        getattr(resource, name).set(values)
    return resource


@pytest.fixture
def themes(db):
    return {
        slug: Theme.objects.create(slug=slug, name=name)
        for slug, name in [("isolement", "Isolement"), ("logement", "Logement")]
    }


@pytest.fixture
def corpus(db, themes):
    return {
        "practice": make(
            "Rompre l'isolement des personnes âgées",
            "Des visites de voisinage pour les personnes âgées isolées à domicile.",
            "Les bénévoles rendent visite chaque semaine aux aînés qui vivent seuls.",
            kind=ResourceKind.PRACTICE_SHEET,
            themes=[themes["isolement"]],
            year=2025,
        ),
        "energy": make(
            "La précarité énergétique des ménages",
            "Chauffage, factures et logement : une étude sur la précarité énergétique.",
            "Les ménages modestes renoncent à se chauffer.",
            themes=[themes["logement"]],
        ),
        "youth": make(
            "Les jeunes face à l'emploi",
            "Une synthèse sur l'insertion professionnelle des jeunes.",
            "Quelques personnes interrogées évoquent l'isolement après la fin des études.",
            kind=ResourceKind.SYNTHESIS,
        ),
        "rates": make(
            "Calcul des taux de chômage",
            "Une note technique sur les effectifs et les taux.",
            "Numérateurs et dénominateurs sont additionnés.",
            kind=ResourceKind.TECHNICAL_NOTE,
        ),
        "draft": make(
            "Brouillon sur la précarité",
            "Un brouillon sur la précarité à ne jamais montrer.",
            status=ResourceStatus.DRAFT,
        ),
        "members": make(
            "Précarité des familles monoparentales (réservé)",
            "Une étude sur la précarité réservée aux membres.",
            visibility=Visibility.MEMBERS,
        ),
    }


def titles(result):
    return [r.title for r in result.results]


def test_stems_differ_but_precaire_finds_precarite(corpus):
    result = search.search_resources(user=None, query="précaire")
    assert "La précarité énergétique des ménages" in titles(result)
    # Accents and case are ignored.
    assert titles(search.search_resources(user=None, query="PRECARITE")) == titles(result)


def test_the_practice_sheet_ranks_first_for_isolation_of_elderly_people(corpus):
    result = search.search_resources(user=None, query="isolement des personnes âgées")
    assert titles(result)[0] == "Rompre l'isolement des personnes âgées"
    # The synthesis mentions isolation and people only in its text: found, but after.
    assert "Les jeunes face à l'emploi" not in titles(result)[:1]


def test_only_readable_resources_appear_in_search(corpus, cast):
    visitor = search.search_resources(user=None, query="précarité")
    assert titles(visitor) == ["La précarité énergétique des ménages"]
    member = search.search_resources(user=cast.member, query="précarité")
    assert sorted(titles(member)) == [
        "La précarité énergétique des ménages",
        "Précarité des familles monoparentales (réservé)",
    ]
    assert all("Brouillon" not in t for t in titles(member))


def test_excerpts_mark_matches_and_escape_the_rest(db):
    make("Note", "Un <script>alert(1)</script> sur la précarité des jeunes.")
    result = search.search_resources(user=None, query="précaire")
    excerpt = str(result.results[0].excerpt)
    assert "<mark>précarité</mark>" in excerpt
    assert "&lt;script&gt;" in excerpt and "<script>" not in excerpt


def test_facets_count_and_filter(corpus, client, themes):
    result = search.search_resources(user=None, query="")
    kinds = {f["value"]: f["count"] for f in result.facets["type"]}
    assert kinds == {"practice_sheet": 1, "study": 1, "synthesis": 1, "technical_note": 1}
    assert {f["value"]: f["count"] for f in result.facets["theme"]} == {
        "isolement": 1,
        "logement": 1,
    }
    assert {f["value"]: f["count"] for f in result.facets["annee"]} == {2025: 1, 2024: 3}
    page = client.get(reverse("knowledge:search"), {"q": "isolement", "theme": "isolement"})
    assert page.status_code == 200
    assert page.context["result"].total == 1
    assert b"Rompre l&#x27;isolement des personnes \xc3\xa2g\xc3\xa9es" in page.content
    by_year = client.get(reverse("knowledge:search"), {"annee": "2025"})
    assert by_year.context["result"].total == 1
    by_kind = client.get(reverse("knowledge:search"), {"type": "technical_note"})
    assert titles(by_kind.context["result"]) == ["Calcul des taux de chômage"]


def test_a_territory_filter_reaches_parents_and_children(small_geography):
    geo = small_geography
    on_epci = make("Action intercommunale", "Une action.", territories=[geo["epci_a"]])
    on_region = make("Plan régional", "Un plan.", territories=[geo["region"]])
    make("Autre EPCI", "Ailleurs.", territories=[geo["epci_b"]])

    def found(value):
        filters = search.Filters.from_params({"territoire": value})
        return set(titles(search.search_resources(user=None, filters=filters)))

    assert found("commune/98001") == {on_epci.title, on_region.title}
    assert on_epci.title in found("departement/98")
    assert found("commune/98004") == {"Autre EPCI", on_region.title}
    assert on_epci.title in found("98001")  # a bare code


def test_every_facet_and_the_pages_come_from_one_ranking(small_geography, themes):
    """Facets count each matching resource once per value; pages follow one another."""
    reference_preconisations_load()
    geo = small_geography
    first, second = Preconisation.objects.filter(number__in=[1, 2]).order_by("number")
    for number in range(25):
        make(
            f"Précarité {number:02}",
            "Une étude sur la précarité." if number % 2 else "Un regard.",
            body="précarité" if number % 2 == 0 else "",
            year=2020 + number % 3,
            themes=[themes["logement"]] if number < 10 else [],
            preconisations=[first, second] if number < 4 else [second],
            territories=[geo["epci_a"], geo["98001"]] if number < 3 else [],
        )
    make("Hors sujet", "Rien à voir.", themes=[themes["isolement"]])
    result = search.search_resources(user=None, query="précaire", limit=10)
    assert result.total == 25
    facets = {name: {f["value"]: f["count"] for f in rows} for name, rows in result.facets.items()}
    assert facets["type"] == {"study": 25}
    assert facets["theme"] == {"logement": 10}
    assert facets["preconisation"] == {1: 4, 2: 25}
    assert facets["territoire"] == {"epci/200000001": 3, "commune/98001": 3}
    assert facets["annee"] == {2020: 9, 2021: 8, 2022: 8}
    labels = [f["label"] for f in result.facets["preconisation"]]
    assert labels[0].startswith("1. ")
    pages = [
        titles(search.search_resources(user=None, query="précaire", limit=10, offset=offset))
        for offset in (0, 10, 20)
    ]
    everything = [title for page in pages for title in page]
    assert len(everything) == 25 == len(set(everything))
    # Summaries mentioning the word (score 2) come before bodies only (score 1).
    assert all(int(title[-2:]) % 2 for title in pages[0])


def test_no_match_gives_no_facets(corpus):
    result = search.search_resources(user=None, query="zzzzzz")
    assert result.total == 0 and result.results == []
    assert all(rows == [] for rows in result.facets.values())


def test_visibility_in_feed_and_api(corpus, client, cast):
    feed = ElementTree.fromstring(client.get(reverse("knowledge:feed")).content)
    feed_titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert "La précarité énergétique des ménages" in feed_titles
    assert not any("réservé" in t or "Brouillon" in t for t in feed_titles)

    api = client.get("/api/v1/resources/").json()
    api_titles = [r["title"] for r in api["results"]]
    assert len(api_titles) == 4 and not any("réservé" in t for t in api_titles)
    assert client.get(f"/api/v1/resources/{corpus['members'].slug}/").status_code == 404
    client.force_login(cast.member)
    api_titles = [r["title"] for r in client.get("/api/v1/resources/").json()["results"]]
    assert "Précarité des familles monoparentales (réservé)" in api_titles
    assert not any("Brouillon" in t for t in api_titles)
    # Feeds are public: a logged-in reader does not get members-only entries there either.
    feed = client.get(reverse("knowledge:feed")).content.decode()
    assert "réservé" not in feed


def test_theme_and_preconisation_feeds_parse(corpus, client, themes):
    reference_preconisations_load()
    corpus["energy"].preconisations.set([Preconisation.objects.get(number=3)])
    theme = ElementTree.fromstring(
        client.get(reverse("knowledge:feed_theme", args=["isolement"])).content
    )
    assert [e.findtext(f"{ATOM}title") for e in theme.iter(f"{ATOM}entry")] == [
        "Rompre l'isolement des personnes âgées"
    ]
    precos = ElementTree.fromstring(
        client.get(reverse("knowledge:feed_preconisation", args=[3])).content
    )
    entries = list(precos.iter(f"{ATOM}entry"))
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["La précarité énergétique des ménages"]
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link.endswith(corpus["energy"].get_absolute_url())
    assert client.get(reverse("knowledge:feed_theme", args=["inconnu"])).status_code == 404


def minimal_pdf(text):
    """A one-page PDF with a line of text, written by hand (no font embedding needed)."""
    stream = f"BT /F1 12 Tf 50 700 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def test_pdf_text_is_extracted_in_the_background_and_searchable(
    db, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(celery_app.conf, "task_always_eager", True)
    resource = make("Rapport annuel", "Un rapport.", "Le texte du rapport.")
    data = minimal_pdf("Les tiers-lieux rompent la solitude des habitants")
    attachment = Attachment(
        resource=resource,
        original_name="annexe.pdf",
        content_type="application/pdf",
        size=len(data),
    )
    attachment.file.save("annexe.pdf", ContentFile(data), save=False)
    attachment.save()
    assert search.search_resources(user=None, query="solitude").total == 0
    with django_capture_on_commit_callbacks(execute=True):
        job = attachment_text_extract_later(attachment=attachment)
    job.refresh_from_db()
    assert job.state == "succeeded", job.error
    attachment.refresh_from_db()
    assert "tiers-lieux" in attachment.extracted_text
    resource.refresh_from_db()
    assert "Le texte du rapport." in resource.search_text
    assert titles(search.search_resources(user=None, query="solitudes")) == ["Rapport annuel"]
    assert Job.objects.filter(kind="knowledge.extract_attachment_text").count() == 1


def test_portrait_section_lists_resources_of_the_territory_and_its_parents(
    small_geography, client, cast
):
    geo = small_geography
    make("Action intercommunale", "Une action.", territories=[geo["epci_a"]])
    make("Plan régional", "Un plan.", territories=[geo["region"]])
    make("Autre EPCI", "Ailleurs.", territories=[geo["epci_b"]])
    make("Réservé ici", "Membres.", territories=[geo["98001"]], visibility=Visibility.MEMBERS)
    page = client.get(geo["98001"].get_absolute_url()).content.decode()
    assert "Action intercommunale" in page and "Plan régional" in page
    assert "Autre EPCI" not in page and "Réservé ici" not in page
    client.force_login(cast.member)
    assert "Réservé ici" in client.get(geo["98001"].get_absolute_url()).content.decode()
    epci_page = client.get(geo["epci_a"].get_absolute_url()).content.decode()
    assert "Plan régional" in epci_page and "Réservé ici" not in epci_page


def test_preconisation_page_lists_its_resources_and_indicators(corpus, client, catalogue):
    reference_preconisations_load()
    preconisation = Preconisation.objects.get(number=11)
    corpus["practice"].preconisations.set([preconisation])
    corpus["practice"].indicators.set([Indicator.objects.get(slug="taux-pauvrete")])
    corpus["members"].preconisations.set([preconisation])
    page = client.get(preconisation.get_absolute_url()).content.decode()
    assert "Rompre l&#x27;isolement des personnes âgées" in page
    assert Indicator.objects.get(slug="taux-pauvrete").name in page
    assert "réservé" not in page


def test_demo_loader_is_idempotent(db, catalogue):
    reference_preconisations_load()
    call_command("load_demo_resources", stdout=io.StringIO())
    call_command("load_demo_resources", stdout=io.StringIO())
    demo = Resource.objects.filter(is_demo=True)
    assert demo.count() == 4
    assert all(r.status == ResourceStatus.PUBLISHED for r in demo)
    ceser = demo.get(slug="ceser-cohesion-sociale-prevention-2024")
    assert ceser.preconisations.count() == 13
    assert ceser.territories.count() == 0  # the région is not loaded here: skipped
    assert NarrativeStep.objects.filter(resource__slug="demo-recit-chomage-pauvrete").count() == 3
    assert search.search_resources(user=None, query="précaire").total >= 1


def test_narrative_page_lists_steps_and_refuses_other_kinds(db, client, corpus):
    story = make("Récit", "Un récit.", kind=ResourceKind.NARRATIVE_MAP)
    NarrativeStep.objects.create(
        resource=story,
        position=1,
        title="Première étape",
        text="Texte",
        text_html="<p>Texte</p>",
        map_state="/carte/?indicateur=taux-chomage-15-64&niveau=epci&periode=2022",
    )
    page = client.get(reverse("knowledge:narrative", args=[story.slug]))
    assert page.status_code == 200 and "Première étape" in page.content.decode()
    other = client.get(reverse("knowledge:narrative", args=[corpus["energy"].slug]))
    assert other.status_code == 404
    hidden = client.get(reverse("knowledge:narrative", args=[corpus["members"].slug]))
    assert hidden.status_code == 404


def test_search_page_query_count_does_not_grow_with_results(
    corpus, client, django_assert_max_num_queries
):
    for number in range(15):
        make(f"Précarité {number}", "Une étude sur la précarité.", slug=f"extra-{number}")
    with django_assert_max_num_queries(12):
        page = client.get(reverse("knowledge:search"), {"q": "précarité", "type": "study"})
    assert page.context["result"].total == 16


@pytest.mark.parametrize("query", ["impayés", "impayes", "IMPAYÉS d'énergie"])
def test_words_are_stemmed_without_their_accents_on_both_engines(db, query):
    """PostgreSQL stems unaccented text; the query's keys must be stemmed the same way
    (« impayés » once gave « impai » in Python and « impay » in PostgreSQL)."""
    make("Les impayés d’énergie", "Repérer tôt les ménages en difficulté.")
    assert titles(search.search_resources(user=None, query=query)) == ["Les impayés d’énergie"]
