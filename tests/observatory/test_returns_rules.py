"""The coherence rules shipped in data/reference/observatory.json, each failing and holding;
the warnings drawn from the employer's own history (the usual range from the median and the
MAD, the jump against last year); and submitting with errors, warnings and justifications."""

import datetime
import json
from pathlib import Path

import pytest
from django.utils import timezone

from observatory.campaigns.models import Campaign
from observatory.choices import ReturnStatus, Severity
from observatory.reference.models import CoherenceRule
from observatory.returns import coherence
from observatory.returns.models import Return
from observatory.returns.services import (
    LineInput,
    ReturnRefused,
    return_findings,
    return_lines_save,
    return_reopen,
    return_submit,
    return_validate,
)
from tests.observatory.conftest import good_figures

pytestmark = pytest.mark.django_db

SHIPPED = json.loads(
    (Path(__file__).resolve().parents[2] / "data" / "reference" / "observatory.json").read_text()
)["coherence_rules"]

# rule code → (figures that break it, figures that hold it), from good_figures(): 12 people,
# 11 at the start of the year, 10.5 FTE, 13 posts of which 2 vacant…
CASES = {
    "postes-vacants": ({"vacant_posts": 13.5}, {"vacant_posts": 13}),
    "vacance-longue": ({"long_vacant_posts": 2.5}, {"long_vacant_posts": 2}),
    "etp-effectif": ({"fte": 12.25}, {"fte": 12}),
    "tranches-age": ({"age_55_plus": 3}, {"age_55_plus": 2}),
    "sexes": ({"men": 2}, {"women": 8, "men": 4}),
    "departs": ({"departures_other": 13}, {"departures_other": 12}),
    "temps-partiel": ({"part_time": 13}, {"part_time": 12}),
    "cdd": ({"fixed_term": 13}, {"fixed_term": 12}),
    "absences": ({"absence_days_sickness": 4371}, {"absence_days_sickness": 4370}),
    # The warnings: the line holds, the history (CONTEXTS) decides.
    "evolution-effectif": ({}, {}),
    "evolution-postes": ({}, {}),
    "habituel-effectif": ({}, {}),
    "habituel-vacance": ({}, {}),
    "habituel-recrutements": ({}, {}),
    "habituel-maladie": ({}, {}),
}
# For the warnings: the history names each needs, broken then held (the line is good_figures()).
CONTEXTS = {
    "evolution-effectif": ({"last_headcount": 7}, {"last_headcount": 8}),
    "evolution-postes": ({"last_posts_budgeted": 8.6}, {"last_posts_budgeted": 8.7}),
    "habituel-effectif": (
        {"low_headcount": 12.5, "high_headcount": 20},
        {"low_headcount": 12, "high_headcount": 12},
    ),
    "habituel-vacance": (
        {"low_vacant_posts": 0, "high_vacant_posts": 1.9},
        {"low_vacant_posts": 0, "high_vacant_posts": 2},
    ),
    "habituel-recrutements": ({"low_hires": 4, "high_hires": 9}, {"low_hires": 1, "high_hires": 5}),
    "habituel-maladie": (
        {"low_absence_days_sickness": 0, "high_absence_days_sickness": 100},
        {"low_absence_days_sickness": 100, "high_absence_days_sickness": 150},
    ),
}


def test_every_shipped_rule_is_tested_here():
    assert {rule["code"] for rule in SHIPPED} == set(CASES)
    assert {rule["code"] for rule in SHIPPED if rule["severity"] == Severity.WARNING} == set(
        CONTEXTS
    )


def found(values, context=None):
    rules = list(CoherenceRule.objects.filter(is_active=True))
    return [
        f.rule for f in coherence.line_findings(values=values, context=context or {}, rules=rules)
    ]


