"""Demo data of the observatory, for a newcomer's first run (`make run`): fictitious
employers, their establishments and three years of returns — *données fictives de
démonstration*, every object marked `is_demo`.

Generated from a fixed seed (numpy's `default_rng`): the same seed over the same territories
gives the same establishments and the same figures. Nothing is tied to one region: the
communes and their EPCI are read from the database, establishments are spread over the EPCI
in proportion to their population, and where the catalogue holds the number of people aged 75
and over or of children under 15 per commune, those weigh the sectors and the sizes (more home
care where there are more elderly people, more early-childhood educators where there are more
children); without them, population alone does.

The returns go through the return services (observatory.returns.services), so that their
history, coherence checks and validated versions are those a real campaign leaves: the open
campaign's entirely, the past ones' from submission on (return_submit checks every line against
the rules before return_validate keeps the version). Written in bulk, for speed: employers,
establishments, invitations, the past campaigns' lines as first keyed in, and the dates of
events (the services write « now »; they are spread over each campaign's weeks afterwards).

Employers of the demo have nobody on the portal: the portal's administrator (the first
superuser) keys in and validates their returns, as an observatory's team does with answers
received on paper — and, acting, is not notified of them. The demo organisation of
portal.accounts.demo (« Association de démonstration ») answers through its own people.
"""

import datetime
import math
import time
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from stdnum import luhn
from stdnum.fr import siret as siret_number

from observatory.campaigns.models import Campaign, CampaignReminder
from observatory.choices import ReminderKind, ReturnEventKind, ReturnStatus
from observatory.establishments.models import Establishment
from observatory.reference.models import CoherenceRule, EmployerKind, Profession, Sector
from observatory.returns import coherence
from observatory.returns.fields import NAMES
from observatory.returns.models import Return, ReturnEvent, ReturnLine, ReturnVersion
from observatory.returns.services import (
    LineInput,
    return_lines_save,
    return_reopen,
    return_send_back,
    return_submit,
    return_validate,
)
from portal.accounts.choices import OrganisationKind
from portal.accounts.models import Organisation, User
from territories.catalogue.models import Indicator
from territories.catalogue.selectors import values_table
from territories.choices import Level, ValueStatus
from territories.geography.models import Territory, fold

DEFAULT_SEED = 20241231
# Every demo SIREN starts so (no employer's does): the demo's organisations and
# establishments are told from real ones by it, and removed by it. The persona's
# organisation takes number 0, the generated employers 1, 2, 3…
SIREN_PREFIX = "000"
# One establishment for so many inhabitants, and never fewer than MIN_ESTABLISHMENTS: a
# small test geography still gets every kind of return.
INHABITANTS_PER_ESTABLISHMENT = 8000
MIN_ESTABLISHMENTS = 40
# A commune of at least this many inhabitants (or this share of the region's) has its CCAS.
CCAS_POPULATION = 15_000
CCAS_SHARE = 0.15
# An EPCI of this many inhabitants or more has a maison départementale des solidarités;
# smaller ones in proportion.
MDS_POPULATION = 40_000
YEARS = 3
# The current campaign opened three weeks ago and closes in five.
OPENED_DAYS_AGO = 21
CLOSES_IN_DAYS = 35
CAMPAIGN_DAYS = OPENED_DAYS_AGO + CLOSES_IN_DAYS

PERSONA_ORGANISATION = "association-de-demonstration"
PERSONA_ADMIN = "membre@cohesion.example"
PERSONA_DELEGATE = "coordination@cohesion.example"
ADMINISTRATOR = "admin@cohesion.example"

CAMPAIGN_INTRODUCTION = (
    "Campagne fictive, créée pour la démonstration de l'observatoire des métiers de la "
    "cohésion sociale : les employeurs, leurs établissements et leurs déclarations sont des "
    "données fictives de démonstration."
)
ORGANISATION_DESCRIPTION = (
    "Employeur fictif créé pour la démonstration de l'observatoire des métiers de la cohésion "
    "sociale (données fictives de démonstration)."
)

# The current campaign's mix: ~55 % answered, ~25 % in progress, the rest not started.
CURRENT_MIX = [
    (ReturnStatus.VALIDATED, 0.25),
    (ReturnStatus.SUBMITTED, 0.30),
    (ReturnStatus.DRAFT, 0.21),
    (ReturnStatus.SENT_BACK, 0.04),
    (ReturnStatus.NOT_STARTED, 0.20),
]
# Past campaigns: every return validated, a few after being sent back, a few corrected after.
PAST_SENT_BACK = 0.04
PAST_CORRECTED = 0.02
# Drafts of the current campaign that break a coherence rule, so that the checks show.
BREAKING_SHARE = 0.12
MIN_BREAKING = 3

# Sectors' shares of the establishments, and how strongly each follows the share of elderly
# people or of children of its EPCI (an exponent on the EPCI's index against the region).
SECTORS = {
    "personnes-agees": (0.17, "elderly", 1.0),
    "aide-a-domicile": (0.15, "elderly", 1.0),
    "handicap": (0.16, None, 0),
    "protection-enfance": (0.10, "children", 0.5),
    "petite-enfance": (0.13, "children", 1.0),
    "insertion": (0.08, None, 0),
    "hebergement-exclusion": (0.05, None, 0),
    # Besides the CCAS and the départements' services, laid out by area.
    "action-sociale-generaliste": (0.04, None, 0),
    "animation-lien-social": (0.09, None, 0),
}
# Who runs the establishments of each sector, besides the public ones laid out by area.
KINDS_BY_SECTOR = {
    "personnes-agees": {"association": 0.45, "etablissement-public": 0.25, "prive-lucratif": 0.30},
    "aide-a-domicile": {"association": 0.60, "entreprise-ess": 0.10, "prive-lucratif": 0.30},
    "handicap": {"association": 0.90, "etablissement-public": 0.10},
    "protection-enfance": {"association": 0.95, "etablissement-public": 0.05},
    "petite-enfance": {"association": 0.50, "entreprise-ess": 0.20, "prive-lucratif": 0.30},
    "insertion": {"association": 0.70, "entreprise-ess": 0.30},
    "hebergement-exclusion": {"association": 1.0},
    "action-sociale-generaliste": {"association": 1.0},
    "animation-lien-social": {"association": 0.90, "entreprise-ess": 0.10},
}
ORGANISATION_KINDS = {
    "association": OrganisationKind.ASSOCIATION,
    "ccas-cias": OrganisationKind.PUBLIC_BODY,
    "departement": OrganisationKind.PUBLIC_BODY,
    "etablissement-public": OrganisationKind.PUBLIC_BODY,
    "entreprise-ess": OrganisationKind.EMPLOYER,
    "prive-lucratif": OrganisationKind.EMPLOYER,
}
# How likely a new establishment of a kind belongs to an employer that already runs some
# (in the same département, or anywhere in the region for companies), and at most how many.
JOIN = {"association": (0.5, 12), "entreprise-ess": (0.4, 6), "prive-lucratif": (0.6, 15)}

