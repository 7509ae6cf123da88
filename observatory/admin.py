"""The observatory in Django's admin: reference lists and coherence rules edited as data,
establishments and campaigns corrected by hand, returns only read.

A return's figures and status change through its workflow (fill, submit, send back,
validate), which keeps its versions and events: the admin shows returns, their lines, events
and validated versions, and changes none of them.
"""

import ast

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simpleeval import FeatureNotAvailable, FunctionNotDefined, NameNotDefined

from observatory.campaigns.models import Campaign, CampaignReminder
from observatory.establishments.models import Establishment
from observatory.reference.models import CoherenceRule, EmployerKind, Profession, Sector
from observatory.returns.coherence import RuleError, rule_check_expression
from observatory.returns.fields import NAMES
from observatory.returns.models import Return, ReturnEvent, ReturnLine, ReturnVersion


class ReadOnlyInline(admin.TabularInline):
    """An inline that shows rows and offers no way to add, change or delete one."""

    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """A model the admin lists and shows, and never writes."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Reference lists ---


@admin.register(Profession)
class ProfessionAdmin(admin.ModelAdmin):
    list_display = ["name", "family", "rome_code", "appellation", "rome_version", "position"]
    list_filter = ["rome_version", "rome_code"]
    search_fields = ["name", "family", "code", "rome_code", "rome_label", "appellation"]


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position"]
    search_fields = ["name", "code", "description"]


@admin.register(EmployerKind)
class EmployerKindAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position"]
    search_fields = ["name", "code", "description"]


def _expression_problem(exc):
    """The reason, in the administrator's language, why simpleeval refused an expression
    (its own messages are in English and quote Python's internals)."""
    cause = exc.__cause__
    if isinstance(cause, SyntaxError):
        return gettext("it is not well formed (an operand or a bracket may be missing).")
    if isinstance(cause, NameNotDefined):
        return gettext(
            "“%(name)s” is not a figure of a return. Use the figures (%(example)s…), or "
            "last_, low_ or high_ followed by a figure."
        ) % {"name": cause.name, "example": ", ".join(NAMES[:3])}
    if isinstance(cause, FunctionNotDefined):
        return gettext("the function “%(name)s” is not available; only abs, min and max are.") % {
            "name": cause.func_name
        }
    if isinstance(cause, FeatureNotAvailable):
        return gettext(
            "it uses a construct rules may not use; write figures, numbers, arithmetic, "
            "comparisons, and, or, not, abs, min and max."
        )
    return gettext("it cannot be evaluated.")


class CoherenceRuleForm(forms.ModelForm):
    class Meta:
        model = CoherenceRule
        fields = ["code", "expression", "fields", "message", "severity", "is_active", "position"]

    def clean_expression(self):
        expression = self.cleaned_data["expression"].strip()
        try:
            rule_check_expression(expression)
        except RuleError as exc:
            raise ValidationError(
                _("This expression cannot be used: %(reason)s"),
                params={"reason": _expression_problem(exc)},
                code="invalid_expression",
            ) from exc
        # A rule holds when the figures are coherent: it must say true or false, which a
        # bare sum (« vacant_posts + 1 ») would not.
        body = ast.parse(expression, mode="eval").body
        is_test = isinstance(body, ast.Compare | ast.BoolOp) or (
            isinstance(body, ast.UnaryOp) and isinstance(body.op, ast.Not)
        )
        if not is_test:
            raise ValidationError(
                _(
                    "The expression must be a comparison that holds when the figures are "
                    "coherent, e.g. vacant_posts <= posts_budgeted."
                ),
                code="not_a_test",
            )
        return expression

    def clean_fields(self):
        names = self.cleaned_data["fields"]
        if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
            raise ValidationError(
                _('Write a list of figure names, e.g. ["vacant_posts", "posts_budgeted"].'),
                code="not_a_list",
            )
        unknown = [name for name in names if name not in NAMES]
        if unknown:
            raise ValidationError(
                _("Not figures of a return: %(names)s."),
                params={"names": ", ".join(unknown)},
                code="unknown_fields",
            )
        return names


@admin.register(CoherenceRule)
class CoherenceRuleAdmin(admin.ModelAdmin):
    form = CoherenceRuleForm
    list_display = ["code", "expression", "severity", "is_active", "position"]
    list_filter = ["severity", "is_active"]
    search_fields = ["code", "expression", "message"]


# --- Establishments ---


class ClosedFilter(admin.SimpleListFilter):
    title = pgettext_lazy("establishment", "closed")
    parameter_name = "closed"

    def lookups(self, request, model_admin):
        return [
            ("yes", pgettext_lazy("establishment", "Closed")),
            ("no", pgettext_lazy("establishment", "Open")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(closed_on__isnull=False)
        if self.value() == "no":
            return queryset.filter(closed_on__isnull=True)
        return queryset


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "siret",
        "organisation",
        "commune",
        "sector",
        "employer_kind",
        "closed_on",
        "is_demo",
    ]
    list_filter = ["sector", "employer_kind", ClosedFilter, "is_demo"]
    list_select_related = ["organisation", "commune", "sector", "employer_kind"]
    search_fields = ["name", "siret"]
    autocomplete_fields = ["organisation"]
    # Territories have no admin of their own to search in: the commune is picked by its id.
    raw_id_fields = ["commune"]
    readonly_fields = ["created_at", "updated_at"]


# --- Campaigns ---


class CampaignReminderInline(ReadOnlyInline):
    model = CampaignReminder
    fields = ["kind", "sent_at", "recipients"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["year", "reference_date", "opens_on", "closes_on", "is_demo"]
    list_filter = ["is_demo"]
    readonly_fields = ["created_by", "created_at"]
    inlines = [CampaignReminderInline]


# --- Returns, read only ---


class ReturnLineInline(ReadOnlyInline):
    model = ReturnLine
    fields = ["profession", *NAMES, "recruitment_comment", "justifications"]


class ReturnEventInline(ReadOnlyInline):
    model = ReturnEvent
    fields = ["created_at", "kind", "author", "text"]


class ReturnVersionInline(ReadOnlyInline):
    model = ReturnVersion
    fields = ["number", "validated_at", "validated_by", "created_at"]


@admin.register(Return)
class ReturnAdmin(ReadOnlyAdmin):
    list_display = [
        "establishment",
        "campaign",
        "status",
        "version",
        "submitted_at",
        "validated_at",
        "is_demo",
    ]
    list_filter = [
        "campaign",
        "status",
        "establishment__sector",
        "establishment__employer_kind",
        "is_demo",
    ]
    list_select_related = ["campaign", "establishment"]
    search_fields = ["establishment__name", "establishment__siret"]
    inlines = [ReturnLineInline, ReturnEventInline, ReturnVersionInline]


@admin.register(ReturnVersion)
class ReturnVersionAdmin(ReadOnlyAdmin):
    list_display = ["return_obj", "number", "validated_at", "validated_by"]
    list_filter = ["return_obj__campaign"]
    list_select_related = ["return_obj__campaign", "return_obj__establishment", "validated_by"]
    search_fields = ["return_obj__establishment__name", "return_obj__establishment__siret"]
