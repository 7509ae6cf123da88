"""Minutes: the coordinators write them, draft then final; the people present are told;
actions stay open on the committee's page until done; final minutes become a meeting report
of the knowledge base, curated as any resource, linked both ways with the meeting."""

import html
import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from portal.accounts.notifications.models import Notification
from portal.committees.attendance.models import WalkIn
from portal.committees.choices import (
    MeetingVisibility,
    MinutesItemKind,
    MinutesStatus,
    RegistrationStatus,
)
from portal.committees.meetings.models import Meeting
from portal.committees.meetings.scopes import MEETINGS, meeting_scope
from portal.committees.minutes import services
from portal.committees.minutes.models import Minutes, MinutesItem
from portal.committees.models import CommitteeMembership
from portal.knowledge.choices import ResourceKind, ResourceStatus, Visibility
from portal.knowledge.curation import services as curation
from portal.knowledge.models import Preconisation, Resource, Theme
from portal.knowledge.reference.services import reference_preconisations_load
from tests.committees.records import past_meeting, place
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def text_of(response):
    """The page's text as a reader sees it (apostrophes and ampersands unescaped)."""
    return html.unescape(response.content.decode())


DUE = date.today() + timedelta(days=30)


def edit_url(meeting):
    return reverse("committees:minutes_edit", args=[meeting.pk])


def capitalise_url(meeting):
    return reverse("committees:minutes_capitalise", args=[meeting.pk])


def done_url(item):
    return reverse("committees:minutes_action_done", args=[item.minutes.meeting_id, item.pk])


def form(body="Nous avons parlé de **précarité énergétique**.", items=(), extra=3, **more):
    """The minutes form's data: `items` are (kind, text, responsible, responsible_user,
    due_on) rows, then `extra` empty ones."""
    rows = [*items, *[("", "", "", "", "")] * extra]
    data = {
        "body": body,
        "items-TOTAL_FORMS": str(len(rows)),
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "100",
    }
    for number, (kind, text, responsible, person, due_on) in enumerate(rows):
        data.update(
            {
                f"items-{number}-kind": kind,
                f"items-{number}-text": text,
                f"items-{number}-responsible": responsible,
                f"items-{number}-responsible_user": str(person.pk) if person else "",
                f"items-{number}-due_on": due_on.isoformat() if due_on else "",
            }
        )
    data.update(more)
    return data


@pytest.fixture
def meeting(trio):
    return past_meeting(trio.public, title="Rencontre de la Sarthe")


@pytest.fixture
def present(cast, trio, meeting):
    """The member came (ticked), Bruno held a place and did not come, Jeanne (a member) and
    Paul (who does not sit on the committee) walked in."""
    bruno = UserFactory(full_name="Bruno Absent")
    jeanne = UserFactory(full_name="Jeanne Passante")
    paul = UserFactory(full_name="Paul Passant")
    CommitteeMembership.objects.create(committee=trio.public, user=bruno)
    CommitteeMembership.objects.create(committee=trio.public, user=jeanne)
    place(meeting, cast.member, attended=True)
    place(meeting, bruno)
    place(meeting, cast.org_admin, attended=True)  # the coordinator came too
    WalkIn.objects.create(meeting=meeting, name="Jeanne Passante", user=jeanne)
    WalkIn.objects.create(meeting=meeting, name="Paul Passant", user=paul)
    WalkIn.objects.create(meeting=meeting, name="Sans compte")
    return {"bruno": bruno, "jeanne": jeanne, "paul": paul}


def final_minutes(meeting, coordinator, *, items=None, body="Compte rendu."):
    if items is None:
        items = [
            {"kind": MinutesItemKind.DECISION, "text": "Créer un groupe logement"},
            {
                "kind": MinutesItemKind.ACTION,
                "text": "Recenser les places d'hébergement",
                "responsible": "",
                "responsible_user": meeting.committee.memberships.filter(role="member")
                .earliest("pk")
                .user,
                "due_on": DUE,
            },
        ]
    services.minutes_save(meeting=meeting, user=coordinator, body=body, items=items)
    return services.minutes_finalise(meeting=meeting, user=coordinator)


