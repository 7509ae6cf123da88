"""The returns' pages: the whole workflow through them (fill, submit, send back with a comment
next to its figure, correct, validate, correct again into a version 2), the messages next to
the figures, bad numbers, two delegates at once, the closed campaign, who sees and does
what (forged requests included), and the pinned query counts."""

import datetime
import html
from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from stdnum import luhn

from observatory.choices import ReturnStatus
from observatory.establishments.models import Establishment
from observatory.reference.models import Profession
from observatory.returns.models import FieldComment, Return, ReturnLine, ReturnVersion
from observatory.returns.services import (
    LineInput,
    return_lines_save,
    return_submit,
    return_validate,
)
from tests.observatory.conftest import good_figures
from tests.observatory.test_returns_rules import past_returns

pytestmark = pytest.mark.django_db

EDUC = "educateur-specialise"
AIDE = "aide-a-domicile"


@pytest.fixture
def past(cast, reference, establishments, campaign):
    """Make the educators' validated returns of the Foyer des Tilleuls in past campaigns."""

    def make(*, headcounts):
        return past_returns(
            establishment=establishments.home,
            profession=reference.educ,
            user=cast.member,
            admin=cast.admin,
            before_year=campaign.year,
            headcounts=headcounts,
        )

    return make


# --- Reading pages ---


class Page(HTMLParser):
    """A page's elements with their attributes, text and enclosing elements: enough to say
    that a message sits next to its input and describes it."""

    VOID = {"input", "br", "img", "meta", "link", "hr", "col", "area", "source", "wbr"}

    def __init__(self, html):
        super().__init__()
        self.open, self.elements = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "parents": list(self.open), "text": []}
        self.elements.append(element)
        if tag not in self.VOID:
            self.open.append(element)

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index]["tag"] == tag:
                del self.open[index:]
                return

    def handle_data(self, data):
        for element in self.open:
            element["text"].append(data)

    def find(self, **attrs):
        found = [e for e in self.elements if all(e["attrs"].get(k) == v for k, v in attrs.items())]
        assert len(found) == 1, f"{len(found)} elements with {attrs}"
        return found[0]

    def all(self, **attrs):
        return [e for e in self.elements if all(e["attrs"].get(k) == v for k, v in attrs.items())]

    @staticmethod
    def text(element):
        return " ".join("".join(element["text"]).split())

    @staticmethod
    def inside(element, container):
        return any(parent is container for parent in element["parents"])