@pytest.mark.parametrize("code", list(CASES))
def test_each_rule_fails_and_holds(reference, code):
    rule = CoherenceRule.objects.get(code=code)
    breaking, holding = CASES[code]
    broken_context, held_context = CONTEXTS.get(code, ({}, {}))
    assert found(good_figures(), held_context) == []
    assert found(good_figures(**breaking), broken_context) == [code]
    assert found(good_figures(**holding), held_context) == []
    finding = coherence.line_findings(
        values=good_figures(**breaking), context=broken_context, rules=[rule]
    )[0]
    assert finding.severity == rule.severity
    assert finding.blocking == (rule.severity == Severity.BLOCKING)
    assert set(finding.fields) <= set(coherence.NAMES) and finding.fields


def test_a_rule_is_not_checked_while_a_figure_it_names_is_empty(reference):
    assert found(good_figures(vacant_posts=None, long_vacant_posts=None)) == []
    assert found(good_figures(headcount=None, fte=20)) == []  # etp-effectif waits for headcount


def test_an_empty_figure_is_missing_before_submitting():
    missing = coherence.missing_findings(good_figures(trainees=None))
    assert [(f.rule, f.fields, f.blocking) for f in missing] == [
        (coherence.MISSING, ("trainees",), True)
    ]


# --- History ---


def figures_for(headcount, **changes):
    """Figures that break no blocking rule for `headcount` people; the others as
    good_figures(), so that their own usual ranges hold."""
    figures = good_figures(
        headcount=headcount,
        headcount_start=headcount,
        fte=headcount,
        age_under_30=headcount,
        age_30_44=0,
        age_45_54=0,
        age_55_plus=0,
        women=headcount,
        men=0,
        fixed_term=0,
        part_time=0,
    )
    figures.update(changes)
    return figures


def past_returns(*, establishment, profession, user, admin, before_year, headcounts, **changes):
    """Validated returns of the campaigns before `before_year`, the last one last year: one
    per headcount, oldest first."""
    today = timezone.localdate()
    made = []
    for back, headcount in enumerate(reversed(headcounts), start=1):
        year = before_year - back
        campaign = Campaign.objects.create(
            year=year,
            reference_date=datetime.date(year, 12, 31),
            opens_on=today - datetime.timedelta(days=3),
            closes_on=today + datetime.timedelta(days=30),
        )
        ret = Return.objects.create(campaign=campaign, establishment=establishment)
        ret = return_lines_save(
            return_obj=ret,
            user=user,
            lines={
                profession: LineInput(
                    figures_for(headcount, **changes),
                    # The past years answer their own warnings (a jump from an odd year…).
                    justifications=dict.fromkeys(CONTEXTS, "Historique"),
                )
            },
            lock_version=None,
        )
        ret = return_submit(return_obj=ret, user=user)
        made.append(return_validate(return_obj=ret, user=admin))
    return made


@pytest.fixture
def past(cast, reference, establishments, campaign):
    """Make the educators' past returns of the Foyer des Tilleuls."""

    def make(*, headcounts, **changes):
        return past_returns(
            establishment=establishments.home,
            profession=reference.educ,
            user=cast.member,
            admin=cast.admin,
            before_year=campaign.year,
            headcounts=headcounts,
            **changes,
        )

    return make


def findings_for(ret):
    return [f.rule for found in return_findings(ret).values() for f in found]


def saved(ret, user, profession, figures):
    return return_lines_save(
        return_obj=ret, user=user, lines={profession: LineInput(figures)}, lock_version=None
    )


def test_the_usual_range_comes_from_three_past_years_and_one_odd_year_does_not_widen_it(
    cast, reference, returns, past
):
    """History 50 (an odd year), 10, 11, 12: median 11.5, MAD 1, so 7.05 to 15.95. A mean
    ± 2 standard deviations (20.75 ± 39.5) would take in anything."""
    past(headcounts=[50, 10, 11, 12])
    ret = saved(returns.home, cast.member, reference.educ, figures_for(17))
    assert findings_for(ret) == ["habituel-effectif"]  # 17 is within 50 % of last year's 12
    ret = saved(ret, cast.member, reference.educ, figures_for(15))
    assert findings_for(ret) == []
    ret = saved(ret, cast.member, reference.educ, figures_for(7))
    assert findings_for(ret) == ["habituel-effectif"]