def test_a_coordinator_writes_a_draft_with_decisions_and_actions(client, cast, meeting):
    client.force_login(cast.org_admin)
    assert client.get(edit_url(meeting)).status_code == 200
    response = client.post(
        edit_url(meeting),
        form(
            items=[
                (MinutesItemKind.DECISION, "Créer un groupe logement", "", None, None),
                (MinutesItemKind.ACTION, "Recenser les places", "", cast.member, DUE),
                (MinutesItemKind.ACTION, "Écrire au département", "Mme Durand (CD72)", None, DUE),
            ]
        ),
    )
    assert response.status_code == 302
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.status == MinutesStatus.DRAFT and minutes.updated_by == cast.org_admin
    assert "<strong>précarité énergétique</strong>" in minutes.body_html
    items = list(minutes.items.all())
    assert [i.kind for i in items] == ["decision", "action", "action"]
    assert items[1].responsible == "Mina Membre" and items[1].responsible_user == cast.member
    assert items[2].responsible == "Mme Durand (CD72)" and items[2].due_on == DUE
    # The form shows the draft again; saving again replaces the items.
    page = text_of(client.get(edit_url(meeting)))
    assert "Recenser les places" in page
    client.post(edit_url(meeting), form(body="Autre texte"))
    minutes.refresh_from_db()
    assert minutes.body == "Autre texte" and not minutes.items.exists()


def test_hostile_markdown_is_sanitised(client, cast, meeting):
    client.force_login(cast.org_admin)
    hostile = (
        "<script>alert(1)</script>\n\n"
        "[clic](javascript:alert(2)) <img src=x onerror=alert(3)>\n\n"
        '![i](javascript:alert(4)) <a href="https://x.test" onclick="alert(5)">x</a>'
    )
    client.post(edit_url(meeting), form(body=hostile))
    html = Minutes.objects.get().body_html
    tags = re.findall(r"<[a-z][^>]*>", html)
    assert tags and all(tag.split()[0] in ("<p>", "<a", "<img", "<p") for tag in tags)
    assert not [tag for tag in tags if "javascript" in tag or " on" in tag]
    assert "&lt;script&gt;" in html  # shown as text, never run
    services.minutes_finalise(meeting=meeting, user=cast.org_admin)
    client.force_login(cast.member)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_a_text_too_long_to_render_is_refused_and_nothing_saved(client, cast, meeting):
    client.force_login(cast.org_admin)
    response = client.post(edit_url(meeting), form(body="*a " * 3000))
    assert response.status_code == 400
    assert "dépasse 5" in text_of(response)
    assert not Minutes.objects.exists()


@pytest.mark.parametrize(
    "row, message",
    [
        ((MinutesItemKind.ACTION, "Sans date", "Mme Durand", None, None), "date"),
        ((MinutesItemKind.ACTION, "Sans personne", "", None, DUE), "responsable"),
        (("opinion", "Genre inconnu", "", None, None), "choix"),
        ((MinutesItemKind.DECISION, "x" * 501, "", None, None), "500"),
    ],
)
def test_a_wrong_item_is_refused_and_nothing_saved(client, cast, meeting, row, message):
    client.force_login(cast.org_admin)
    response = client.post(edit_url(meeting), form(items=[row]))
    assert response.status_code == 400
    assert message in text_of(response)
    assert not Minutes.objects.exists() and not MinutesItem.objects.exists()


def test_the_person_responsible_sits_on_the_committee(client, cast, meeting):
    client.force_login(cast.org_admin)
    # A forged choice: someone who does not sit on the committee.
    response = client.post(
        edit_url(meeting), form(items=[(MinutesItemKind.ACTION, "x", "", cast.curator, DUE)])
    )
    assert response.status_code == 400 and not Minutes.objects.exists()
    with pytest.raises(ValidationError, match=r"siéger|sit on"):
        services.minutes_save(
            meeting=meeting,
            user=cast.org_admin,
            body="",
            items=[
                {"kind": "action", "text": "x", "responsible_user": cast.curator, "due_on": DUE}
            ],
        )
    assert not Minutes.objects.exists()


