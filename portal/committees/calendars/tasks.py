from celery import shared_task

from portal.committees.calendars import services


@shared_task(name="committees.send_meeting_reminders", ignore_result=True)
def send_meeting_reminders():
    # Periodic (beat, every five minutes): each reminder is claimed once
    # (MeetingReminder), so running it again, or on two workers, is harmless.
    return services.reminders_send()
