"""A past demo meeting whose final minutes were capitalised into a published meeting report,
for a newcomer's first run: the whole way from a meeting to the knowledge base, labelled
demo. Written through the services, as a coordinator and a curator would; made once."""

from datetime import timedelta

from django.utils import timezone

from portal.accounts.models import User
from portal.committees.choices import MeetingVisibility, MinutesItemKind, RegistrationStatus
from portal.committees.meetings.models import AgendaItem, Meeting, Registration
from portal.committees.minutes import services as minutes
from portal.knowledge.choices import Visibility
from portal.knowledge.curation import services as curation
from portal.knowledge.markdown import markdown_to_html
from portal.knowledge.reference.models import Preconisation

TITLE = "[Démo] Rencontre d'automne : l'accès aux droits des jeunes"
CURATOR_EMAIL = "curation@cohesion.example"
BODY = """Rencontre fictive, créée pour la démonstration du portail.

## Ce qui a été partagé

- Les structures constatent que beaucoup de jeunes de 18 à 25 ans **ne demandent pas** les
  aides auxquelles ils ont droit, faute de savoir qu'elles existent.
- Les permanences tenues dans les missions locales touchent surtout des jeunes déjà suivis.
- Deux associations ont testé des permanences sur les lieux d'études et d'apprentissage.

## Ce que le comité retient

Aller là où sont les jeunes plutôt que d'attendre qu'ils viennent, et partager un même
document d'information entre structures.
"""
ITEMS = [
    {"kind": MinutesItemKind.DECISION, "text": "Rédiger un document d'information commun."},
    {
        "kind": MinutesItemKind.ACTION,
        "text": "Recenser les lieux d'études et d'apprentissage du territoire.",
        "responsible": "Centre social des Quatre Vents (démonstration)",
        "days": 30,
    },
    {
        "kind": MinutesItemKind.ACTION,
        "text": "Proposer une permanence commune au prochain trimestre.",
        "responsible": "Épicerie solidaire du Bocage (démonstration)",
        "days": 75,
    },
]


def demo_past_meeting_ensure(committee, *, coordinator, attendees):
    """The past meeting of `committee`, its minutes final and published as a resource (when
    a demo curator exists). Returns the meeting, or None when it cannot be written."""
    curator = User.objects.filter(email=CURATOR_EMAIL).first()
    existing = Meeting.objects.filter(committee=committee, title=TITLE, is_demo=True).first()
    if existing is not None or coordinator is None or curator is None:
        return existing
    starts = timezone.localtime(timezone.now() - timedelta(days=21)).replace(
        hour=9, minute=30, second=0, microsecond=0
    )
    meeting = Meeting.objects.create(
        committee=committee,
        title=TITLE,
        description="Rencontre fictive, créée pour la démonstration du portail.",
        description_html=markdown_to_html(
            "Rencontre fictive, créée pour la démonstration du portail."
        ),
        address=f"Maison des associations, {committee.territory.name} (adresse fictive)",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        visibility=MeetingVisibility.PUBLIC,
        capacity=30,
        created_by=coordinator,
        is_demo=True,
    )
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(meeting=meeting, position=0, title="Tour de table", duration_minutes=30),
            AgendaItem(
                meeting=meeting,
                position=1,
                title="Le non-recours des jeunes : ce que nous voyons",
                duration_minutes=90,
            ),
            AgendaItem(meeting=meeting, position=2, title="Suites à donner", duration_minutes=60),
        ]
    )
    for person in attendees:
        Registration.objects.create(
            meeting=meeting,
            user=person,
            status=RegistrationStatus.REGISTERED,
            attended=True,
            queued_at=starts - timedelta(days=10),
            created_at=starts - timedelta(days=10),
        )
    items = [
        {
            "kind": item["kind"],
            "text": item["text"],
            "responsible": item.get("responsible", ""),
            "due_on": (timezone.localdate() + timedelta(days=item["days"]))
            if "days" in item
            else None,
        }
        for item in ITEMS
    ]
    minutes.minutes_save(meeting=meeting, user=coordinator, body=BODY, items=items)
    minutes.minutes_finalise(meeting=meeting, user=coordinator)
    seat = coordinator.memberships.select_related("organisation").first()
    resource = minutes.minutes_capitalise(
        meeting=meeting,
        user=coordinator,
        title="[Démo] Compte rendu : l'accès aux droits des jeunes",
        summary="Ce que les structures du comité ont partagé sur le non-recours des jeunes "
        "de 18 à 25 ans, et ce qu'elles ont décidé (compte rendu fictif de démonstration).",
        visibility=Visibility.PUBLIC,
        organisation=seat.organisation if seat else None,
        preconisations=list(Preconisation.objects.filter(number=12)),
        territories=[committee.territory] if committee.territory else [],
    )
    resource.is_demo = True
    resource.save(update_fields=["is_demo"])
    curation.resource_publish(user=curator, resource=resource)
    return meeting