def test_only_the_coordinators_write_the_minutes(client, cast, trio, meeting):
    client.force_login(cast.member)
    assert client.get(edit_url(meeting)).status_code == 403
    assert client.post(edit_url(meeting), form()).status_code == 403
    assert client.post(edit_url(meeting), form(finalise="1")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.minutes_save(meeting=meeting, user=cast.member, body="x", items=[])
    client.force_login(cast.other_admin)  # not a member: a members-only meeting is unknown
    assert client.post(edit_url(meeting), form()).status_code == 404
    assert not Minutes.objects.exists()
    # A private committee's minutes: unknown to outsiders.
    secret = past_meeting(trio.private)
    final_minutes(secret, cast.org_admin, items=[])
    for outsider in (cast.other_admin, cast.curator, cast.analyst):
        client.force_login(outsider)
        assert client.get(edit_url(secret)).status_code == 404
        assert client.post(edit_url(secret), form()).status_code == 404
        assert client.get(secret.get_absolute_url()).status_code == 404
        assert client.get(capitalise_url(secret)).status_code == 404
    assert Minutes.objects.get(meeting=secret).body == "Compte rendu."


def test_finalising_tells_the_people_present(client, cast, meeting, present):
    client.force_login(cast.org_admin)
    response = client.post(
        edit_url(meeting),
        form(
            items=[(MinutesItemKind.DECISION, "Créer un groupe logement", "", None, None)],
            finalise="1",
        ),
    )
    assert response.status_code == 302
    minutes = Minutes.objects.get()
    assert minutes.status == MinutesStatus.FINAL and minutes.finalised_at is not None
    told = Notification.objects.filter(kind=MEETINGS)
    # Not the absent, not the coordinator who acted, nor Paul, who may not see a meeting
    # for the committee's members (the notice would name it).
    assert {n.recipient for n in told} == {cast.member, present["jeanne"]}
    notice = told.first()
    assert notice.scope == meeting_scope(meeting)
    assert "Rencontre de la Sarthe" in notice.title and "définitif" in notice.title
    assert notice.path == f"{meeting.get_absolute_url()}#minutes"
    assert "Hôtel du département" in notice.body  # the meeting's date and place


def test_minutes_are_final_once_the_meeting_took_place_and_then_no_longer_change(
    client, cast, trio
):
    start = timezone.now() + timedelta(days=3)
    future = past_meeting(trio.public, starts_at=start, ends_at=start + timedelta(hours=2))
    client.force_login(cast.org_admin)
    response = client.post(edit_url(future), form(body="Préparé d'avance", finalise="1"))
    assert response.status_code == 400
    assert "une fois la rencontre tenue" in text_of(response)
    # Nothing saved, not even the draft: the text is still in the form.
    assert not Minutes.objects.exists()
    assert "Préparé d'avance" in text_of(response)
    assert client.post(edit_url(future), form(body="Préparé d'avance")).status_code == 302

    meeting = past_meeting(trio.public)
    final_minutes(meeting, cast.org_admin)
    response = client.post(edit_url(meeting), form(body="Réécrit"))
    assert response.status_code == 400
    assert "il ne change plus" in text_of(response)
    assert Minutes.objects.get(meeting=meeting).body == "Compte rendu."
    with pytest.raises(ValidationError):
        services.minutes_finalise(meeting=meeting, user=cast.org_admin)


def test_members_read_final_minutes_drafts_are_for_the_coordinators(client, cast, trio):
    meeting = past_meeting(trio.public, visibility=MeetingVisibility.PUBLIC)
    services.minutes_save(
        meeting=meeting,
        user=cast.org_admin,
        body="Texte du brouillon",
        items=[{"kind": "decision", "text": "Décision provisoire"}],
    )
    client.force_login(cast.member)
    page = text_of(client.get(meeting.get_absolute_url()))
    assert "Texte du brouillon" not in page and "Décision provisoire" not in page
    client.force_login(cast.org_admin)
    page = text_of(client.get(meeting.get_absolute_url()))
    assert "Texte du brouillon" in page and "Brouillon" in page
    services.minutes_finalise(meeting=meeting, user=cast.org_admin)
    for reader in (cast.member, cast.other_admin):  # logged in, and the meeting is public
        client.force_login(reader)
        page = text_of(client.get(meeting.get_absolute_url()))
        assert "Texte du brouillon" in page and "Décision provisoire" in page
    client.logout()  # visitors read them once capitalised and published
    page = text_of(client.get(meeting.get_absolute_url()))
    assert "Texte du brouillon" not in page


def test_actions_stay_on_the_committee_page_until_done(client, cast, trio, meeting):
    final_minutes(meeting, cast.org_admin)
    action = MinutesItem.objects.get(kind="action")
    address = trio.public.get_absolute_url()
    client.force_login(cast.other_admin)  # logged in, not a member: a members-only meeting
    assert "Recenser les places" not in text_of(client.get(address))
    client.force_login(cast.member)
    page = text_of(client.get(address))
    assert "Recenser les places" in page and done_url(action) in page

    # Someone else of the committee may not mark it done.
    bruno = UserFactory()
    CommitteeMembership.objects.create(committee=trio.public, user=bruno)
    client.force_login(bruno)
    assert done_url(action) not in text_of(client.get(address))
    assert client.post(done_url(action)).status_code == 403
    # The person responsible may.
    client.force_login(cast.member)
    response = client.post(done_url(action), {"next": address})
    assert response.status_code == 302 and response["Location"] == address
    action.refresh_from_db()
    assert action.done_at is not None and action.done_by == cast.member
    assert "Recenser les places" not in text_of(client.get(address))
    page = text_of(client.get(meeting.get_absolute_url()))
    assert "faite le" in page
    # Once.
    response = client.post(done_url(action), follow=True)
    assert "déjà faite" in text_of(response)


def test_a_coordinator_marks_any_action_done_and_nothing_else(client, cast, trio, meeting):
    minutes = final_minutes(meeting, cast.org_admin)
    action = minutes.items.get(kind="action")
    decision = minutes.items.get(kind="decision")
    client.force_login(cast.org_admin)
    page = text_of(client.get(trio.public.get_absolute_url()))
    assert done_url(action) in page
    response = client.post(done_url(decision), follow=True)
    assert "Seules les actions" in text_of(response)
    decision.refresh_from_db()
    assert decision.done_at is None
    # Another meeting's action through this meeting's address: 404.
    other = past_meeting(trio.public, title="Autre")
    other_minutes = final_minutes(other, cast.org_admin)
    other_action = other_minutes.items.get(kind="action")
    forged = reverse("committees:minutes_action_done", args=[meeting.pk, other_action.pk])
    assert client.post(forged).status_code == 404
    # A forged « next » does not send anyone away.
    response = client.post(done_url(action), {"next": "https://ailleurs.test/"})
    assert response["Location"] == f"{meeting.get_absolute_url()}#minutes"
    action.refresh_from_db()
    assert action.done_by == cast.org_admin
    # A draft's actions are not marked done.
    draft = past_meeting(trio.public, title="Brouillon")
    services.minutes_save(
        meeting=draft,
        user=cast.org_admin,
        body="",
        items=[{"kind": "action", "text": "À faire", "responsible": "X", "due_on": DUE}],
    )
    draft_action = MinutesItem.objects.get(text="À faire")
    client.post(done_url(draft_action))
    draft_action.refresh_from_db()
    assert draft_action.done_at is None
    # An outsider of a private committee knows of nothing.
    secret = past_meeting(trio.private)
    secret_action = final_minutes(secret, cast.org_admin).items.get(kind="action")
    client.force_login(cast.other_admin)
    assert client.post(done_url(secret_action)).status_code == 404
    client.logout()
    assert client.post(done_url(secret_action)).status_code == 302  # to the login page
    secret_action.refresh_from_db()
    assert secret_action.done_at is None


def test_a_forged_request_without_its_token_changes_nothing(cast, meeting):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.org_admin)
    assert client.post(edit_url(meeting), form()).status_code == 403
    assert not Minutes.objects.exists()
    final_minutes(meeting, cast.org_admin)
    action = MinutesItem.objects.get(kind="action")
    assert client.post(done_url(action)).status_code == 403
    action.refresh_from_db()
    assert action.done_at is None


