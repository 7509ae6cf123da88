from celery import shared_task

from portal.committees.meetings import services


@shared_task(name="committees.expire_offers", ignore_result=True)
def expire_offers():
    # Periodic (beat): an offer expires once, so running it again is harmless.
    return services.offers_expire()
