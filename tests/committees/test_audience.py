"""The knowledge base knows committees only through the audience hook that the committees app
registers in CommitteesConfig.ready()."""

import pytest

from portal.committees.audiences import CommitteeMembershipAudience
from portal.committees.models import Committee, CommitteeMembership
from portal.knowledge.choices import ResourceKind, ResourceStatus, Visibility
from portal.knowledge.models import Resource
from portal.knowledge.resources import audiences

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(cast):
    committee = Committee.objects.create(name="Comité", slug="comite")
    CommitteeMembership.objects.create(committee=committee, user=cast.member)
    return Resource.objects.create(
        kind=ResourceKind.MEETING_REPORT,
        title="Compte rendu",
        slug="compte-rendu",
        summary="Pour le comité.",
        status=ResourceStatus.PUBLISHED,
        visibility=Visibility.COMMITTEE,
        committee=committee,
    )


def test_the_committees_app_registers_its_audience():
    assert isinstance(audiences.committee_audience(), CommitteeMembershipAudience)


def test_the_hook_answers_who_sits_where(cast, shared):
    audience = audiences.committee_audience()
    assert list(audience.sits_on(cast.member)) == [shared.committee]
    assert not audience.sits_on(cast.other_admin).exists()
    assert not audience.sits_on(None).exists()
    assert list(audience.may_share_with(cast.curator)) == [shared.committee]
    assert audience.find("comite") == shared.committee and audience.find("autre") is None


def test_without_the_hook_only_curators_read_a_committee_resource(cast, shared, monkeypatch):
    monkeypatch.setattr(audiences, "_audience", [audiences.CommitteeAudience()])
    assert shared not in Resource.objects.readable_by(cast.member)
    assert shared in Resource.objects.readable_by(cast.curator)
    assert not audiences.may_share_with(user=cast.member, committee=shared.committee)
