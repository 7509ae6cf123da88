"""Reads about people and organisations."""

from allauth.account.models import EmailAddress
from django.utils.translation import gettext

from portal.accounts.choices import PortalGroup
from portal.accounts.models import Invitation, Membership, Organisation


def login_attempt_username(request, credentials=None):
    """The address a login attempt is for, as django-axes records and throttles it.

    allauth passes `email`, Django's admin `username`; both forms post them differently.
    """
    credentials = credentials or {}
    data = getattr(request, "POST", {}) if request is not None else {}
    value = (
        credentials.get("email")
        or credentials.get("username")
        or data.get("login")
        or data.get("username")
        or ""
    )
    return value.strip().lower()


def user_portal_roles(*, user):
    """The names of the portal-wide roles `user` holds, as the interface says them."""
    labels = dict(PortalGroup.choices)
    names = user.groups.order_by("name").values_list("name", flat=True)
    roles = [str(labels.get(name, name)) for name in names]
    if user.is_superuser:
        roles.append(gettext("administrator"))
    return roles


def organisation_members(*, organisation):
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("role", "user__email")
    )


def organisation_open_invitations(*, organisation):
    return (
        Invitation.objects.open()
        .filter(organisation=organisation)
        .select_related("invited_by")
        .order_by("-created_at")
    )


def organisations_for_directory():
    return Organisation.objects.order_by("name")


# Higher apps add what they hold about a person to the export: {section name: provider(user)}.
PERSONAL_DATA = {}


def register_personal_data(name, provider):
    """`provider(user)` → data for JSON, exported under `name` (in AppConfig.ready()); dates
    and times are written in ISO 8601 by the export."""
    PERSONAL_DATA[name] = provider


def user_personal_data(*, user):
    """Everything the portal holds about one person, for JSON (DjangoJSONEncoder)."""
    return {**_account_data(user), **{name: p(user) for name, p in PERSONAL_DATA.items()}}


def _account_data(user):
    memberships = Membership.objects.filter(user=user).select_related("organisation")
    return {
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "groups": sorted(user.groups.values_list("name", flat=True)),
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "memberships": [
            {
                "organisation": membership.organisation.name,
                "role": membership.role,
                "joined_at": membership.joined_at,
            }
            for membership in memberships
        ],
        "invitations_received": [
            {
                "organisation": invitation.organisation.name if invitation.organisation else None,
                "role": invitation.role,
                "created_at": invitation.created_at,
                "accepted_at": invitation.accepted_at,
            }
            for invitation in Invitation.objects.filter(email__iexact=user.email).select_related(
                "organisation"
            )
        ],
        "invitations_sent": [
            {
                "email": invitation.email,
                "organisation": invitation.organisation.name if invitation.organisation else None,
                "created_at": invitation.created_at,
            }
            for invitation in Invitation.objects.filter(invited_by=user).select_related(
                "organisation"
            )
        ],
        "background_jobs": [
            {
                "kind": job.kind,
                "label": job.label,
                "state": job.state,
                "created_at": job.created_at,
            }
            for job in user.jobs.all()
        ],
    }