def page(response):
    return Page(response.content.decode())


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def said(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def url(name, return_obj=None):
    return reverse(f"observatory:{name}", args=[return_obj.pk] if return_obj else [])


def lock(return_obj):
    return Return.objects.values_list("lock_version", flat=True).get(pk=return_obj.pk)


def lines_data(return_obj, lines, **extra):
    """The edit form's post: `lines` maps profession codes to figures."""
    data = {"lock_version": lock(return_obj)}
    for code, figures in lines.items():
        for name, value in figures.items():
            data[f"{code}-{name}"] = "" if value is None else str(value)
    data.update(extra)
    return data


def add_row(client, return_obj, code):
    response = client.post(
        url("return_edit", return_obj),
        {"lock_version": lock(return_obj), "add_profession": code, "add": "1"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def figures_of(return_obj, code):
    line = ReturnLine.objects.get(return_obj=return_obj, profession__code=code)
    return line


def cell_messages(doc, code, figure):
    """The input of a figure and the container of its messages."""
    field = doc.find(name=f"{code}-{figure}")
    container = doc.find(id=f"id_{code}-{figure}_messages")
    return field, container


def filled(return_obj, user, reference, **lines):
    """The return with lines saved through the services: {attribute of `reference`: figures}."""
    return return_lines_save(
        return_obj=return_obj,
        user=user,
        lines={getattr(reference, key): LineInput(values) for key, values in lines.items()},
        lock_version=None,
    )


# --- The whole workflow ---


def test_the_whole_workflow_through_the_pages(cast, reference, returns):
    ret = returns.home
    member, admin = client_for(cast.member), client_for(cast.admin)

    response = member.get(url("return_edit", ret))
    assert response.status_code == 200
    doc = page(response)
    assert doc.find(id="save-status")["attrs"]["aria-live"] == "polite"
    assert Page.text(doc.find(name="save")) == "Enregistrer"
    add_row(member, ret, EDUC)
    add_row(member, ret, AIDE)
    assert list(ret.lines.values_list("profession__code", flat=True)) == [EDUC, AIDE]

    # Saved with an inconsistency: the message goes next to the field it names.
    response = member.post(
        url("return_edit", ret),
        lines_data(ret, {EDUC: good_figures(), AIDE: good_figures(vacant_posts=20)}, save="1"),
    )
    assert response.status_code == 302
    assert said(response)[-1].startswith("Enregistré à ")
    doc = page(member.get(url("return_edit", ret)))
    field, container = cell_messages(doc, AIDE, "vacant_posts")
    message = doc.find(id=f"msg-{AIDE}-postes-vacants")
    assert Page.inside(message, container)
    assert message["attrs"]["id"] in field["attrs"]["aria-describedby"].split()
    assert field["attrs"]["aria-invalid"] == "true"
    assert "Les postes vacants ne peuvent pas dépasser" in Page.text(message)
    assert "aria-invalid" not in doc.find(name=f"{EDUC}-vacant_posts")["attrs"]
    # Each input is labelled with its figure and its profession, for a screen reader.
    label = doc.find(**{"for": f"id_{AIDE}-headcount"})
    assert Page.text(label) == "Effectif à la date de référence — Aide à domicile"
    assert Page.text(doc.find(id="total-headcount")) == "24"
    assert Page.text(doc.find(id="total-fte")) == "21"

    # Not submitted with an error; submitted once it is corrected, with a comment.
    response = member.post(url("return_submit", ret), {"comment": "", "lock_version": lock(ret)})
    assert "1 erreur à corriger" in said(response)[-1]
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.DRAFT
    member.post(
        url("return_edit", ret),
        lines_data(ret, {AIDE: {"vacant_posts": 2}}, save="1"),
    )
    assert figures_of(ret, AIDE).headcount == 12  # a figure left out of a post is kept
    response = member.post(
        url("return_submit", ret), {"comment": "Chiffres de la paie.", "lock_version": lock(ret)}
    )
    ret.refresh_from_db()
    assert (ret.status, ret.comment) == (ReturnStatus.SUBMITTED, "Chiffres de la paie.")
    assert member.get(url("return_edit", ret)).status_code == 302  # no longer changed

    # Sent back with a comment on the headcount of the educators.
    assert admin.get(url("return_send_back", ret)).status_code == 200
    response = admin.post(
        url("return_send_back", ret),
        {
            "reason": "Effectif à vérifier",
            "comments-TOTAL_FORMS": "2",
            "comments-INITIAL_FORMS": "0",
            "comments-0-profession": EDUC,
            "comments-0-figure": "headcount",
            "comments-0-text": "12 ou 21 ?",
            "comments-1-profession": "",
            "comments-1-figure": "",
            "comments-1-text": "",
        },
    )
    assert response.status_code == 302
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SENT_BACK
    comment = FieldComment.objects.get()
    detail = member.get(url("return_detail", ret)).content.decode()
    assert "Effectif à vérifier" in detail and "12 ou 21 ?" in detail
    doc = page(member.get(url("return_edit", ret)))
    field, container = cell_messages(doc, EDUC, "headcount")
    shown = doc.find(id=f"comment-{comment.pk}")
    assert Page.inside(shown, container) and "12 ou 21 ?" in Page.text(shown)
    assert f"comment-{comment.pk}" in field["attrs"]["aria-describedby"].split()

    # Corrected, submitted again, validated.
    member.post(url("return_edit", ret), lines_data(ret, {EDUC: {"trainees": 3}}, save="1"))
    member.post(url("return_submit", ret), {"comment": "", "lock_version": lock(ret)})
    response = admin.post(url("return_validate", ret))
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.VALIDATED
    assert "a été validée" in said(response)[-1]

    # A correction after validation makes version 2; version 1 is kept; the changes shown.
    response = member.post(url("return_reopen", ret), {"reason": "Stagiaires oubliés"})
    assert response["Location"] == url("return_edit", ret)
    ret.refresh_from_db()
    assert (ret.status, ret.version) == (ReturnStatus.DRAFT, 2)
    member.post(url("return_edit", ret), lines_data(ret, {EDUC: {"trainees": 5}}, save="1"))
    doc = page(member.get(url("return_versions", ret)))
    rows = [
        [Page.text(c) for c in doc.elements if c["tag"] in ("th", "td") and row in c["parents"]]
        for row in doc.elements
        if row["tag"] == "tr"
    ]
    assert ["Éducateur spécialisé", "Stagiaires accueillis", "3", "5"] in rows
    member.post(url("return_submit", ret), {"comment": "", "lock_version": lock(ret)})
    admin.post(url("return_validate", ret))
    assert sorted(
        ReturnVersion.objects.filter(return_obj=ret).values_list("number", flat=True)
    ) == [1, 2]
    assert ReturnVersion.objects.get(return_obj=ret, number=1).lines[EDUC]["trainees"] == 3
    body = member.get(url("return_versions", ret)).content.decode()
    assert "De la version 1 à la version 2" in body


def test_a_warning_asks_for_its_justification_next_to_the_field(cast, reference, returns, past):
    """Last year's return had 6 educators: 12 now is a jump of over 50 %."""
    past(headcounts=[6])
    ret = filled(returns.home, cast.member, reference, educ=good_figures())
    member = client_for(cast.member)
    doc = page(member.get(url("return_edit", ret)))
    field, container = cell_messages(doc, EDUC, "headcount")
    warning = doc.find(id=f"msg-{EDUC}-evolution-effectif")
    assert (
        Page.inside(warning, container)
        and warning["attrs"]["id"] in field["attrs"]["aria-describedby"]
    )
    justification = doc.find(name=f"{EDUC}-justification-evolution-effectif")
    assert Page.inside(justification, container)
    assert "aria-invalid" not in field["attrs"]  # a warning is not an error

    response = member.post(url("return_submit", ret), {"lock_version": lock(ret)})
    assert "1 alerte doit être justifiée" in said(response)[-1]
    member.post(
        url("return_edit", ret),
        lines_data(
            ret, {}, **{f"{EDUC}-justification-evolution-effectif": "Ouverture d'un second foyer"}
        ),
    )
    response = member.post(
        url("return_submit", ret), {"comment": "Voir justification", "lock_version": lock(ret)}
    )
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.SUBMITTED, said(response)
    assert ret.lines.get().justifications == {"evolution-effectif": "Ouverture d'un second foyer"}


# --- Bad numbers, autosave, two delegates at once ---


@pytest.mark.parametrize(
    ("figure", "typed", "message"),
    [
        ("headcount", "-1", "ne peut pas être négatif"),
        ("headcount", "douze", "nombre entier"),
        ("headcount", "2.5", "nombre entier"),
        ("headcount", "1000001", "trop grand"),
        ("fte", "10,555", "Deux décimales au plus"),
        ("fte", "abc", "Saisissez un nombre"),
        ("fte", "99999999", "trop grand"),
    ],
)
def test_a_bad_number_is_said_next_to_its_field_and_nothing_is_saved(
    cast, reference, returns, figure, typed, message
):
    ret = filled(returns.home, cast.member, reference, educ=good_figures())
    before = lock(ret)
    member = client_for(cast.member)
    data = lines_data(ret, {EDUC: {"trainees": 7, figure: typed}}, save="1")
    response = member.post(url("return_edit", ret), data)
    assert response.status_code == 400
    doc = page(response)
    error = doc.find(id=f"id_{EDUC}-{figure}_error")
    assert message in Page.text(error)
    assert Page.inside(error, doc.find(id=f"id_{EDUC}-{figure}_messages"))
    assert (
        f"id_{EDUC}-{figure}_error"
        in doc.find(name=f"{EDUC}-{figure}")["attrs"]["aria-describedby"]
    )
    assert doc.find(name=f"{EDUC}-{figure}")["attrs"]["value"] == typed  # kept as typed
    assert "Rien n'a été enregistré" in html.unescape(response.content.decode())
    assert (figures_of(ret, EDUC).trainees, lock(ret)) == (2, before)

    response = member.post(url("return_save", ret), data)
    assert response.status_code == 400
    answer = response.json()
    assert answer["state"] == "invalid" and "lock_version" not in answer
    assert message in answer["cells"][f"{EDUC}-{figure}"]["html"]
    assert (figures_of(ret, EDUC).trainees, lock(ret)) == (2, before)


def test_numbers_are_read_as_people_type_them(cast, reference, returns):
    ret = filled(returns.home, cast.member, reference, educ=good_figures())
    response = client_for(cast.member).post(
        url("return_edit", ret),
        lines_data(ret, {EDUC: {"fte": "10,5", "absence_days_sickness": "1 200", "trainees": ""}}),
    )
    assert response.status_code == 302
    line = figures_of(ret, EDUC)
    assert (str(line.fte), line.absence_days_sickness, line.trainees) == ("10.50", 1200, None)
    doc = page(client_for(cast.member).get(url("return_edit", ret)))
    assert doc.find(name=f"{EDUC}-fte")["attrs"]["value"] == "10,5"


def test_the_autosave_answers_the_messages_to_put_next_to_the_fields(cast, reference, returns):
    ret = filled(returns.home, cast.member, reference, educ=good_figures(), aide=good_figures())
    before = lock(ret)
    response = client_for(cast.member).post(
        url("return_save", ret),
        lines_data(ret, {EDUC: good_figures(), AIDE: good_figures(fte=15)}),
    )
    assert response.status_code == 200
    answer = response.json()
    assert answer["state"] == "saved" and answer["lock_version"] == before + 1
    assert answer["message"].startswith("Enregistré à ")
    cell = answer["cells"][f"{AIDE}-fte"]
    assert cell["invalid"] and f"msg-{AIDE}-etp-effectif" in cell["describedby"].split()
    assert "Les équivalents temps plein ne peuvent pas dépasser" in cell["html"]
    assert answer["cells"][f"{EDUC}-fte"] == {
        "id": f"id_{EDUC}-fte",
        "html": "",
        "describedby": "",
        "invalid": False,
    }
    assert answer["totals"]["fte"] == "25,5"
    assert str(figures_of(ret, AIDE).fte) == "15.00"


def test_a_second_delegate_is_told_and_nothing_is_overwritten(cast, reference, returns):
    ret = filled(returns.home, cast.member, reference, educ=good_figures())
    seen = lock(ret)
    colleague, member = client_for(cast.org_admin), client_for(cast.member)
    response = colleague.post(
        url("return_edit", ret), lines_data(ret, {EDUC: {"trainees": 4}}, lock_version=seen)
    )
    assert response.status_code == 302
    now = lock(ret)

    data = lines_data(ret, {EDUC: {"trainees": 9}}, lock_version=seen)
    response = member.post(url("return_edit", ret), data)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Odile Responsable a enregistré cette déclaration" in body
    assert (figures_of(ret, EDUC).trainees, lock(ret)) == (4, now)
    doc = page(response)
    assert doc.find(name=f"{EDUC}-trainees")["attrs"]["value"] == "9"  # still there to compare
    assert doc.find(name="lock_version")["attrs"]["value"] == str(now)

    response = member.post(url("return_save", ret), data)
    assert response.status_code == 409
    assert response.json()["state"] == "conflict"
    assert "Rechargez la page" in response.json()["message"]
    assert (figures_of(ret, EDUC).trainees, lock(ret)) == (4, now)


def test_saving_again_after_a_conflict_keeps_the_row_a_colleague_added(cast, reference, returns):
    ret = filled(returns.home, cast.member, reference, educ=good_figures())
    seen = lock(ret)
    filled(ret, cast.org_admin, reference, aide=good_figures(headcount=30, fte=25.5))
    member = client_for(cast.member)
    response = member.post(
        url("return_edit", ret), lines_data(ret, {EDUC: {"trainees": 9}}, lock_version=seen)
    )
    assert response.status_code == 409
    doc = page(response)
    # The colleague's row shows their figures, not empty inputs that saving again would write.
    assert doc.find(name=f"{AIDE}-headcount")["attrs"]["value"] == "30"
    assert doc.find(name=f"{AIDE}-fte")["attrs"]["value"] == "25,5"
    # « Save again to keep yours »: every input of the page, as it stands, posted back.
    again = {
        element["attrs"]["name"]: element["attrs"].get("value", "")
        for element in doc.elements
        if element["tag"] == "input"
        and element["attrs"].get("type") in ("text", "hidden")
        and element["attrs"]["name"] != "csrfmiddlewaretoken"
    }
    assert member.post(url("return_edit", ret), again).status_code == 302
    assert (figures_of(ret, AIDE).headcount, str(figures_of(ret, AIDE).fte)) == (30, "25.50")
    assert figures_of(ret, EDUC).trainees == 9


def test_rows_are_added_and_removed(cast, reference, returns):
    ret = filled(returns.home, cast.member, reference, educ=good_figures(), aide=good_figures())
    member = client_for(cast.member)
    doc = page(member.get(url("return_edit", ret)))
    offered = [e["attrs"].get("value") for e in doc.elements if e["tag"] == "option"]
    assert EDUC not in offered and AIDE not in offered and "moniteur-educateur" in offered
    response = member.post(
        url("return_edit", ret),
        lines_data(ret, {EDUC: {"trainees": 6}}, remove=AIDE),
    )
    assert response.status_code == 302
    assert list(ret.lines.values_list("profession__code", "trainees")) == [(EDUC, 6)]
    # A forged profession code is not a row: nothing else happens.
    response = member.post(url("return_edit", ret), lines_data(ret, {}, add_profession="inconnu"))
    assert response.status_code == 400
    assert list(ret.lines.values_list("profession__code", flat=True)) == [EDUC]
    # A profession added twice (a page left open while a colleague added it) is said next to
    # the list, and at the top of the page.
    before = state(ret)
    response = member.post(
        url("return_edit", ret),
        lines_data(ret, {EDUC: {"trainees": 8}}, add_profession=EDUC, add="1"),
    )
    assert response.status_code == 400
    doc = page(response)
    error = doc.find(id="id_add_profession_error")
    assert "Ce métier a déjà sa ligne dans la déclaration" in Page.text(error)
    assert doc.find(name="add_profession")["attrs"]["aria-describedby"] == "id_add_profession_error"
    assert "Ce métier a déjà sa ligne" in Page.text(doc.find(id="form-errors"))
    assert state(ret) == before


# --- The campaign closed ---


def close(campaign):
    today = timezone.localdate()
    campaign.opens_on = today - datetime.timedelta(days=40)
    campaign.closes_on = today - datetime.timedelta(days=1)
    campaign.save()


def test_after_the_campaign_closed_a_return_is_neither_changed_nor_submitted(
    cast, reference, returns, campaign
):
    ret = filled(returns.home, cast.member, reference, educ=good_figures())
    close(campaign)
    before = lock(ret)
    member = client_for(cast.member)
    response = member.get(url("return_edit", ret))
    assert response.status_code == 302
    assert "La campagne est close depuis le" in said(response)[-1]
    response = member.post(url("return_save", ret), lines_data(ret, {EDUC: {"trainees": 9}}))
    assert response.status_code == 409 and response.json()["state"] == "refused"
    response = member.post(url("return_submit", ret), {"lock_version": lock(ret)})
    assert "La campagne est close depuis le" in said(response)[-1]
    ret.refresh_from_db()
    assert (ret.status, ret.lock_version, figures_of(ret, EDUC).trainees) == (
        ReturnStatus.DRAFT,
        before,
        2,
    )
    assert (
        "La campagne est close depuis le" in member.get(url("return_detail", ret)).content.decode()
    )


def test_before_the_campaign_opens_a_return_is_neither_filled_nor_submitted(
    cast, reference, returns, campaign
):
    today = timezone.localdate()
    campaign.opens_on = today + datetime.timedelta(days=5)
    campaign.save()
    ret = returns.home
    before = state(ret)
    member = client_for(cast.member)
    response = member.get(url("return_edit", ret))
    assert response.status_code == 302
    opens = campaign.opens_on.strftime("%d/%m/%Y")
    assert said(response)[-1] == (
        f"La campagne ouvre le {opens} : la déclaration pourra être remplie à partir de ce jour."
    )
    response = member.post(url("return_save", ret), lines_data(ret, {EDUC: {"trainees": 9}}))
    assert response.status_code == 409 and response.json()["state"] == "refused"
    response = member.post(
        url("return_edit", ret), lines_data(ret, {}, add_profession=EDUC, add="1")
    )
    assert response.status_code == 302
    member.post(url("return_submit", ret), {"lock_version": lock(ret)})
    assert state(ret) == before
    assert f"La campagne ouvre le {opens}" in member.get(url("return_detail", ret)).content.decode()


def test_a_return_sent_back_is_corrected_after_the_campaign_closed(
    cast, reference, returns, campaign
):
    ret = filled(returns.home, cast.member, reference, educ=good_figures())
    ret = return_submit(return_obj=ret, user=cast.member)
    close(campaign)
    client_for(cast.admin).post(
        url("return_send_back", ret),
        {"reason": "À revoir", "comments-TOTAL_FORMS": "0", "comments-INITIAL_FORMS": "0"},
    )
    member = client_for(cast.member)
    assert member.get(url("return_edit", ret)).status_code == 200
    member.post(url("return_edit", ret), lines_data(ret, {EDUC: {"trainees": 1}}))
    member.post(url("return_submit", ret), {"lock_version": lock(ret)})
    ret.refresh_from_db()
    assert (ret.status, figures_of(ret, EDUC).trainees) == (ReturnStatus.SUBMITTED, 1)


def test_a_validated_return_is_corrected_after_the_campaign_closed(
    cast, reference, returns, campaign
):
    ret = filled(returns.home, cast.member, reference, educ=good_figures())
    ret = return_validate(
        return_obj=return_submit(return_obj=ret, user=cast.member), user=cast.admin
    )
    close(campaign)
    member = client_for(cast.member)
    response = member.post(url("return_reopen", ret), {"reason": "Stagiaires oubliés"})
    assert response["Location"] == url("return_edit", ret)
    member.post(url("return_edit", ret), lines_data(ret, {EDUC: {"trainees": 4}}))
    member.post(url("return_submit", ret), {"lock_version": lock(ret)})
    ret.refresh_from_db()
    assert (ret.status, ret.version, figures_of(ret, EDUC).trainees) == (
        ReturnStatus.SUBMITTED,
        2,
        4,
    )


# --- Who sees and does what ---

PERSONAS = ["visitor", "member", "org_admin", "other_admin", "curator", "analyst", "admin"]
PAGES = {
    # page: the answer for each persona, in the order of PERSONAS
    "my_returns": ["login", 200, 200, 200, 200, 200, 200],
    "return_queue": ["login", 403, 403, 403, 403, 403, 200],
    "return_detail": ["login", 200, 200, 404, 404, 404, 200],
    "return_edit": ["login", 200, 200, 404, 404, 404, 403],
    "return_versions": ["login", 200, 200, 404, 404, 404, 200],
    "return_send_back": ["login", 403, 403, 404, 404, 404, 200],
}


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("persona", PERSONAS)
def test_who_opens_which_page(cast, reference, returns, name, persona):
    ret = return_submit(
        return_obj=filled(returns.home, cast.member, reference, educ=good_figures()),
        user=cast.member,
    )
    if name == "return_edit":  # a return being filled in
        ret.status = ReturnStatus.DRAFT
        ret.save(update_fields=["status"])
    with_object = name not in ("my_returns", "return_queue")
    response = client_for(getattr(cast, persona)).get(url(name, ret if with_object else None))
    expected = PAGES[name][PERSONAS.index(persona)]
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(
    "name", ["return_save", "return_submit", "return_reopen", "return_validate"]
)
def test_the_actions_take_posts_only(cast, returns, name):
    response = client_for(cast.admin).get(url(name, returns.home))
    assert response.status_code == 405


def state(return_obj):
    return_obj.refresh_from_db()
    return (
        return_obj.status,
        return_obj.lock_version,
        return_obj.version,
        list(return_obj.lines.values_list("profession__code", "headcount", "trainees")),
        return_obj.events.count(),
        ReturnVersion.objects.filter(return_obj=return_obj).count(),
    )


FORGED = {
    "return_edit": lambda ret: lines_data(ret, {EDUC: {"headcount": 99}}),
    "return_save": lambda ret: lines_data(ret, {EDUC: {"headcount": 99}}),
    "return_submit": lambda ret: {"comment": "forcé"},
    "return_reopen": lambda ret: {"reason": "forcé"},
    "return_send_back": lambda ret: {
        "reason": "forcé",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
    },
    "return_validate": lambda ret: {},
}


@pytest.mark.parametrize("name", list(FORGED))
@pytest.mark.parametrize(
    "status", [ReturnStatus.DRAFT, ReturnStatus.SUBMITTED, ReturnStatus.VALIDATED]
)
def test_another_organisation_forging_a_post_changes_nothing(
    cast, reference, returns, name, status
):
    ret = filled(returns.home, cast.member, reference, educ=good_figures())
    if status != ReturnStatus.DRAFT:
        ret = return_submit(return_obj=ret, user=cast.member)
    if status == ReturnStatus.VALIDATED:
        ret = return_validate(return_obj=ret, user=cast.admin)
    before = state(ret)
    response = client_for(cast.other_admin).post(url(name, ret), FORGED[name](ret))
    assert response.status_code == 404
    assert state(ret) == before


@pytest.mark.parametrize("name", ["return_send_back", "return_validate"])
@pytest.mark.parametrize("persona", ["member", "org_admin"])
def test_a_delegate_neither_validates_nor_sends_back(cast, reference, returns, name, persona):
    ret = return_submit(
        return_obj=filled(returns.home, cast.member, reference, educ=good_figures()),
        user=cast.member,
    )
    before = state(ret)
    response = client_for(getattr(cast, persona)).post(url(name, ret), FORGED[name](ret))
    assert response.status_code == 403
    assert state(ret) == before


def test_an_administrator_does_not_fill_an_organisations_return(cast, reference, returns):
    ret = filled(returns.home, cast.member, reference, educ=good_figures())
    before = state(ret)
    for name in ("return_edit", "return_save", "return_submit", "return_reopen"):
        response = client_for(cast.admin).post(url(name, ret), FORGED[name](ret))
        assert response.status_code == 403, name
    assert state(ret) == before


def test_a_refused_step_is_said_and_changes_nothing(cast, reference, returns):
    ret = filled(returns.home, cast.member, reference, educ=good_figures())
    before = state(ret)
    admin, member = client_for(cast.admin), client_for(cast.member)
    response = admin.post(url("return_validate", ret))
    assert said(response)[-1] == "Seule une déclaration envoyée peut être validée."
    response = member.post(url("return_reopen", ret), {"reason": ""})
    assert (
        said(response)[-1]
        == "Seule une déclaration validée peut être rouverte pour une correction."
    )
    response = admin.get(url("return_send_back", ret))
    assert response.status_code == 302
    assert state(ret) == before
    ret = return_submit(return_obj=ret, user=cast.member)
    before = state(ret)
    response = admin.post(
        url("return_send_back", ret),
        {"reason": " ", "comments-TOTAL_FORMS": "0", "comments-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 400
    assert "Dites pourquoi la déclaration est renvoyée." in response.content.decode()
    assert state(ret) == before


HOSTILE = '<img src=x onerror="alert(1)"> **gras** [lien](javascript:alert(1))'


def test_hostile_text_is_shown_as_text(cast, reference, returns):
    """A delegate's comments and justifications, an administrator's reason and comments on
    figures: escaped on every page that shows them, notifications included."""
    ret = return_lines_save(
        return_obj=returns.home,
        user=cast.member,
        lines={
            reference.educ: LineInput(
                good_figures(), recruitment_comment=HOSTILE, justifications={"sexes": HOSTILE}
            )
        },
        lock_version=None,
    )
    ret = return_submit(return_obj=ret, user=cast.member, comment=HOSTILE)
    client_for(cast.admin).post(
        url("return_send_back", ret),
        {
            "reason": HOSTILE,
            "comments-TOTAL_FORMS": "1",
            "comments-INITIAL_FORMS": "0",
            "comments-0-profession": EDUC,
            "comments-0-figure": "headcount",
            "comments-0-text": HOSTILE,
        },
    )
    assert FieldComment.objects.get().text == HOSTILE
    pages = [
        (cast.member, url("return_detail", ret)),
        (cast.member, url("return_edit", ret)),
        (cast.member, reverse("notifications:list")),
        (cast.admin, url("return_detail", ret)),
    ]
    for user, address in pages:
        body = client_for(user).get(address).content.decode()
        assert "<img src=x" not in body, address
        assert "&lt;img src=x onerror=" in body, address


def test_the_autosave_needs_the_csrf_token(cast, reference, returns):
    ret = filled(returns.home, cast.member, reference, educ=good_figures())
    before = state(ret)
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.member)
    response = client.post(url("return_save", ret), lines_data(ret, {EDUC: {"headcount": 99}}))
    assert response.status_code == 403
    assert state(ret) == before


def test_a_comment_on_a_profession_not_in_the_return_is_refused(cast, reference, returns):
    ret = return_submit(
        return_obj=filled(returns.home, cast.member, reference, educ=good_figures()),
        user=cast.member,
    )
    before = state(ret)
    response = client_for(cast.admin).post(
        url("return_send_back", ret),
        {
            "reason": "À revoir",
            "comments-TOTAL_FORMS": "1",
            "comments-INITIAL_FORMS": "0",
            "comments-0-profession": AIDE,
            "comments-0-figure": "headcount",
            "comments-0-text": "Hors déclaration",
        },
    )
    assert response.status_code == 400
    assert state(ret) == before


# --- Lists ---


def test_my_returns_by_campaign_open_first_and_the_home_part(
    cast, reference, returns, campaign, past
):
    (last_year,) = past(headcounts=[10])
    close(campaign)  # this year's closed, last year's still open: listed first
    response = client_for(cast.member).get(url("my_returns"))
    doc = page(response)
    headings = [Page.text(e) for e in doc.elements if e["tag"] == "h2"]
    assert headings[0].startswith(f"Campagne {campaign.year - 1} · ouverte jusqu")
    assert headings[1] == f"Campagne {campaign.year}"
    body = html.unescape(response.content.decode())
    assert "Foyer des Tilleuls" in body and "Service d'aide à domicile du Maine" in body
    assert "CCAS de Dampierre" not in body
    assert "Déclarations à valider" not in body
    assert (
        "Déclarations à valider" in client_for(cast.admin).get(url("my_returns")).content.decode()
    )

    home = client_for(cast.member).get(reverse("observatory:home")).content.decode()
    assert last_year.get_absolute_url() in home  # the open campaign's
    assert returns.home.get_absolute_url() not in home
    assert returns.other.get_absolute_url() not in home
    curator_home = client_for(cast.curator).get(reverse("observatory:home")).content.decode()
    assert "Vos déclarations" not in curator_home


def test_the_queue_lists_the_submitted_returns_oldest_first(cast, reference, returns):
    for ret in (returns.other, returns.home):
        return_submit(
            return_obj=filled(ret, cast.member, reference, educ=good_figures()), user=cast.member
        )
    body = client_for(cast.admin).get(url("return_queue")).content.decode()
    assert body.index("CCAS de Dampierre") < body.index("Foyer des Tilleuls")
    assert "Service d'aide à domicile du Maine" not in body


# --- Query counts ---


def siret_for(n):
    base = f"8{n:012d}"
    return base + luhn.calc_check_digit(base)


def more_returns(campaign, organisation, reference, small_geography, count):
    for n in range(count):
        establishment = Establishment.objects.create(
            organisation=organisation,
            name=f"Établissement {n}",
            siret=siret_for(n),
            commune=small_geography["98001"],
            sector=reference.child,
            employer_kind=reference.association,
        )
        Return.objects.create(campaign=campaign, establishment=establishment)


def queries(client, address):
    client.get(address)  # the first page of a session records it and keeps its header
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return len(captured)


def test_my_returns_takes_as_many_queries_for_8_returns_as_for_2(
    cast, reference, campaign, returns, organisation, small_geography
):
    client = client_for(cast.member)
    few = queries(client, url("my_returns"))
    more_returns(campaign, organisation, reference, small_geography, 6)
    assert queries(client, url("my_returns")) == few


def test_the_queue_takes_as_many_queries_for_8_returns_as_for_2(
    cast, reference, campaign, returns, organisation, small_geography
):
    for ret in (returns.home, returns.care):
        return_submit(
            return_obj=filled(ret, cast.member, reference, educ=good_figures()), user=cast.member
        )
    client = client_for(cast.admin)
    few = queries(client, url("return_queue"))
    more_returns(campaign, organisation, reference, small_geography, 6)
    for ret in Return.objects.filter(
        status=ReturnStatus.NOT_STARTED, establishment__organisation=organisation
    ):
        return_submit(
            return_obj=filled(ret, cast.member, reference, educ=good_figures()), user=cast.member
        )
    assert Return.objects.filter(status=ReturnStatus.SUBMITTED).count() == 8
    assert queries(client, url("return_queue")) == few


@pytest.mark.parametrize("name", ["return_edit", "return_detail"])
def test_a_return_takes_as_many_queries_for_8_professions_as_for_2(
    cast, reference, returns, past, name
):
    past(headcounts=[10, 11, 12])
    professions = list(Profession.objects.all()[:8])
    ret = return_lines_save(
        return_obj=returns.home,
        user=cast.member,
        lines={p: LineInput(good_figures(vacant_posts=20)) for p in professions[:2]},
        lock_version=None,
    )
    client = client_for(cast.member)
    few = queries(client, url(name, ret))
    return_lines_save(
        return_obj=ret,
        user=cast.member,
        lines={p: LineInput(good_figures(vacant_posts=20)) for p in professions[2:]},
        lock_version=None,
    )
    assert ret.lines.count() == 8
    assert queries(client, url(name, ret)) == few
