"""The dashboard's choices, in the address (GET) so that every view of it can be shared:
the year, the profession and the measure whose trend is drawn. A choice that names nothing
published falls back to the default, with a message saying so."""

from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from observatory.dashboard import figures
from observatory.dashboard.selectors import COLUMNS, TENSION
from observatory.indicators.definitions import ALL_PROFESSIONS

SHOWN = 40  # characters of a wrong value quoted back in a message


class DashboardForm(forms.Form):
    annee = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int)
    metier = forms.ChoiceField(label=gettext_lazy("Profession"), required=False)
    tendance = forms.ChoiceField(label=gettext_lazy("Trend of"), required=False)

    def __init__(self, *args, data_read, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [(y, y) for y in reversed(data_read["years"])]
        self.fields["metier"].choices = [
            ("" if code == ALL_PROFESSIONS else code, name)
            for code, name in figures.professions(data_read)
        ]
        self.fields["tendance"].choices = [
            (c["measure"], c["label"]) for c in figures.columns(data_read)
        ]


@dataclass
class Choice:
    """What the dashboard shows: always usable, whatever the address held."""

    year: int
    profession: str = ALL_PROFESSIONS
    trend: str = TENSION
    problems: list = field(default_factory=list)

    @property
    def key(self):
        return f"{self.year}|{self.profession}|{self.trend}"

    def query(self):
        """The address's parameters naming this choice."""
        params = {"annee": self.year}
        if self.profession != ALL_PROFESSIONS:
            params["metier"] = self.profession
        if self.trend != TENSION:
            params["tendance"] = self.trend
        return params

    def form(self, data_read):
        """The form showing this choice (what the address asked for, once corrected)."""
        profession = "" if self.profession == ALL_PROFESSIONS else self.profession
        initial = {"annee": self.year, "metier": profession, "tendance": self.trend}
        return DashboardForm(data_read=data_read, initial=initial)


def _quoted(raw):
    raw = str(raw)
    return raw if len(raw) <= SHOWN else f"{raw[:SHOWN]}…"


def choice_from(params, data_read, *, default_year=None):
    """The choice the parameters (a QueryDict) name, falling back on `default_year` (the
    latest year by default), all professions and the tension index where they name nothing
    published."""
    years = data_read["years"]
    choice = Choice(year=default_year if default_year in years else years[-1])
    raw_year = (params.get("annee") or "").strip()
    if raw_year:
        if raw_year.isdigit() and int(raw_year) in years:
            choice.year = int(raw_year)
        else:
            choice.problems.append(
                _(
                    "No figures are published for the year “%(year)s”: those of %(latest)s "
                    "are shown (published years: %(years)s)."
                )
                % {
                    "year": _quoted(raw_year),
                    "latest": years[-1],
                    "years": ", ".join(map(str, years)),
                }
            )
    raw_profession = (params.get("metier") or "").strip()
    if raw_profession:
        if raw_profession in dict(data_read["professions"]):
            choice.profession = raw_profession
        else:
            choice.problems.append(
                _("“%(profession)s” is not a profession observed: all professions are shown.")
                % {"profession": _quoted(raw_profession)}
            )
    raw_trend = (params.get("tendance") or "").strip()
    if raw_trend:
        if raw_trend in COLUMNS:
            choice.trend = raw_trend
        else:
            choice.problems.append(
                _("“%(measure)s” is not a measure of the dashboard: the tension index is drawn.")
                % {"measure": _quoted(raw_trend)}
            )
    return choice
