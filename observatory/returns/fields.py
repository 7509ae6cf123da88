"""The figures of one line of a return (an establishment × a profession), in the order the
form, the template file and the coherence rules use them. Every figure is needed before a
return can be submitted (0 where there is none); a draft may leave any of them empty."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Figure:
    name: str  # model field, template column, name in coherence rules
    label: str  # lazy translation
    group: str  # lazy translation: the form's column group
    decimal: bool = False


STAFF = _("Staff")
POSTS = _("Posts")
MOVES = _("Hires and departures")
AGES = _("Age bands")
SEXES = _("Sex")
CONTRACTS = _("Contracts")
ABSENCES = _("Absences and trainees")

FIGURES = (
    Figure("headcount", _("Headcount on the reference date"), STAFF),
    Figure("headcount_start", _("Headcount at the start of the year"), STAFF),
    Figure("fte", _("Full-time equivalents"), STAFF, decimal=True),
    Figure("posts_budgeted", _("Posts budgeted (FTE)"), POSTS, decimal=True),
    Figure("vacant_posts", _("Vacant posts (FTE)"), POSTS, decimal=True),
    Figure(
        "long_vacant_posts",
        _("Posts vacant for over three months (FTE)"),
        POSTS,
        decimal=True,
    ),
    Figure("hires", _("Hires during the year"), MOVES),
    Figure("departures_retirement", _("Departures: retirement"), MOVES),
    Figure("departures_resignation", _("Departures: resignation"), MOVES),
    Figure("departures_fixed_term_end", _("Departures: end of fixed-term contract"), MOVES),
    Figure("departures_dismissal", _("Departures: dismissal or termination"), MOVES),
    Figure("departures_other", _("Departures: other reasons"), MOVES),
    Figure("age_under_30", _("Under 30"), AGES),
    Figure("age_30_44", _("30 to 44"), AGES),
    Figure("age_45_54", _("45 to 54"), AGES),
    Figure("age_55_plus", _("55 and over"), AGES),
    Figure("women", _("Women"), SEXES),
    Figure("men", _("Men"), SEXES),
    Figure("fixed_term", _("On fixed-term contracts"), CONTRACTS),
    Figure("part_time", _("Part-time"), CONTRACTS),
    Figure("absence_days_sickness", _("Absence days: sickness"), ABSENCES),
    Figure("absence_days_work_accident", _("Absence days: work accidents"), ABSENCES),
    Figure("trainees", _("Trainees welcomed"), ABSENCES),
)
NAMES = tuple(figure.name for figure in FIGURES)
BY_NAME = {figure.name: figure for figure in FIGURES}
DEPARTURES = tuple(name for name in NAMES if name.startswith("departures_"))
AGE_BANDS = ("age_under_30", "age_30_44", "age_45_54", "age_55_plus")
SEXES_FIELDS = ("women", "men")
