"""Automated accessibility checks (axe-core, WCAG 2.1 A and AA rules) on the key pages of
every part, anonymous and logged in, forms submitted with errors included; each page is also
read at 320 px wide (WCAG 1.4.10, reflow); the crossed indicators are used with the keyboard
alone through their table.

Automated rules catch only part of what RGAA asks; they guard against regressions (missing
labels, contrast, landmarks, names of links and buttons). The pages are visited in a loop,
one browser context each for the visitor and the member, to keep the run short."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from portal.committees.choices import MeetingVisibility
from portal.committees.forums.services import thread_create
from portal.committees.meetings.models import Meeting
from portal.committees.models import Committee, CommitteeMembership
from portal.knowledge.models import Theme
from portal.knowledge.reference.services import reference_preconisations_load
from territories.pipeline import services as pipeline
from tests.e2e.test_accounts import log_in
from tests.e2e.test_reading import publish
from tests.observatory import conftest as observatory
from tests.observatory.benchmark import conftest as benchmark
from tests.territories.pipeline.test_pipeline import put

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
NARROW = {"width": 320, "height": 640}
WIDE = {"width": 1280, "height": 720}
ERRORS = "main :is(.errorlist, .form-errors, .field-error)"

# The observatory's and its benchmark's fixtures, for these tests outside their folders.
reference = observatory.reference
establishments = observatory.establishments
benchmark_campaign = benchmark.benchmark_campaign
peers = benchmark.peers
computed = benchmark.computed
campaign = observatory.campaign
returns = observatory.returns


@pytest.fixture
def site(small_geography):
    import shapely

    reference_preconisations_load()
    codes = ["98001", "98002", "98003", "98004", "98005"]
    put(small_geography, "taux-chomage-15-64", dict(zip(codes, [10, 12, 20, 11, 9])))
    put(small_geography, "taux-pauvrete", dict(zip(codes, [14, 15, 25, 13, 12])))
    for index, code in enumerate(codes):
        territory = small_geography[code]
        territory.geometry = shapely.geometry.mapping(
            shapely.box(index * 0.1, 47, index * 0.1 + 0.1, 47.1)
        )
        territory.save()
    pipeline.recompute_now(reason="test")
    Committee.objects.create(
        name="Comité test",
        slug="comite-test",
        description="Un comité.",
        territory=small_geography["departement"],
    )
    return small_geography


@pytest.fixture
def portal(site, cast):
    """The site with a resource, a committee's thread and an upcoming public meeting."""
    isolation = Theme.objects.create(slug="isolement", name="Isolement")
    publish(
        "Rompre l'isolement des personnes âgées",
        "Des visites de voisinage pour les personnes âgées isolées.",
        slug="isolement-agees",
        themes=[isolation],
    )
    committee = Committee.objects.get(slug="comite-test")
    CommitteeMembership.objects.create(committee=committee, user=cast.member)
    thread = thread_create(
        user=cast.member,
        committee=committee,
        title="Aide alimentaire l'été",
        body="Qui reste ouvert ?",
    )
    start = timezone.now() + timedelta(days=10)
    meeting = Meeting.objects.create(
        committee=committee,
        title="Rencontre sur la mobilité",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        address="Maison des associations, Le Mans",
        visibility=MeetingVisibility.PUBLIC,
    )
    return {"thread": thread.pk, "meeting": meeting.pk}


def serious_violations(page):
    results = Axe().run(page, options=WCAG)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def narrow_problems(page):
    """At 320 px, the page scrolls only vertically (wide tables in their own frames), its
    heading shows and the rules still pass (the menu folded behind its button)."""
    page.set_viewport_size(NARROW)
    problems = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > NARROW["width"] + 1:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > 321
                    && !e.closest('.table-scroll'))
                .slice(-3).map(e => e.tagName + '.' + e.className)"""
        )
        problems.append(f"{width} px wide at 320 px ({wide})")
    if not page.locator("h1").first.is_visible():
        problems.append("no visible main heading at 320 px")
    problems += [f"at 320 px, {violation}" for violation in serious_violations(page)]
    page.set_viewport_size(WIDE)
    return problems


def check(page, path, found):
    problems = serious_violations(page) + narrow_problems(page)
    if problems:
        found[path] = problems


ANONYMOUS = [
    "/",
    "/preconisations/",
    "/preconisations/12/",
    "/ressources/recherche/?q=isolement",
    "/ressources/recherche/?q=isolement&theme=isolement",
    "/ressources/isolement-agees/",
    "/territoires/?q=a",
    "/territoires/commune/98003/",
    "/territoires/epci/200000001/",
    "/territoires/comparer/?t=98001&t=98002",
    "/indicateurs/",
    "/indicateurs/taux-pauvrete/",
    "/carte/?indicateur=taux-chomage-15-64&niveau=commune",
    "/carte/croiser/?x=taux-chomage-15-64&y=taux-pauvrete&niveau=commune",
    "/territoires/signaux/",
    "/analyses/indices/",
    "/analyses/typologies/",
    "/comites/",
    "/comites/comite-test/",
    "/comites/comite-test/forum/",
    "/comites/comite-test/sujets/{thread}/",
    "/rencontres/",
    "/rencontres/{meeting}/",
    "/observatoire/",
    "/observatoire/metiers/",
    "/organisations/",
    "/compte/login/",
    "/compte/signup/",
]

MEMBER = [
    "/",
    "/compte/profil/",
    "/compte/profil/modifier/",
    "/notifications/",
    "/notifications/preferences/",
    "/ressources/nouvelle/",
    "/ressources/mes-ressources/",
    "/comites/comite-test/",
    "/comites/comite-test/forum/",
    "/comites/comite-test/forum/nouveau/",
    "/comites/comite-test/sujets/{thread}/",
    "/rencontres/{meeting}/",
    "/observatoire/mes-declarations/",
    "/observatoire/comparaison/{organisation}/",
    "/organisations/{organisation}/",
    "/territoires/commune/98003/",
]


def visit(page, path):
    response = page.goto(path)
    assert response.status < 400, path
    if path.startswith("/carte/?"):
        page.locator(".explorer[data-ready='true']").wait_for()
        # With the side panel open on a territory.
        page.locator("path.leaflet-interactive").first.click()
        page.locator(".explorer-panel[data-territory]").wait_for()


def submit_without_browser_checks(page, form):
    """Submit as a browser without constraint validation would: the server's errors show."""
    page.evaluate("document.querySelectorAll('form').forEach(f => f.noValidate = true)")
    page.locator(form).locator("button[type=submit]").last.click()
    page.locator(ERRORS).first.wait_for()


