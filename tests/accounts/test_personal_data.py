"""The personal data export holds what the person wrote and did in every app, and nothing
that others wrote."""

import json
from datetime import date

import pytest
from django.urls import reverse

from portal.committees.models import Committee
from portal.committees.observations.models import FieldObservation
from portal.knowledge.curation import services as curation
from portal.knowledge.models import Theme
from territories.choices import SignalRule, SignalStatus
from territories.imports.models import DataImport
from territories.signals.models import SignalReview
from tests.knowledge.helpers import draft

pytestmark = pytest.mark.django_db


def export(client, user):
    client.force_login(user)
    response = client.get(reverse("accounts:data_export"))
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_export_holds_what_the_person_wrote_and_did(
    client, cast, organisation, small_geography
):
    mine = draft(cast, organisation, title="Épicerie solidaire", body="Mon texte à moi.")
    curation.resource_submit(user=cast.member, resource=mine, comment="Prête à relire.")
    curation.resource_request_changes(
        user=cast.curator, resource=mine, comment="Ajoutez une source."
    )
    SignalReview.objects.create(
        territory=small_geography["98001"],
        rule=SignalRule.choices[0][0],
        status=SignalStatus.choices[0][0],
        comment="Vu sur le terrain.",
        reviewed_by=cast.member,
    )
    DataImport.objects.create(
        kind="values",
        file="imports/mes-valeurs.csv",
        original_name="mes-valeurs.csv",
        created_by=cast.member,
    )

    data = export(client, cast.member)

    knowledge = data["knowledge"]
    assert [r["title"] for r in knowledge["resources"]] == ["Épicerie solidaire"]
    assert knowledge["resources"][0]["body"] == "Mon texte à moi."
    assert [r["resource"] for r in knowledge["revisions"]] == ["Épicerie solidaire"]
    assert [(r["action"], r["comment"]) for r in knowledge["reviews"]] == [
        ("submit", "Prête à relire.")
    ]
    territories = data["territories"]
    assert [(r["territory"], r["comment"]) for r in territories["signal_reviews"]] == [
        ("Aubert", "Vu sur le terrain.")
    ]
    assert [i["file"] for i in territories["imports"]] == ["mes-valeurs.csv"]
    assert {"committees", "observatory"} <= data.keys()


def test_the_export_holds_nothing_written_by_others(
    client, cast, organisation, other_organisation, small_geography
):
    theirs = draft(cast, organisation, title="Le brouillon de Mina", body="Secret de Mina.")
    curation.resource_submit(user=cast.member, resource=theirs, comment="Commentaire de Mina.")
    curation.resource_request_changes(user=cast.curator, resource=theirs, comment="Avis privé.")
    SignalReview.objects.create(
        territory=small_geography["98001"],
        rule=SignalRule.choices[0][0],
        status=SignalStatus.choices[0][0],
        comment="Avis de l'analyste.",
        reviewed_by=cast.analyst,
    )
    DataImport.objects.create(
        kind="values", file="imports/autre.csv", original_name="autre.csv", created_by=cast.analyst
    )
    FieldObservation.objects.create(
        committee=Committee.objects.create(name="Comité", slug="comite"),
        territory=small_geography["98001"],
        theme=Theme.objects.create(name="Isolement", slug="isolement"),
        description="Observation de Mina.",
        observed_since=date(2026, 1, 1),
        author=cast.member,
    )

    # Omar runs another organisation; the organisation's administrator of Mina's one owns
    # the draft but wrote nothing of it.
    for person in (cast.other_admin, cast.org_admin):
        text = json.dumps(export(client, person), ensure_ascii=False)
        for private in (
            "Le brouillon de Mina",
            "Secret de Mina",
            "Commentaire de Mina",
            "Avis privé",
            "Avis de l'analyste",
            "autre.csv",
            "Observation de Mina",
        ):
            assert private not in text, (person, private)
    mine = export(client, cast.member)["committees"]["field_observations"]
    assert [o["description"] for o in mine] == ["Observation de Mina."]
    curator = json.dumps(export(client, cast.curator), ensure_ascii=False)
    assert "Avis privé" in curator and "Secret de Mina" not in curator