# Each sector's professions: (profession, chance it is employed, headcount from, to).
STAFFING = {
    "protection-enfance": [
        ("directeur-etablissement", 0.9, 1, 1),
        ("chef-de-service", 1.0, 1, 3),
        ("educateur-specialise", 1.0, 6, 24),
        ("moniteur-educateur", 0.9, 3, 12),
        ("educateur-jeunes-enfants", 0.3, 1, 3),
        ("assistant-service-social", 0.4, 1, 2),
        ("tisf", 0.3, 1, 4),
    ],
    "handicap": [
        ("directeur-etablissement", 0.9, 1, 1),
        ("chef-de-service", 1.0, 1, 3),
        ("educateur-specialise", 0.9, 3, 15),
        ("moniteur-educateur", 0.9, 3, 12),
        ("accompagnant-educatif-social", 0.9, 6, 30),
        ("educateur-technique-specialise", 0.5, 2, 8),
        ("assistant-service-social", 0.4, 1, 2),
    ],
    "personnes-agees": [
        ("directeur-etablissement", 1.0, 1, 1),
        ("chef-de-service", 0.6, 1, 2),
        ("accompagnant-educatif-social", 1.0, 8, 30),
        ("auxiliaire-de-vie", 0.8, 4, 16),
        ("animateur-socioculturel", 0.8, 1, 2),
    ],
    "aide-a-domicile": [
        ("directeur-etablissement", 0.8, 1, 1),
        ("chef-de-service", 1.0, 1, 3),
        ("aide-a-domicile", 1.0, 10, 50),
        ("auxiliaire-de-vie", 1.0, 6, 35),
        ("accompagnant-educatif-social", 0.6, 2, 10),
        ("tisf", 0.3, 1, 5),
    ],
    "petite-enfance": [
        ("directeur-etablissement", 0.8, 1, 1),
        ("educateur-jeunes-enfants", 1.0, 2, 8),
        ("accompagnant-educatif-social", 0.5, 2, 6),
    ],
    "insertion": [
        ("directeur-etablissement", 0.7, 1, 1),
        ("chef-de-service", 0.5, 1, 1),
        ("encadrant-technique-insertion", 1.0, 2, 8),
        ("conseiller-insertion", 1.0, 1, 4),
    ],
    "hebergement-exclusion": [
        ("directeur-etablissement", 0.8, 1, 1),
        ("chef-de-service", 1.0, 1, 2),
        ("educateur-specialise", 1.0, 2, 10),
        ("moniteur-educateur", 0.7, 1, 5),
        ("assistant-service-social", 0.7, 1, 3),
        ("conseiller-esf", 0.7, 1, 3),
        ("mediateur-social", 0.4, 1, 2),
    ],
    "action-sociale-generaliste": [
        ("directeur-etablissement", 0.8, 1, 1),
        ("chef-de-service", 0.9, 1, 3),
        ("assistant-service-social", 1.0, 2, 12),
        ("conseiller-esf", 0.8, 1, 4),
        ("conseiller-insertion", 0.5, 1, 3),
        ("mediateur-social", 0.3, 1, 2),
    ],
    "animation-lien-social": [
        ("directeur-etablissement", 1.0, 1, 1),
        ("animateur-socioculturel", 1.0, 2, 10),
        ("conseiller-esf", 0.4, 1, 2),
        ("mediateur-social", 0.4, 1, 3),
    ],
}
# Professions whose numbers follow the elderly (in home care and care homes) or the children.
HOME_CARE = {"aide-a-domicile", "auxiliaire-de-vie", "accompagnant-educatif-social"}
ELDERLY_SECTORS = {"personnes-agees", "aide-a-domicile"}
EARLY_CHILDHOOD = {"educateur-jeunes-enfants"}


@dataclass(frozen=True)
class Traits:
    """How a profession's staff usually looks and moves, for the demo's figures."""

    turnover: float  # share leaving in a year, besides retirements
    vacancy: float  # vacant posts per FTE
    women: float
    part_time: float
    fixed_term: float
    sickness: float  # days a year per person
    accident: float
    ages: tuple  # shares under 30, 30–44, 45–54, 55 and over
    growth: float = 1.01
    trainees: float = 0.1  # a year per person


TRAITS = {
    "aide-a-domicile": Traits(0.26, 0.10, 0.94, 0.65, 0.15, 22, 4, (0.15, 0.30, 0.27, 0.28), 1.03),
    "auxiliaire-de-vie": Traits(
        0.23, 0.09, 0.90, 0.55, 0.15, 20, 3.5, (0.18, 0.32, 0.26, 0.24), 1.03
    ),
    "accompagnant-educatif-social": Traits(
        0.20, 0.08, 0.85, 0.35, 0.15, 18, 3, (0.25, 0.35, 0.22, 0.18), 1.02, 0.15
    ),
    "educateur-specialise": Traits(
        0.15, 0.08, 0.70, 0.15, 0.10, 12, 1, (0.22, 0.40, 0.20, 0.18), 1.01, 0.2
    ),
    "moniteur-educateur": Traits(
        0.17, 0.08, 0.65, 0.15, 0.15, 12, 1, (0.30, 0.38, 0.18, 0.14), 1.01, 0.2
    ),
    "educateur-jeunes-enfants": Traits(
        0.16, 0.09, 0.95, 0.30, 0.12, 13, 1, (0.28, 0.40, 0.18, 0.14), 1.02, 0.2
    ),
    "educateur-technique-specialise": Traits(
        0.09, 0.05, 0.40, 0.08, 0.05, 10, 1.5, (0.10, 0.35, 0.28, 0.27)
    ),
    "assistant-service-social": Traits(
        0.11, 0.06, 0.90, 0.25, 0.08, 11, 0.5, (0.18, 0.38, 0.22, 0.22), 1.0, 0.2
    ),
    "conseiller-esf": Traits(0.12, 0.05, 0.92, 0.25, 0.10, 10, 0.5, (0.25, 0.40, 0.20, 0.15)),
    "tisf": Traits(0.14, 0.07, 0.93, 0.30, 0.10, 14, 1.5, (0.18, 0.35, 0.25, 0.22)),
    "conseiller-insertion": Traits(0.13, 0.04, 0.72, 0.15, 0.20, 9, 0.3, (0.22, 0.40, 0.22, 0.16)),
    "mediateur-social": Traits(0.18, 0.05, 0.55, 0.20, 0.30, 10, 0.8, (0.35, 0.35, 0.18, 0.12)),
    "animateur-socioculturel": Traits(
        0.20, 0.05, 0.65, 0.40, 0.25, 9, 0.8, (0.38, 0.34, 0.16, 0.12)
    ),
    "encadrant-technique-insertion": Traits(
        0.11, 0.05, 0.35, 0.10, 0.10, 10, 2, (0.10, 0.36, 0.28, 0.26)
    ),
    "chef-de-service": Traits(
        0.07, 0.03, 0.60, 0.05, 0.02, 8, 0.2, (0.03, 0.42, 0.33, 0.22), 1.0, 0
    ),
    "directeur-etablissement": Traits(
        0.06, 0.02, 0.55, 0.02, 0.01, 6, 0.1, (0.0, 0.30, 0.38, 0.32), 1.0, 0
    ),
}
DEFAULT_TRAITS = Traits(0.12, 0.05, 0.75, 0.2, 0.1, 11, 1, (0.22, 0.38, 0.22, 0.18))
# Ages of the people hired: mostly young.
HIRE_AGES = (0.45, 0.35, 0.13, 0.07)
# A year's share of each band moving to the next (about one over the band's width).
AGEING = (0.10, 1 / 15, 0.10)
RETIREMENT = 0.11  # of the 55 and over, each year
# Vacancies grow year after year, as the shortage of candidates does.
TENSION_TREND = 0.12

