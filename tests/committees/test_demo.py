"""The demo committees come from the loaded territories, whatever the region."""

import pytest
from django.core.management import call_command

from portal.committees.choices import CommitteeAccess, CommitteeRole
from portal.committees.forums.models import Post, Thread
from portal.committees.meetings.models import Meeting
from portal.committees.models import Committee, CommitteeMembership
from portal.knowledge.choices import Visibility
from portal.knowledge.models import Resource
from territories.choices import Level
from territories.models import Territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def some_region(db):
    """A région of three départements, named as the demo resources expect one of them."""
    region = Territory.objects.create(level=Level.REGION, code="97", name="Région d'essai")
    for code, name in [("01", "Ain d'essai"), ("02", "Sarthe"), ("03", "Val d'essai")]:
        Territory.objects.create(level=Level.DEPARTEMENT, code=code, name=name, region=region)
    # A département of another région is not the demo's.
    Territory.objects.create(level=Level.DEPARTEMENT, code="99", name="Ailleurs")
    return region


def test_one_committee_per_departement_and_a_regional_one_twice_without_duplicates(
    some_region,
):
    call_command("create_demo_accounts", verbosity=0)
    for _ in range(2):
        call_command("load_demo_committees", verbosity=0)
        call_command("load_demo_resources", verbosity=0)
    committees = Committee.objects.filter(is_demo=True)
    assert sorted(c.territory.name for c in committees) == [
        "Ain d'essai",
        "Région d'essai",
        "Sarthe",
        "Val d'essai",
    ]
    regional = committees.get(territory=some_region)
    assert regional.access == CommitteeAccess.PUBLIC
    assert {c.access for c in committees} == {CommitteeAccess.PUBLIC, CommitteeAccess.RESTRICTED}
    for committee in committees:
        roles = list(committee.memberships.values_list("role", flat=True))
        assert roles.count(CommitteeRole.COORDINATOR) == 2 and len(roles) == 5
        threads = Thread.objects.filter(committee=committee)
        if committee.access == CommitteeAccess.PUBLIC:
            assert threads.count() == 3 and all(t.is_demo for t in threads)
            assert all(t.post_count == t.posts.count() > 1 for t in threads)
            assert all(t.last_post_id == t.posts.latest("created_at").pk for t in threads)
        else:
            assert not threads.exists()
    assert Post.objects.count() == 9 * committees.filter(access=CommitteeAccess.PUBLIC).count()
    # Members act for their organisation, shown beside their names.
    assert not Post.objects.filter(organisation__isnull=True).exists()
    # The demo resource shared with one committee finds it.
    sarthe = Committee.objects.get(slug="comite-local-sarthe-demo")
    shared = Resource.objects.get(committee=sarthe)
    assert shared.visibility == Visibility.COMMITTEE and shared.is_demo
    member = sarthe.memberships.get(user__email="membre@cohesion.example").user
    assert shared in Resource.objects.readable_by(member)
    assert shared not in Resource.objects.readable_by(None)
    assert CommitteeMembership.objects.filter(committee__is_demo=True).count() == 4 * 5
    # Upcoming meetings, one per committee, the regional one public, full, with people waiting.
    meetings = Meeting.objects.filter(is_demo=True).upcoming()
    assert meetings.count() == 4
    regional_meeting = meetings.get(committee=regional)
    assert regional_meeting in Meeting.objects.visible_to(None)
    statuses = list(regional_meeting.registrations.values_list("status", flat=True))
    assert statuses.count("registered") == 3 and statuses.count("waiting") == 2
    assert all(m.agenda_items.count() == 4 for m in meetings)
    # A past meeting whose final minutes became a published meeting report, linked both ways.
    past = Meeting.objects.filter(is_demo=True).past().get()
    assert past.committee == regional and past.minutes.is_final
    assert past.registrations.filter(attended=True).count() == 4
    report = past.report
    assert report.status == "published" and report.kind == "meeting_report" and report.is_demo
    assert report in Resource.objects.readable_by(None)


def test_no_territory_no_committee(db):
    call_command("load_demo_committees", verbosity=0)
    assert not Committee.objects.exists()


def test_the_demo_discussions_are_found_by_the_search(some_region):
    from portal.knowledge.search import selectors as search

    call_command("create_demo_accounts", verbosity=0)
    call_command("load_demo_committees", verbosity=0)
    found = search.search(user=None, query="impayé", within="discussions").found
    public = Committee.objects.filter(is_demo=True, access=CommitteeAccess.PUBLIC)
    # Two threads of each public committee speak of unpaid bills, one in its title.
    assert found.total == 2 * public.count()
    assert {thread.committee.slug for thread in found.items} == {c.slug for c in public}
    assert all("<mark>" in str(thread.marked_title) for thread in found.items[: public.count()])
