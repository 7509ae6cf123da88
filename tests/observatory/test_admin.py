"""The observatory in Django's admin: every list and page opens for a portal administrator,
coherence rules are checked before they are saved, and returns are only read."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from observatory.admin import CoherenceRuleForm
from observatory.campaigns.models import CampaignReminder
from observatory.choices import ReminderKind, ReturnEventKind, ReturnStatus, Severity
from observatory.establishments.models import Establishment
from observatory.reference.models import CoherenceRule
from observatory.returns.models import ReturnEvent, ReturnLine, ReturnVersion
from observatory.returns.services import LineInput, return_findings, return_lines_save
from tests.observatory.conftest import good_figures

pytestmark = pytest.mark.django_db

MODELS = [
    "profession",
    "sector",
    "employerkind",
    "coherencerule",
    "establishment",
    "campaign",
    "return",
    "returnversion",
]


@pytest.fixture
def admin_client(cast):
    client = Client()
    client.force_login(cast.admin)
    return client


@pytest.fixture
def history(reference, campaign, returns, cast):
    """A return with a line, its events and a validated version, and a reminder sent."""
    line = ReturnLine.objects.create(
        return_obj=returns.home, profession=reference.educ, **good_figures()
    )
    returns.home.status = ReturnStatus.VALIDATED
    returns.home.save(update_fields=["status"])
    ReturnEvent.objects.create(
        return_obj=returns.home, kind=ReturnEventKind.SUBMITTED, author=cast.member
    )
    ReturnEvent.objects.create(
        return_obj=returns.home, kind=ReturnEventKind.VALIDATED, author=cast.admin
    )
    ReturnVersion.objects.create(
        return_obj=returns.home,
        number=1,
        lines={reference.educ.code: good_figures()},
        validated_by=cast.admin,
    )
    CampaignReminder.objects.create(campaign=campaign, kind=ReminderKind.OPENING, recipients=3)
    return line


def rule_data(**changes):
    data = {
        "code": "postes-vacants",
        "expression": "vacant_posts <= posts_budgeted",
        "fields": '["vacant_posts", "posts_budgeted"]',
        "message": "Les postes vacants ne peuvent dépasser les postes budgétés.",
        "severity": Severity.BLOCKING,
        "is_active": "on",
        "position": 0,
    }
    data.update(changes)
    return data


class TestPagesOpen:
    @pytest.mark.parametrize("model", MODELS)
    def test_each_list_opens(self, admin_client, history, model):
        response = admin_client.get(reverse(f"admin:observatory_{model}_changelist"))
        assert response.status_code == 200

    def test_lists_can_be_searched_and_filtered(self, admin_client, history, establishments):
        url = reverse("admin:observatory_establishment_changelist")
        found = admin_client.get(url, {"q": establishments.other.siret}).content.decode()
        assert "CCAS de Dampierre" in found and "Foyer des Tilleuls" not in found
        Establishment.objects.filter(pk=establishments.care.pk).update(
            closed_on=datetime.date(2024, 1, 31)
        )
        closed = admin_client.get(url, {"closed": "yes"}).content.decode()
        assert "Service d&#x27;aide" in closed and "Foyer des Tilleuls" not in closed
        url = reverse("admin:observatory_return_changelist")
        validated = admin_client.get(url, {"status__exact": "validated"}).content.decode()
        assert "Foyer des Tilleuls" in validated and "CCAS de Dampierre" not in validated

    @pytest.mark.parametrize(
        "model, attribute",
        [("establishment", "home"), ("campaign", None), ("coherencerule", None)],
    )
    def test_change_pages_open(self, admin_client, history, establishments, model, attribute):
        if model == "establishment":
            pk = establishments.home.pk
        elif model == "campaign":
            pk = history.return_obj.campaign.pk
        else:
            pk = CoherenceRule.objects.first().pk
        response = admin_client.get(reverse(f"admin:observatory_{model}_change", args=[pk]))
        assert response.status_code == 200

    def test_people_who_are_not_staff_are_kept_out(self, cast, history):
        client = Client()
        client.force_login(cast.org_admin)
        response = client.get(reverse("admin:observatory_return_changelist"))
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]


class TestReturnsAreOnlyRead:
    def test_a_return_shows_its_lines_events_and_versions_without_inputs(
        self, admin_client, history
    ):
        url = reverse("admin:observatory_return_change", args=[history.return_obj.pk])
        response = admin_client.get(url)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Éducateur spécialisé" in html  # the line, shown
        assert 'name="lines-0-headcount"' not in html  # and not offered for change
        assert 'name="status"' not in html
        assert 'name="_save"' not in html

    def test_a_forged_change_is_refused(self, admin_client, history):
        return_obj = history.return_obj
        url = reverse("admin:observatory_return_change", args=[return_obj.pk])
        response = admin_client.post(
            url,
            {
                "status": ReturnStatus.DRAFT,
                "lines-TOTAL_FORMS": "1",
                "lines-INITIAL_FORMS": "1",
                "lines-0-id": history.pk,
                "lines-0-headcount": "999",
            },
        )
        assert response.status_code == 403
        return_obj.refresh_from_db()
        history.refresh_from_db()
        assert return_obj.status == ReturnStatus.VALIDATED and history.headcount == 12

    def test_no_return_is_added_or_deleted_here(self, admin_client, history):
        assert admin_client.get(reverse("admin:observatory_return_add")).status_code == 403
        delete = reverse("admin:observatory_return_delete", args=[history.return_obj.pk])
        assert admin_client.post(delete, {"post": "yes"}).status_code == 403
        version = ReturnVersion.objects.get()
        url = reverse("admin:observatory_returnversion_change", args=[version.pk])
        assert admin_client.get(url).status_code == 200
        assert admin_client.post(url, {"number": 7}).status_code == 403
        version.refresh_from_db()
        assert version.number == 1

    def test_reminders_are_shown_not_changed(self, admin_client, history):
        campaign = history.return_obj.campaign
        html = admin_client.get(
            reverse("admin:observatory_campaign_change", args=[campaign.pk])
        ).content.decode()
        assert "Ouverture de la campagne" in html
        assert 'name="reminders-0-recipients"' not in html


class TestCoherenceRules:
    @pytest.mark.parametrize(
        "expression, reason",
        [
            ("headcount <=", "elle est mal formée"),
            ("__import__('os')", "la fonction « __import__ » n'est pas disponible"),
            ("open('/etc/passwd')", "la fonction « open » n'est pas disponible"),
            ("headcount.__class__", "construction interdite"),
            ("salaries <= headcount", "« salaries » n'est pas un chiffre d'une déclaration"),
            ("vacant_posts + 1", "doit être une comparaison"),
        ],
    )
    def test_a_bad_expression_is_refused_in_french(self, reference, expression, reason):
        form = CoherenceRuleForm(data=rule_data(code="essai", expression=expression))
        assert not form.is_valid()
        assert reason in " ".join(form.errors["expression"])

    @pytest.mark.parametrize(
        "expression",
        [
            "vacant_posts <= posts_budgeted",
            "not (fte > headcount)",
            "headcount <= 1.5 * last_headcount or headcount <= last_headcount + 5",
            "low_headcount <= headcount <= high_headcount",
            "abs(women + men - headcount) < 1",
        ],
    )
    def test_a_good_expression_is_accepted(self, reference, expression):
        form = CoherenceRuleForm(data=rule_data(code="essai", expression=expression))
        assert form.is_valid(), form.errors

    def test_a_rule_dividing_by_a_figure_is_not_checked_where_that_figure_is_zero(
        self, cast, reference, returns
    ):
        # Accepted (every figure is 1 when the expression is tried), then met with a zero:
        # the return is checked as far as it can be, without a crash.
        data = rule_data(
            code="ratio",
            expression="long_vacant_posts / vacant_posts <= 0.4",
            fields='["long_vacant_posts"]',
            severity=Severity.WARNING,
        )
        form = CoherenceRuleForm(data=data)
        assert form.is_valid(), form.errors
        form.save()
        saved = return_lines_save(
            return_obj=returns.home,
            user=cast.member,
            lines={
                reference.educ: LineInput(good_figures(vacant_posts=0, long_vacant_posts=0)),
                reference.aide: LineInput(good_figures()),  # 1 of 2 posts: 0.5
            },
            lock_version=None,
        )
        rules = {
            line.profession: [finding.rule for finding in found]
            for line, found in return_findings(saved).items()
        }
        assert rules == {reference.educ: [], reference.aide: ["ratio"]}

    def test_fields_must_be_figures(self, reference):
        form = CoherenceRuleForm(data=rule_data(code="essai", fields='["vacant_posts", "x"]'))
        assert not form.is_valid()
        assert "Ce ne sont pas des chiffres d'une déclaration : x." in form.errors["fields"]
        form = CoherenceRuleForm(data=rule_data(code="essai", fields='{"a": 1}'))
        assert not form.is_valid() and "fields" in form.errors

    def test_the_admin_saves_nothing_bad(self, admin_client, reference):
        rule = CoherenceRule.objects.first()
        expression = rule.expression
        url = reverse("admin:observatory_coherencerule_change", args=[rule.pk])
        response = admin_client.post(
            url,
            rule_data(
                code=rule.code,
                expression="headcount <=",
                fields=str(rule.fields).replace("'", '"'),
            ),
        )
        assert response.status_code == 200
        assert "Cette expression ne peut pas être utilisée" in response.content.decode()
        rule.refresh_from_db()
        assert rule.expression == expression
        response = admin_client.post(
            reverse("admin:observatory_coherencerule_add"),
            rule_data(code="nouvelle", expression="part_time <= headcount"),
        )
        assert response.status_code == 302
        assert CoherenceRule.objects.get(code="nouvelle").expression == "part_time <= headcount"