NAMES_POOL = [
    "Les Tilleuls", "L'Envol", "Horizons", "La Passerelle", "Le Fil d'Ariane", "Les Alizés",
    "Arc-en-ciel", "La Boussole", "Les Glycines", "Le Phare", "Trait d'union",
    "Les Hirondelles", "L'Escale", "Cap Avenir", "Les Genêts", "La Marelle", "Les Peupliers",
    "Le Relais", "L'Étape", "Les Sources", "Le Grand Chêne", "Les Mouettes", "La Clairière",
    "Les Coquelicots", "L'Archipel", "Le Tremplin", "Les Embruns", "La Rose des vents",
    "Les Marronniers", "L'Olivier", "Les Lavandes", "Le Verger", "Les Bruyères",
    "Le Colombier", "Les Cèdres", "L'Orée", "Les Lilas", "La Ribambelle", "Le Square",
    "Les Acacias",
]  # fmt: skip
ESTABLISHMENT_NAMES = {
    "protection-enfance": [
        "Maison d'enfants {name}",
        "Foyer éducatif {name}",
        "Service d'action éducative {of_commune}",
    ],
    "handicap": ["IME {name}", "ESAT {name}", "Foyer de vie {name}", "SESSAD {of_commune}"],
    "personnes-agees": ["EHPAD {name}", "Résidence autonomie {name}"],
    "aide-a-domicile": [
        "Service d'aide à domicile {of_commune}",
        "Service autonomie à domicile {name}",
    ],
    "petite-enfance": ["Multi-accueil {name}", "Crèche {name}", "Micro-crèche {name}"],
    "insertion": ["Atelier et chantier d'insertion {of_commune}", "Chantier d'insertion {name}"],
    "hebergement-exclusion": ["CHRS {name}", "Pension de famille {name}"],
    "action-sociale-generaliste": ["Centre social {name}", "Espace des solidarités {of_commune}"],
    "animation-lien-social": ["Maison de quartier {name}", "Centre socioculturel {of_commune}"],
}
ORGANISATION_NAMES = {
    "association": "Association {name} — {place} (démonstration)",
    "entreprise-ess": "SCIC {name} — {place} (démonstration)",
    "prive-lucratif": "Groupe {name} (démonstration)",
}
# Why a figure moved more than usual, given for the warnings of the returns submitted.
JUSTIFICATIONS = {
    "evolution-effectif": "Ouverture d'une unité en cours d'année et redéploiement des postes.",
    "evolution-postes": "Postes redéployés entre nos établissements au dernier budget.",
}
JUSTIFICATION = "Année atypique : réorganisation du service, détaillée à l'observatoire."
RECRUITMENT_COMMENTS = [
    "Très peu de candidatures : postes ouverts depuis le printemps.",
    "Nous recrutons des personnes en cours de qualification, faute de diplômés.",
    "Les horaires fractionnés découragent les candidats, surtout en zone rurale.",
    "Recours à l'intérim pour couvrir les remplacements d'été.",
]
SUBMIT_COMMENTS = ["", "", "", "Chiffres arrêtés au 31 décembre par le service RH."]
SEND_BACK = [
    (
        "Les jours d'absence pour maladie semblent très élevés pour cet effectif.",
        "absence_days_sickness",
        "Pouvez-vous vérifier ce chiffre (jours ouvrés ou calendaires) ?",
    ),
    (
        "Les recrutements paraissent faibles au regard des départs déclarés.",
        "hires",
        "Merci de compter aussi les recrutements en CDD.",
    ),
    (
        "Les postes vacants ne correspondent pas à ce que vous nous aviez signalé.",
        "vacant_posts",
        "Postes vacants en équivalents temps plein, au 31 décembre.",
    ),
]


class DemoRefused(Exception):
    """The demo cannot be loaded here; says why (English, for the command's output)."""


# ---------------------------------------------------------------------------------------
# Where: areas (EPCI, or communes in none) with their population and demography.


@dataclass(eq=False)
class Area:
    """A group of communes the establishments are spread over: an EPCI, or a commune that
    belongs to none."""

    name: str
    is_epci: bool
    communes: list  # of Territory, most populous first
    population: int = 0
    elderly: float = 1.0  # share of people aged 75 and over, against the region's
    children: float = 1.0  # share of children, against the region's

    @property
    def largest(self):
        return self.communes[0]

    @property
    def departement_id(self):
        return self.largest.departement_id


def _latest_counts(slug):
    """{commune code: count} from the catalogue's latest values of an indicator, or {}."""
    indicator = Indicator.objects.filter(slug=slug).first()
    if indicator is None:
        return {}
    counts = {}
    for row in values_table(indicator=indicator, level=Level.COMMUNE):
        if row["status"] == ValueStatus.OK and row["value"] is not None:
            counts[row["territory__code"]] = row["value"]  # rows come oldest period first
    return counts


def _areas():
    """The areas of the latest geography loaded, by code, with their demographic indexes."""
    vintage = (
        Territory.objects.filter(level=Level.COMMUNE)
        .order_by("-vintage")
        .values_list("vintage", flat=True)
    ).first()
    if vintage is None:
        return []
    communes = list(
        Territory.objects.filter(level=Level.COMMUNE, vintage=vintage)
        .select_related("epci")
        .only("code", "name", "population", "departement_id", "epci__code", "epci__name")
        .order_by("code")
    )
    groups = {}
    for commune in communes:
        if commune.epci_id:
            key = ("epci", commune.epci.code)
            name, is_epci = commune.epci.name, True
        else:
            key, name, is_epci = ("commune", commune.code), commune.name, False
        area = groups.setdefault(key, Area(name=name, is_epci=is_epci, communes=[]))
        area.communes.append(commune)
        area.population += commune.population or 0
    areas = sorted(groups.values(), key=lambda area: area.communes[0].code)
    for area in areas:
        area.communes.sort(key=lambda commune: (-(commune.population or 0), commune.code))
    for slug, attribute in (("personnes-75-plus", "elderly"), ("enfants-0-14", "children")):
        _set_index(areas, _latest_counts(slug), attribute)
    return [area for area in areas if area.population > 0]


def _set_index(areas, counts, attribute):
    """Each area's share of `counts` in its population against the region's, 1 without data.

    A commune without a value counts at the region's share: secrecy or a gap does not make
    an EPCI look younger or older than it is."""
    known = [
        (counts[c.code], c.population or 0) for a in areas for c in a.communes if c.code in counts
    ]
    total_population = sum(population for _value, population in known)
    if not total_population:
        return
    share = sum(value for value, _population in known) / total_population
    if share <= 0:
        return
    for area in areas:
        if not area.population:
            continue
        count = sum(counts.get(c.code, share * (c.population or 0)) for c in area.communes)
        index = count / area.population / share
        setattr(area, attribute, min(max(index, 0.5), 2.0))


def _allot(total, weights):
    """Split `total` in proportion to `weights` by largest remainder, at least 1 each."""
    weights = np.asarray(weights, dtype=float)
    exact = weights / weights.sum() * total
    counts = np.maximum(np.floor(exact).astype(int), 1)
    remainder = total - counts.sum()
    if remainder > 0:
        for index in np.argsort(-(exact - np.floor(exact)), kind="stable")[:remainder]:
            counts[index] += 1
    return [int(count) for count in counts]


# ---------------------------------------------------------------------------------------
# Who: fictitious employers and their establishments.


def siren_for(number):
    """The demo SIREN of employer `number` (valid, and starting with SIREN_PREFIX)."""
    body = f"{SIREN_PREFIX}{number:05d}"
    return body + luhn.calc_check_digit(body)


