"""Meetings: announcing them, who sees them, places and the waiting list, the agenda."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from portal.accounts.notifications.models import Notification
from portal.committees.choices import (
    MeetingStatus,
    MeetingVisibility,
    RegistrationStatus,
)
from portal.committees.meetings import services
from portal.committees.meetings.models import Meeting, Registration
from portal.committees.meetings.scopes import MEETINGS
from portal.committees.models import CommitteeMembership
from tests.factories import UserFactory

SOON = timedelta(days=7)


def make_meeting(committee, *, capacity=None, visibility=MeetingVisibility.MEMBERS, **extra):
    start = extra.pop("starts_at", timezone.now() + SOON)
    return Meeting.objects.create(
        committee=committee,
        title=extra.pop("title", f"Rencontre {committee.name}"),
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        address="1 rue de la Paix, Nantes",
        visibility=visibility,
        capacity=capacity,
        **extra,
    )


def seat(committee, *people):
    for person in people:
        CommitteeMembership.objects.get_or_create(committee=committee, user=person)


def form_data(**overrides):
    start = timezone.localtime(timezone.now() + SOON).replace(second=0, microsecond=0)
    data = {
        "title": "Rencontre du CLTSDS",
        "description": "Ordre du jour **important**",
        "mode": "in_person",
        "address": "Hôtel du département, Nantes",
        "online_url": "",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "visibility": "public",
        "capacity": "2",
        "registration_opens_at": "",
        "registration_closes_at": "",
        "question": "Besoins d'accessibilité ?",
        "offer_hours": "48",
        "reminders": ["1440", "60"],
        "agenda-TOTAL_FORMS": "3",
        "agenda-INITIAL_FORMS": "0",
        "agenda-MIN_NUM_FORMS": "0",
        "agenda-MAX_NUM_FORMS": "30",
        "agenda-0-title": "Accueil",
        "agenda-0-duration_minutes": "15",
        "agenda-0-speaker": "",
        "agenda-1-title": "Précarité énergétique",
        "agenda-1-duration_minutes": "45",
        "agenda-1-speaker": "CCAS de Nantes",
    }
    data.update(overrides)
    return data


# Announcing


def test_a_coordinator_announces_a_meeting_with_its_agenda(client, cast, trio):
    client.force_login(cast.org_admin)
    response = client.post(
        reverse("committees:meeting_create", args=[trio.public.slug]), form_data()
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert [item.title for item in meeting.agenda_items.all()] == [
        "Accueil",
        "Précarité énergétique",
    ]
    assert meeting.reminders == [1440, 60]
    assert "<strong>important</strong>" in meeting.description_html
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Précarité énergétique" in page and "CCAS de Nantes" in page
    # Paris time, as typed.
    assert (
        timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M")
        == (form_data()["starts_at"])
    )


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"ends_at": "2020-01-01T10:00"}, "ends_at"),
        ({"address": ""}, "address"),
        ({"mode": "online"}, "online_url"),
        ({"offer_hours": "0"}, "offer_hours"),
        ({"agenda-0-duration_minutes": "-5"}, None),
        ({"description": "x" * 200_001}, "description"),
    ],
)
def test_a_wrong_meeting_is_refused_and_nothing_saved(client, cast, trio, overrides, field):
    client.force_login(cast.org_admin)
    response = client.post(
        reverse("committees:meeting_create", args=[trio.public.slug]), form_data(**overrides)
    )
    assert response.status_code == 200
    assert not Meeting.objects.exists()
    if field:
        assert response.context["form"].errors[field]


def test_a_private_committee_cannot_announce_a_public_meeting(client, cast, trio):
    client.force_login(cast.org_admin)
    response = client.post(
        reverse("committees:meeting_create", args=[trio.private.slug]),
        form_data(visibility="public"),
    )
    assert response.status_code == 200 and not Meeting.objects.exists()
    assert response.context["form"].errors["visibility"]
    logged_in = Meeting(
        committee=trio.private,
        title="x",
        starts_at=timezone.now() + SOON,
        ends_at=timezone.now() + SOON + timedelta(hours=1),
        address="a",
        visibility=MeetingVisibility.LOGGED_IN,
    )
    with pytest.raises(ValidationError):
        services.check_meeting(logged_in)


@pytest.mark.parametrize("persona", ["member", "other_admin", "curator"])
def test_only_coordinators_announce(client, cast, trio, persona):
    client.force_login(getattr(cast, persona))
    response = client.post(
        reverse("committees:meeting_create", args=[trio.public.slug]), form_data()
    )
    assert response.status_code == 403 and not Meeting.objects.exists()


def test_an_outsider_cannot_reach_a_private_committees_meeting_form(client, cast, trio):
    client.force_login(cast.other_admin)
    url = reverse("committees:meeting_create", args=[trio.private.slug])
    assert client.get(url).status_code == 404


def test_a_change_of_time_tells_the_people_holding_a_place(client, cast, trio):
    meeting = make_meeting(trio.public, visibility=MeetingVisibility.PUBLIC)
    services.register(meeting=meeting, user=cast.member)
    client.force_login(cast.org_admin)
    later = timezone.localtime(meeting.starts_at + timedelta(days=1))
    data = form_data(
        title=meeting.title,
        starts_at=later.strftime("%Y-%m-%dT%H:%M"),
        ends_at=(later + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        **{"agenda-INITIAL_FORMS": "0"},
    )
    response = client.post(reverse("committees:meeting_update", args=[meeting.pk]), data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert Notification.objects.filter(recipient=cast.member, kind=MEETINGS).count() == 2


def test_cancelling_a_meeting_tells_everyone_and_closes_registration(cast, trio):
    meeting = make_meeting(trio.public, capacity=1)
    services.register(meeting=meeting, user=cast.member)
    services.meeting_cancel(meeting=meeting, user=cast.org_admin)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED and meeting.sequence == 1
    with pytest.raises(ValidationError):
        services.register(meeting=meeting, user=cast.org_admin)
    with pytest.raises(PermissionDenied):
        services.meeting_cancel(meeting=meeting, user=cast.member)


# Who sees what


@pytest.fixture
def spread(cast, trio):
    """One meeting per committee and visibility the committee allows."""
    return {
        "public-public": make_meeting(
            trio.public, visibility=MeetingVisibility.PUBLIC, title="Ouverte à tous"
        ),
        "public-logged": make_meeting(
            trio.public, visibility=MeetingVisibility.LOGGED_IN, title="Pour les connectés"
        ),
        "public-members": make_meeting(trio.public, title="Membres du comité ouvert"),
        "restricted-logged": make_meeting(
            trio.restricted, visibility=MeetingVisibility.LOGGED_IN, title="Réservé connectés"
        ),
        "restricted-members": make_meeting(trio.restricted, title="Membres du comité réservé"),
        "private-members": make_meeting(trio.private, title="Réunion secrète"),
    }


SEES = {
    "visitor": {"public-public"},
    "other_admin": {"public-public", "public-logged", "restricted-logged"},
    "member": {
        "public-public",
        "public-logged",
        "public-members",
        "restricted-logged",
        "restricted-members",
        "private-members",
    },
    "curator": {
        "public-public",
        "public-logged",
        "public-members",
        "restricted-logged",
        "restricted-members",
    },
}


@pytest.mark.parametrize("persona", sorted(SEES))
def test_each_person_sees_the_meetings_meant_for_them(client, cast, spread, persona):
    person = getattr(cast, persona)
    if person is not None:
        client.force_login(person)
    agenda = client.get(reverse("committees:agenda")).content.decode()
    for key, meeting in spread.items():
        page = client.get(meeting.get_absolute_url())
        if key in SEES[persona]:
            assert page.status_code == 200, key
            assert meeting.title in agenda, key
        else:
            assert page.status_code == 404, key
            assert meeting.title not in agenda, key


def test_the_online_link_is_for_the_people_holding_a_place(client, cast, trio):
    meeting = make_meeting(
        trio.public,
        visibility=MeetingVisibility.LOGGED_IN,
        mode="hybrid",
        online_url="https://visio.exemple.test/salle-secrete",
    )
    client.force_login(cast.other_admin)
    assert "salle-secrete" not in client.get(meeting.get_absolute_url()).content.decode()
    services.register(meeting=meeting, user=cast.other_admin)
    assert "salle-secrete" in client.get(meeting.get_absolute_url()).content.decode()


def test_the_agenda_filters_by_committee_territory_and_month(client, cast, trio, small_geography):
    departement = small_geography["departement"]
    trio.restricted.territory = departement
    trio.restricted.save()
    here = make_meeting(trio.restricted, visibility=MeetingVisibility.LOGGED_IN, title="Ici")
    elsewhere = make_meeting(
        trio.public,
        visibility=MeetingVisibility.PUBLIC,
        title="Ailleurs",
        starts_at=timezone.now() + timedelta(days=70),
    )
    client.force_login(cast.other_admin)
    url = reverse("committees:agenda")
    by_territory = client.get(url, {"territoire": f"{departement.level}:{departement.code}"})
    titles = [m.title for m in by_territory.context["page"].object_list]
    assert titles == ["Ici"]
    by_committee = client.get(url, {"comite": trio.public.slug})
    assert [m.title for m in by_committee.context["page"].object_list] == ["Ailleurs"]
    month = timezone.localtime(elsewhere.starts_at).strftime("%Y-%m")
    by_month = client.get(url, {"mois": month})
    assert "Ailleurs" in [m.title for m in by_month.context["page"].object_list]
    assert here.title not in [m.title for m in by_month.context["page"].object_list] or (
        timezone.localtime(here.starts_at).strftime("%Y-%m") == month
    )
    # Wrong filters: a clear error, the whole agenda.
    wrong = client.get(url, {"mois": "décembre", "comite": "secret"})
    assert wrong.status_code == 200 and wrong.context["form"].errors


def test_when_a_meeting_takes_place_is_said_in_paris_time_and_machine_readable():
    from datetime import UTC, datetime

    from django.utils import translation

    from portal.committees.templatetags.meeting_tags import meeting_when

    start = datetime(2027, 3, 4, 17, 0, tzinfo=UTC)
    with translation.override("fr"):
        same_day = meeting_when(Meeting(starts_at=start, ends_at=start + timedelta(hours=2)))
        two_days = meeting_when(Meeting(starts_at=start, ends_at=start + timedelta(days=1)))
    assert same_day == (
        '<time datetime="2027-03-04T18:00:00+01:00">jeudi 4 mars 2027, 18:00</time> – '
        '<time datetime="2027-03-04T20:00:00+01:00">20:00</time>'
    )
    assert two_days.endswith(">vendredi 5 mars 2027, 18:00</time>")


def test_a_month_of_the_agenda_is_a_month_in_paris_time(cast, trio):
    from datetime import datetime

    from portal.committees.meetings.selectors import agenda

    paris = timezone.get_default_timezone()
    year = timezone.localdate().year + 1
    starts = {
        "last night of the year": datetime(year, 12, 31, 23, 30, tzinfo=paris),
        "first night of the next": datetime(year + 1, 1, 1, 0, 30, tzinfo=paris),
        "end of January": datetime(year + 1, 1, 31, 23, 59, tzinfo=paris),
        "first of February": datetime(year + 1, 2, 1, 0, 0, tzinfo=paris),
    }
    for title, start in starts.items():
        make_meeting(trio.public, title=title, starts_at=start)

    def month(year, number):
        return [m.title for m in agenda(user=cast.member, month=(year, number))]

    # In UTC, the night of 31 December is still December and that of 1 January is not yet.
    assert month(year, 12) == ["last night of the year"]
    assert month(year + 1, 1) == ["first night of the next", "end of January"]
    assert month(year + 1, 2) == ["first of February"]


def test_the_agenda_reads_a_constant_number_of_queries(
    client, cast, trio, django_assert_num_queries
):
    client.force_login(cast.member)
    for index in range(3):
        meeting = make_meeting(trio.public, title=f"R{index}", capacity=5)
    services.register(meeting=meeting, user=cast.member)  # the bell has something to count
    client.get(reverse("committees:agenda"))
    with django_assert_num_queries(AGENDA_QUERIES):
        client.get(reverse("committees:agenda"))
    for index in range(30):
        meeting = make_meeting(trio.private, title=f"S{index}", capacity=3)
        services.register(meeting=meeting, user=cast.member)
    client.get(reverse("committees:agenda"))  # the bell counts again, once
    with django_assert_num_queries(AGENDA_QUERIES):
        response = client.get(reverse("committees:agenda"))
    assert len(response.context["page"].object_list) == 20


AGENDA_QUERIES = 7


def test_the_committee_page_lists_its_meetings(client, cast, trio):
    make_meeting(trio.public, visibility=MeetingVisibility.PUBLIC, title="Prochaine rencontre")
    make_meeting(
        trio.public,
        visibility=MeetingVisibility.PUBLIC,
        title="Rencontre passée",
        starts_at=timezone.now() - timedelta(days=3),
    )
    page = client.get(trio.public.get_absolute_url()).content.decode()
    assert "Prochaine rencontre" in page and "Rencontre passée" in page
    assert reverse("committees:meeting_create", args=[trio.public.slug]) not in page
    client.force_login(cast.org_admin)
    page = client.get(trio.public.get_absolute_url()).content.decode()
    assert reverse("committees:meeting_create", args=[trio.public.slug]) in page


# Places and the waiting list


@pytest.fixture
def trois(trio):
    people = [UserFactory(full_name=f"Personne {n}") for n in (1, 2, 3)]
    seat(trio.public, *people)
    return people


def test_past_capacity_people_wait_and_a_freed_place_is_offered_in_order(cast, trio, trois):
    meeting = make_meeting(trio.public, capacity=2)
    first, second, third = (services.register(meeting=meeting, user=p) for p in trois)
    assert [first.status, second.status, third.status] == ["registered", "registered", "waiting"]
    assert services.waiting_position(third) == 1
    services.unregister(registration=first, by=trois[0])
    third.refresh_from_db()
    assert third.status == RegistrationStatus.OFFERED
    assert third.offer_expires_at <= meeting.starts_at
    told = Notification.objects.filter(recipient=trois[2], kind=MEETINGS).get()
    assert meeting.title in told.title and "Nantes" in told.body
    services.confirm(registration=third, user=trois[2], answer="Fauteuil roulant")
    third.refresh_from_db()
    assert third.status == RegistrationStatus.REGISTERED
    assert services.held_places(meeting) == 2


def test_an_offer_not_confirmed_in_time_passes_to_the_next(cast, trio, trois):
    meeting = make_meeting(trio.public, capacity=1, offer_hours=48)
    holder = services.register(meeting=meeting, user=trois[0])
    waiting = [services.register(meeting=meeting, user=p) for p in trois[1:]]
    services.unregister(registration=holder, by=trois[0])
    waiting[0].refresh_from_db()
    assert waiting[0].status == RegistrationStatus.OFFERED
    assert services.offers_expire(now=timezone.now() + timedelta(hours=49)) == 1
    waiting[0].refresh_from_db()
    waiting[1].refresh_from_db()
    assert waiting[0].status == RegistrationStatus.EXPIRED
    assert waiting[1].status == RegistrationStatus.OFFERED
    with pytest.raises(ValidationError):
        services.confirm(registration=waiting[0], user=trois[1])


def test_the_answer_is_asked_only_when_a_place_is_held(cast, trio, trois):
    meeting = make_meeting(trio.public, capacity=1, question="Régime alimentaire ?")
    services.register(meeting=meeting, user=trois[0])
    waiting = services.register(meeting=meeting, user=trois[1])
    with pytest.raises(ValidationError):
        services.confirm(registration=waiting, user=trois[1], answer="Végétarien")
    waiting.refresh_from_db()
    assert waiting.answer == ""


def test_cancelling_forgets_the_answer(cast, trio, trois):
    meeting = make_meeting(trio.public, question="Régime alimentaire ?")
    registration = services.register(meeting=meeting, user=trois[0])
    services.confirm(registration=registration, user=trois[0], answer="Sans gluten")
    services.unregister(registration=registration, by=trois[0])
    registration.refresh_from_db()
    assert registration.answer == ""


def test_raising_capacity_offers_places_in_order_and_lowering_it_below_held_is_refused(
    cast, trio, trois
):
    meeting = make_meeting(trio.public, capacity=1)
    for person in trois:
        services.register(meeting=meeting, user=person)
    services.capacity_set(meeting=meeting, user=cast.org_admin, capacity=2)
    statuses = list(
        Registration.objects.filter(meeting=meeting)
        .order_by("queued_at")
        .values_list("status", flat=True)
    )
    assert statuses == ["registered", "offered", "waiting"]
    with pytest.raises(ValidationError):
        services.capacity_set(meeting=meeting, user=cast.org_admin, capacity=1)
    with pytest.raises(PermissionDenied):
        services.capacity_set(meeting=meeting, user=trois[0], capacity=10)


def test_registration_closes_and_a_coordinator_reopens_it(client, cast, trio, trois):
    meeting = make_meeting(
        trio.public, registration_closes_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(ValidationError, match="clos"):
        services.register(meeting=meeting, user=trois[0])
    # A coordinator may still register someone.
    services.register(meeting=meeting, user=trois[1], by=cast.org_admin)
    client.force_login(cast.org_admin)
    response = client.post(
        reverse("committees:meeting_registrations", args=[meeting.pk]),
        {"action": "reopen", "reopen-closes_at": ""},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.registration_is_open()
    assert services.register(meeting=meeting, user=trois[0]).status == "registered"


def test_a_coordinator_registers_someone_by_email(client, cast, trio, trois):
    meeting = make_meeting(trio.public)
    client.force_login(cast.org_admin)
    url = reverse("committees:meeting_registrations", args=[meeting.pk])
    response = client.post(url, {"action": "someone", "someone-email": trois[0].email.upper()})
    assert response.status_code == 302
    registration = Registration.objects.get(meeting=meeting)
    assert registration.user == trois[0] and registration.registered_by == cast.org_admin
    unknown = client.post(url, {"action": "someone", "someone-email": "nobody@exemple.test"})
    assert unknown.status_code == 200 and unknown.context["someone_form"].errors
    assert Registration.objects.count() == 1


def test_bad_registrations_are_refused_and_change_nothing(client, cast, trio, trois):
    meeting = make_meeting(trio.public, capacity=5)
    services.register(meeting=meeting, user=trois[0])
    with pytest.raises(ValidationError):
        services.register(meeting=meeting, user=trois[0])
    client.force_login(trois[0])
    response = client.post(reverse("committees:meeting_register", args=[meeting.pk]))
    assert response.status_code == 302
    assert Registration.objects.filter(meeting=meeting).count() == 1
    # A meeting one may not see: 404, nothing created.
    secret = make_meeting(trio.private)
    client.force_login(cast.other_admin)
    assert client.post(reverse("committees:meeting_register", args=[secret.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.register(meeting=secret, user=cast.other_admin)
    # Someone else's registration: not theirs to cancel.
    someone = Registration.objects.get(meeting=meeting, user=trois[0])
    client.force_login(trois[1])
    response = client.post(
        reverse("committees:meeting_unregister", args=[meeting.pk]),
        {"registration": someone.pk},
    )
    assert response.status_code == 403
    someone.refresh_from_db()
    assert someone.status == RegistrationStatus.REGISTERED
    # A forged request without its CSRF token.
    from django.test import Client

    forging = Client(enforce_csrf_checks=True)
    forging.force_login(trois[1])
    assert (
        forging.post(reverse("committees:meeting_register", args=[meeting.pk])).status_code == 403
    )
    assert not Registration.objects.filter(meeting=meeting, user=trois[1]).exists()
    # A meeting that started.
    started = make_meeting(trio.public, starts_at=timezone.now() - timedelta(minutes=5))
    with pytest.raises(ValidationError):
        services.register(meeting=started, user=trois[1])


def test_the_registration_journey_through_the_pages(client, cast, trio, trois):
    meeting = make_meeting(trio.public, capacity=1, question="Besoins d'accessibilité ?")
    client.force_login(trois[0])
    client.post(reverse("committees:meeting_register", args=[meeting.pk]))
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Besoins d" in page  # the question, once the place is held
    client.post(reverse("committees:meeting_confirm", args=[meeting.pk]), {"answer": "Rampe"})
    assert Registration.objects.get(user=trois[0]).answer == "Rampe"
    client.force_login(trois[1])
    response = client.post(reverse("committees:meeting_register", args=[meeting.pk]), follow=True)
    assert "liste d" in response.content.decode()
    client.force_login(trois[0])
    client.post(reverse("committees:meeting_unregister", args=[meeting.pk]))
    client.force_login(trois[1])
    response = client.post(
        reverse("committees:meeting_confirm", args=[meeting.pk]), {"answer": ""}, follow=True
    )
    assert Registration.objects.get(user=trois[1]).status == RegistrationStatus.REGISTERED
    client.force_login(cast.org_admin)
    page = client.get(reverse("committees:meeting_registrations", args=[meeting.pk]))
    assert page.status_code == 200 and "Personne 2" in page.content.decode()
    client.force_login(trois[0])
    assert (
        client.get(reverse("committees:meeting_registrations", args=[meeting.pk])).status_code
        == 403
    )


# On PostgreSQL the meeting's row lock orders them; on SQLite, IMMEDIATE transactions do.
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_exceed_capacity():
    """Twelve people register at once for four places: four hold one, eight wait."""
    from portal.committees.choices import CommitteeAccess
    from portal.committees.models import Committee

    committee = Committee.objects.create(
        name="Course", slug="course", access=CommitteeAccess.PUBLIC
    )
    people = [UserFactory() for _ in range(12)]
    seat(committee, *people)
    meeting = make_meeting(committee, capacity=4)
    barrier = threading.Barrier(len(people))
    errors = []

    def attempt(person):
        try:
            barrier.wait()
            services.register(meeting=meeting, user=person)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=attempt, args=(p,)) for p in people]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors
    assert services.held_places(meeting) == 4
    assert meeting.registrations.filter(status=RegistrationStatus.WAITING).count() == 8


@pytest.mark.django_db(transaction=True)
def test_concurrent_cancellations_promote_each_waiting_person_once():
    from portal.committees.choices import CommitteeAccess
    from portal.committees.models import Committee

    committee = Committee.objects.create(
        name="Relais", slug="relais", access=CommitteeAccess.PUBLIC
    )
    people = [UserFactory() for _ in range(8)]
    seat(committee, *people)
    meeting = make_meeting(committee, capacity=4)
    registrations = [services.register(meeting=meeting, user=p) for p in people]
    barrier = threading.Barrier(4)

    def cancel(registration):
        try:
            barrier.wait()
            services.unregister(registration=registration, by=registration.user)
        finally:
            connection.close()

    workers = [threading.Thread(target=cancel, args=(r,)) for r in registrations[:4]]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    statuses = sorted(Registration.objects.filter(meeting=meeting).values_list("status", flat=True))
    assert statuses.count("offered") == 4 and statuses.count("waiting") == 0
    assert services.held_places(meeting) == 4


def test_a_portrait_lists_the_next_public_meetings_of_the_committees_covering_it(
    client, cast, trio, small_geography
):
    commune = small_geography["98001"]
    for committee in (trio.public, trio.private):
        committee.territory = small_geography["departement"]
        committee.save()
    make_meeting(trio.public, visibility=MeetingVisibility.PUBLIC, title="Rencontre ouverte")
    make_meeting(trio.public, visibility=MeetingVisibility.LOGGED_IN, title="Pour connectés")
    make_meeting(trio.private, title="Rencontre secrète")
    client.force_login(cast.member)  # who sits on the private committee
    page = client.get(commune.get_absolute_url()).content.decode()
    assert "Rencontre ouverte" in page
    assert "Pour connectés" not in page and "Rencontre secrète" not in page


def test_a_persons_data_export_holds_their_registrations_and_answers(client, cast, trio):
    import json

    meeting = make_meeting(trio.public, question="Régime alimentaire ?")
    registration = services.register(meeting=meeting, user=cast.member)
    services.confirm(registration=registration, user=cast.member, answer="Végétarien")
    client.force_login(cast.member)
    data = json.loads(client.get(reverse("accounts:data_export")).content)
    assert data["account"]["email"] == cast.member.email
    mine = data["committees"]["meeting_registrations"]
    assert [(r["meeting"], r["answer"]) for r in mine] == [(meeting.title, "Végétarien")]
    assert {seat["committee"] for seat in data["committees"]["seats"]} == {
        trio.public.name,
        trio.restricted.name,
        trio.private.name,
    }


def test_a_kept_meeting_page_draws_each_readers_own_place(client, settings, cast, trio, trois):
    settings.PAGE_CACHE_TTL = 300
    meeting = make_meeting(trio.public, capacity=1)
    for person in trois:
        services.register(meeting=meeting, user=person)
    seen = {}
    for _ in range(2):  # the second round is served from the kept pages
        for person in trois:
            client.force_login(person)
            seen[person.pk] = client.get(meeting.get_absolute_url()).content.decode()
    assert "Vous êtes inscrit·e." in seen[trois[0].pk]
    assert "en position 1." in seen[trois[1].pk] and "en position 2." in seen[trois[2].pk]
    # Someone who may not see it is never served it.
    secret = make_meeting(trio.private, title="Réunion secrète")
    client.force_login(cast.member)
    assert client.get(secret.get_absolute_url()).status_code == 200
    client.force_login(cast.other_admin)
    assert client.get(secret.get_absolute_url()).status_code == 404
    agenda = client.get(reverse("committees:agenda")).content.decode()
    assert "Réunion secrète" not in agenda
    client.force_login(cast.member)
    assert "Réunion secrète" in client.get(reverse("committees:agenda")).content.decode()
    client.force_login(cast.other_admin)
    assert "Réunion secrète" not in client.get(reverse("committees:agenda")).content.decode()


def test_a_kept_meeting_page_reads_no_query_for_a_reader_waiting(
    client, settings, trio, trois, django_assert_num_queries, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_TTL = 300
    meeting = make_meeting(trio.public, capacity=1)
    for person in trois:
        services.register(meeting=meeting, user=person)
    client.force_login(trois[2])
    for _ in range(2):
        client.get(meeting.get_absolute_url())
    with django_assert_num_queries(0):  # the page, the person and their place: all kept
        page = client.get(meeting.get_absolute_url()).content.decode()
    assert "en position 2." in page
    with django_capture_on_commit_callbacks(execute=True):  # the write renews the generation
        services.unregister(registration=meeting.registrations.get(user=trois[1]), by=trois[1])
    assert "en position 1." in client.get(meeting.get_absolute_url()).content.decode()