def test_key_pages_anonymous_and_forms_with_errors(page, portal):
    found = {}
    for path in ANONYMOUS:
        visit(page, path.format(**portal))
        check(page, path, found)

    page.goto("/compte/login/")
    page.get_by_label("Courriel").fill("personne@exemple.test")
    page.get_by_label("Mot de passe :", exact=True).fill("pas le bon")
    page.get_by_role("button", name="Connexion").click()
    page.locator(ERRORS).first.wait_for()
    check(page, "login with a wrong password", found)

    page.goto("/compte/signup/")
    page.locator("main form [name=email]").fill("pas-un-courriel")
    submit_without_browser_checks(page, "main form")
    check(page, "sign-up with bad input", found)
    assert found == {}


def test_key_pages_logged_in_and_forms_with_errors(
    page, portal, cast, computed, organisation, returns
):
    log_in(page, cast.member.email)
    found = {}
    for path in MEMBER:
        visit(page, path.format(organisation=organisation.slug, **portal))
        check(page, path, found)

    page.goto("/ressources/nouvelle/")
    submit_without_browser_checks(page, "main form")
    check(page, "an empty resource submission", found)

    page.goto("/comites/comite-test/forum/nouveau/")
    submit_without_browser_checks(page, "main form")
    check(page, "an empty forum post", found)

    page.goto(returns.home.get_absolute_url() + "saisie/")
    page.get_by_label("Ajouter un métier").select_option(label="Éducateur spécialisé")
    page.get_by_role("button", name="Ajouter le métier").click()
    page.locator("[name=educateur-specialise-posts_budgeted]").fill("13")
    page.locator("[name=educateur-specialise-vacant_posts]").fill("20")
    page.get_by_role("button", name="Enregistrer").click()
    page.locator("#id_educateur-specialise-vacant_posts_messages .finding").first.wait_for()
    check(page, "an observatory return with an inconsistent figure", found)
    assert found == {}


def tab_to(page, test, limit=60):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(test):
            return
    raise AssertionError(f"{test} is not reached with Tab")


def choose(page, value):
    """Pick an option of the focused select with the arrow keys."""
    page.keyboard.press("Home")
    for _ in range(60):
        if page.evaluate("document.activeElement.value") == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{value} is not reached with the arrow keys")


def test_crossed_indicators_by_keyboard_alone_through_their_table(page, site):
    """Choose two indicators and a level, cross them, read the table, reach a portrait."""
    page.goto("/carte/croiser/")
    tab_to(page, "document.activeElement.id === 'id_x'")
    choose(page, "taux-chomage-15-64")
    tab_to(page, "document.activeElement.id === 'id_y'")
    choose(page, "taux-pauvrete")
    tab_to(page, "document.activeElement.id === 'id_niveau'")
    choose(page, "commune")
    tab_to(page, "document.activeElement.matches('.crossed-controls button[type=submit]')")
    page.keyboard.press("Enter")
    page.locator(".crossed-table").wait_for()
    assert "x=taux-chomage-15-64" in page.url and "y=taux-pauvrete" in page.url

    # Past the plot, the first link of the table leads to the territory's portrait.
    rows = page.locator(".crossed-table tbody tr")
    assert rows.count() == 5
    name = rows.first.locator("a").first.inner_text()
    tab_to(page, "!!document.activeElement.closest('.crossed-table tbody')", limit=120)
    assert page.evaluate("document.activeElement.textContent") == name
    page.keyboard.press("Enter")
    page.wait_for_url("**/territoires/commune/**")
    assert name in page.locator("h1").inner_text()
    assert page.console_errors == []
