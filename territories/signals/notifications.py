"""E-mails to the people who follow a territory, after a run is published."""

from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from portal.links import site_url
from territories.choices import RunState
from territories.pipeline.models import PipelineRun
from territories.signals.models import TerritoryFollow, WeakSignal


def _email(*, user, subject, body, summary, path):
    send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, [user.email])


# How a follower is told. The portal's notifications (an app above this one) put their own
# here, so that followers find it in their list and get it as they chose: a callable taking
# the person, the subject, the whole e-mail's text, a short summary and the page's path.
DELIVERY = {"send": _email}


def register_delivery(send):
    DELIVERY["send"] = send


def _previous_published_run_id(run):
    queryset = PipelineRun.objects.filter(state=RunState.SUCCEEDED, pk__lt=run.pk)
    return queryset.order_by("-pk").values_list("pk", flat=True).first()


def notify_followers(*, run_id):
    """E-mail each follower once about the signals this run raised on the territories they
    follow and that the previous published run did not have. Returns the e-mails sent.

    The run records that it notified (in its stats), so sending again is harmless.
    """
    with transaction.atomic():
        run = PipelineRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.state != RunState.SUCCEEDED or "notified" in run.stats:
            return 0
        previous_id = _previous_published_run_id(run)
        before = set(
            WeakSignal.objects.filter(run_id=previous_id).values_list(
                "territory_id", "rule", "indicator_id"
            )
        )
        followed = TerritoryFollow.objects.filter(
            territory__signals__run_id=run_id,
            user__is_active=True,
            user__deleted_at__isnull=True,
        ).values_list("user_id", "territory_id")
        followers = defaultdict(set)
        for user_id, territory_id in followed:
            followers[territory_id].add(user_id)
        new_signals = defaultdict(list)
        signals = (
            WeakSignal.objects.filter(run_id=run_id, territory_id__in=followers)
            .select_related("territory", "indicator")
            .defer("territory__geometry")
            .order_by("territory__name", "-score")
        )
        for signal in signals:
            if (signal.territory_id, signal.rule, signal.indicator_id) in before:
                continue
            for user_id in followers[signal.territory_id]:
                new_signals[user_id].append(signal)
        users = {user.pk: user for user in get_user_model().objects.filter(pk__in=new_signals)}
        sent = 0
        path = reverse("signals:list")
        url = site_url(path)
        with translation.override(settings.LANGUAGE_CODE):
            for user_id, user_signals in new_signals.items():
                user = users[user_id]
                context = {"user": user, "signals": user_signals, "url": url, "run": run}
                subject = render_to_string("territories/email/signals_subject.txt", context)
                DELIVERY["send"](
                    user=user,
                    subject=" ".join(subject.split()),
                    body=render_to_string("territories/email/signals_message.txt", context),
                    summary=render_to_string("territories/email/signals_summary.txt", context),
                    path=path,
                )
                sent += 1
        run.stats = {**run.stats, "notified": sent}
        run.save(update_fields=["stats"])
    return sent