def siret_for(siren, number):
    """The SIRET of establishment `number` (1, 2…) of the employer `siren`."""
    body = f"{siren}{number:04d}"
    value = body + luhn.calc_check_digit(body)
    assert siret_number.is_valid(value), value
    return value


@dataclass
class EmployerPlan:
    """A fictitious employer to create, and how many establishments it already runs."""

    name: str
    employer_kind: str
    territory: str
    establishments: int = 0
    organisation: Organisation | None = None


@dataclass
class LineState:
    """One profession's staff in one establishment, as the years go by."""

    profession: str
    headcount: int
    ages: np.ndarray
    women: int
    tension: float  # this establishment's vacancies against the profession's usual
    part_time_fte: float  # the FTE of its part-time staff, on average
    absence: float  # this establishment's absences against the profession's usual
    history: dict = field(default_factory=dict)  # year → figures, once answered


@dataclass
class EstablishmentPlan:
    """An establishment to create (or the persona's, found), with its professions."""

    employer: EmployerPlan | None
    name: str
    commune: Territory
    sector: str
    employer_kind: str
    lines: list = field(default_factory=list)  # of LineState
    persona: int = 0  # 1 and 2: the persona organisation's first and second establishment
    establishment: Establishment | None = None


class Planner:
    """Lays out employers and establishments over the areas, from the seeded generator."""

    def __init__(self, rng, areas, departements):
        self.rng = rng
        self.areas = areas
        self.departements = departements
        self.establishments = []
        self.pools = {}  # (kind, sector, département or None) → [EmployerPlan]
        self.used_names = set(Organisation.objects.values_list("name", flat=True))

    def pick(self, options):
        """One of `options` ({value: weight}), by weight."""
        values = list(options)
        weights = np.asarray([options[value] for value in values], dtype=float)
        return values[int(self.rng.choice(len(values), p=weights / weights.sum()))]

    def pool_name(self):
        return NAMES_POOL[int(self.rng.integers(len(NAMES_POOL)))]

    def employer(self, *, name, kind, territory):
        """A new employer; `name` may be a template with {name}, drawn from NAMES_POOL until
        unused (numbered past that)."""
        candidate = name
        if "{name}" in name:
            for _attempt in range(len(NAMES_POOL)):
                candidate = name.replace("{name}", self.pool_name())
                if candidate not in self.used_names:
                    break
        base, n = candidate, 2
        while candidate in self.used_names:
            candidate = base.replace(" (démonstration)", f" {n} (démonstration)")
            if candidate == base:
                candidate = f"{base} {n}"
            n += 1
        name = candidate
        self.used_names.add(name)
        return EmployerPlan(name, kind, territory)

    def establishment(self, *, employer, name, commune, sector, elderly=1.0, children=1.0):
        plan = EstablishmentPlan(employer, name, commune, sector, employer.employer_kind)
        employer.establishments += 1
        plan.lines = self.staff(sector, elderly=elderly, children=children)
        self.establishments.append(plan)
        return plan

    def staff(self, sector, *, elderly=1.0, children=1.0):
        """The professions an establishment of `sector` employs, with their first state."""
        rng = self.rng
        size = float(rng.lognormal(0.0, 0.35))
        lines = []
        for code, chance, low, high in STAFFING[sector]:
            # Every sector has a profession it always employs: no establishment is empty.
            if rng.random() >= chance:
                continue
            headcount = 1
            if high > 1:
                factor = size
                if code in HOME_CARE and sector in ELDERLY_SECTORS:
                    factor *= elderly
                if code in EARLY_CHILDHOOD:
                    factor *= children
                headcount = max(1, round(float(rng.uniform(low, high + 1)) * factor))
            traits = TRAITS.get(code, DEFAULT_TRAITS)
            lines.append(
                LineState(
                    profession=code,
                    headcount=headcount,
                    ages=rng.multinomial(headcount, _probabilities(traits.ages)),
                    women=int(rng.binomial(headcount, traits.women)),
                    tension=float(rng.lognormal(0.0, 0.4)),
                    part_time_fte=float(rng.uniform(0.5, 0.7)),
                    absence=float(rng.lognormal(0.0, 0.3)),
                )
            )
        return lines

    def place(self, departement_id, commune=None):
        if commune is not None and departement_id in self.departements:
            return f"{commune.name} ({self.departements[departement_id].code})"
        departement = self.departements.get(departement_id)
        return departement.name if departement else ""

    def lay_out(self, total):
        """Public services by area and département, then the others by population."""
        rng = self.rng
        region_population = sum(area.population for area in self.areas)
        allotment = _allot(total, [area.population for area in self.areas])
        ccas_threshold = min(CCAS_POPULATION, CCAS_SHARE * region_population)
        departement_employers = {}
        for departement_id, departement in self.departements.items():
            departement_employers[departement_id] = self.employer(
                name=f"Département — {departement.name}, services des solidarités (démonstration)",
                kind="departement",
                territory=departement.name,
            )
        # The département's children's home, in its most populous commune.
        largest = {}
        for area in self.areas:
            for commune in area.communes:
                best = largest.get(commune.departement_id)
                if best is None or (commune.population or 0) > (best[0].population or 0):
                    largest[commune.departement_id] = (commune, area)
        public = [0] * len(self.areas)
        for departement_id, (commune, area) in largest.items():
            if departement_id in departement_employers:
                self.establishment(
                    employer=departement_employers[departement_id],
                    name=f"Foyer départemental de l'enfance {of_place(commune.name)}",
                    commune=commune,
                    sector="protection-enfance",
                    children=area.children,
                )
                public[self.areas.index(area)] += 1
        for index, area in enumerate(self.areas):
            departement_employer = departement_employers.get(area.departement_id)
            # The département's social services: in most EPCI, always in the larger ones.
            chance = area.population / MDS_POPULATION
            if area.is_epci and departement_employer is not None and rng.random() < chance:
                self.establishment(
                    employer=departement_employer,
                    name=f"Maison départementale des solidarités {of_place(area.largest.name)}",
                    commune=area.largest,
                    sector="action-sociale-generaliste",
                )
                public[index] += 1
            has_ccas = False
            for commune in area.communes:
                if (commune.population or 0) < ccas_threshold:
                    break
                has_ccas = True
                public[index] += self.ccas(commune, area, ccas_threshold)
            if area.is_epci and not has_ccas and rng.random() < 0.35:
                cias = self.employer(
                    name=f"CIAS {area.name} (démonstration)",
                    kind="ccas-cias",
                    territory=area.name,
                )
                self.establishment(
                    employer=cias,
                    name=f"Service d'aide à domicile du CIAS {area.name}",
                    commune=area.largest,
                    sector="aide-a-domicile",
                    elderly=area.elderly,
                )
                public[index] += 1
        for index, area in enumerate(self.areas):
            for _ in range(max(1, allotment[index] - public[index])):
                self.other(area)

    def ccas(self, commune, area, threshold):
        """A commune's CCAS and, in the largest, its home care and care home."""
        rng = self.rng
        employer = self.employer(
            name=f"CCAS {of_place(commune.name)} (démonstration)",
            kind="ccas-cias",
            territory=self.place(commune.departement_id, commune),
        )
        self.establishment(
            employer=employer,
            name=f"CCAS {of_place(commune.name)}",
            commune=commune,
            sector="action-sociale-generaliste",
        )
        made = 1
        if (commune.population or 0) >= 3 * threshold:
            if rng.random() < 0.6:
                self.establishment(
                    employer=employer,
                    name=f"Service d'aide à domicile — CCAS {of_place(commune.name)}",
                    commune=commune,
                    sector="aide-a-domicile",
                    elderly=area.elderly,
                )
                made += 1
            if rng.random() < 0.3:
                self.establishment(
                    employer=employer,
                    name=f"EHPAD municipal {of_place(commune.name)}",
                    commune=commune,
                    sector="personnes-agees",
                    elderly=area.elderly,
                )
                made += 1
        return made

    def other(self, area):
        """An establishment of an association, a public body or a company, in `area`."""
        rng = self.rng
        weights = {}
        for sector, (share, follows, power) in SECTORS.items():
            index = getattr(area, follows) if follows else 1.0
            weights[sector] = share * index**power
        sector = self.pick(weights)
        kind = self.pick(KINDS_BY_SECTOR[sector])
        populations = np.asarray([c.population or 0 for c in area.communes], dtype=float) + 1
        commune = area.communes[
            int(rng.choice(len(area.communes), p=populations / populations.sum()))
        ]
        templates = ESTABLISHMENT_NAMES[sector]
        if kind != "prive-lucratif" and sector == "petite-enfance":
            templates = templates[:2]
        name = templates[int(rng.integers(len(templates)))].format(
            name=self.pool_name(), of_commune=of_place(commune.name)
        )
        if kind == "etablissement-public":
            employer = self.employer(
                name=f"{name} — établissement public (démonstration)",
                kind=kind,
                territory=self.place(commune.departement_id, commune),
            )
        else:
            employer = self.joined(kind, sector, commune.departement_id)
        self.establishment(
            employer=employer,
            name=name,
            commune=commune,
            sector=sector,
            elderly=area.elderly,
            children=area.children,
        )

    def joined(self, kind, sector, departement_id):
        """An employer of `kind` already running establishments of `sector` nearby (companies:
        anywhere in the region), or a new one."""
        chance, most = JOIN[kind]
        key = (kind, sector, None if kind == "prive-lucratif" else departement_id)
        pool = [plan for plan in self.pools.get(key, []) if plan.establishments < most]
        if pool and self.rng.random() < chance:
            return pool[int(self.rng.integers(len(pool)))]
        employer = self.employer(
            name=ORGANISATION_NAMES[kind].replace("{place}", self.place(departement_id)),
            kind=kind,
            territory=self.place(departement_id),
        )
        self.pools.setdefault(key, []).append(employer)
        return employer


