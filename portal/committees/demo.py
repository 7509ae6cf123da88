"""A demo committee for a newcomer's first run (`make run`), labelled as demo."""

from django.db import transaction

from portal.accounts.models import User
from portal.committees.choices import CommitteeAccess, CommitteeRole
from portal.committees.models import Committee, CommitteeMembership
from territories.choices import Level
from territories.models import Territory

DEMO_COMMITTEE = {
    "slug": "comite-local-sarthe-demo",
    "name": "Comité local de la Sarthe (démonstration)",
    "description": (
        "Comité fictif, créé pour la démonstration du portail, sur le modèle des comités "
        "locaux du travail social et du développement social (CLTSDS) : associations, "
        "travailleurs sociaux et services publics de la Sarthe y échangent leurs pratiques."
    ),
    "access": CommitteeAccess.RESTRICTED,
    "departement": "72",
}
# (demo account e-mail, role) — the accounts of portal.accounts.demo.
DEMO_MEMBERS = [
    ("coordination@cohesion.example", CommitteeRole.COORDINATOR),
    ("membre@cohesion.example", CommitteeRole.MEMBER),
]


def demo_committees_ensure():
    """Create or update the demo committee and seat the demo accounts that exist."""
    spec = DEMO_COMMITTEE
    with transaction.atomic():
        committee, _ = Committee.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "description": spec["description"],
                "access": spec["access"],
                "territory": Territory.objects.filter(
                    level=Level.DEPARTEMENT, code=spec["departement"]
                ).first(),
                "is_demo": True,
            },
        )
        seated = 0
        for email, role in DEMO_MEMBERS:
            user = User.objects.filter(email=email).first()
            if user is not None:
                CommitteeMembership.objects.update_or_create(
                    committee=committee, user=user, defaults={"role": role}
                )
                seated += 1
    return committee, seated
