"""Demo committees for a newcomer's first run (`make run`), all labelled as demo.

One committee per département of the loaded région and a regional one, found from the
territories in the database (nothing is tied to one region): coordinators and members
drawn from the demo accounts and a few fictitious organisations, and a few threads in the
public ones. Re-running it updates what exists and duplicates nothing.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from portal.accounts.choices import MembershipRole, OrganisationKind
from portal.accounts.models import Membership, Organisation, User
from portal.committees.choices import CommitteeAccess, CommitteeRole
from portal.committees.forums.models import Post, Thread
from portal.committees.forums.search import search_documents_refresh
from portal.committees.meetings.demo import demo_meetings_ensure
from portal.committees.minutes.demo import demo_past_meeting_ensure
from portal.committees.models import Committee, CommitteeMembership
from portal.knowledge.markdown import markdown_to_html
from territories.choices import Level
from territories.models import Territory

DESCRIPTION = (
    "Comité fictif, créé pour la démonstration du portail, sur le modèle des comités locaux "
    "du travail social et du développement social (CLTSDS) : associations, travailleurs "
    "sociaux et services publics de {name} y échangent leurs pratiques."
)
# The demo accounts of portal.accounts.demo that take part, when they exist.
COORDINATOR_EMAIL = "coordination@cohesion.example"
MEMBER_EMAIL = "membre@cohesion.example"
# Fictitious people of fictitious organisations, who cannot log in.
VOICES = [
    ("Maëlle Guérin", "Épicerie solidaire du Bocage (démonstration)"),
    ("Karim Benali", "Épicerie solidaire du Bocage (démonstration)"),
    ("Sophie Le Goff", "Centre social des Quatre Vents (démonstration)"),
    ("Thomas Rivière", "Centre social des Quatre Vents (démonstration)"),
    ("Nadia Cherif", "Service départemental d'action sociale (démonstration)"),
    ("Julien Morin", "Service départemental d'action sociale (démonstration)"),
]
THREADS = [
    {
        "title": "[Démo] Ordre du jour de la prochaine rencontre",
        "pinned": True,
        "posts": [
            "Bonjour à toutes et à tous, voici la proposition d'ordre du jour :\n\n"
            "1. Tour de table des structures\n2. Impayés d'énergie : ce que nous voyons venir\n"
            "3. Point sur l'accès aux droits des jeunes\n\nVos ajouts sont bienvenus ici.",
            "Merci ! Pourrait-on ajouter un point sur la mobilité en zone rurale ?",
            "Bonne idée, je l'ajoute en point 4.",
        ],
    },
    {
        "title": "[Démo] Repérer plus tôt les impayés d'énergie",
        "pinned": False,
        "posts": [
            "Depuis l'automne, nous voyons arriver des ménages qui n'étaient jamais venus : "
            "des **retraités seuls** et des familles dont un parent travaille à temps partiel. "
            "Comment faites-vous pour les repérer avant la coupure ?",
            "Chez nous, les bailleurs sociaux nous signalent les retards de loyer dès le deuxième "
            "mois, avec l'accord des locataires. Les impayés d'énergie suivent souvent.",
            "> les impayés d'énergie suivent souvent\n\nC'est aussi ce que nous constatons. "
            "Le fonds de solidarité logement intervient, mais tard.",
            "Nous avons une fiche pratique sur ce sujet dans la base de connaissances, je la "
            "partage dès qu'elle est relue.",
        ],
    },
    {
        "title": "[Démo] Aller vers les personnes isolées : vos pratiques",
        "pinned": False,
        "posts": [
            "Nous lançons des permanences itinérantes dans les bourgs sans service public. "
            "Qui a déjà essayé ? Qu'est-ce qui a marché ?",
            "Les marchés du samedi matin fonctionnent bien : on y rencontre des personnes qui "
            "ne pousseraient jamais la porte d'un bureau.",
        ],
    },
]


def _voices():
    """The fictitious people, each acting for their fictitious organisation."""
    people = []
    for full_name, organisation_name in VOICES:
        organisation, _ = Organisation.objects.get_or_create(
            name=organisation_name,
            is_demo=True,
            defaults={
                "kind": OrganisationKind.ASSOCIATION,
                "description": "Organisation fictive créée pour la démonstration du portail.",
            },
        )
        email = f"{slugify(full_name)}@demo.cohesion.example"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, full_name=full_name)
            user.set_unusable_password()
            user.save(update_fields=["password"])
        Membership.objects.get_or_create(
            user=user, organisation=organisation, defaults={"role": MembershipRole.DELEGATE}
        )
        people.append(user)
    return people


def _territories():
    """The loaded région (the first by code) and its départements."""
    region = Territory.objects.filter(level=Level.REGION).order_by("code").first()
    departements = Territory.objects.filter(level=Level.DEPARTEMENT)
    if region is not None:
        departements = departements.filter(region=region)
    return region, list(departements.order_by("code"))


def _committee(*, slug, name, territory, access):
    committee, _ = Committee.objects.update_or_create(
        slug=slug,
        defaults={
            "name": name,
            "description": DESCRIPTION.format(name=territory.name),
            "access": access,
            "territory": territory,
            "is_demo": True,
        },
    )
    return committee


def _seat(committee, user, role):
    if user is not None:
        CommitteeMembership.objects.update_or_create(
            committee=committee, user=user, defaults={"role": role}
        )


def _demo_people(committee):
    """The committee's seated people, coordinators last (they register least)."""
    seats = committee.memberships.select_related("user").order_by("-role", "user__full_name")
    return [seat.user for seat in seats]


