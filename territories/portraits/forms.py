from django import forms

from territories.portraits.portrait import resolve

MAX_COMPARED = 4


class QueriesField(forms.Field):
    """The non-empty values of a repeated parameter (?t=…&t=…), at most MAX_COMPARED."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        return [query for query in value or [] if query.strip()][:MAX_COMPARED]


class CompareForm(forms.Form):
    """Up to four territories, each typed as a name, a code, or level/code."""

    t = QueriesField(required=False)

    def clean_t(self):
        """The territories found, in order and once each; `unknown` holds what was not, each
        query with the territories it could mean ({"query", "candidates"})."""
        chosen, self.unknown = [], []
        for query in self.cleaned_data["t"]:
            found, problem = resolve(query)
            if found is not None and found not in chosen:
                chosen.append(found)
            elif problem:
                self.unknown.append(problem)
        return chosen
