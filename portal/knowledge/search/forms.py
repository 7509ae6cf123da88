"""The search page's query string, validated: a value that is not valid (an unknown kind, a
year of twenty digits) is left out of the search, never an error page."""

from django import forms

from portal.knowledge.choices import ResourceKind
from portal.knowledge.search.selectors import Filters
from portal.knowledge.search.sources import source_named
from territories.models import Territory

QUERY_MAX_LENGTH = 200


def find_territory(value):
    """A territory from a filter value "level/code" (or a bare code)."""
    value = (value or "").strip()
    if not value:
        return None
    level, _, code = value.rpartition("/")
    queryset = Territory.objects.filter(code=code)
    if level:
        queryset = queryset.filter(level=level)
    return queryset.order_by("level").first()


class SearchForm(forms.Form):
    q = forms.CharField(required=False)
    type = forms.ChoiceField(choices=ResourceKind.choices, required=False)
    theme = forms.SlugField(required=False, max_length=100)
    preconisation = forms.IntegerField(required=False, min_value=1, max_value=32767)
    territoire = forms.CharField(required=False, max_length=60)
    annee = forms.IntegerField(required=False, min_value=1, max_value=9999)
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000)
    # A registered source whose findings are listed instead of the resources (sources.py).
    dans = forms.SlugField(required=False, max_length=50)

    def __init__(self, data=None, **kwargs):
        super().__init__(data if data is not None else {}, **kwargs)
        self.is_valid()  # fills cleaned_data with the valid values; the others are left out

    def clean_q(self):
        return self.cleaned_data["q"][:QUERY_MAX_LENGTH]

    def clean_territoire(self):
        return find_territory(self.cleaned_data["territoire"])

    def clean_dans(self):
        source = source_named(self.cleaned_data["dans"])
        return source.name if source else ""

    def value(self, name, default=None):
        value = self.cleaned_data.get(name)
        return default if value in (None, "") else value

    @property
    def query(self):
        return self.value("q", "")

    @property
    def within(self):
        return self.value("dans", "")

    @property
    def page_number(self):
        return self.value("page", 1)

    def filters(self):
        return Filters(
            kind=self.value("type", ""),
            theme=self.value("theme", ""),
            preconisation=self.value("preconisation"),
            territory=self.value("territoire"),
            year=self.value("annee"),
        )
