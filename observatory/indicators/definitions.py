"""The workforce indicators: what each measures, from which figures of the returns, and the
slugs under which they enter the territories' catalogue.

Each measure is published for all professions together (the headline indicator, whose
dimension is the profession) and for each profession (a detail of it): `indicator_slug`
names both. Values are computed per cell (profession × territory × year) from the sums of
the validated returns' figures in the cell (`observatory.indicators.cells`), never as a mean
of the employers' rates.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from territories.choices import Polarity

SLUG_PREFIX = "metiers-"
ALL_PROFESSIONS = "*"  # the cells of all professions together


@dataclass(frozen=True)
class Measure:
    slug: str
    name: str
    unit: str
    definition: str
    polarity: str = Polarity.HIGHER_IS_WORSE
    decimals: int = 1
    # The figures whose sums it divides, as (numerator, denominator) lists of ReturnLine
    # fields, and the scale (100 for a percentage). Measures with another formula (density,
    # tension index, headcount) leave them empty and are computed by name in cells.py.
    numerator: tuple = ()
    denominator: tuple = ()
    scale: float = 100.0
    method: str = ""


ABSENCES = ("absence_days_sickness", "absence_days_work_accident")
DEPARTURES = (
    "departures_retirement",
    "departures_resignation",
    "departures_fixed_term_end",
    "departures_dismissal",
    "departures_other",
)

MEASURES = (
    Measure(
        "effectif",
        _("Declared headcount"),
        _("people"),
        _(
            "People employed on the reference date by the employers whose return was "
            "validated: the survey counts its respondents, not every employer."
        ),
        polarity=Polarity.NEUTRAL,
        decimals=0,
        scale=1.0,
    ),
    Measure(
        "taux-vacance",
        _("Vacancy rate"),
        "%",
        _("Vacant posts as a share of the posts budgeted (full-time equivalents)."),
        numerator=("vacant_posts",),
        denominator=("posts_budgeted",),
    ),
    Measure(
        "taux-vacance-longue",
        _("Long-vacancy rate"),
        "%",
        _("Posts vacant for over three months as a share of the posts budgeted."),
        numerator=("long_vacant_posts",),
        denominator=("posts_budgeted",),
    ),
    Measure(
        "rotation",
        _("Turnover rate"),
        "%",
        _(
            "Half the sum of hires and departures during the year, as a share of the "
            "average headcount (mean of the headcounts at the start and at the end)."
        ),
    ),
    Measure(
        "taux-demission",
        _("Resignation rate"),
        "%",
        _("Resignations during the year as a share of the average headcount."),
    ),
    Measure(
        "part-55-plus",
        _("Share aged 55 and over (retirements expected within five years)"),
        "%",
        _(
            "People aged 55 and over as a share of the headcount: those who will most "
            "likely retire within five years, whom employers will have to replace."
        ),
        numerator=("age_55_plus",),
        denominator=("headcount",),
    ),
    Measure(
        "absenteisme",
        _("Absenteeism rate"),
        "%",
        _(
            "Days of absence for sickness and work accidents as a share of the days "
            "worked in a year (full-time equivalents × 365)."
        ),
    ),
    Measure(
        "part-cdd",
        _("Share on fixed-term contracts"),
        "%",
        _("People on fixed-term contracts as a share of the headcount."),
        numerator=("fixed_term",),
        denominator=("headcount",),
    ),
    Measure(
        "part-temps-partiel",
        _("Share working part-time"),
        "%",
        _("People working part-time as a share of the headcount."),
        polarity=Polarity.NEUTRAL,
        numerator=("part_time",),
        denominator=("headcount",),
    ),
    Measure(
        "densite-etp",
        _("Full-time equivalents per inhabitants served"),
        _("FTE per 10,000 inhabitants"),
        _(
            "Full-time equivalents declared, per 10,000 inhabitants; for the professions "
            "that serve a given public, per 1,000 of those people (aged 75 and over for "
            "home care, children under 15 for early childhood)."
        ),
        polarity=Polarity.HIGHER_IS_BETTER,
        scale=1.0,
    ),
    Measure(
        "indice-tension",
        _("Workforce tension index"),
        _("index (0: average)"),
        _(
            "How hard it is to staff the posts, combining vacancy, long vacancy, turnover "
            "and absenteeism: 0 is the average of the region's territories and "
            "professions over the years, 1 a standard deviation above it."
        ),
        decimals=2,
        scale=1.0,
        method=_(
            "Like the labour-market tension indicators DARES publishes, the index is the "
            "mean of its components once each is standardised: for each of the vacancy "
            "rate, the long-vacancy rate, the turnover rate and the absenteeism rate, "
            "the value of the cell minus the mean of all published cells (every "
            "profession, EPCI and year), divided by their standard deviation. A cell "
            "whose four components are not all published has no index. The components "
            "are shown beside it, so that one reads where the tension comes from."
        ),
    ),
)

BY_SLUG = {measure.slug: measure for measure in MEASURES}
TENSION_COMPONENTS = ("taux-vacance", "taux-vacance-longue", "rotation", "absenteisme")

# The figures each measure is computed from (a ReturnLine's fields): an employer giving
# none of them takes no part in it. The tension index reads its components'.
FIGURES = {
    "effectif": ("headcount",),
    "rotation": ("hires", *DEPARTURES, "headcount", "headcount_start"),
    "taux-demission": ("departures_resignation", "headcount", "headcount_start"),
    "absenteisme": (*ABSENCES, "fte"),
    "densite-etp": ("fte",),
} | {m.slug: (*m.numerator, *m.denominator) for m in MEASURES if m.numerator}
FIGURES["indice-tension"] = tuple(
    dict.fromkeys(name for slug in TENSION_COMPONENTS for name in FIGURES[slug])
)

SECRECY = _(
    "Secret statistique: a cell (profession × territory × year) is not published where "
    "fewer than 3 employers answered, where they employ fewer than 5 people, or where one "
    "employer holds more than 85 % of the headcount or of the full-time equivalents "
    "(primary secrecy); other cells are then masked so that no masked value can be "
    "recomputed, within 10 % or 3 people, from the published totals (secondary secrecy). "
    "Every indicator of a masked cell is masked, and an indicator is masked on its own "
    "where fewer than 3 employers give the figures it is computed from."
)


def indicator_slug(measure_slug, profession_code=None):
    """The catalogue slug of a measure, for all professions or for one."""
    base = f"{SLUG_PREFIX}{measure_slug}"
    if profession_code in (None, ALL_PROFESSIONS):
        return base
    return f"{base}--{profession_code}"


def parse_slug(slug):
    """(measure slug, profession code or ALL_PROFESSIONS) of a workforce indicator's slug,
    or None for another indicator."""
    if not slug.startswith(SLUG_PREFIX):
        return None
    measure, _sep, profession = slug[len(SLUG_PREFIX) :].partition("--")
    if measure not in BY_SLUG:
        return None
    return measure, profession or ALL_PROFESSIONS