def test_no_usual_range_below_three_past_years(cast, reference, returns, past):
    past(headcounts=[10, 12])
    ret = saved(returns.home, cast.member, reference.educ, figures_for(17))
    assert findings_for(ret) == []


def test_a_jump_of_over_half_last_years_headcount_is_a_warning(cast, reference, returns, past):
    past(headcounts=[10])
    ret = saved(returns.home, cast.member, reference.educ, figures_for(16))
    assert findings_for(ret) == ["evolution-effectif"]
    ret = saved(ret, cast.member, reference.educ, figures_for(15))
    assert findings_for(ret) == []
    ret = saved(ret, cast.member, reference.educ, figures_for(4))
    assert findings_for(ret) == ["evolution-effectif"]


def test_the_history_of_a_return_being_corrected_is_its_last_validated_version(
    cast, reference, returns, past
):
    (last_year,) = past(headcounts=[10])
    reopened = return_reopen(return_obj=last_year, user=cast.member)
    saved(reopened, cast.member, reference.educ, figures_for(30))  # not validated yet
    ret = saved(returns.home, cast.member, reference.educ, figures_for(12))
    assert findings_for(ret) == []


def test_other_establishments_and_professions_have_their_own_history(
    cast, reference, returns, past
):
    past(headcounts=[10])
    ret = saved(returns.home, cast.member, reference.aide, figures_for(40))
    assert findings_for(ret) == []
    ret = saved(returns.care, cast.member, reference.educ, figures_for(40))
    assert findings_for(ret) == []


# --- Submitting ---


def test_submitting_is_refused_with_an_error_and_an_unjustified_warning(
    cast, reference, returns, past
):
    past(headcounts=[10])
    ret = saved(returns.home, cast.member, reference.educ, figures_for(16, part_time=17))
    with pytest.raises(ReturnRefused, match="1 erreur à corriger"):
        return_submit(return_obj=ret, user=cast.member)
    ret = saved(ret, cast.member, reference.educ, figures_for(16))
    with pytest.raises(ReturnRefused, match="1 alerte doit être justifiée"):
        return_submit(return_obj=ret, user=cast.member)
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.DRAFT

    ret = return_lines_save(
        return_obj=ret,
        user=cast.member,
        lines={
            reference.educ: LineInput(
                figures_for(16), justifications={"evolution-effectif": "Nouveau service"}
            )
        },
        lock_version=ret.lock_version,
    )
    ret = return_submit(return_obj=ret, user=cast.member, comment="Hausse expliquée")
    assert (ret.status, ret.comment) == (ReturnStatus.SUBMITTED, "Hausse expliquée")
    assert ret.events.last().text == "Hausse expliquée"


def test_submitting_is_refused_with_an_empty_figure_or_no_line(cast, reference, returns):
    with pytest.raises(ReturnRefused, match="Ajoutez au moins un métier"):
        return_submit(return_obj=returns.home, user=cast.member)
    ret = saved(returns.home, cast.member, reference.educ, good_figures(trainees=None))
    with pytest.raises(ReturnRefused, match="1 chiffre est encore vide"):
        return_submit(return_obj=ret, user=cast.member)


def test_a_justification_for_a_warning_that_no_longer_fires_does_not_block(
    cast, reference, returns
):
    ret = return_lines_save(
        return_obj=returns.home,
        user=cast.member,
        lines={reference.educ: LineInput(good_figures(), justifications={"sexes": " "})},
        lock_version=None,
    )
    assert ret.lines.get().justifications == {}
    assert return_submit(return_obj=ret, user=cast.member).status == ReturnStatus.SUBMITTED
