"""Meetings do not make the pages showing them read more queries as they pile up: the
committee page reads as many for 30 meetings as for 3, and a meeting's page as many for 30
registrations as for 3. (The agenda's count is pinned in test_meetings.py; bench/meetings.py
times these pages at 2,000 meetings and 20,000 registrations.)"""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.committees.choices import MeetingVisibility, RegistrationStatus
from portal.committees.meetings.models import Meeting, Registration
from tests.factories import UserFactory

CAPACITY = 2
# Anonymous visitor; member of the committee (their seat, rights, the bell, the forum's
# threads, the open actions of its minutes…).
COMMITTEE_QUERIES = {"visitor": 6, "member": 15}
MEETING_QUERIES = {"visitor": 3, "member": 13}


@pytest.fixture
def people(db):
    return [UserFactory(full_name=f"Personne {number}") for number in range(30)]


def meetings_of(committee, numbers, *, people):
    """Public meetings of `committee`, the even-numbered ones upcoming, the odd ones past;
    `people` register at each in turn, past its capacity."""
    now = timezone.now()
    for number in numbers:
        days = timedelta(days=number + 1)
        starts = now + days if number % 2 == 0 else now - days
        meeting = Meeting.objects.create(
            committee=committee,
            title=f"Rencontre n°{number}",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            address="Salle du conseil, Nantes",
            visibility=MeetingVisibility.PUBLIC,
            capacity=CAPACITY,
        )
        register(meeting, people)


def register(meeting, people, *, first=0):
    """`people` register in turn after the `first` ones: places held, then the queue."""
    queued = timezone.now() - timedelta(days=1)
    Registration.objects.bulk_create(
        Registration(
            meeting=meeting,
            user=person,
            status=RegistrationStatus.REGISTERED if rank < CAPACITY else RegistrationStatus.WAITING,
            queued_at=queued + timedelta(minutes=rank),
        )
        for rank, person in enumerate(people, start=first)
    )


def places(meetings):
    return [(meeting.held, meeting.waiting) for meeting in meetings]


@pytest.mark.parametrize("persona", ["visitor", "member"])
def test_the_committee_page_reads_as_many_queries_for_30_meetings_as_for_3(
    client, cast, trio, people, django_assert_num_queries, persona
):
    if getattr(cast, persona) is not None:
        client.force_login(getattr(cast, persona))
    url = trio.public.get_absolute_url()
    meetings_of(trio.public, range(3), people=people[:3])
    client.get(url)  # the session and the bell, read once
    with django_assert_num_queries(COMMITTEE_QUERIES[persona]):
        response = client.get(url)
    upcoming, past = response.context["upcoming_meetings"], response.context["past_meetings"]
    assert [m.title for m in upcoming] == ["Rencontre n°0", "Rencontre n°2"]
    assert [m.title for m in past] == ["Rencontre n°1"]
    assert places([*upcoming, *past]) == [(2, 1)] * 3

    meetings_of(trio.public, range(3, 30), people=people)
    client.get(url)
    with django_assert_num_queries(COMMITTEE_QUERIES[persona]):
        response = client.get(url)
    upcoming, past = response.context["upcoming_meetings"], response.context["past_meetings"]
    assert [m.title for m in upcoming] == [f"Rencontre n°{n}" for n in (0, 2, 4, 6, 8)]
    assert [m.title for m in past] == [f"Rencontre n°{n}" for n in (1, 3, 5, 7, 9)]
    # The first three meetings have three people each, the others thirty.
    assert places(upcoming) == [(2, 1), (2, 1), (2, 28), (2, 28), (2, 28)]
    assert places(past) == [(2, 1), (2, 28), (2, 28), (2, 28), (2, 28)]


@pytest.mark.parametrize("persona", ["visitor", "member"])
def test_a_meeting_page_reads_as_many_queries_for_30_registrations_as_for_3(
    client, cast, trio, people, django_assert_num_queries, persona
):
    """The member waits for a place (their page shows their position in the queue)."""
    meeting = Meeting.objects.create(
        committee=trio.public,
        title="Rencontre très demandée",
        starts_at=timezone.now() + timedelta(days=5),
        ends_at=timezone.now() + timedelta(days=5, hours=2),
        address="Salle du conseil, Nantes",
        visibility=MeetingVisibility.PUBLIC,
        capacity=CAPACITY,
    )
    register(meeting, [*people[:2], cast.member])
    if getattr(cast, persona) is not None:
        client.force_login(getattr(cast, persona))
    url = meeting.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(MEETING_QUERIES[persona]):
        response = client.get(url)
    assert (response.context["held"], response.context["waiting"]) == (2, 1)

    register(meeting, people[2:29], first=3)
    client.get(url)
    with django_assert_num_queries(MEETING_QUERIES[persona]):
        response = client.get(url)
    assert (response.context["held"], response.context["waiting"]) == (2, 28)
