"""Composite indexes on small hand-checked data: normalisations, reversed components,
weights, excluded territories, rank sensitivity, refused definitions, pages and API."""

import math

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from territories.analyses import composites
from territories.analyses import services as analysis_services
from territories.analyses.models import CompositeIndex, CompositeResult
from territories.catalogue.models import Indicator, IndicatorValue
from territories.pipeline import services as pipeline
from territories.pipeline.models import AggregateValue, PipelineRun
from territories.pipeline.selectors import published_run_id

pytestmark = pytest.mark.django_db

CODES = ["98001", "98002", "98003", "98004"]


def put(geo, slug, values, period):
    indicator = Indicator.objects.get(slug=slug)
    for code, value in values.items():
        IndicatorValue.objects.create(
            indicator=indicator,
            territory=geo[code],
            period=period,
            value=value,
            status="ok" if value is not None else "secret",
        )


@pytest.fixture
def data(small_geography):
    geo = small_geography
    # Unemployment is secret in 98005: that commune is left out of any index using it.
    put(
        geo,
        "taux-chomage-15-64",
        {"98001": 10, "98002": 20, "98003": 30, "98004": 40, "98005": None},
        2022,
    )
    put(
        geo,
        "niveau-vie-median",
        {"98001": 20000, "98002": 22000, "98003": 18000, "98004": 20000, "98005": 25000},
        2021,
    )
    return geo


def components(weights=(2, 1), reverse_income=True):
    return [
        {
            "indicator": Indicator.objects.get(slug="taux-chomage-15-64"),
            "period": 2022,
            "weight": weights[0],
            "reverse": False,
        },
        {
            "indicator": Indicator.objects.get(slug="niveau-vie-median"),
            "period": 2021,
            "weight": weights[1],
            "reverse": reverse_income,
        },
    ]


def make(normalisation="zscore", weights=(2, 1), reverse_income=True, name="Indice test"):
    return analysis_services.composite_save(
        name=name,
        level="commune",
        period=2022,
        normalisation=normalisation,
        components=components(weights, reverse_income),
        request_recompute=False,
    )


def index_values(composite):
    return {
        value.territory.code: value.value
        for value in AggregateValue.objects.filter(
            run_id=published_run_id(), indicator=composite.indicator
        ).select_related("territory")
    }


def test_zscore_index_by_hand_with_a_reversed_component_and_weights(data):
    composite = make()
    pipeline.recompute_now(reason="test")
    # Unemployment 10, 20, 30, 40: mean 25, population standard deviation √125.
    unemployment = [(v - 25) / math.sqrt(125) for v in (10, 20, 30, 40)]
    # Income reversed: −20000, −22000, −18000, −20000: mean −20000, deviation √2,000,000.
    income = [(-v + 20000) / math.sqrt(2_000_000) for v in (20000, 22000, 18000, 20000)]
    expected = {
        code: (2 * u + 1 * i) / 3 for code, u, i in zip(CODES, unemployment, income, strict=True)
    }
    values = index_values(composite)
    assert values.keys() == expected.keys()  # 98005 has no unemployment rate
    for code, value in expected.items():
        assert values[code] == pytest.approx(value)
    result = CompositeResult.objects.get(run_id=published_run_id(), composite=composite)
    assert (result.territories, result.excluded, result.error) == (4, 1, "")
    row = AggregateValue.objects.get(
        run_id=published_run_id(), indicator=composite.indicator, territory=data["98004"]
    )
    assert (row.status, row.coverage, row.members, row.members_known) == ("ok", 1.0, 1, 1)
    assert row.period == 2022


@pytest.mark.parametrize("normalisation", ["minmax", "rank"])
def test_minmax_and_rank_between_zero_and_one(data, normalisation):
    composite = make(normalisation=normalisation, weights=(1, 3))
    pipeline.recompute_now(reason="test")
    # Both give 0, 1/3, 2/3, 1 for unemployment and 0.5, 0, 1, 0.5 for reversed income
    # (the two tied incomes share the middle rank).
    unemployment = [0, 1 / 3, 2 / 3, 1]
    income = [0.5, 0, 1, 0.5]
    values = index_values(composite)
    for code, u, i in zip(CODES, unemployment, income, strict=True):
        assert values[code] == pytest.approx((u + 3 * i) / 4)


