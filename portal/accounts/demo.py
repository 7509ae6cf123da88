"""Demo accounts, one per persona, for a newcomer's first run (`make run`)."""

import secrets

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from portal.accounts.choices import MembershipRole, OrganisationKind, PortalGroup
from portal.accounts.models import Membership, Organisation, User

DEMO_ORGANISATION = {
    "name": "Association de démonstration",
    "kind": OrganisationKind.ASSOCIATION,
    "territory": "Le Mans (72)",
    "description": "Organisation fictive créée pour la démonstration du portail.",
    "is_demo": True,
}

# (persona label, e-mail, full name, groups, organisation role, superuser)
PERSONAS = [
    ("membre d'association", "membre@cohesion.example", "Camille Membre", [], "admin", False),
    (
        "coordination de comité",
        "coordination@cohesion.example",
        "Dominique Coord",
        [],
        "delegate",
        False,
    ),
    ("analyste", "analyste@cohesion.example", "Alex Analyste", [PortalGroup.ANALYST], None, False),
    (
        "curation",
        "curation@cohesion.example",
        "Claude Curateur",
        [PortalGroup.CURATOR],
        None,
        False,
    ),
    ("administration", "admin@cohesion.example", "Ada Admin", [], None, True),
]


def demo_accounts_ensure():
    """Create the demo accounts that do not exist yet.

    Returns (persona, e-mail, password) for each account; the password is None for an
    account that already existed (it was printed when the account was created).
    """
    created = []
    with transaction.atomic():
        organisation, _ = Organisation.objects.get_or_create(
            slug="association-de-demonstration", defaults=DEMO_ORGANISATION
        )
        for persona, email, full_name, groups, role, superuser in PERSONAS:
            user = User.objects.filter(email=email).first()
            password = None
            if user is None:
                password = secrets.token_urlsafe(9)
                user = User.objects.create_user(
                    email=email,
                    password=password,
                    full_name=full_name,
                    is_staff=superuser,
                    is_superuser=superuser,
                )
                EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            for name in groups:
                user.groups.add(Group.objects.get(name=name))
            if role:
                Membership.objects.get_or_create(
                    user=user,
                    organisation=organisation,
                    defaults={"role": MembershipRole(role)},
                )
            created.append((persona, email, password))
    return created


def demo_password_reset(*, email):
    user = User.objects.get(email=email)
    password = secrets.token_urlsafe(9)
    user.set_password(password)
    user.save(update_fields=["password"])
    return password
