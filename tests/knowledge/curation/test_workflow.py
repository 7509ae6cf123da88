"""The curation workflow: steps, notifications, who may take them, the review queue."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from portal.knowledge.choices import ResourceStatus
from portal.knowledge.curation import selectors, services
from portal.knowledge.models import Resource, ReviewEvent
from tests.knowledge.helpers import draft, published

pytestmark = pytest.mark.django_db


def test_workflow_with_events_notifications_and_double_publish(
    cast, organisation, django_capture_on_commit_callbacks
):
    resource = draft(cast, organisation)
    services.resource_submit(user=cast.member, resource=resource)
    with pytest.raises(ValidationError):
        services.resource_request_changes(user=cast.curator, resource=resource, comment=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.resource_request_changes(user=cast.curator, resource=resource, comment="Sources ?")
    assert mail.outbox[-1].to == [cast.member.email]
    assert "Sources ?" in mail.outbox[-1].body
    services.resource_submit(user=cast.member, resource=resource)
    resource = services.resource_publish(user=cast.curator, resource=resource)
    assert resource.published_at is not None
    assert resource.review_date is not None
    with pytest.raises(services.TransitionError):
        services.resource_publish(user=cast.curator, resource=resource)
    actions = list(ReviewEvent.objects.filter(resource=resource).values_list("action", flat=True))
    assert sorted(actions) == sorted(["submit", "request_changes", "submit", "publish"])


@pytest.mark.parametrize("persona", ["member", "org_admin", "other_admin", "analyst"])
def test_only_curators_publish_feature_archive(cast, organisation, persona):
    resource = draft(cast, organisation)
    services.resource_submit(user=cast.member, resource=resource)
    user = getattr(cast, persona)
    with pytest.raises(PermissionDenied):
        services.resource_publish(user=user, resource=resource)
    with pytest.raises(PermissionDenied):
        services.resource_archive(user=user, resource=resource)
    with pytest.raises(PermissionDenied):
        services.resource_request_changes(user=user, resource=resource, comment="x")
    assert Resource.objects.get(pk=resource.pk).status == ResourceStatus.SUBMITTED


def test_stale_reminder_mails_curators(cast, organisation, django_capture_on_commit_callbacks):
    resource = published(cast, organisation)
    Resource.objects.filter(pk=resource.pk).update(review_date="2020-01-01")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.stale_resources_remind()["sent"] == 1
    # In the curators' notifications, and by e-mail as they chose (at once by default).
    assert cast.curator.notifications.get().kind == services.STALE_REVIEWS
    assert mail.outbox[0].to == [cast.curator.email]
    assert resource.title in mail.outbox[0].body
    assert selectors.review_queue()["stale"][0].pk == resource.pk


def test_forged_publish_post_is_refused_and_changes_nothing(client, cast, organisation):
    resource = draft(cast, organisation)
    services.resource_submit(user=cast.member, resource=resource)
    client.force_login(cast.member)
    url = reverse("knowledge:resource_transition", args=[resource.slug, "publish"])
    assert client.post(url).status_code == 403
    assert Resource.objects.get(pk=resource.pk).status == ResourceStatus.SUBMITTED


def test_queue_is_for_curators(client, cast):
    client.force_login(cast.member)
    assert client.get(reverse("knowledge:resource_queue")).status_code == 403
    client.force_login(cast.curator)
    assert client.get(reverse("knowledge:resource_queue")).status_code == 200
