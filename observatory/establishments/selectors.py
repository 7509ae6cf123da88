"""Reads about employers' establishments: an organisation's list, the organisations a person
declares establishments for, and the commune a person typed."""

import re
from dataclasses import dataclass, field

from django.db.models import Count

from observatory.establishments.models import Establishment
from portal.accounts.models import Organisation
from territories.choices import Level
from territories.geography.models import Territory, fold

# The choices a person is shown when what they typed names several communes.
MAX_CHOICES = 10
# « Bellecombe (98002) », as a commune is shown (Territory.__str__): the form's initial
# value on edit and the choices it lists; copied back, the code in brackets decides.
SHOWN_WITH_CODE = re.compile(r"\((?P<code>(?:\d{2}|2[AB])\d{3})\)", re.IGNORECASE)


def establishments_of(*, organisation):
    """The organisation's establishments, open and closed, with what their list shows."""
    return (
        Establishment.objects.filter(organisation=organisation)
        .select_related("commune__epci", "commune__departement", "sector", "employer_kind")
        .defer("commune__geometry", "commune__epci__geometry", "commune__departement__geometry")
        .order_by("name")
    )


def organisations_with_establishments(*, user):
    """The organisations `user` acts for (as delegate or admin), each with the number of its
    establishments as `establishment_count`: one query, none for a visitor."""
    if user is None or not user.is_authenticated:
        return []
    return list(
        Organisation.objects.filter(memberships__user=user)
        .annotate(establishment_count=Count("establishments", distinct=True))
        .only("name", "slug")
        .order_by("name")
    )


@dataclass(frozen=True)
class CommuneMatch:
    """What a typed commune resolves to: the commune, or the candidates to choose from."""

    commune: Territory | None = None
    choices: list = field(default_factory=list)
    more: bool = False  # more candidates than `choices` shows


def commune_resolve(query):
    """The commune a person means by a name or an INSEE code (or « Name (code) »).

    An INSEE code, or a name borne by a single commune (accents and hyphens aside), decides
    at once; otherwise the communes whose name or codes contain what was typed are the
    candidates, and only a single candidate decides. Every commune loaded is searched."""
    query = (query or "").strip()
    communes = (
        Territory.objects.filter(level=Level.COMMUNE)
        .select_related("departement")
        .defer("geometry", "departement__geometry")
        .order_by("name", "code")
    )
    shown = SHOWN_WITH_CODE.search(query)
    if shown:
        query = shown["code"].upper()
    if not query:
        return CommuneMatch()
    by_code = list(communes.filter(code=query.upper())[:2])
    if len(by_code) == 1:
        return CommuneMatch(commune=by_code[0])
    folded = fold(query)
    homonyms = list(communes.filter(search_name=folded)[: MAX_CHOICES + 1]) if folded else []
    if len(homonyms) == 1:
        return CommuneMatch(commune=homonyms[0])
    if homonyms:  # several communes of that very name, in different départements
        return CommuneMatch(choices=homonyms[:MAX_CHOICES], more=len(homonyms) > MAX_CHOICES)
    candidates = list(communes.search(query)[: MAX_CHOICES + 1])
    if len(candidates) == 1:
        return CommuneMatch(commune=candidates[0])
    return CommuneMatch(choices=candidates[:MAX_CHOICES], more=len(candidates) > MAX_CHOICES)