@pytest.fixture
def taxonomy(small_geography):
    reference_preconisations_load()
    Theme.objects.create(name="Logement", slug="logement")
    return small_geography


def capitalise_form(**overrides):
    data = {
        "title": "Compte rendu : rencontre de la Sarthe",
        "summary": "Ce que le comité a décidé sur le logement.",
        "visibility": "committee",
        "organisation": "",
        "themes": [],
        "preconisations": [],
        "territory_codes": "",
    }
    data.update(overrides)
    return data


def test_final_minutes_become_a_meeting_report_curated_and_linked_back(
    client, cast, organisation, trio, taxonomy
):
    trio.public.territory = taxonomy["98001"]
    trio.public.save()
    meeting = past_meeting(trio.public, title="Rencontre de la Sarthe")
    final_minutes(meeting, cast.org_admin, body="Nous avons parlé **logement**.")
    client.force_login(cast.org_admin)
    page = text_of(client.get(capitalise_url(meeting)))
    assert "Compte rendu : Rencontre de la Sarthe" in page  # a title to begin with
    logement = Theme.objects.get(slug="logement")
    response = client.post(
        capitalise_url(meeting),
        capitalise_form(
            visibility="public",
            organisation=str(organisation.pk),
            themes=[str(logement.pk)],
            preconisations=[str(Preconisation.objects.get(number=12).pk)],
            committee_territory="on",
            territory_codes=taxonomy["98002"].code,
        ),
    )
    resource = Resource.objects.get()
    assert response.status_code == 302 and response["Location"] == resource.get_absolute_url()
    meeting.refresh_from_db()
    assert meeting.report == resource
    assert resource.kind == ResourceKind.MEETING_REPORT
    assert resource.status == ResourceStatus.SUBMITTED  # in the curators' queue
    assert resource.visibility == Visibility.PUBLIC and resource.committee is None
    assert resource.organisation == organisation
    assert list(resource.authors.all()) == [cast.org_admin]
    assert list(resource.themes.all()) == [logement]
    assert [p.number for p in resource.preconisations.all()] == [12]
    assert set(resource.territories.all()) == {taxonomy["98001"], taxonomy["98002"]}
    assert "Comité ouvert" in resource.body and "<strong>logement</strong>" in resource.body_html
    assert "Créer un groupe logement" in resource.body
    assert "Recenser les places d'hébergement — Mina Membre" in resource.body
    assert resource.revisions.count() == 1
    # Once per meeting.
    response = client.post(capitalise_url(meeting), capitalise_form(), follow=True)
    assert "déjà dans la base" in text_of(response)
    assert Resource.objects.count() == 1

    # Not published yet: visitors see neither the resource nor a link to it.
    client.logout()
    assert client.get(resource.get_absolute_url()).status_code == 404
    curation.resource_publish(user=cast.curator, resource=resource)
    page = text_of(client.get(resource.get_absolute_url()))
    # A members-only meeting: its link is not shown to visitors.
    assert meeting.get_absolute_url() not in page
    client.force_login(cast.member)
    page = text_of(client.get(resource.get_absolute_url()))
    assert f'href="{meeting.get_absolute_url()}"' in page and "Rencontre de la Sarthe" in page
    page = text_of(client.get(meeting.get_absolute_url()))
    assert resource.get_absolute_url() in page


