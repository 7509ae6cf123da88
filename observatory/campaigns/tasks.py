from celery import shared_task
from django.utils import timezone

from observatory.campaigns import services


@shared_task(name="observatory.send_campaign_reminders", ignore_result=True)
def send_campaign_reminders():
    # Periodic (beat, every hour): each reminder is claimed once (CampaignReminder), so
    # running it again, or on two workers, is harmless. Returns how many went out.
    return len(services.campaign_reminders_send(today=timezone.localdate()))
