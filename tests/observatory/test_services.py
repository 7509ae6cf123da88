"""The return's life through its services: saving, coherence, submit, send back, validate,
correct."""

import pytest
from django.utils import translation

from observatory.choices import ReturnStatus
from observatory.returns.models import ReturnVersion
from observatory.returns.services import (
    LineInput,
    ReturnConflict,
    ReturnRefused,
    return_findings,
    return_lines_save,
    return_reopen,
    return_send_back,
    return_submit,
    return_validate,
)
from portal.accounts.notifications.models import Notification
from tests.observatory.conftest import good_figures

pytestmark = pytest.mark.django_db


def test_a_good_return_goes_from_draft_to_validated_and_a_correction_keeps_the_version(
    cast, reference, returns
):
    ret = return_lines_save(
        return_obj=returns.home,
        user=cast.member,
        lines={reference.educ: LineInput(good_figures())},
        lock_version=returns.home.lock_version,
    )
    assert ret.status == ReturnStatus.DRAFT
    ret = return_submit(return_obj=ret, user=cast.member)
    assert ret.status == ReturnStatus.SUBMITTED
    ret = return_validate(return_obj=ret, user=cast.admin)
    assert ret.status == ReturnStatus.VALIDATED
    ret = return_reopen(return_obj=ret, user=cast.member, reason="Erreur d'effectif")
    assert (ret.status, ret.version) == (ReturnStatus.DRAFT, 2)
    kept = ReturnVersion.objects.get(return_obj=ret, number=1)
    assert kept.lines["educateur-specialise"]["headcount"] == 12


def test_a_blocking_rule_stops_submission_and_names_its_field(cast, reference, returns):
    ret = return_lines_save(
        return_obj=returns.home,
        user=cast.member,
        lines={reference.educ: LineInput(good_figures(vacant_posts=20))},
        lock_version=None,
    )
    findings = next(iter(return_findings(ret).values()))
    assert [(f.rule, f.fields) for f in findings] == [("postes-vacants", ("vacant_posts",))]
    with pytest.raises(ReturnRefused):
        return_submit(return_obj=ret, user=cast.member)
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.DRAFT


def test_a_second_delegate_saving_over_a_newer_change_is_refused(cast, reference, returns):
    seen = returns.home.lock_version
    return_lines_save(
        return_obj=returns.home,
        user=cast.org_admin,
        lines={reference.educ: LineInput(good_figures())},
        lock_version=seen,
    )
    with pytest.raises(ReturnConflict):
        return_lines_save(
            return_obj=returns.home,
            user=cast.member,
            lines={reference.educ: LineInput(good_figures(headcount=99))},
            lock_version=seen,
        )
    assert returns.home.lines.get().headcount == 12


def test_sending_back_needs_a_reason(cast, reference, returns):
    ret = return_lines_save(
        return_obj=returns.home,
        user=cast.member,
        lines={reference.educ: LineInput(good_figures())},
        lock_version=None,
    )
    ret = return_submit(return_obj=ret, user=cast.member)
    with pytest.raises(ReturnRefused):
        return_send_back(return_obj=ret, user=cast.admin, reason=" ")
    ret = return_send_back(
        return_obj=ret,
        user=cast.admin,
        reason="Effectif à vérifier",
        comments=[(reference.educ, "headcount", "12 ou 21 ?")],
    )
    assert ret.status == ReturnStatus.SENT_BACK
    assert ret.events.last().comments.get().field == "headcount"


def test_people_are_told_in_the_portals_language_whatever_the_actors(cast, reference, returns):
    """An administrator browsing in English still tells the organisation in French."""
    ret = return_lines_save(
        return_obj=returns.home,
        user=cast.member,
        lines={reference.educ: LineInput(good_figures())},
        lock_version=None,
    )
    with translation.override("en"):
        ret = return_submit(return_obj=ret, user=cast.member)
        ret = return_send_back(return_obj=ret, user=cast.admin, reason="Effectif à vérifier")
        ret = return_submit(return_obj=ret, user=cast.member)
        return_validate(return_obj=ret, user=cast.admin)
    told = Notification.objects.order_by("pk")
    assert [(n.recipient, n.title) for n in told.filter(recipient=cast.member)] == [
        (cast.member, "Votre déclaration pour Foyer des Tilleuls a été renvoyée"),
        (cast.member, "Votre déclaration pour Foyer des Tilleuls a été validée"),
    ]
    assert {n.title for n in told.filter(recipient=cast.admin)} == {
        f"Déclaration envoyée : Foyer des Tilleuls ({ret.campaign.year})"
    }