def test_a_private_meetings_link_never_shows_beyond_its_members(client, cast, trio, taxonomy):
    meeting = past_meeting(trio.private, title="Réunion confidentielle")
    final_minutes(meeting, cast.org_admin)
    resource = services.minutes_capitalise(
        meeting=meeting,
        user=cast.org_admin,
        title="Un compte rendu public",
        summary="Public.",
        visibility=Visibility.PUBLIC,
        organisation=cast.org_admin.memberships.get().organisation,
    )
    curation.resource_publish(user=cast.curator, resource=resource)
    for reader in (None, cast.other_admin, cast.analyst):
        client.logout()
        if reader:
            client.force_login(reader)
        page = text_of(client.get(resource.get_absolute_url()))
        assert "Un compte rendu public" in page
        assert "Réunion confidentielle" not in page
        assert meeting.get_absolute_url() not in page
    client.force_login(cast.member)
    assert "Réunion confidentielle" in text_of(client.get(resource.get_absolute_url()))


def test_a_committees_report_is_read_by_its_members_alone(client, cast, trio, taxonomy):
    meeting = past_meeting(trio.public, visibility=MeetingVisibility.PUBLIC)
    final_minutes(meeting, cast.org_admin)
    client.force_login(cast.org_admin)
    client.post(
        capitalise_url(meeting),
        capitalise_form(organisation=str(cast.org_admin.memberships.get().organisation_id)),
    )
    resource = Resource.objects.get()
    assert resource.visibility == Visibility.COMMITTEE and resource.committee == trio.public
    curation.resource_publish(user=cast.curator, resource=resource)
    client.force_login(cast.other_admin)
    # The meeting is public, its report is not: its title stays unknown to outsiders.
    page = text_of(client.get(meeting.get_absolute_url()))
    assert resource.get_absolute_url() not in page and resource.title not in page
    client.force_login(cast.member)
    assert resource.get_absolute_url() in text_of(client.get(meeting.get_absolute_url()))


