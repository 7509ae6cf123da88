"""Two territories imports applied at the same moment, each on its own database connection
(two threads, as two workers would): imports of different indicators both land and a
recompute reflects both; two imports of the same indicator leave one whole set, not a mix."""

import threading

import pytest
from django.db import connection

from territories.catalogue.models import IndicatorValue
from territories.choices import ImportKind, ImportState
from territories.imports import services
from territories.imports.models import DataImport
from territories.pipeline import services as pipeline
from tests.territories.pipeline.test_pipeline import aggregate_of

pytestmark = [pytest.mark.soak, pytest.mark.django_db(transaction=True)]

CODES = ("98001", "98002", "98003", "98004", "98005")


def recorded(tmp_path, name, slug, values):
    path = tmp_path / name
    lines = ["CODGEO;V", *(f"{code};{value}" for code, value in zip(CODES, values, strict=True))]
    path.write_text("\n".join(lines) + "\n")
    options = {
        "level": "commune",
        "code_column": "CODGEO",
        "period": 2021,
        "columns": [{"column": "V", "indicator": slug, "period": 2021}],
    }
    return services.data_import_record_path(kind=ImportKind.VALUES, path=path, options=options)


def run_together(*imports):
    """Each import run in its own thread, all released at the same instant."""
    start = threading.Barrier(len(imports))
    errors = []

    def run(data_import):
        try:
            start.wait()
            services.data_import_run(import_id=data_import.pk, request_recompute=False)
        except Exception as exc:  # reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in imports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def values_of(slug):
    return dict(
        IndicatorValue.objects.filter(indicator__slug=slug, period=2021).values_list(
            "territory__code", "value"
        )
    )


def test_two_imports_of_different_indicators_both_land(small_geography, tmp_path):
    for _ in range(3):  # a race shows only now and then: run it a few times
        population = recorded(tmp_path, "pop.csv", "population", [100, 200, 300, 150, 250])
        households = recorded(
            tmp_path, "men.csv", "personnes-menages-fiscaux", [10, 20, 30, 15, 25]
        )
        assert run_together(population, households) == []
        assert set(
            DataImport.objects.filter(pk__in=[population.pk, households.pk]).values_list(
                "state", flat=True
            )
        ) == {ImportState.SUCCEEDED}
        assert values_of("population") == dict(zip(CODES, [100, 200, 300, 150, 250]))
        assert values_of("personnes-menages-fiscaux") == dict(zip(CODES, [10, 20, 30, 15, 25]))

    pipeline.recompute_now(reason="both imports")
    assert aggregate_of(small_geography["region"], "population").value == 1000
    assert aggregate_of(small_geography["region"], "personnes-menages-fiscaux").value == 100


def test_two_imports_of_the_same_indicator_leave_one_whole_set(small_geography, tmp_path):
    first_set = dict(zip(CODES, [100, 200, 300, 150, 250]))
    second_set = dict(zip(CODES, [101, 201, 301, 151, 251]))
    for _ in range(3):
        first = recorded(tmp_path, "a.csv", "population", first_set.values())
        second = recorded(tmp_path, "b.csv", "population", second_set.values())
        assert run_together(first, second) == []
        states = DataImport.objects.filter(pk__in=[first.pk, second.pk]).values_list(
            "state", flat=True
        )
        assert set(states) == {ImportState.SUCCEEDED}
        assert values_of("population") in (first_set, second_set)
        assert IndicatorValue.objects.filter(indicator__slug="population").count() == 5
