"""The form of a narrative map's steps: a text and a state of the map explorer each."""

from urllib.parse import parse_qs, urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from territories.maps import explorer


def map_state_clean(value):
    """The explorer permalink of a step, checked like the explorer checks it."""
    parts = urlsplit(value.strip())
    if not parts.path.rstrip("/").endswith("/carte"):
        raise ValidationError(_("Paste the address of the map explorer (it starts with /carte/)."))
    params = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    state, errors = explorer.state_from(params)
    if errors:
        raise ValidationError(errors)
    query = f"indicateur={state['indicator']}&niveau={state['level']}&periode={state['period']}"
    query += f"&methode={state['method']}&classes={state['classes']}"
    if state["breaks"]:
        query += "&bornes=" + "+".join(str(b) for b in state["breaks"])
    return f"/carte/?{query}"


class StepForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    text = forms.CharField(
        label=gettext_lazy("Text (Markdown)"), widget=forms.Textarea(attrs={"rows": 5})
    )
    map_state = forms.CharField(
        label=gettext_lazy("Map"),
        max_length=500,
        help_text=gettext_lazy("Set the map in the explorer, then paste its permalink here."),
    )

    def clean_map_state(self):
        return map_state_clean(self.cleaned_data["map_state"])


StepFormSet = forms.formset_factory(StepForm, extra=1, can_delete=True, max_num=30)


def steps_initial(resource):
    return [
        {"title": s.title, "text": s.text, "map_state": s.map_state}
        for s in resource.steps.order_by("position")
    ]