def test_capitalisation_is_refused_for_drafts_non_coordinators_and_wrong_input(
    client, cast, trio, meeting, taxonomy
):
    services.minutes_save(meeting=meeting, user=cast.org_admin, body="Brouillon", items=[])
    client.force_login(cast.org_admin)
    response = client.post(capitalise_url(meeting), capitalise_form(), follow=True)
    assert "Seul un compte rendu définitif" in text_of(response)
    services.minutes_finalise(meeting=meeting, user=cast.org_admin)
    client.force_login(cast.member)
    assert client.get(capitalise_url(meeting)).status_code == 403
    assert client.post(capitalise_url(meeting), capitalise_form()).status_code == 403
    client.force_login(cast.org_admin)
    organisation = str(cast.org_admin.memberships.get().organisation_id)
    for wrong in (
        {"title": ""},
        {"visibility": "everybody"},
        {"organisation": ""},
        {"organisation": str(cast.other_admin.memberships.get().organisation_id)},
        {"territory_codes": "99999"},
    ):
        response = client.post(
            capitalise_url(meeting), capitalise_form(**{"organisation": organisation, **wrong})
        )
        assert response.status_code == 400, wrong
    assert not Resource.objects.exists()
    assert Meeting.objects.get(pk=meeting.pk).report is None


def test_a_coordinator_acting_for_no_organisation_is_told_why(client, cast, trio, meeting):
    lone = UserFactory(full_name="Coordinatrice Seule")
    CommitteeMembership.objects.create(committee=trio.public, user=lone, role="coordinator")
    final_minutes(meeting, lone, items=[])
    client.force_login(lone)
    page = text_of(client.get(capitalise_url(meeting)))
    assert "au nom d'une organisation" in page
    assert client.post(capitalise_url(meeting), capitalise_form()).status_code == 400
    assert not Resource.objects.exists()


