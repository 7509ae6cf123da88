"""Forms of the returns' pages: the figures of every profession of a return on one screen,
submitting, reopening, and sending back with comments on fields."""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from observatory.reference.models import Profession
from observatory.returns.fields import FIGURES, NAMES
from observatory.returns.models import FIGURE_MAX
from observatory.returns.services import LineInput

COMMENT_MAX = 2000
JUSTIFICATION_MAX = 1000
# Spaces people type or paste inside numbers (« 1 200 », with a narrow no-break space).
NUMBER_SPACES = re.compile(r"[\s\u00a0\u202f]")
NEGATIVE = _("A figure cannot be negative.")
TOO_LARGE = _("This figure is too large: check it (1,000,000 at most).")


def figure_text(value):
    """A figure as shown and typed back: 10.50 → « 10,5 » in French, 12.0 → « 12 »."""
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        value = Decimal(str(value))
    if isinstance(value, Decimal):
        text = f"{value:f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return text.replace(".", formats.get_format("DECIMAL_SEPARATOR"))
    return str(value)


def _plain_number(value):
    """What a person typed, as Python reads numbers: spaces out, a decimal comma as a dot."""
    if isinstance(value, str):
        return NUMBER_SPACES.sub("", value).replace(",", ".")
    return value


class _OneMessage:
    """A figure gets one message, the first bound it breaks (a negative number is not also
    said to have too many digits)."""

    def run_validators(self, value):
        if value in self.empty_values:
            return
        for validator in self.validators:
            try:
                validator(value)
            except ValidationError as exc:
                message = self.error_messages.get(exc.code) or exc.messages[0]
                raise ValidationError(message, code=exc.code) from None


