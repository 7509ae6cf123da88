"""Nothing names the demo région: the header, e-mails and sheets read it from the data."""

import pytest
from django.core import mail

from portal.accounts.services import invitation_create, invitation_send_email
from territories.catalogue.models import Indicator, IndicatorValue
from territories.choices import ValueStatus
from territories.geography.selectors import loaded_region
from territories.pipeline import services as pipeline

pytestmark = pytest.mark.django_db


def test_the_header_names_the_loaded_region(client, small_geography):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Région test" in html
    assert "Pays de la Loire" not in html.split("<footer")[0]


def test_without_a_region_the_header_names_none(client, db):
    html = client.get("/").content.decode()
    assert "Pays de la Loire" not in html.split("<footer")[0]
    assert loaded_region() is None


def test_another_region_is_read_after_its_publication(small_geography):
    assert loaded_region()["name"] == "Région test"
    small_geography["region"].name = "Bretagne"
    small_geography["region"].save(update_fields=["name"])
    pipeline.recompute_now(reason="another région")
    assert loaded_region() == {"code": "99", "name": "Bretagne", "communes": 5}


def test_the_indicator_sheet_counts_the_communes_from_the_data(client, small_geography):
    indicator = Indicator.objects.get(slug="population")
    known = [("98001", ValueStatus.OK), ("98002", ValueStatus.OK), ("98003", ValueStatus.SECRET)]
    for code, status in known:
        IndicatorValue.objects.create(
            indicator=indicator,
            territory=small_geography[code],
            period=2021,
            value=1 if status == ValueStatus.OK else None,
            status=status,
        )
    html = client.get(indicator.get_absolute_url()).content.decode()
    assert "Donné pour 2 communes sur 5 en 2021" in html
    assert "1 sous secret statistique" in html


def test_the_invitation_names_the_loaded_region(small_geography, cast):
    invitation = invitation_create(inviter=cast.admin, email="new@example.org")
    mail.outbox.clear()
    invitation_send_email(invitation_id=invitation.pk)
    assert "Région test" in mail.outbox[-1].body
    assert "Pays de la Loire" not in mail.outbox[-1].body