def test_without_reverse_a_higher_income_counts_as_more_fragile(data):
    reversed_ = make(name="Revenu à l'envers")
    straight = make(name="Revenu à l'endroit", reverse_income=False)
    pipeline.recompute_now(reason="test")
    # Only the income term changes sign: 98003 (lowest income) gains in the reversed index.
    assert index_values(reversed_)["98003"] > index_values(straight)["98003"]
    assert index_values(reversed_)["98002"] < index_values(straight)["98002"]


def test_sensitivity_of_ranks_to_each_weight(data):
    composite = make()
    pipeline.recompute_now(reason="test")
    sensitivity = CompositeResult.objects.get(
        run_id=published_run_id(), composite=composite
    ).sensitivity
    unemployment, income = sensitivity["components"]
    # Ranks with weights 2, 1: 98004, 98003, 98002, 98001. Halving unemployment gives
    # 98003, 98004, 98001, 98002: every commune moves one place; doubling it changes nothing.
    assert unemployment["halved"] == {"mean": 1.0, "max": 1.0}
    assert unemployment["doubled"] == {"mean": 0.0, "max": 0.0}
    # Doubling income gives the same order as halving unemployment; halving it, none.
    assert income["halved"] == {"mean": 0.0, "max": 0.0}
    assert income["doubled"] == {"mean": 1.0, "max": 1.0}
    movers = sensitivity["movers"]
    assert {m["code"] for m in movers} == set(CODES)
    assert all(m["change"] == 1 for m in movers)
    assert movers[0] == {
        "code": "98004",
        "name": "Dampierre",
        "rank": 1,
        "change": 1,
        "component": "taux-chomage-15-64",
        "variation": "halved",
    }


def test_computing_a_run_again_replaces_its_own_rows(data):
    composite = make()
    run = pipeline.recompute_now(reason="test")
    assert composites.compute(run_id=run.pk) == {"composites": 1, "values": 4}
    assert CompositeResult.objects.filter(run=run).count() == 1
    assert AggregateValue.objects.filter(run=run, indicator=composite.indicator).count() == 4


def test_a_composite_that_cannot_be_computed_records_an_error(data):
    composite = make()
    IndicatorValue.objects.filter(indicator__slug="niveau-vie-median").delete()
    pipeline.recompute_now(reason="test")
    result = CompositeResult.objects.get(run_id=published_run_id(), composite=composite)
    assert "No territory" in result.error
    assert not AggregateValue.objects.filter(indicator=composite.indicator).exists()


def test_the_indicator_sheet_states_the_method(data):
    composite = make()
    indicator = composite.indicator
    assert (indicator.aggregation, indicator.unit, indicator.theme) == (
        "none",
        "indice",
        "Indices composites",
    )
    assert indicator.polarity == "higher_worse"
    assert "Taux de chômage" in indicator.definition
    assert "poids 2" in indicator.definition and "à l'envers" in indicator.definition
    assert "centrée-réduite" in indicator.definition


def assert_nothing_saved():
    assert not CompositeIndex.objects.exists()
    assert not Indicator.objects.filter(theme="Indices composites").exists()
    assert not PipelineRun.objects.exists()


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([], "au moins une composante"),
        ("zero", "Les poids font zéro"),
        ("twice", "deux fois une composante"),
        ("sparse", "connu que pour 2 des 5"),
    ],
)
def test_bad_definitions_are_refused_and_nothing_is_saved(data, rows, message):
    if rows == "zero":
        rows = components(weights=(0, 0))
    elif rows == "twice":
        rows = [components()[0], components()[0]]
    elif rows == "sparse":
        put(data, "taux-pauvrete", {"98001": 12.0, "98002": 14.0}, 2021)
        rows = [
            components()[0],
            {
                "indicator": Indicator.objects.get(slug="taux-pauvrete"),
                "period": 2021,
                "weight": 1,
                "reverse": False,
            },
        ]
    with pytest.raises(ValidationError) as caught:
        analysis_services.composite_save(
            name="Mauvais", level="commune", period=2022, normalisation="zscore", components=rows
        )
    assert message in " ".join(caught.value.messages)
    assert_nothing_saved()


def builder_post(rows):
    post = {
        "name": "Indice de l'analyste",
        "level": "commune",
        "period": "2022",
        "normalisation": "zscore",
        "polarity": "higher_worse",
        "components-TOTAL_FORMS": "3",
        "components-INITIAL_FORMS": "0",
        "components-MIN_NUM_FORMS": "0",
        "components-MAX_NUM_FORMS": "1000",
    }
    for number, row in enumerate(rows):
        post[f"components-{number}-indicator"] = str(Indicator.objects.get(slug=row["slug"]).pk)
        post[f"components-{number}-period"] = str(row["period"])
        post[f"components-{number}-weight"] = str(row["weight"])
        if row.get("reverse"):
            post[f"components-{number}-reverse"] = "on"
    return post


