from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    ASSOCIATION = "association", _("Association")
    PUBLIC_BODY = "public_body", _("Public body")
    EMPLOYER = "employer", _("Employer")
    OTHER = "other", _("Other")


class MembershipRole(models.TextChoices):
    DELEGATE = "delegate", _("Delegate")
    ADMIN = "admin", _("Organisation admin")


class PortalGroup(models.TextChoices):
    """Portal-wide roles, held as Django groups managed by administrators."""

    CURATOR = "curators", _("Curators")
    ANALYST = "analysts", _("Analysts")


class Delivery(models.TextChoices):
    """How a person wants a kind of notification delivered."""

    IN_APP = "in_app", _("In the portal only")
    IMMEDIATE = "immediate", _("By e-mail at once")
    DIGEST = "digest", _("In a daily e-mail digest")
