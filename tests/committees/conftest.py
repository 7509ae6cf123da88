"""Three committees, one per access level, each run by the organisation's admin (coordinator)
with the association member seated; the other personas sit on none of them."""

from types import SimpleNamespace

import pytest

from portal.committees.choices import CommitteeAccess, CommitteeRole
from portal.committees.forums import services as forums
from portal.committees.models import Committee, CommitteeMembership


@pytest.fixture
def trio(cast):
    made = {}
    for access, slug, name in [
        (CommitteeAccess.PUBLIC, "ouvert", "Comité ouvert"),
        (CommitteeAccess.RESTRICTED, "reserve", "Comité réservé"),
        (CommitteeAccess.PRIVATE, "secret", "Comité secret"),
    ]:
        committee = Committee.objects.create(name=name, slug=slug, access=access)
        CommitteeMembership.objects.create(
            committee=committee, user=cast.org_admin, role=CommitteeRole.COORDINATOR
        )
        CommitteeMembership.objects.create(committee=committee, user=cast.member)
        made[access.value] = committee
    return SimpleNamespace(**{"public": made["public"], **made})


@pytest.fixture
def threads(cast, trio):
    """One thread with a reply in each committee, its title naming the committee."""
    made = {}
    for key in ("public", "restricted", "private"):
        committee = getattr(trio, key)
        thread = forums.thread_create(
            user=cast.org_admin,
            committee=committee,
            title=f"Sujet confidentiel {key}",
            body=f"Premier message {key}",
        )
        forums.post_create(user=cast.member, thread=thread, body=f"Réponse {key}")
        made[key] = thread
    return SimpleNamespace(**made)
