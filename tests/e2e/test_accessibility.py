"""Automated accessibility checks (axe-core, WCAG 2.1 A and AA rules) on the main pages.

Automated rules catch only part of what RGAA asks; they guard against regressions (missing
labels, contrast, landmarks, names of links and buttons)."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from portal.committees.models import Committee
from portal.knowledge.reference.services import reference_preconisations_load
from territories.pipeline import services as pipeline
from tests.territories.pipeline.test_pipeline import put

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture
def site(small_geography):
    import shapely

    reference_preconisations_load()
    put(
        small_geography,
        "taux-chomage-15-64",
        {"98001": 10, "98002": 12, "98003": 20, "98004": 11, "98005": 9},
    )
    for index, code in enumerate(["98001", "98002", "98003", "98004", "98005"]):
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


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/preconisations/",
        "/preconisations/12/",
        "/compte/login/",
        "/compte/signup/",
        "/organisations/",
        "/territoires/?q=a",
        "/territoires/commune/98003/",
        "/indicateurs/",
        "/indicateurs/taux-pauvrete/",
        "/carte/?indicateur=taux-chomage-15-64&niveau=commune",
        "/territoires/signaux/",
        "/analyses/indices/",
        "/analyses/typologies/",
        "/territoires/comparer/?t=98001&t=98002",
        "/comites/",
        "/comites/comite-test/",
    ],
)
def test_pages_pass_the_automated_wcag_rules(page, site, path):
    page.goto(path)
    if path.startswith("/carte/"):
        page.locator(".explorer[data-ready='true']").wait_for()
        # With the side panel open on a territory.
        page.locator("path.leaflet-interactive").first.click()
        page.locator(".explorer-panel[data-territory]").wait_for()
    results = Axe().run(page, options=WCAG)
    serious = [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