class WholeFigureField(_OneMessage, forms.IntegerField):
    default_error_messages = {
        "invalid": _("Enter a whole number (0 if there is none)."),
        "min_value": NEGATIVE,
        "max_value": TOO_LARGE,
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(min_value=0, max_value=FIGURE_MAX, required=False, **kwargs)

    def to_python(self, value):
        return super().to_python(_plain_number(value))


class DecimalFigureField(_OneMessage, forms.DecimalField):
    default_error_messages = {
        "invalid": _("Enter a number, such as 10.5 (0 if there is none)."),
        "min_value": NEGATIVE,
        "max_value": TOO_LARGE,
        "max_digits": TOO_LARGE,
        "max_whole_digits": TOO_LARGE,
        "max_decimal_places": _("Two decimals at most."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(
            min_value=0,
            max_value=FIGURE_MAX,
            max_digits=9,
            decimal_places=2,
            required=False,
            **kwargs,
        )

    def to_python(self, value):
        return super().to_python(_plain_number(value))

    def prepare_value(self, value):
        return value if isinstance(value, str) else figure_text(value)


def figure_input_name(code, figure_name):
    """The name of a figure's input: `<profession code>-<figure>` (a browser test and the
    script rely on it)."""
    return f"{code}-{figure_name}"


def justification_input_name(code, rule):
    return f"{code}-justification-{rule}"


def comment_input_name(code):
    return f"{code}-recruitment_comment"


@dataclass
class CellMessage:
    """A message shown next to a figure: a finding (blocking or warning, with the textarea
    justifying a warning) or an administrator's comment from the sending back."""

    id: str
    kind: str  # "blocking", "warning" or "comment"
    text: str
    justification: object = None  # BoundField


@dataclass
class Cell:
    """One figure of one profession: its input and what is said next to it."""

    field: object  # BoundField
    figure: object
    messages: list = field(default_factory=list)
    described_by: list = field(default_factory=list)
    invalid: bool = False


@dataclass
class Row:
    """A profession's row of the return's screen."""

    line: object
    cells: list
    comment: object  # BoundField

    @property
    def profession(self):
        return self.line.profession


class ReturnLinesForm(forms.Form):
    """The figures of every profession of a return: a `<code>-<figure>` input per figure, a
    comment and the justification of each warning per profession, the lock version seen."""

    lock_version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            "required": _("The page is out of date: reload it."),
            "invalid": _("The page is out of date: reload it."),
        },
    )
    add_profession = forms.ModelChoiceField(
        label=_("Add a profession"),
        queryset=Profession.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("Choose a profession"),
        # The list offers only the professions without a row: another one comes from a page
        # left open while a colleague added it.
        error_messages={
            "invalid_choice": _(
                "This profession already has its row in the return, or is not in the list."
            )
        },
    )
    # The value of the « Remove » button pressed: a profession's code.
    remove = forms.CharField(required=False)

    def __init__(self, data=None, *, return_obj, lines, addable, warning_rules, **kwargs):
        super().__init__(data, **kwargs)
        self.lines = lines
        self.warning_rules = list(warning_rules)
        self.fields["lock_version"].initial = return_obj.lock_version
        self.fields["add_profession"].queryset = addable
        for line in lines:
            profession = line.profession
            for figure in FIGURES:
                kind = DecimalFigureField if figure.decimal else WholeFigureField
                figure_field = kind(
                    label=f"{figure.label} — {profession.name}",
                    initial=getattr(line, figure.name),
                )
                # The script adds up the column of `data-figure` for the totals.
                figure_field.widget.attrs.update(
                    {"data-figure": figure.name, "size": "6", "autocomplete": "off"}
                )
                self.fields[figure_input_name(profession.code, figure.name)] = figure_field
            self.fields[comment_input_name(profession.code)] = forms.CharField(
                label=_("Recruitment difficulties — %(profession)s")
                % {"profession": profession.name},
                required=False,
                max_length=COMMENT_MAX,
                initial=line.recruitment_comment,
                widget=forms.Textarea(attrs={"rows": 2, "cols": 24}),
            )
            for rule in self.warning_rules:
                self.fields[justification_input_name(profession.code, rule)] = forms.CharField(
                    label=_("Justification — %(profession)s") % {"profession": profession.name},
                    required=False,
                    max_length=JUSTIFICATION_MAX,
                    initial=line.justifications.get(rule, ""),
                    widget=forms.Textarea(attrs={"rows": 2, "cols": 24}),
                )

    def clean_remove(self):
        code = self.cleaned_data["remove"]
        return code if code in {line.profession.code for line in self.lines} else ""

    def line_inputs(self):
        """{Profession: LineInput} for the rows the post carries; a row it leaves out, and a
        figure it leaves out, are not changed (a justification left empty is dropped)."""
        inputs = {}
        for line in self.lines:
            code = line.profession.code
            if code == self.cleaned_data.get("remove"):
                continue
            names = [name for name in NAMES if figure_input_name(code, name) in self.data]
            comment = comment_input_name(code)
            posted = [
                rule
                for rule in self.warning_rules
                if justification_input_name(code, rule) in self.data
            ]
            if not names and comment not in self.data and not posted:
                continue
            justifications = dict(line.justifications)
            for rule in posted:
                text = self.cleaned_data[justification_input_name(code, rule)].strip()
                if text:
                    justifications[rule] = text
                else:
                    justifications.pop(rule, None)
            inputs[line.profession] = LineInput(
                values={name: self.cleaned_data[figure_input_name(code, name)] for name in names},
                recruitment_comment=(
                    self.cleaned_data[comment].strip() if comment in self.data else None
                ),
                justifications=justifications,
            )
        return inputs

    def added(self):
        """The profession to add a row for, if one was chosen."""
        return self.cleaned_data.get("add_profession")

    def removed(self):
        """The professions whose row the « Remove » button pressed deletes."""
        code = self.cleaned_data.get("remove")
        return [line.profession for line in self.lines if line.profession.code == code]

    def rows(self, *, findings, comments=()):
        """The screen's rows, a cell per figure with the messages shown next to it: each
        finding of the line (`findings`: {ReturnLine: [Finding]}) goes next to the first
        field it names and describes all of them; `comments` are the administrator's
        FieldComments on figures. Sets each input's aria-describedby and aria-invalid."""
        by_line = {line.pk: found for line, found in findings.items()}
        comments_at = {}
        for comment in comments:
            if comment.profession_id is not None and comment.field in NAMES:
                comments_at.setdefault((comment.profession_id, comment.field), []).append(comment)
        rows = []
        for line in self.lines:
            code = line.profession.code
            cells = {}
            for figure in FIGURES:
                bound = self[figure_input_name(code, figure.name)]
                cells[figure.name] = Cell(field=bound, figure=figure, invalid=bool(bound.errors))
                if bound.errors:
                    cells[figure.name].described_by.append(f"{bound.auto_id}_error")
            for finding in by_line.get(line.pk, []):
                named = [name for name in finding.fields if name in cells]
                if not named:
                    continue
                message = CellMessage(
                    id=f"msg-{code}-{finding.rule}",
                    kind="blocking" if finding.blocking else "warning",
                    text=finding.message,
                )
                if not finding.blocking and finding.rule in self.warning_rules:
                    message.justification = self[justification_input_name(code, finding.rule)]
                cells[named[0]].messages.append(message)
                for name in named:
                    cells[name].described_by.append(message.id)
                    cells[name].invalid |= finding.blocking
            for name, cell in cells.items():
                for comment in comments_at.get((line.profession_id, name), []):
                    message = CellMessage(
                        id=f"comment-{comment.pk}", kind="comment", text=comment.text
                    )
                    cell.messages.append(message)
                    cell.described_by.append(message.id)
            for cell in cells.values():
                attrs = cell.field.field.widget.attrs
                attrs.pop("aria-describedby", None)
                attrs.pop("aria-invalid", None)
                if cell.described_by:
                    attrs["aria-describedby"] = " ".join(cell.described_by)
                if cell.invalid:
                    attrs["aria-invalid"] = "true"
            rows.append(
                Row(line=line, cells=list(cells.values()), comment=self[comment_input_name(code)])
            )
        return rows


class SubmitForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the observatory (optional)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the administrators should know about this return."),
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("What needs correcting"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SendBackForm(forms.Form):
    """Why a submitted return goes back to its organisation, and comments on its figures."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to the organisation's delegates, with your comments below."),
        error_messages={"required": _("Say why the return is sent back.")},
    )


class FieldCommentForm(forms.Form):
    """A comment on one figure of one profession of the return; a row left without text is
    ignored."""

    profession = forms.ModelChoiceField(
        label=_("Profession"),
        queryset=Profession.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("Choose a profession"),
    )
    figure = forms.ChoiceField(label=_("Figure"), required=False)
    text = forms.CharField(label=_("Comment"), max_length=1000, required=False)

    def __init__(self, *args, professions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profession"].queryset = professions
        self.fields["figure"].choices = [("", _("Choose a figure"))] + [
            (figure.name, figure.label) for figure in FIGURES
        ]

    def clean(self):
        cleaned = super().clean()
        text = (cleaned.get("text") or "").strip()
        if not text:
            return {}
        if not cleaned.get("profession") and "profession" not in self.errors:
            self.add_error("profession", _("Choose the profession this comment is about."))
        if not cleaned.get("figure") and "figure" not in self.errors:
            self.add_error("figure", _("Choose the figure this comment is about."))
        cleaned["text"] = text
        return cleaned


class BaseFieldCommentFormSet(forms.BaseFormSet):
    def comments(self):
        """(Profession, figure, text) of the comments written."""
        return [
            (
                form.cleaned_data["profession"],
                form.cleaned_data["figure"],
                form.cleaned_data["text"],
            )
            for form in self.forms
            if form.cleaned_data.get("text")
        ]


FieldCommentFormSet = forms.formset_factory(
    FieldCommentForm, formset=BaseFieldCommentFormSet, extra=5, max_num=30, validate_max=True
)
