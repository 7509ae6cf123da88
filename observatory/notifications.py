"""The observatory's kinds of notification, declared to the accounts app (below)."""

from django.utils.translation import gettext_lazy as _

# Campaign invitations and reminders, to the delegates of invited organisations.
CAMPAIGNS = "observatory.campaigns"
# A return sent back or validated, to its organisation's delegates.
RETURNS = "observatory.returns"
# A return submitted, to the administrators who validate.
SUBMISSIONS = "observatory.submissions"


def register():
    from portal.accounts.notifications import kinds

    kinds.register(CAMPAIGNS, _("Observatory: campaign invitations and reminders"))
    kinds.register(RETURNS, _("Observatory: your organisation's returns sent back or validated"))
    kinds.register(SUBMISSIONS, _("Observatory: returns submitted, to validate"))
