"""Joining and managing members through the committee's own pages."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from portal.committees.choices import JoinRequestStatus
from portal.committees.membership.models import JoinRequest
from portal.committees.models import CommitteeMembership

pytestmark = pytest.mark.django_db


def errors(response):
    return [m.message for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


def test_ask_then_the_coordinator_accepts_in_the_committee_pages(client, cast, trio):
    client.force_login(cast.other_admin)
    detail = client.get(trio.restricted.get_absolute_url()).content.decode()
    assert reverse("committees:join", args=["reserve"]) in detail
    response = client.post(reverse("committees:join", args=["reserve"]), {"message": "Bonjour"})
    assert response.status_code == 302
    request = JoinRequest.objects.get()
    assert (
        "avez demandé à rejoindre"
        in client.get(trio.restricted.get_absolute_url()).content.decode()
    )
    # Asking again changes nothing and says why.
    again = client.post(reverse("committees:join", args=["reserve"]), {"message": "Re"})
    assert errors(again) and JoinRequest.objects.count() == 1
    # Someone who does not coordinate cannot answer.
    accept = reverse("committees:request_decide", args=["reserve", request.pk, "accepter"])
    assert client.post(accept).status_code == 403
    client.force_login(cast.member)
    assert client.post(accept).status_code == 403
    assert client.get(reverse("committees:members", args=["reserve"])).status_code == 403
    assert JoinRequest.objects.get().status == JoinRequestStatus.PENDING
    client.force_login(cast.org_admin)
    page = client.get(reverse("committees:members", args=["reserve"]))
    assert "Bonjour" in page.content.decode()
    # Each member shows with their organisation.
    assert "Secours Solidaire du Maine" in page.content.decode()
    client.post(accept)
    assert CommitteeMembership.objects.filter(committee=trio.restricted, user=cast.other_admin)
    assert JoinRequest.objects.get().status == JoinRequestStatus.ACCEPTED


def test_join_refusals(client, cast, trio):
    assert client.get(reverse("committees:join", args=["ouvert"])).status_code == 302  # log in
    client.force_login(cast.other_admin)
    # A private committee one cannot see does not exist, for them.
    assert client.post(reverse("committees:join", args=["secret"])).status_code == 404
    client.force_login(cast.member)
    already = client.post(reverse("committees:join", args=["ouvert"]), {"message": "x"})
    assert already.status_code == 302
    assert not JoinRequest.objects.exists()


def test_seat_remove_suspend_and_leave(client, cast, trio):
    client.force_login(cast.org_admin)
    seat_url = reverse("committees:member_seat", args=["ouvert"])
    client.post(seat_url, {"email": cast.analyst.email.upper()})
    seat = CommitteeMembership.objects.get(committee=trio.public, user=cast.analyst)
    invalid = client.post(seat_url, {"email": "pas une adresse"})
    assert errors(invalid)
    twice = client.post(seat_url, {"email": cast.analyst.email})
    assert errors(twice)
    assert CommitteeMembership.objects.filter(committee=trio.public).count() == 3
    change = reverse("committees:member_change", args=["ouvert", seat.pk, "suspendre"])
    past = client.post(change, {"until": "2000-01-01"})
    assert errors(past)
    seat.refresh_from_db()
    assert seat.suspended_until is None
    day = (timezone.localdate() + timedelta(days=7)).isoformat()
    client.post(change, {"until": day})
    seat.refresh_from_db()
    assert seat.is_suspended and timezone.localdate(seat.suspended_until).isoformat() == day
    client.post(reverse("committees:member_change", args=["ouvert", seat.pk, "retablir"]))
    seat.refresh_from_db()
    assert not seat.is_suspended
    client.post(reverse("committees:member_change", args=["ouvert", seat.pk, "retirer"]))
    assert not CommitteeMembership.objects.filter(pk=seat.pk).exists()
    # A member cannot remove another.
    client.force_login(cast.member)
    own = CommitteeMembership.objects.get(committee=trio.public, user=cast.org_admin)
    url = reverse("committees:member_change", args=["ouvert", own.pk, "retirer"])
    assert client.post(url).status_code == 403
    assert CommitteeMembership.objects.filter(pk=own.pk).exists()
    client.post(reverse("committees:leave", args=["ouvert"]))
    assert not CommitteeMembership.objects.filter(committee=trio.public, user=cast.member)


def test_a_person_without_an_account_is_invited_and_seated_on_accepting(
    client, cast, trio, mailoutbox, django_capture_on_commit_callbacks
):
    from portal.accounts import services as accounts
    from portal.accounts.models import Invitation
    from tests.factories import UserFactory

    client.force_login(cast.org_admin)
    seat_url = reverse("committees:member_seat", args=["secret"])
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(seat_url, {"email": "Nouvelle@Exemple.test"}, follow=True)
    assert "Une invitation a été envoyée à nouvelle@exemple.test." in page.content.decode()
    invitation = Invitation.objects.get(email="nouvelle@exemple.test")
    assert "au comité Comité secret" in mailoutbox[0].body
    assert invitation.get_absolute_url() in mailoutbox[0].body
    assert (
        not CommitteeMembership.objects.filter(committee=trio.private)
        .exclude(user__in=[cast.org_admin, cast.member])
        .exists()
    )
    newcomer = UserFactory(email="nouvelle@exemple.test")
    accounts.invitation_accept(invitation=invitation, user=newcomer)
    assert CommitteeMembership.objects.filter(committee=trio.private, user=newcomer).exists()
    # A member who is not a coordinator cannot invite.
    client.force_login(cast.member)
    assert client.post(seat_url, {"email": "autre@exemple.test"}).status_code == 403
    assert not Invitation.objects.filter(email="autre@exemple.test").exists()