def _threads(committee, people):
    """The demo threads of a committee, written once, backdated over the last weeks."""
    created = 0
    start = timezone.now() - timedelta(days=20)
    for number, spec in enumerate(THREADS):
        thread, new = Thread.objects.get_or_create(
            committee=committee,
            title=spec["title"],
            is_demo=True,
            defaults={"is_pinned": spec["pinned"], "author": people[number % len(people)]},
        )
        if not new:
            continue
        created += 1
        moment = start + timedelta(days=3 * number)
        thread.created_at = moment
        for index, body in enumerate(spec["posts"]):
            author = people[(number + index) % len(people)]
            seat = author.memberships.select_related("organisation").first()
            post = Post.objects.create(
                thread=thread,
                author=author,
                organisation=seat.organisation if seat else None,
                body=body,
                body_html=markdown_to_html(body),
                created_at=moment,
            )
            thread.last_post_id, thread.last_poster, thread.last_activity_at = (
                post.pk,
                author,
                moment,
            )
            moment += timedelta(hours=7 + 5 * index)
        thread.post_count = len(spec["posts"])
        thread.save()
        # Found by the knowledge base's search, as what the forum services write is.
        search_documents_refresh(
            threads=Thread.objects.filter(pk=thread.pk), posts=Post.objects.filter(thread=thread)
        )
    return created


def demo_committees_ensure():
    """Create or update the demo committees, seat their people and write their threads.

    Returns (committees, seats, threads created); nothing is made when no territory is
    loaded (load_territories first)."""
    region, departements = _territories()
    coordinator = User.objects.filter(email=COORDINATOR_EMAIL).first()
    member = User.objects.filter(email=MEMBER_EMAIL).first()
    committees, threads = [], 0
    with transaction.atomic():
        specs = []
        if region is not None:
            specs.append(
                (f"comite-regional-{slugify(region.name)}-demo", "Comité régional", region, 0)
            )
        for ordinal, departement in enumerate(departements):
            specs.append(
                (
                    f"comite-local-{slugify(departement.name)}-demo",
                    "Comité local",
                    departement,
                    ordinal,
                )
            )
        voices = _voices() if specs else []
        for slug, kind, territory, ordinal in specs:
            # Départements alternate public and restricted, so the demo shows both.
            access = CommitteeAccess.RESTRICTED if ordinal % 2 else CommitteeAccess.PUBLIC
            if territory == region:
                access = CommitteeAccess.PUBLIC
            committee = _committee(
                slug=slug,
                name=f"{kind} · {territory.name} (démonstration)",
                territory=territory,
                access=access,
            )
            first = (ordinal * 2) % len(voices)
            people = [voices[(first + shift) % len(voices)] for shift in range(3)]
            _seat(committee, coordinator, CommitteeRole.COORDINATOR)
            _seat(committee, people[0], CommitteeRole.COORDINATOR)
            _seat(committee, member, CommitteeRole.MEMBER)
            for person in people[1:]:
                _seat(committee, person, CommitteeRole.MEMBER)
            if access == CommitteeAccess.PUBLIC:
                threads += _threads(committee, people)
            committees.append(committee)
        demo_meetings_ensure(committees, _demo_people)
        if committees:
            # The regional committee (first): a past meeting whose minutes became knowledge.
            regional = committees[0]
            demo_past_meeting_ensure(
                regional,
                coordinator=coordinator,
                attendees=[p for p in _demo_people(regional) if p != coordinator],
            )
    seats = CommitteeMembership.objects.filter(committee__in=committees).count()
    return committees, seats, threads