def of_place(name):
    """« de Nantes », « d'Angers », « du Mans », « des Sables-d'Olonne »: French elision."""
    if name.startswith("Le "):
        return f"du {name[3:]}"
    if name.startswith("Les "):
        return f"des {name[4:]}"
    if fold(name[:1]) in tuple("aeiouy"):
        return f"d'{name}"
    return f"de {name}"


def _probabilities(shares):
    shares = np.asarray(shares, dtype=float)
    return shares / shares.sum()


# ---------------------------------------------------------------------------------------
# What: a year of one profession's figures.


def _half(value):
    """Round to the nearest half post."""
    return Decimal(round(value * 2)) / 2


def _decimal(value):
    return Decimal(str(round(value, 2)))


def year_figures(rng, line, *, year_index):
    """Move `line` (LineState) one year on and return that year's figures ({name: number}).

    Staff at the start of the year, retirements from the 55 and over, other departures,
    ageing, hires making up the year's headcount: age bands, sexes and departures add up by
    construction, and the headcount moves by at most 40 % (a single post never)."""
    traits = TRAITS.get(line.profession, DEFAULT_TRAITS)
    start = line.headcount
    step = int(0.4 * start)
    headcount = round(start * float(rng.normal(traits.growth, 0.06)))
    headcount = min(max(headcount, start - step, 1), start + step)
    ages = line.ages.copy()
    retired = int(rng.binomial(ages[3], RETIREMENT))
    ages[3] -= retired
    others = int(rng.binomial(start - retired, traits.turnover))
    hires = headcount - (start - retired - others)
    if hires < 0:
        others, hires = others - hires, 0
    leaving = rng.multivariate_hypergeometric(ages, others)
    women_leaving = int(rng.hypergeometric(line.women, start - line.women, retired + others))
    ages = ages - leaving
    moving = [int(rng.binomial(ages[band], AGEING[band])) for band in range(3)]
    for band, moved in enumerate(moving):
        ages[band] -= moved
        ages[band + 1] += moved
    ages = ages + rng.multinomial(hires, HIRE_AGES)
    women = line.women - women_leaving + int(rng.binomial(hires, traits.women))
    end_of_contracts = min(0.4, 2 * traits.fixed_term)
    resignation, fixed_term_end, dismissal, other = (
        int(n)
        for n in rng.multinomial(others, [0.85 - end_of_contracts, end_of_contracts, 0.08, 0.07])
    )
    part_time = int(rng.binomial(headcount, traits.part_time))
    fte = headcount - part_time * (1 - line.part_time_fte)
    rate = traits.vacancy * line.tension * (1 + TENSION_TREND * year_index)
    vacant = Decimal(int(rng.poisson(2 * fte * rate))) / 2
    long_vacant = _half(float(vacant) * float(rng.uniform(0.2, 0.7)))
    sickness = int(rng.poisson(headcount * traits.sickness * line.absence))
    accident = int(rng.poisson(headcount * traits.accident))
    line.headcount, line.ages, line.women = headcount, ages, women
    return {
        "headcount": headcount,
        "headcount_start": start,
        "fte": _decimal(fte),
        "posts_budgeted": _decimal(fte) + vacant,
        "vacant_posts": vacant,
        "long_vacant_posts": min(long_vacant, vacant),
        "hires": hires,
        "departures_retirement": retired,
        "departures_resignation": resignation,
        "departures_fixed_term_end": fixed_term_end,
        "departures_dismissal": dismissal,
        "departures_other": other,
        "age_under_30": int(ages[0]),
        "age_30_44": int(ages[1]),
        "age_45_54": int(ages[2]),
        "age_55_plus": int(ages[3]),
        "women": women,
        "men": headcount - women,
        "fixed_term": int(rng.binomial(headcount, traits.fixed_term)),
        "part_time": part_time,
        "absence_days_sickness": min(sickness, 300 * headcount),
        "absence_days_work_accident": min(accident, 30 * headcount),
        "trainees": int(rng.poisson(headcount * traits.trainees)),
    }


def break_rule(values, kind, last_headcount):
    """Make `values` break one coherence rule, as a hurried delegate does."""
    values = dict(values)
    if kind == "vacant":
        values["vacant_posts"] = values["posts_budgeted"] + 2
    elif kind == "ages":
        values["age_45_54"] += 2
    elif kind == "fte":
        values["fte"] = values["headcount"] + Decimal("1.5")
    elif kind == "jump":
        # A jump of 80 % on last year, consistent otherwise: only the warning shows.
        jump = math.ceil(1.8 * last_headcount) - values["headcount"]
        for name in ("headcount", "hires", "age_under_30", "women"):
            values[name] += jump
        values["fte"] += jump
        values["posts_budgeted"] += jump
    return values


BREAKS = ["vacant", "ages", "jump", "fte"]


# ---------------------------------------------------------------------------------------
# When: campaigns, and the returns through the services.


@dataclass
class Cast:
    """Who acts in the demo's returns."""

    steward: User | None  # keys in and validates the returns of employers without people
    persona_admin: User | None
    persona_delegate: User | None


