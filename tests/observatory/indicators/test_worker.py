"""A validation recomputes the workforce indicators through real workers on Redis."""

import pytest

from observatory.indicators.definitions import indicator_slug
from observatory.returns import services as return_services
from territories.choices import ValueStatus
from territories.pipeline.models import AggregateValue
from territories.pipeline.selectors import published_run_id
from tests.conftest import running_worker, wait_for
from tests.observatory.conftest import good_figures

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_validation_recomputes_the_indicators_on_real_workers(
    redis_broker, returns, reference, cast
):
    return_services.return_lines_save(
        return_obj=returns.home,
        user=cast.member,
        lines={reference.educ: return_services.LineInput(good_figures())},
        lock_version=None,
    )
    submitted = return_services.return_submit(return_obj=returns.home, user=cast.member)
    assert published_run_id() is None
    with running_worker():
        return_services.return_validate(return_obj=submitted, user=cast.admin)
        assert wait_for(lambda: published_run_id() is not None, timeout=60)
        headcount = AggregateValue.objects.get(
            run_id=published_run_id(),
            indicator__slug=indicator_slug("effectif", reference.educ.code),
            territory=returns.home.establishment.commune.epci,
        )
        # One employer only: the cell is under statistical secrecy, its number never written.
        assert headcount.status == ValueStatus.SECRET and headcount.value is None
        assert headcount.period == returns.home.campaign.year
