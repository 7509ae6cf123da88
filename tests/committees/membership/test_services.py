"""Joining, seating, leaving, removing and suspending: who may, who is told, and refusals
that change nothing."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from portal.committees.choices import CommitteeRole, JoinRequestStatus
from portal.committees.membership import services
from portal.committees.membership.models import JoinRequest
from portal.committees.models import CommitteeMembership

pytestmark = pytest.mark.django_db


def seated(user, committee):
    return CommitteeMembership.objects.filter(user=user, committee=committee).exists()


def test_ask_accept_and_the_person_is_told(cast, trio, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = services.join_request_create(
            user=cast.other_admin, committee=trio.restricted, message="  Bonjour !  "
        )
    assert request.message == "Bonjour !" and request.status == JoinRequestStatus.PENDING
    assert [m.to for m in mail.outbox] == [[cast.org_admin.email]]  # the coordinator
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.join_request_accept(user=cast.org_admin, join_request=request)
    request.refresh_from_db()
    assert request.status == JoinRequestStatus.ACCEPTED and request.decided_by == cast.org_admin
    assert seated(cast.other_admin, trio.restricted)
    assert [m.to for m in mail.outbox] == [[cast.other_admin.email]]
    assert "/comites/reserve/" in mail.outbox[0].body


def test_refuse_tells_the_reason(cast, trio, django_capture_on_commit_callbacks):
    request = services.join_request_create(user=cast.analyst, committee=trio.public)
    with django_capture_on_commit_callbacks(execute=True):
        services.join_request_refuse(
            user=cast.org_admin, join_request=request, reason="Comité complet"
        )
    assert not seated(cast.analyst, trio.public)
    assert "Comité complet" in mail.outbox[-1].body
    # An answered request cannot be answered again.
    with pytest.raises(ValidationError):
        services.join_request_accept(user=cast.org_admin, join_request=request)
    assert not seated(cast.analyst, trio.public)


def test_joining_twice_is_refused(cast, trio):
    services.join_request_create(user=cast.analyst, committee=trio.public)
    with pytest.raises(ValidationError) as pending:
        services.join_request_create(user=cast.analyst, committee=trio.public)
    assert pending.value.code == "pending"
    with pytest.raises(ValidationError) as member:
        services.join_request_create(user=cast.member, committee=trio.public)
    assert member.value.code == "member"
    assert JoinRequest.objects.count() == 1


def test_a_private_committee_takes_no_request(cast, trio):
    with pytest.raises(PermissionDenied):
        services.join_request_create(user=cast.other_admin, committee=trio.private)
    assert not JoinRequest.objects.exists()


@pytest.mark.parametrize("persona", ["member", "other_admin", "curator"])
def test_only_coordinators_and_administrators_decide(cast, trio, persona):
    request = services.join_request_create(user=cast.analyst, committee=trio.restricted)
    with pytest.raises(PermissionDenied):
        services.join_request_accept(user=getattr(cast, persona), join_request=request)
    with pytest.raises(PermissionDenied):
        services.member_seat(
            user=getattr(cast, persona), committee=trio.public, person=cast.analyst
        )
    request.refresh_from_db()
    assert request.status == JoinRequestStatus.PENDING
    assert not seated(cast.analyst, trio.restricted) and not seated(cast.analyst, trio.public)
    services.join_request_accept(user=cast.admin, join_request=request)
    assert seated(cast.analyst, trio.restricted)


def test_seat_answers_a_pending_request_and_not_twice(cast, trio):
    services.join_request_create(user=cast.analyst, committee=trio.public)
    services.member_seat(user=cast.org_admin, committee=trio.public, person=cast.analyst)
    assert JoinRequest.objects.get().status == JoinRequestStatus.ACCEPTED
    with pytest.raises(ValidationError):
        services.member_seat(user=cast.org_admin, committee=trio.public, person=cast.analyst)
    assert CommitteeMembership.objects.filter(committee=trio.public).count() == 3


def test_leave_and_the_last_coordinator_stays(cast, trio):
    services.membership_leave(user=cast.member, committee=trio.public)
    assert not seated(cast.member, trio.public)
    with pytest.raises(ValidationError) as error:
        services.membership_leave(user=cast.org_admin, committee=trio.public)
    assert error.value.code == "last_coordinator"
    assert seated(cast.org_admin, trio.public)
    with pytest.raises(ValidationError):
        services.membership_leave(user=cast.analyst, committee=trio.public)


def test_remove_and_suspend(cast, trio, django_capture_on_commit_callbacks):
    seat = CommitteeMembership.objects.get(committee=trio.public, user=cast.member)
    with pytest.raises(ValidationError):
        services.member_suspend(user=cast.org_admin, seat=seat, until=timezone.now())
    with pytest.raises(PermissionDenied):
        services.member_suspend(
            user=cast.member, seat=seat, until=timezone.now() + timedelta(days=3)
        )
    seat.refresh_from_db()
    assert not seat.is_suspended
    with django_capture_on_commit_callbacks(execute=True):
        services.member_suspend(
            user=cast.org_admin, seat=seat, until=timezone.now() + timedelta(days=3)
        )
    seat.refresh_from_db()
    assert seat.is_suspended and cast.member.email in mail.outbox[-1].to
    services.member_reinstate(user=cast.org_admin, seat=seat)
    seat.refresh_from_db()
    assert not seat.is_suspended
    services.member_remove(user=cast.org_admin, seat=seat)
    assert not seated(cast.member, trio.public)
    coordinator = CommitteeMembership.objects.get(committee=trio.public, user=cast.org_admin)
    with pytest.raises(ValidationError):
        services.member_remove(user=cast.admin, seat=coordinator)
    assert coordinator.role == CommitteeRole.COORDINATOR and seated(cast.org_admin, trio.public)


def test_a_failing_mail_server_does_not_undo_the_answer(
    cast, trio, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.committees.membership.test_services.BrokenBackend"
    request = services.join_request_create(user=cast.analyst, committee=trio.public)
    with django_capture_on_commit_callbacks(execute=True):
        services.join_request_accept(user=cast.org_admin, join_request=request)
    assert seated(cast.analyst, trio.public)


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("mail server away")
