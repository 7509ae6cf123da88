"""Typologies on toy data: silhouette-chosen k, determinism, stable class numbers, refused
definitions, pages, labels and API; and the shipped analyses on the real region."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from territories.analyses import services as analysis_services
from territories.analyses import typologies
from territories.analyses.models import (
    CompositeResult,
    Typology,
    TypologyLabel,
    TypologyMembership,
    TypologyResult,
)
from territories.catalogue.models import Indicator, IndicatorValue
from territories.geography.models import Territory
from territories.pipeline import services as pipeline
from territories.pipeline.models import AggregateValue
from territories.pipeline.selectors import published_run_id

pytestmark = pytest.mark.django_db

# Three obvious groups on (share of 75+, unemployment rate): sizes 5, 4 and 3.
POINTS = {
    "98101": (10.0, 5.0),
    "98102": (10.5, 5.5),
    "98103": (9.5, 4.5),
    "98104": (10.2, 4.8),
    "98105": (9.8, 5.2),
    "98106": (30.0, 5.0),
    "98107": (30.5, 5.5),
    "98108": (29.5, 4.5),
    "98109": (30.2, 5.2),
    "98110": (20.0, 20.0),
    "98111": (20.5, 20.5),
    "98112": (19.5, 19.5),
}
GROUPS = [
    {"98101", "98102", "98103", "98104", "98105"},
    {"98106", "98107", "98108", "98109"},
    {"98110", "98111", "98112"},
]


def set_value(slug, code, value, period=2022):
    IndicatorValue.objects.update_or_create(
        indicator=Indicator.objects.get(slug=slug),
        territory=Territory.objects.get(level="commune", code=code),
        period=period,
        defaults={"value": value, "status": "ok"},
    )


@pytest.fixture
def toy(small_geography):
    geo = small_geography
    for code, (old, unemployed) in POINTS.items():
        Territory.objects.create(
            level="commune",
            code=code,
            name=f"Commune {code}",
            population=100,
            region=geo["region"],
            departement=geo["departement"],
            epci=geo["epci_a"],
        )
        set_value("part-75-plus", code, old)
        set_value("taux-chomage-15-64", code, unemployed)
    return geo


def variables():
    return [
        {"indicator": Indicator.objects.get(slug="part-75-plus"), "period": 2022},
        {"indicator": Indicator.objects.get(slug="taux-chomage-15-64"), "period": 2022},
    ]


def make(k=None, k_max=6, method="kmeans", slug="toy"):
    return analysis_services.typology_save(
        name="Typologie test",
        slug=slug,
        level="commune",
        method=method,
        k=k,
        k_max=k_max,
        seed=7,
        variables=variables(),
        request_recompute=False,
    )


def result_of(typology):
    return TypologyResult.objects.get(run_id=published_run_id(), typology=typology)


def classes_of(typology):
    return dict(
        TypologyMembership.objects.filter(result=result_of(typology)).values_list(
            "territory__code", "number"
        )
    )


def groups_of(memberships):
    groups = {}
    for code, number in memberships.items():
        groups.setdefault(number, set()).add(code)
    return sorted(groups.values(), key=len, reverse=True)


@pytest.mark.parametrize("method", ["kmeans", "ward"])
def test_silhouette_chooses_k_on_clustered_data(toy, method):
    typology = make(method=method)
    pipeline.recompute_now(reason="test")
    result = result_of(typology)
    assert result.error == ""
    assert result.k == 3
    assert set(result.silhouettes) == {"2", "3", "4", "5", "6"}
    assert result.silhouette == max(result.silhouettes.values()) == result.silhouettes["3"]
    # The five communes of the fixture have no value: excluded, and counted.
    assert result.excluded == 5
    memberships = classes_of(typology)
    assert groups_of(memberships) == GROUPS
    # Without an earlier run, classes are numbered by decreasing size.
    assert {memberships["98101"], memberships["98106"], memberships["98110"]} == {1, 2, 3}
    assert (memberships["98101"], memberships["98106"], memberships["98110"]) == (1, 2, 3)


def test_profiles_give_class_means_in_raw_units_against_all(toy):
    typology = make(k=3)
    pipeline.recompute_now(reason="test")
    profiles = result_of(typology).profiles
    assert [(p["number"], p["size"]) for p in profiles] == [(1, 5), (2, 4), (3, 3)]
    old_share = profiles[1]["means"][0]
    assert old_share["indicator"] == "part-75-plus"
    assert old_share["mean"] == pytest.approx((30.0 + 30.5 + 29.5 + 30.2) / 4)
    assert old_share["overall"] == pytest.approx(sum(p[0] for p in POINTS.values()) / 12)


def test_same_data_same_result(toy):
    typology = make()
    pipeline.recompute_now(reason="first")
    first = (classes_of(typology), result_of(typology).profiles, result_of(typology).silhouettes)
    pipeline.recompute_now(reason="second")
    second = (classes_of(typology), result_of(typology).profiles, result_of(typology).silhouettes)
    assert first == second


def test_class_numbers_follow_the_classes_when_the_data_change(toy):
    typology = make(k=3)
    pipeline.recompute_now(reason="first")
    before = classes_of(typology)
    TypologyLabel.objects.create(typology=typology, number=before["98106"], label="Âgées")
    # One commune of the largest group moves to the second: by size alone the two first
    # numbers would swap; matched on their centroids, they do not.
    set_value("part-75-plus", "98105", 29.8)
    pipeline.recompute_now(reason="second")
    after = classes_of(typology)
    assert after["98101"] == before["98101"] == 1
    assert after["98106"] == before["98106"] == 2
    assert after["98105"] == 2
    assert after["98110"] == before["98110"]
    profiles = {p["number"]: p for p in result_of(typology).profiles}
    assert profiles[2]["size"] == 5 and profiles[2]["label"] == "Âgées"


def test_number_classes_matches_previous_centroids():
    import numpy as np

    data = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0], [5.0, 5.1]])
    labels = np.array([0, 0, 1, 1, 1])
    previous = {4: np.array([0.0, 0.1]), 9: np.array([5.0, 5.0])}
    numbers = typologies.number_classes(labels=labels, data=data, previous=previous)
    assert numbers.tolist() == [4, 4, 9, 9, 9]
    # No previous run: numbered by decreasing size.
    numbers = typologies.number_classes(labels=labels, data=data, previous={})
    assert numbers.tolist() == [2, 2, 1, 1, 1]


def test_k_larger_than_the_territories_records_an_error(toy):
    typology = Typology.objects.create(name="Trop", slug="trop", level="commune", k=20)
    for variable in variables():
        typology.variables.create(**variable)
    pipeline.recompute_now(reason="test")
    result = result_of(typology)
    assert "20 classes" in result.error and "12 territories" in result.error
    assert not TypologyMembership.objects.filter(result=result).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"k": 1}, "au moins 2 classes"),
        ({"k": 13}, "seuls 12 territoires ont toutes les variables"),
        ({"variables": "one"}, "au moins 2 variables différentes"),
        ({"variables": "twice"}, "donnée deux fois"),
    ],
)
def test_bad_definitions_are_refused_and_nothing_is_saved(toy, changes, message):
    rows = variables()
    if changes.get("variables") == "one":
        rows = rows[:1]
    elif changes.get("variables") == "twice":
        rows = [rows[0], rows[0], rows[1]]
    with pytest.raises(ValidationError) as caught:
        analysis_services.typology_save(
            name="Mauvaise",
            slug="mauvaise",
            level="commune",
            method="kmeans",
            k=changes.get("k"),
            k_max=6,
            seed=1,
            variables=rows,
        )
    assert message in " ".join(caught.value.messages)
    assert not Typology.objects.exists()


def definition_post(k=""):
    post = {
        "name": "Typologie de l'analyste",
        "slug": "typo-analyste",
        "description": "",
        "level": "commune",
        "method": "kmeans",
        "k": str(k),
        "k_max": "5",
        "seed": "3",
        "variables-TOTAL_FORMS": "3",
        "variables-INITIAL_FORMS": "0",
        "variables-MIN_NUM_FORMS": "0",
        "variables-MAX_NUM_FORMS": "1000",
    }
    for number, slug in enumerate(["part-75-plus", "taux-chomage-15-64"]):
        post[f"variables-{number}-indicator"] = str(Indicator.objects.get(slug=slug).pk)
        post[f"variables-{number}-period"] = "2022"
    return post


@pytest.mark.parametrize(("persona", "status"), [("visitor", 302), ("member", 403)])
def test_only_analysts_define_typologies_and_labels(client, cast, toy, persona, status):
    typology = make()
    pipeline.recompute_now(reason="test")
    user = getattr(cast, persona)
    if user:
        client.force_login(user)
    url = reverse("analysis:typology_create")
    assert client.get(url).status_code == status
    assert client.post(url, definition_post()).status_code == status
    labels = reverse("analysis:typology_labels", args=[typology.slug])
    assert client.post(labels, {"class_1": "Jeunes"}).status_code == status
    assert Typology.objects.count() == 1 and not TypologyLabel.objects.exists()


def test_an_analyst_defines_a_typology_and_labels_its_classes(
    client, cast, toy, django_capture_on_commit_callbacks
):
    client.force_login(cast.analyst)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("analysis:typology_create"), definition_post())
    assert response.status_code == 302
    assert len(callbacks) == 1
    typology = Typology.objects.get(slug="typo-analyste")
    assert typology.k is None and typology.variables.count() == 2

    response = client.post(reverse("analysis:typology_create"), definition_post(k=40))
    assert response.status_code == 200
    assert Typology.objects.count() == 1

    edit = reverse("analysis:typology_edit", args=[typology.slug])
    assert client.get(edit).status_code == 200
    pipeline.recompute_now(reason="test")
    labels = reverse("analysis:typology_labels", args=[typology.slug])
    assert client.post(labels, {"class_1": "Communes jeunes", "class_2": ""}).status_code == 302
    assert dict(TypologyLabel.objects.values_list("number", "label")) == {1: "Communes jeunes"}
    page = client.get(reverse("analysis:typology_detail", args=[typology.slug]))
    assert "Communes jeunes" in page.content.decode()


def test_anyone_reads_a_typology_page_and_the_api(client, toy):
    typology = make()
    pipeline.recompute_now(reason="test")
    TypologyLabel.objects.create(typology=typology, number=3, label="Chômage élevé")
    page = client.get(reverse("analysis:typology_detail", args=[typology.slug]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Chômage élevé" in content
    assert Territory.objects.get(code="98110").get_absolute_url() in content
    assert client.get(reverse("analysis:typology_list")).status_code == 200
    body = client.get(f"/api/v1/typologies/{typology.slug}/").json()
    assert body["k"] == 3
    assert [c["size"] for c in body["classes"]] == [5, 4, 3]
    assert body["classes"][2]["label"] == "Chômage élevé"
    assert body["memberships"]["98110"] == 3 and len(body["memberships"]) == 12
    listing = client.get("/api/v1/typologies/").json()
    assert listing[0]["slug"] == typology.slug and "memberships" not in listing[0]


def test_the_shipped_analyses_on_the_real_region(monkeypatch):
    # Map layers take minutes on the whole region and are not what this test checks.
    from territories.maps import layers as maps

    monkeypatch.setattr(maps, "build_layers", lambda *, run_id: {})
    call_command("load_territories", no_recompute=True)
    call_command("load_analyses", no_recompute=True)
    call_command("load_analyses", no_recompute=True)  # idempotent
    pipeline.recompute_now(reason="test")
    run_id = published_run_id()
    index = Indicator.objects.get(slug="indice-fragilite-communes")
    assert "Niveau de vie médian" in index.definition
    assert (
        AggregateValue.objects.filter(
            run_id=run_id, indicator=index, territory__level="commune"
        ).count()
        > 1200
    )
    assert CompositeResult.objects.get(run_id=run_id, composite__indicator=index).error == ""
    result = TypologyResult.objects.get(run_id=run_id, typology__slug="typologie-communale")
    assert result.error == ""
    assert 2 <= result.k <= 7
    assert len(result.profiles) == result.k
    assert sum(p["size"] for p in result.profiles) > 1200
    assert set(result.silhouettes) == {str(k) for k in range(2, 8)}


def test_a_typology_being_computed_shows_the_progress_of_its_run(client, toy):
    from territories.pipeline.models import PipelineRun

    typology = make()
    run = PipelineRun.objects.create(reasons=["test"])
    html = client.get(reverse("analysis:typology_detail", args=[typology.slug])).content.decode()
    assert reverse("territories:run_status", args=[run.pk]) in html
    assert '<progress id="run-progress" max="100" value="0">' in html
