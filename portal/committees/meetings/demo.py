"""Demo meetings for a newcomer's first run, all labelled as demo: upcoming meetings of the
demo committees, one of them public, full, with people waiting. Dates follow the day the demo
is loaded, so the meetings stay upcoming; re-running moves them and duplicates nothing."""

from datetime import timedelta

from django.utils import timezone

from portal.committees.choices import (
    CommitteeAccess,
    MeetingMode,
    MeetingVisibility,
    RegistrationStatus,
)
from portal.committees.meetings.models import AgendaItem, Meeting, Registration
from portal.knowledge.markdown import markdown_to_html

AGENDA = [
    ("Accueil et tour de table des structures", 20, ""),
    ("Impayés d'énergie : ce que nous voyons venir", 45, "Centre social des Quatre Vents"),
    ("Accès aux droits des jeunes de 18 à 25 ans", 40, ""),
    ("Questions diverses et date de la prochaine rencontre", 15, ""),
]
DESCRIPTION = (
    "Rencontre fictive, créée pour la démonstration du portail. Les structures du territoire "
    "partagent ce qu'elles observent et préparent des réponses communes.\n\n"
    "Merci de vous inscrire : le nombre de places est limité."
)


def _at(days, hour):
    day = timezone.localtime(timezone.now() + timedelta(days=days))
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def _meeting(committee, *, title, days, visibility, capacity, mode=MeetingMode.IN_PERSON):
    starts = _at(days, 14)
    meeting, _ = Meeting.objects.update_or_create(
        committee=committee,
        title=title,
        is_demo=True,
        defaults={
            "description": DESCRIPTION,
            "description_html": markdown_to_html(DESCRIPTION),
            "mode": mode,
            "address": f"Salle du conseil, {committee.territory.name} (adresse fictive)"
            if committee.territory
            else "Salle du conseil (adresse fictive)",
            "online_url": "https://visio.example/cohesion-demo"
            if mode != MeetingMode.IN_PERSON
            else "",
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=2, minutes=30),
            "visibility": visibility,
            "capacity": capacity,
            "question": "Avez-vous des besoins d'accessibilité ?",
        },
    )
    if not meeting.agenda_items.exists():
        AgendaItem.objects.bulk_create(
            AgendaItem(meeting=meeting, position=n, title=t, duration_minutes=d, speaker=s)
            for n, (t, d, s) in enumerate(AGENDA)
        )
    return meeting


def _places(meeting, people, capacity):
    """The first `capacity` people hold a place, the others wait, in order."""
    queued = timezone.now() - timedelta(days=2)
    for index, person in enumerate(people):
        status = RegistrationStatus.REGISTERED if index < capacity else RegistrationStatus.WAITING
        Registration.objects.get_or_create(
            meeting=meeting,
            user=person,
            status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITING],
            defaults={"status": status, "queued_at": queued + timedelta(hours=index)},
        )


def demo_meetings_ensure(committees, people_of):
    """Meetings for `committees`; `people_of(committee)` its demo people. Returns them."""
    meetings = []
    for ordinal, committee in enumerate(committees):
        people = [p for p in people_of(committee) if p is not None]
        if committee.access == CommitteeAccess.PUBLIC and committee.territory and ordinal == 0:
            meeting = _meeting(
                committee,
                title="[Démo] Rencontre régionale : précarité énergétique",
                days=12,
                visibility=MeetingVisibility.PUBLIC,
                capacity=3,
                mode=MeetingMode.HYBRID,
            )
            _places(meeting, people, 3)
        else:
            visibility = (
                MeetingVisibility.LOGGED_IN
                if committee.access != CommitteeAccess.PRIVATE
                else MeetingVisibility.MEMBERS
            )
            meeting = _meeting(
                committee,
                title="[Démo] Rencontre du comité local",
                days=20 + 7 * (ordinal % 4),
                visibility=visibility,
                capacity=25,
            )
            _places(meeting, people[:2], 25)
        meetings.append(meeting)
    return meetings