def _cast():
    superusers = User.objects.filter(is_superuser=True, is_active=True)
    steward = superusers.filter(email=ADMINISTRATOR).first() or superusers.order_by("pk").first()
    return Cast(
        steward=steward,
        persona_admin=User.objects.filter(email=PERSONA_ADMIN).first(),
        persona_delegate=User.objects.filter(email=PERSONA_DELEGATE).first(),
    )


def campaign_dates(today, years_back):
    """(opens_on, closes_on) of the campaign `years_back` years before the current one."""
    opens = today - datetime.timedelta(days=OPENED_DAYS_AGO)
    try:
        opens = opens.replace(year=opens.year - years_back)
    except ValueError:  # 29 February
        opens = opens.replace(year=opens.year - years_back, day=28)
    return opens, opens + datetime.timedelta(days=CAMPAIGN_DAYS)


class Generator:
    """One run of the demo: the seeded draws, the reference lists and who acts."""

    def __init__(self, *, seed, today, cast):
        self.rng = np.random.default_rng(seed)
        # Dates of events come from a generator of their own: the figures never depend on them.
        self.clock = np.random.default_rng([seed, 1])
        self.today = today
        self.cast = cast
        self.professions = {p.code: p for p in Profession.objects.all()}
        self.rules = list(CoherenceRule.objects.filter(is_active=True))

    # -- lines --------------------------------------------------------------------------

    def justified(self, line, values, year):
        """LineInput for `values`, with a justification for each warning they raise."""
        context = coherence.context_for(history=line.history, last_year=year - 1)
        found = coherence.line_findings(values=values, context=context, rules=self.rules)
        blocking = [finding.rule for finding in found if finding.blocking]
        assert not blocking, (line.profession, year, blocking, values)
        justifications = {
            finding.rule: JUSTIFICATIONS.get(finding.rule, JUSTIFICATION) for finding in found
        }
        comment = ""
        if values["vacant_posts"] >= 1 and self.rng.random() < 0.2:
            comment = RECRUITMENT_COMMENTS[int(self.rng.integers(len(RECRUITMENT_COMMENTS)))]
        return LineInput(values, recruitment_comment=comment, justifications=justifications)

    def inputs(self, plan, figures, year):
        return {
            self.professions[line.profession]: self.justified(line, figures[index], year)
            for index, line in enumerate(plan.lines)
        }

    # -- one return's life ----------------------------------------------------------------

    def answer(self, ret, plan, figures, year, *, status, actor, validator):
        """Fill, submit and (by `status`) send back or validate a return, through the
        services."""
        ret = return_lines_save(
            return_obj=ret, user=actor, lines=self.inputs(plan, figures, year), lock_version=None
        )
        comment = SUBMIT_COMMENTS[int(self.rng.integers(len(SUBMIT_COMMENTS)))]
        ret = return_submit(return_obj=ret, user=actor, comment=comment)
        if status == ReturnStatus.SENT_BACK:
            return self.send_back(ret, plan, validator)
        if status == ReturnStatus.VALIDATED:
            ret = return_validate(return_obj=ret, user=validator)
        return ret

    def send_back(self, ret, plan, validator):
        reason, name, text = SEND_BACK[int(self.rng.integers(len(SEND_BACK)))]
        profession = self.professions[plan.lines[-1].profession]
        return return_send_back(
            return_obj=ret, user=validator, reason=reason, comments=[(profession, name, text)]
        )

    def past_answer(self, ret, plan, figures, year, *, actor, validator):
        """Submit and validate a past campaign's return keyed in (a draft): some after being
        sent back, some corrected after validation (a second version)."""
        draw = self.rng.random()
        comment = SUBMIT_COMMENTS[int(self.rng.integers(len(SUBMIT_COMMENTS)))]
        ret = return_submit(return_obj=ret, user=actor, comment=comment)
        if draw < PAST_SENT_BACK:
            ret = self.send_back(ret, plan, validator)
            ret = return_lines_save(
                return_obj=ret,
                user=actor,
                lines=self.inputs(plan, figures, year),
                lock_version=None,
            )
            ret = return_submit(return_obj=ret, user=actor, comment="Chiffres vérifiés.")
        ret = return_validate(return_obj=ret, user=validator)
        if PAST_SENT_BACK <= draw < PAST_SENT_BACK + PAST_CORRECTED:
            ret = return_reopen(
                return_obj=ret, user=actor, reason="Stagiaires oubliés dans la première saisie."
            )
            figures[0] = dict(figures[0], trainees=figures[0]["trainees"] + 1)
            profession = self.professions[plan.lines[0].profession]
            ret = return_lines_save(
                return_obj=ret,
                user=actor,
                lines={profession: self.justified(plan.lines[0], figures[0], year)},
                lock_version=None,
            )
            ret = return_submit(return_obj=ret, user=actor)
            ret = return_validate(return_obj=ret, user=validator)
        return ret

    def draft(self, ret, plan, figures, year, *, actor, breaking):
        """A return in progress: complete, partly filled, or breaking a rule."""
        lines = {}
        partial = breaking is None and self.rng.random() < 0.5
        for index, line in enumerate(plan.lines):
            values = figures[index]
            if breaking is not None and index == _largest(plan.lines):
                last = line.history.get(year - 1, {}).get("headcount") or values["headcount"]
                values = break_rule(values, breaking, last)
            elif partial and index >= max(1, len(plan.lines) // 2):
                keep = ("headcount", "headcount_start", "fte")
                values = {name: (values[name] if name in keep else None) for name in NAMES}
            lines[self.professions[line.profession]] = LineInput(values)
        return return_lines_save(return_obj=ret, user=actor, lines=lines, lock_version=None)

    def persona_draft(self, ret, plan, figures, year, cast):
        """The persona's return in progress: its admin filled the first profession, the
        delegate began the second; the rest is theirs to fill."""
        first, *rest = plan.lines
        ret = return_lines_save(
            return_obj=ret,
            user=cast.persona_admin or cast.persona_delegate,
            lines={self.professions[first.profession]: self.justified(first, figures[0], year)},
            lock_version=None,
        )
        if rest and cast.persona_delegate is not None:
            keep = ("headcount", "headcount_start", "fte", "posts_budgeted", "vacant_posts")
            values = {name: (figures[1][name] if name in keep else None) for name in NAMES}
            ret = return_lines_save(
                return_obj=ret,
                user=cast.persona_delegate,
                lines={self.professions[rest[0].profession]: LineInput(values)},
                lock_version=ret.lock_version,
            )
        return ret


def _largest(lines):
    return max(range(len(lines)), key=lambda index: lines[index].headcount)


def _mix(rng, count):
    """`count` statuses in the current campaign's proportions, in a seeded order."""
    statuses = []
    for status, n in zip(
        [status for status, _share in CURRENT_MIX],
        _allot_exact(count, [share for _status, share in CURRENT_MIX]),
        strict=True,
    ):
        statuses += [status] * n
    return [statuses[int(index)] for index in rng.permutation(len(statuses))]


def _allot_exact(total, weights):
    """Split `total` in proportion to `weights` by largest remainder (zeros allowed)."""
    exact = np.asarray(weights, dtype=float) / sum(weights) * total
    counts = np.floor(exact).astype(int)
    for index in np.argsort(-(exact - counts), kind="stable")[: total - counts.sum()]:
        counts[index] += 1
    return [int(count) for count in counts]


# ---------------------------------------------------------------------------------------
# The entry points.


def demo_campaign_years(today=None):
    """The years of the demo's campaigns: the current one (last year) and the two before."""
    current = (today or timezone.localdate()).year - 1
    return list(range(current - YEARS + 1, current + 1))


def _persona_organisation():
    return Organisation.objects.filter(slug=PERSONA_ORGANISATION).first()


def _demo_organisations():
    return Organisation.objects.filter(is_demo=True, siret__startswith=SIREN_PREFIX)


def demo_observatory_loaded(today=None):
    """Whether the demo is there for this year's campaigns (and the persona's organisation,
    if it exists, has its two establishments)."""
    years = set(Campaign.objects.filter(is_demo=True).values_list("year", flat=True))
    if years != set(demo_campaign_years(today)):
        return False
    persona = _persona_organisation()
    if persona is None:
        return True
    return persona.establishments.filter(is_demo=True).count() == 2


@transaction.atomic
def demo_observatory_remove():
    """Delete the observatory's demo data — demo campaigns with their returns, demo
    establishments, the demo's employers — and nothing else. Returns what was deleted."""
    counts = {
        "returns": Return.objects.filter(
            Q(is_demo=True) | Q(campaign__is_demo=True) | Q(establishment__is_demo=True)
        ).count(),
        "campaigns": Campaign.objects.filter(is_demo=True).count(),
        "establishments": Establishment.objects.filter(is_demo=True).count(),
        "organisations": _demo_organisations().count(),
    }
    Campaign.objects.filter(is_demo=True).delete()
    Establishment.objects.filter(is_demo=True).delete()
    _demo_organisations().delete()
    return counts


def demo_observatory_load(*, seed=DEFAULT_SEED, today=None):
    """Generate the observatory's demo data from `seed` over the territories loaded, after
    removing the previous demo (and only it). Refused (DemoRefused) without territories or
    reference lists, or when a real campaign holds one of the demo's years.

    Returns counts: organisations, establishments, returns by year and status, seconds."""
    started = time.monotonic()
    today = today or timezone.localdate()
    years = demo_campaign_years(today)
    if not Profession.objects.exists():
        raise DemoRefused("No profession loaded: run load_observatory_reference first.")
    taken = sorted(
        Campaign.objects.filter(year__in=years, is_demo=False).values_list("year", flat=True)
    )
    if taken:
        raise DemoRefused(
            "A real campaign exists for {}: the demo observatory is not loaded beside it.".format(
                ", ".join(map(str, taken))
            )
        )
    with transaction.atomic():
        demo_observatory_remove()
        areas = _areas()
        if not areas:
            raise DemoRefused("No commune loaded: run load_territories first.")
        generator = Generator(seed=seed, today=today, cast=_cast())
        plans = _plan(generator, areas)
        created = _create(plans)
        counts = _campaigns(generator, plans, years)
    counts |= {
        "organisations": len(created),
        "establishments": len(plans),
        "seconds": round(time.monotonic() - started, 1),
    }
    return counts


def _plan(generator, areas):
    """The employers and establishments to create, the persona's two first."""
    departement_ids = {area.departement_id for area in areas} | {
        commune.departement_id for area in areas for commune in area.communes
    }
    departements = {
        territory.pk: territory
        for territory in Territory.objects.filter(
            pk__in=[pk for pk in departement_ids if pk is not None]
        ).order_by("code")
    }
    planner = Planner(generator.rng, areas, departements)
    persona = _persona_organisation()
    if persona is not None:
        employer = EmployerPlan(persona.name, "association", persona.territory)
        employer.organisation = persona
        commune = _persona_commune(persona, areas)
        area = next(a for a in areas if commune in a.communes)
        for sector, name in (
            ("aide-a-domicile", f"Service d'aide à domicile {of_place(commune.name)}"),
            ("protection-enfance", "Maison d'enfants Les Tilleuls"),
        ):
            plan = planner.establishment(
                employer=employer,
                name=name,
                commune=commune,
                sector=sector,
                elderly=area.elderly,
                children=area.children,
            )
            plan.persona = len(planner.establishments)
    population = sum(area.population for area in areas)
    total = max(MIN_ESTABLISHMENTS, round(population / INHABITANTS_PER_ESTABLISHMENT))
    planner.lay_out(total)
    return planner.establishments


def _persona_commune(persona, areas):
    """The commune the persona's organisation names (« Le Mans (72) »), else the largest."""
    wanted = fold(persona.territory.split("(")[0])
    communes = [commune for area in areas for commune in area.communes]
    for commune in communes:
        if wanted and fold(commune.name) == wanted:
            return commune
    return max(communes, key=lambda commune: (commune.population or 0, commune.code))


def _create(plans):
    """Employers, then establishments, in bulk, with SIRETs numbered in plan order; returns
    the employers created."""
    kinds = {kind.code: kind for kind in EmployerKind.objects.all()}
    sectors = {sector.code: sector for sector in Sector.objects.all()}
    taken = set(Establishment.objects.values_list("siret", flat=True)) | set(
        Organisation.objects.exclude(siret="").values_list("siret", flat=True)
    )
    slugs = set(Organisation.objects.values_list("slug", flat=True))
    sirens = {}
    # Numbers whose SIREN a real employer holds are skipped (none should: see SIREN_PREFIX).
    held = {value[:9] for value in taken if value.startswith(SIREN_PREFIX)}
    employers = list({id(plan.employer): plan.employer for plan in plans}.values())
    number, new = 0, []
    for employer in employers:
        if employer.organisation is not None:  # the persona's, which exists
            sirens[id(employer)] = siren_for(0)
            continue
        number += 1
        while siren_for(number) in held:
            number += 1
        sirens[id(employer)] = siren_for(number)
        slug = base = slugify(employer.name.replace("œ", "oe"))[:200] or "organisation"
        n = 2
        while slug in slugs:
            slug, n = f"{base}-{n}", n + 1
        slugs.add(slug)
        employer.organisation = Organisation(
            name=employer.name,
            slug=slug,
            kind=ORGANISATION_KINDS[employer.employer_kind],
            siret=siret_for(sirens[id(employer)], 1),
            territory=employer.territory,
            description=ORGANISATION_DESCRIPTION,
            is_demo=True,
        )
        new.append(employer.organisation)
    Organisation.objects.bulk_create(new)
    created_at = timezone.now() - datetime.timedelta(days=365 * (YEARS + 1))
    numbers = {}
    establishments = []
    for plan in plans:
        organisation = plan.employer.organisation
        siren = sirens[id(plan.employer)]
        numbers[siren] = numbers.get(siren, 0) + 1
        plan.establishment = Establishment(
            organisation=organisation,
            name=plan.name,
            siret=siret_for(siren, numbers[siren]),
            commune=plan.commune,
            sector=sectors[plan.sector],
            employer_kind=kinds[plan.employer_kind],
            is_demo=True,
            created_at=created_at,
        )
        establishments.append(plan.establishment)
    Establishment.objects.bulk_create(establishments)
    return new


def _campaigns(generator, plans, years):
    """The three campaigns, oldest first, with their returns."""
    counts = {}
    cast = generator.cast
    for years_back, year in zip(range(len(years) - 1, -1, -1), years, strict=True):
        current = years_back == 0
        opens_on, closes_on = campaign_dates(generator.today, years_back)
        # A past campaign is written while open, as its returns were, then closed.
        campaign = Campaign.objects.create(
            year=year,
            reference_date=datetime.date(year, 12, 31),
            opens_on=opens_on,
            closes_on=closes_on if current else max(closes_on, generator.today),
            introduction=CAMPAIGN_INTRODUCTION,
            is_demo=True,
            created_by=cast.steward,
            created_at=_moment(opens_on) - datetime.timedelta(days=10),
        )
        returns = Return.objects.bulk_create(
            Return(
                campaign=campaign,
                establishment=plan.establishment,
                is_demo=True,
                updated_at=_moment(opens_on),
            )
            for plan in plans
        )
        year_index = len(years) - 1 - years_back
        figures = [
            [year_figures(generator.rng, line, year_index=year_index) for line in plan.lines]
            for plan in plans
        ]
        if current:
            _current_returns(generator, plans, returns, figures, year)
        else:
            _past_returns(generator, plans, returns, figures, year, years_back)
            Campaign.objects.filter(pk=campaign.pk).update(closes_on=closes_on)
        _reminders(campaign, closed_on=None if current else closes_on)
        _date_events(generator, campaign, opens_on, closes_on)
        counts[year] = dict(sorted(_status_counts(campaign).items()))
    return {"returns": counts}


def _past_returns(generator, plans, returns, figures, year, years_back):
    """A past campaign: every return validated through the services, its lines keyed in
    in bulk first (return_submit checks them against every rule all the same)."""
    cast = generator.cast
    entries = []
    for plan, ret, values in zip(plans, returns, figures, strict=True):
        actor = cast.steward
        if plan.persona:
            # The persona's organisation answers itself: its admin one year, its delegate
            # the other.
            people = [cast.persona_admin, cast.persona_delegate]
            actor = people[years_back % 2] or people[1 - years_back % 2] or cast.steward
        entries.append((ret, plan, values, actor))
    _key_in(generator, entries, year)
    for ret, plan, values, actor in entries:
        generator.past_answer(ret, plan, values, year, actor=actor, validator=cast.steward)
        # What an answered return says is next year's history (as past_figures reads it).
        for line, line_values in zip(plan.lines, values, strict=True):
            line.history[year] = line_values


def _key_in(generator, entries, year):
    """Write the lines of returns not started, in bulk, leaving each a draft with its
    « started » event, as return_lines_save would one line at a time."""
    now = timezone.now()
    lines, events = [], []
    for ret, plan, values, actor in entries:
        for line, line_values in zip(plan.lines, values, strict=True):
            given = generator.justified(line, line_values, year)
            lines.append(
                ReturnLine(
                    return_obj=ret,
                    profession=generator.professions[line.profession],
                    recruitment_comment=given.recruitment_comment,
                    justifications=given.justifications,
                    **given.values,
                )
            )
        events.append(ReturnEvent(return_obj=ret, kind=ReturnEventKind.CREATED, author=actor))
        ret.status = ReturnStatus.DRAFT
        ret.lock_version += 1
        ret.updated_at, ret.updated_by = now, actor
    ReturnLine.objects.bulk_create(lines, batch_size=500)
    ReturnEvent.objects.bulk_create(events, batch_size=500)
    Return.objects.bulk_update(
        [ret for ret, *_rest in entries],
        ["status", "lock_version", "updated_at", "updated_by"],
        batch_size=500,
    )


def _current_returns(generator, plans, returns, figures, year):
    """The open campaign, through the services line by line, as delegates fill returns:
    ~55 % answered, ~25 % in progress (a few breaking the rules), the rest not started."""
    cast = generator.cast
    ordinary = [index for index, plan in enumerate(plans) if not plan.persona]
    statuses = dict(zip(ordinary, _mix(generator.rng, len(ordinary)), strict=True))
    drafts = [index for index in ordinary if statuses[index] == ReturnStatus.DRAFT]
    wanted = min(len(drafts), max(MIN_BREAKING, round(BREAKING_SHARE * len(drafts))))
    chosen = sorted(int(i) for i in generator.rng.choice(drafts, size=wanted, replace=False))
    breaking = {index: BREAKS[n % len(BREAKS)] for n, index in enumerate(chosen)}
    for index, (plan, ret) in enumerate(zip(plans, returns, strict=True)):
        status = statuses.get(index)
        if plan.persona == 1:
            generator.persona_draft(ret, plan, figures[index], year, cast)
        elif plan.persona or status == ReturnStatus.NOT_STARTED:
            continue
        elif status == ReturnStatus.DRAFT:
            generator.draft(
                ret,
                plan,
                figures[index],
                year,
                actor=cast.steward,
                breaking=breaking.get(index),
            )
        else:
            generator.answer(
                ret,
                plan,
                figures[index],
                year,
                status=status,
                actor=cast.steward,
                validator=cast.steward,
            )


def _reminders(campaign, *, closed_on=None):
    """Record the reminders a campaign has already sent — the opening one, and for a past
    campaign (`closed_on`) the last two — so that the worker does not send them again."""
    sent = {ReminderKind.OPENING: campaign.opens_on}
    if closed_on is not None:
        sent[ReminderKind.WEEK_BEFORE] = closed_on - datetime.timedelta(days=7)
        sent[ReminderKind.LAST_DAY] = closed_on
    recipients = (
        User.objects.filter(memberships__organisation__establishments__returns__campaign=campaign)
        .distinct()
        .count()
    )
    CampaignReminder.objects.bulk_create(
        CampaignReminder(
            campaign=campaign, kind=kind, sent_at=_moment(day, hour=8), recipients=recipients
        )
        for kind, day in sent.items()
    )


def _status_counts(campaign):
    counts = {}
    for status in campaign.returns.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def _moment(day, hour=9):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _date_events(generator, campaign, opens_on, closes_on):
    """Spread the events the services wrote (all « now ») over the campaign's weeks, in their
    order, and date the returns and validated versions after them."""
    start = _moment(opens_on)
    end = min(_moment(closes_on, 18), timezone.now() - datetime.timedelta(hours=1))
    span = (end - start).total_seconds()
    events = {}
    for event in ReturnEvent.objects.filter(return_obj__campaign=campaign).order_by(
        "return_obj_id", "id"
    ):
        events.setdefault(event.return_obj_id, []).append(event)
    returns = {ret.pk: ret for ret in campaign.returns.all()}
    versions = {}
    for version in ReturnVersion.objects.filter(return_obj__campaign=campaign):
        versions[(version.return_obj_id, version.number)] = version
    dated = []
    for return_id, found in events.items():
        offsets = np.sort(generator.clock.uniform(0, span, size=len(found)))
        ret = returns[return_id]
        validations = 0
        for event, offset in zip(found, offsets, strict=True):
            event.created_at = start + datetime.timedelta(seconds=float(offset))
            if event.kind == ReturnEventKind.SUBMITTED:
                ret.submitted_at = event.created_at
            elif event.kind == ReturnEventKind.VALIDATED:
                validations += 1
                ret.validated_at = event.created_at
                version = versions.get((return_id, validations))
                if version is not None:
                    version.validated_at = version.created_at = event.created_at
        if ret.validated_at is not None and ret.status != ReturnStatus.VALIDATED:
            ret.validated_at = None
        ret.updated_at = found[-1].created_at
        dated += found
    ReturnEvent.objects.bulk_update(dated, ["created_at"], batch_size=500)
    Return.objects.bulk_update(
        returns.values(), ["submitted_at", "validated_at", "updated_at"], batch_size=500
    )
    ReturnVersion.objects.bulk_update(
        versions.values(), ["validated_at", "created_at"], batch_size=500
    )
