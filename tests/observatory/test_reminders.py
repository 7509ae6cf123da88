"""Campaign reminders: each kind sent once, at its moment and never after it, only to the
members of the organisations with an invited return not yet submitted, naming those
establishments; the claim that keeps two runs from both sending; the beat entry; and the
task run by a real Celery worker on Redis."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import transaction
from django.utils import formats, timezone, translation
from redis import Redis

from observatory import notifications
from observatory.campaigns import services
from observatory.campaigns.models import CampaignReminder
from observatory.campaigns.tasks import send_campaign_reminders
from observatory.choices import ReminderKind
from observatory.establishments.models import Establishment
from observatory.returns.services import LineInput, return_lines_save, return_submit
from portal.accounts.choices import MembershipRole
from portal.accounts.notifications.models import Notification
from portal.celery import app as celery_app
from tests.conftest import wait_for, worker_process
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.observatory.conftest import SIRETS, good_figures

DAY = datetime.timedelta(days=1)


def french(day):
    with translation.override("fr"):
        return formats.date_format(day, "j F Y")


def submit(return_obj, user, profession):
    return_lines_save(
        return_obj=return_obj,
        user=user,
        lines={profession: LineInput(values=good_figures())},
        lock_version=None,
    )
    return return_submit(return_obj=return_obj, user=user)


@pytest.fixture
def situation(cast, campaign, returns, reference, small_geography):
    """`organisation` has submitted one of its two returns (the care service is still to
    answer); `other_organisation` has submitted its only one; a third organisation has an
    establishment the campaign did not invite."""
    submit(returns.home, cast.member, reference.educ)
    submit(returns.other, cast.other_admin, reference.aide)
    outsider = UserFactory(email="bocage@exemple.test", full_name="Bérénice Bocage")
    bocage = OrganisationFactory(name="Association du Bocage")
    MembershipFactory(user=outsider, organisation=bocage, role=MembershipRole.ADMIN)
    Establishment.objects.create(
        organisation=bocage,
        name="Foyer du Bocage",
        siret=SIRETS[3],
        commune=small_geography["98003"],
        sector=reference.child,
        employer_kind=reference.association,
    )
    mail.outbox.clear()
    return outsider


def told():
    return Notification.objects.filter(kind=notifications.CAMPAIGNS).order_by("pk")


def kinds_sent(campaign):
    return list(campaign.reminders.order_by("sent_at", "pk").values_list("kind", flat=True))


@pytest.mark.django_db
def test_each_reminder_goes_once_to_those_who_have_not_submitted(
    cast, campaign, returns, situation, reference, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        (reminder,) = services.campaign_reminders_send(today=today)
    assert reminder.kind == ReminderKind.OPENING and reminder.recipients == 2
    assert {n.recipient for n in told()} == {cast.member, cast.org_admin}
    assert sorted(m.to[0] for m in mail.outbox) == [cast.member.email, cast.org_admin.email]
    notification = told().get(recipient=cast.member)
    closes = campaign.closes_on
    assert notification.title == (
        f"La campagne {campaign.year} de l’observatoire est ouverte jusqu’au {french(closes)}"
    )
    assert "Service d'aide à domicile du Maine" in notification.body  # still to answer
    assert "Foyer des Tilleuls" not in notification.body  # submitted
    assert notification.path == "/observatoire/mes-declarations/"
    message = next(m for m in mail.outbox if m.to == [cast.member.email])
    assert "Service d'aide à domicile du Maine" in message.body

    # Again the same day, and the days until the week before closing: nothing more.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.campaign_reminders_send(today=today) == []
        assert services.campaign_reminders_send(today=closes - 8 * DAY) == []
    assert told().count() == 2 and mail.outbox == []

    (reminder,) = services.campaign_reminders_send(today=closes - 7 * DAY)
    assert reminder.kind == ReminderKind.WEEK_BEFORE and reminder.recipients == 2
    assert told().last().title == (
        f"La campagne {campaign.year} de l’observatoire se termine dans 7 jours, "
        f"le {french(closes)}"
    )
    assert services.campaign_reminders_send(today=closes - 3 * DAY) == []

    # The care service answers before the last day: nobody is left to remind.
    submit(returns.care, cast.member, reference.aide)
    (reminder,) = services.campaign_reminders_send(today=closes)
    assert reminder.kind == ReminderKind.LAST_DAY and reminder.recipients == 0
    assert services.campaign_reminders_send(today=closes) == []
    assert services.campaign_reminders_send(today=closes + DAY) == []
    assert kinds_sent(campaign) == [
        ReminderKind.OPENING,
        ReminderKind.WEEK_BEFORE,
        ReminderKind.LAST_DAY,
    ]
    assert told().count() == 4
    assert not told().filter(recipient__in=[cast.other_admin, situation]).exists()


@pytest.mark.django_db
def test_the_last_day_reminder_names_the_closing_date(cast, campaign, situation):
    (reminder,) = services.campaign_reminders_send(today=campaign.closes_on)
    assert reminder.kind == ReminderKind.LAST_DAY
    title = told().get(recipient=cast.member).title
    assert title == (
        f"Dernier jour : la campagne {campaign.year} de l’observatoire se termine ce soir "
        f"({french(campaign.closes_on)})"
    )


@pytest.mark.django_db
def test_nothing_is_sent_once_the_campaign_has_closed(cast, campaign, situation):
    assert services.campaign_reminders_send(today=campaign.closes_on + DAY) == []
    campaign.opens_on = timezone.localdate() - 40 * DAY
    campaign.closes_on = timezone.localdate() - DAY
    campaign.save()
    assert services.campaign_reminders_send() == []
    assert not CampaignReminder.objects.exists() and not told().exists()


@pytest.mark.django_db
def test_nothing_is_sent_before_the_campaign_opens(cast, campaign, situation):
    assert services.campaign_reminders_send(today=campaign.opens_on - DAY) == []
    assert not CampaignReminder.objects.exists()


@pytest.mark.django_db
def test_a_late_run_sends_only_the_latest_reminder_due(cast, campaign, situation):
    # The worker was down from the opening until three days before closing.
    (reminder,) = services.campaign_reminders_send(today=campaign.closes_on - 3 * DAY)
    assert reminder.kind == ReminderKind.WEEK_BEFORE
    assert "dans 3 jours" in told().get(recipient=cast.member).title
    assert services.campaign_reminders_send(today=campaign.closes_on - 2 * DAY) == []
    assert kinds_sent(campaign) == [ReminderKind.WEEK_BEFORE]  # the opening is overtaken


@pytest.mark.django_db
def test_a_campaign_of_a_week_or_less_has_no_week_before_reminder(cast, campaign, situation):
    today = timezone.localdate()
    campaign.opens_on, campaign.closes_on = today, today + 5 * DAY
    campaign.save()
    assert [r.kind for r in services.campaign_reminders_send(today=today)] == ["opening"]
    for days in range(1, 5):
        assert services.campaign_reminders_send(today=today + days * DAY) == []
    assert [r.kind for r in services.campaign_reminders_send(today=today + 5 * DAY)] == ["last_day"]


@pytest.mark.django_db
def test_a_reminder_claimed_by_another_run_is_not_sent_again(cast, campaign, situation):
    CampaignReminder.objects.create(campaign=campaign, kind=ReminderKind.OPENING)
    sent = services._remind(
        campaign_id=campaign.pk, kind=ReminderKind.OPENING, today=timezone.localdate()
    )
    assert sent is None
    assert not told().exists()
    assert CampaignReminder.objects.count() == 1


@pytest.mark.django_db
def test_a_person_of_two_organisations_is_told_once_of_all_their_establishments(
    cast, campaign, returns, other_organisation
):
    MembershipFactory(user=cast.member, organisation=other_organisation)
    services.campaign_reminders_send(today=timezone.localdate())
    (notification,) = told().filter(recipient=cast.member)
    for name in ("Foyer des Tilleuls", "Service d'aide à domicile du Maine", "CCAS de Dampierre"):
        assert name in notification.body
    assert set(told().values_list("recipient__email", flat=True)) == {
        cast.member.email,
        cast.org_admin.email,
        cast.other_admin.email,
    }


def test_beat_runs_the_campaign_reminders_every_hour():
    (entry,) = [
        e
        for e in django_settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == send_campaign_reminders.name
    ]
    assert send_campaign_reminders.name == "observatory.send_campaign_reminders"
    assert entry["schedule"] == 3600.0
    assert send_campaign_reminders.name in celery_app.tasks


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_reminds_only_those_who_have_not_submitted(
    redis_broker, cast, campaign, returns, reference, situation
):
    # The submissions' e-mails to the administrators wait for the worker too; only the
    # reminders matter here.
    worker = worker_process(redis_broker, hostname="campagnes")
    try:
        send_campaign_reminders.delay()
        assert wait_for(lambda: CampaignReminder.objects.filter(campaign=campaign).exists(), 60)
        # Each e-mail at once, by the same worker (its job queued after the commit).
        assert wait_for(lambda: told().filter(emailed_at__isnull=False).count() == 2, 60)
        send_campaign_reminders.delay()
        send_campaign_reminders.delay()
        queue = Redis.from_url(redis_broker)
        assert wait_for(lambda: queue.llen("celery") == 0 and queue.hlen("unacked") == 0, 60)
    finally:
        worker.terminate()
        worker.wait(timeout=20)
    assert kinds_sent(campaign) == [ReminderKind.OPENING]
    assert CampaignReminder.objects.get().recipients == 2
    assert {n.recipient for n in told()} == {cast.member, cast.org_admin}
    with transaction.atomic():
        assert not told().filter(recipient__in=[cast.other_admin, situation]).exists()