GOOD = [
    {"slug": "taux-chomage-15-64", "period": 2022, "weight": 1},
    {"slug": "niveau-vie-median", "period": 2021, "weight": 1, "reverse": True},
]


@pytest.mark.parametrize(("persona", "status"), [("visitor", 302), ("member", 403)])
def test_only_analysts_build_indexes(client, cast, data, persona, status):
    user = getattr(cast, persona)
    if user:
        client.force_login(user)
    url = reverse("analysis:composite_create")
    assert client.get(url).status_code == status
    assert client.post(url, builder_post(GOOD)).status_code == status
    assert_nothing_saved()


def test_an_analyst_builds_an_index_and_a_recompute_is_requested(
    client, cast, data, django_capture_on_commit_callbacks
):
    client.force_login(cast.analyst)
    assert client.get(reverse("analysis:composite_create")).status_code == 200
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("analysis:composite_create"), builder_post(GOOD))
    composite = CompositeIndex.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("analysis:composite_detail", args=[composite.indicator.slug])
    assert len(callbacks) == 1
    assert [(c.indicator.slug, c.weight, c.reverse) for c in composite.components.all()] == [
        ("taux-chomage-15-64", 1.0, False),
        ("niveau-vie-median", 1.0, True),
    ]
    edit = reverse("analysis:composite_edit", args=[composite.indicator.slug])
    assert client.get(edit).status_code == 200
    post = builder_post([{**GOOD[0], "weight": 3}, GOOD[1]])
    with django_capture_on_commit_callbacks(execute=False):
        assert client.post(edit, post).status_code == 302
    assert CompositeIndex.objects.count() == 1
    assert composite.components.get(indicator__slug="taux-chomage-15-64").weight == 3.0


def test_the_builder_shows_each_problem_as_a_form_error(client, cast, data):
    client.force_login(cast.analyst)
    rows = [{**GOOD[0], "weight": 0}, {**GOOD[0], "weight": 0}]
    response = client.post(reverse("analysis:composite_create"), builder_post(rows))
    assert response.status_code == 200
    content = response.content.decode()
    assert "is a component twice" in content or "est deux fois" in content
    assert_nothing_saved()


def test_anyone_reads_an_index_page_and_the_api(client, data):
    composite = make()
    pipeline.recompute_now(reason="test")
    slug = composite.indicator.slug
    response = client.get(reverse("analysis:composite_detail", args=[slug]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Dampierre" in content and composite.indicator.get_absolute_url() in content
    assert client.get(reverse("analysis:composite_list")).status_code == 200
    body = client.get(f"/api/v1/composites/{slug}/").json()
    assert [c["indicator"] for c in body["components"]] == [
        "taux-chomage-15-64",
        "niveau-vie-median",
    ]
    assert body["result"]["territories"] == 4
    assert body["result"]["sensitivity"]["components"][0]["halved"]["max"] == 1.0


def test_the_page_names_the_component_that_moves_a_territory(client, data):
    composite = make()
    pipeline.recompute_now(reason="test")
    html = client.get(
        reverse("analysis:composite_detail", args=[composite.indicator.slug])
    ).content.decode()
    unemployment = Indicator.objects.get(slug="taux-chomage-15-64").name
    assert f"poids de {unemployment} (2022) divisé par deux" in html
    assert "<code>taux-chomage-15-64</code>" not in html and "@2022" not in html


def test_an_index_being_computed_shows_the_progress_of_its_run(client, data):
    composite = make()
    run = PipelineRun.objects.create(reasons=["test"], state="running", progress=40)
    url = reverse("analysis:composite_detail", args=[composite.indicator.slug])
    html = client.get(url).content.decode()
    status_url = reverse("territories:run_status", args=[run.pk])
    assert f'data-job-status-url="{status_url}"' in html
    assert '<progress id="run-progress" max="100" value="40">' in html
    assert '<label for="run-progress">' in html and "job-progress.js" in html
    assert "has not been computed yet" not in html and "pas encore été calculé" not in html
    status = client.get(status_url).json()
    assert status["progress"] == 40 and status["finished"] is False
    assert set(status) == {"state", "state_label", "progress", "message", "error", "finished"}
    run.state, run.progress = "succeeded", 100
    run.save(update_fields=["state", "progress"])
    assert client.get(status_url).json()["finished"] is True
    assert "run-progress" not in client.get(url).content.decode()