def test_a_registration_waiting_is_not_told(cast, trio, meeting):
    waiting = UserFactory()
    CommitteeMembership.objects.create(committee=trio.public, user=waiting)
    registration = place(meeting, waiting, status=RegistrationStatus.WAITING)
    registration.attended = True  # whatever its flag says, a place was never held
    registration.save()
    final_minutes(meeting, cast.org_admin, items=[])
    assert not Notification.objects.filter(recipient=waiting).exists()


def test_the_kept_committee_page_draws_each_readers_button_and_follows_a_done_action(
    client, cast, trio, meeting, settings, django_capture_on_commit_callbacks
):
    """The committee's page is kept per audience (portal.pagecache): the person responsible
    gets the « done » button drawn for them on the page kept for their audience; marking the
    action done, once committed, renews every kept page."""
    settings.PAGE_CACHE_TTL = 300
    bruno = UserFactory(full_name="Bruno Bénévole")
    for committee in (trio.public, trio.restricted, trio.private):  # Mina's audience
        CommitteeMembership.objects.create(committee=committee, user=bruno)
    with django_capture_on_commit_callbacks(execute=True):
        final_minutes(meeting, cast.org_admin)
    action = MinutesItem.objects.get(kind="action")
    address = trio.public.get_absolute_url()

    client.force_login(bruno)
    drawn = client.get(address)
    assert "committees/committee_detail.html" in [t.name for t in drawn.templates]
    assert "Recenser les places" in text_of(drawn) and done_url(action) not in text_of(drawn)
    client.force_login(cast.member)
    kept = client.get(address)
    assert "committees/committee_detail.html" not in [t.name for t in kept.templates]
    assert done_url(action) in text_of(kept)  # drawn for Mina, who is responsible

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(done_url(action), {"next": address})
    assert response.status_code == 302
    client.force_login(bruno)
    assert "Recenser les places" not in text_of(client.get(address))


def test_a_kept_resource_page_never_shows_a_meeting_its_audience_may_not_see(
    client, cast, trio, taxonomy, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_TTL = 300
    meeting = past_meeting(trio.public, title="Rencontre des membres")
    with django_capture_on_commit_callbacks(execute=True):
        final_minutes(meeting, cast.org_admin)
        resource = services.minutes_capitalise(
            meeting=meeting,
            user=cast.org_admin,
            title="Compte rendu public",
            summary="Public.",
            visibility=Visibility.PUBLIC,
            organisation=cast.org_admin.memberships.get().organisation,
        )
        curation.resource_publish(user=cast.curator, resource=resource)
    outsider = UserFactory()
    client.force_login(outsider)  # sits on nothing, as Omar
    assert "Rencontre des membres" not in text_of(client.get(resource.get_absolute_url()))
    client.force_login(cast.other_admin)
    kept = client.get(resource.get_absolute_url())
    assert "knowledge/resource_detail.html" not in [t.name for t in kept.templates]
    assert "Rencontre des membres" not in text_of(kept)
    client.force_login(cast.member)
    assert "Rencontre des membres" in text_of(client.get(resource.get_absolute_url()))
    # The meeting opened to anyone logged in: the next commit renews the kept pages.
    with django_capture_on_commit_callbacks(execute=True):
        Meeting.objects.filter(pk=meeting.pk).update(visibility=MeetingVisibility.LOGGED_IN)
    client.force_login(cast.other_admin)
    assert "Rencontre des membres" in text_of(client.get(resource.get_absolute_url()))
    client.logout()
    assert "Rencontre des membres" not in text_of(client.get(resource.get_absolute_url()))


def test_an_action_of_a_meeting_still_under_way_shows_too(client, cast, trio):
    """The committee's page reads no actions when none of its meetings started; one under
    way (not yet past) may already have final minutes."""
    now = timezone.now()
    meeting = past_meeting(
        trio.public, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1)
    )
    final_minutes(meeting, cast.org_admin)
    client.force_login(cast.member)
    assert "Recenser les places" in text_of(client.get(trio.public.get_absolute_url()))
