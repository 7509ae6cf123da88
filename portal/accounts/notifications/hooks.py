"""What the notifications register in the apps below them, which cannot import them."""

from django.utils.translation import gettext_lazy as _

from portal.accounts.choices import Delivery
from portal.accounts.notifications import kinds, services

SIGNALS = "territories.signals"


def register():
    from territories.signals import notifications as signals

    kinds.register(
        SIGNALS, _("New weak signals on the territories you follow"), default=Delivery.IMMEDIATE
    )
    signals.register_delivery(_tell_follower)


def _tell_follower(*, user, subject, body, summary, path):
    services.notify(recipients=[user], kind=SIGNALS, title=subject, body=summary, path=path)
