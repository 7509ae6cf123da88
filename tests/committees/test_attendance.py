"""Attendance at meetings: the coordinators tick who came and record walk-ins; the list as
CSV, the sign-in sheet and the participants' certificates as PDF; nobody else touches them."""

import csv
import html
import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from portal.committees.attendance import services
from portal.committees.attendance.models import WalkIn
from portal.committees.choices import MeetingStatus, MeetingVisibility, RegistrationStatus
from portal.committees.meetings.models import Registration
from portal.committees.models import CommitteeMembership
from tests.committees.records import past_meeting, place
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def text_of(response):
    """The page's text as a reader sees it (apostrophes and ampersands unescaped)."""
    return html.unescape(response.content.decode())


def pdf_text(content):
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def attendance_url(meeting):
    return reverse("committees:meeting_attendance", args=[meeting.pk])


@pytest.fixture
def meeting(trio):
    return past_meeting(trio.public, title="Rencontre de la Sarthe")


@pytest.fixture
def people(cast, trio, meeting):
    """The member holds a place; Bruno too (both seated); Zoé waits; Yves cancelled."""
    bruno = UserFactory(full_name="Bruno Bénévole")
    zoe = UserFactory(full_name="Zoé Attente")
    yves = UserFactory(full_name="Yves Parti")
    for person in (bruno, zoe, yves):
        CommitteeMembership.objects.create(committee=trio.public, user=person)
    return {
        "member": place(meeting, cast.member),
        "bruno": place(meeting, bruno),
        "zoe": place(meeting, zoe, status=RegistrationStatus.WAITING),
        "yves": place(meeting, yves, status=RegistrationStatus.CANCELLED),
    }


def attended(*registrations):
    return [r.attended for r in Registration.objects.filter(pk__in=[r.pk for r in registrations])]


def test_a_coordinator_ticks_who_came_and_can_untick(client, cast, meeting, people):
    client.force_login(cast.org_admin)
    page = text_of(client.get(attendance_url(meeting)))
    assert "Mina Membre" in page and "Bruno Bénévole" in page
    # Only the places held are listed.
    assert "Zoé Attente" not in page and "Yves Parti" not in page
    response = client.post(
        attendance_url(meeting), {"action": "mark", "present": [people["member"].pk]}
    )
    assert response.status_code == 302
    assert attended(people["member"], people["bruno"]) == [True, False]
    followed = client.post(
        attendance_url(meeting), {"action": "mark", "present": [people["bruno"].pk]}, follow=True
    )
    assert "Présences enregistrées : 1 présent" in text_of(followed)
    people["member"].refresh_from_db()
    people["bruno"].refresh_from_db()
    assert not people["member"].attended and people["bruno"].attended


@pytest.mark.parametrize("forged", ["zoe", "yves", "elsewhere", "not a number"])
def test_a_forged_list_is_refused_whole_and_changes_nothing(
    client, cast, trio, meeting, people, forged
):
    people["member"].attended = True
    people["member"].save()
    if forged == "elsewhere":
        other = past_meeting(trio.public, title="Autre")
        value = place(other, cast.analyst).pk
    elif forged == "not a number":
        value = "1 OR 1=1"
    else:
        value = people[forged].pk
    client.force_login(cast.org_admin)
    response = client.post(
        attendance_url(meeting),
        {"action": "mark", "present": [people["bruno"].pk, value]},
        follow=True,
    )
    page = text_of(response)
    assert "rien n'a été enregistré" in page
    assert attended(people["member"], people["bruno"]) == [True, False]
    assert not Registration.objects.filter(attended=True).exclude(pk=people["member"].pk)


def test_attendance_waits_for_the_meeting_day_and_a_cancelled_meeting_has_none(client, cast, trio):
    start = timezone.now() + timedelta(days=7)
    future = past_meeting(trio.public, starts_at=start, ends_at=start + timedelta(hours=2))
    registration = place(future, cast.member)
    client.force_login(cast.org_admin)
    page = text_of(client.get(attendance_url(future)))
    assert "à partir du jour de la rencontre" in page
    client.post(attendance_url(future), {"action": "mark", "present": [registration.pk]})
    registration.refresh_from_db()
    assert not registration.attended
    cancelled = past_meeting(trio.public, status=MeetingStatus.CANCELLED)
    with pytest.raises(ValidationError, match=r"annulée|cancelled"):
        services.walk_in_add(meeting=cancelled, user=cast.org_admin, name="Quelqu'un")
    assert not WalkIn.objects.exists()


def test_a_member_cannot_mark_attendance_nor_reach_the_coordinators_pages(
    client, cast, meeting, people
):
    client.force_login(cast.member)
    for address in (
        attendance_url(meeting),
        reverse("committees:meeting_attendance_csv", args=[meeting.pk]),
        reverse("committees:meeting_sign_in_sheet", args=[meeting.pk]),
    ):
        assert client.get(address).status_code == 403
    response = client.post(
        attendance_url(meeting), {"action": "mark", "present": [people["member"].pk]}
    )
    assert response.status_code == 403
    response = client.post(attendance_url(meeting), {"action": "walk_in", "walkin-name": "X"})
    assert response.status_code == 403
    assert attended(people["member"]) == [False] and not WalkIn.objects.exists()
    with pytest.raises(PermissionDenied):
        services.attendance_set(meeting=meeting, user=cast.member, present=[])


def test_a_private_committees_attendance_is_unknown_to_outsiders(client, cast, trio):
    meeting = past_meeting(trio.private)
    registration = place(meeting, cast.member, attended=True)
    addresses = [
        attendance_url(meeting),
        reverse("committees:meeting_attendance_csv", args=[meeting.pk]),
        reverse("committees:meeting_sign_in_sheet", args=[meeting.pk]),
        reverse("committees:meeting_certificate", args=[meeting.pk]),
        reverse("committees:meeting_certificate", args=[meeting.pk])
        + f"?inscription={registration.pk}",
    ]
    for outsider in (cast.other_admin, cast.curator, cast.analyst):
        client.force_login(outsider)
        for address in addresses:
            assert client.get(address).status_code == 404, (outsider, address)
        assert (
            client.post(attendance_url(meeting), {"action": "mark", "present": []}).status_code
            == 404
        )
    client.logout()
    assert client.get(addresses[0]).status_code == 302  # to the login page


def test_walk_ins_by_name_or_as_members(client, cast, organisation, meeting, people):
    client.force_login(cast.org_admin)
    response = client.post(
        attendance_url(meeting),
        {
            "action": "walk_in",
            "walkin-name": "  Jeanne   Passante ",
            "walkin-organisation": "CCAS du Mans",
        },
    )
    assert response.status_code == 302
    response = client.post(
        attendance_url(meeting), {"action": "walk_in", "walkin-email": "ANALYSE@exemple.test"}
    )
    assert response.status_code == 302
    walk_ins = {w.name: w for w in WalkIn.objects.all()}
    assert walk_ins["Jeanne Passante"].organisation == "CCAS du Mans"
    assert walk_ins["Jeanne Passante"].user is None
    assert walk_ins["Anatole Analyste"].user == cast.analyst
    assert walk_ins["Jeanne Passante"].recorded_by == cast.org_admin
    page = text_of(client.get(attendance_url(meeting)))
    assert "Jeanne Passante" in page and "3 personnes présentes" not in page
    assert "2 personnes présentes" in page

    # Someone holding a place is ticked, not added; nobody twice; nobody without a name.
    for data, message in [
        ({"walkin-email": cast.member.email}, "a une place"),
        ({"walkin-email": cast.analyst.email}, "déjà"),
        ({"walkin-email": "inconnu@exemple.test"}, "Personne n'a de compte"),
        ({"walkin-name": "   ", "walkin-organisation": "Seule"}, "Donnez le nom"),
        ({"walkin-name": "x" * 201}, "200"),
    ]:
        response = client.post(attendance_url(meeting), {"action": "walk_in", **data}, follow=True)
        assert message in text_of(response), data
    assert WalkIn.objects.count() == 2

    jeanne = walk_ins["Jeanne Passante"]
    client.post(attendance_url(meeting), {"action": "remove", "walk_in": jeanne.pk})
    assert not WalkIn.objects.filter(pk=jeanne.pk).exists()


def test_a_walk_in_of_another_meeting_is_not_removed(client, cast, trio, meeting):
    other = past_meeting(trio.public, title="Autre")
    walk_in = WalkIn.objects.create(meeting=other, name="Ailleurs")
    client.force_login(cast.org_admin)
    response = client.post(
        attendance_url(meeting), {"action": "remove", "walk_in": walk_in.pk}, follow=True
    )
    assert "pas été enregistrée" in text_of(response)
    assert WalkIn.objects.filter(pk=walk_in.pk).exists()


def test_the_list_exports_for_a_french_spreadsheet(client, cast, meeting, people):
    people["member"].attended = True
    people["member"].save()
    WalkIn.objects.create(meeting=meeting, name='=HYPERLINK("http://x")', organisation="+33")
    client.force_login(cast.org_admin)
    response = client.get(reverse("committees:meeting_attendance_csv", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Nom", "Organisation", "Adresse électronique", "Venu·e", "Présent·e"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Mina Membre"][1:] == [
        "Secours Solidaire du Maine",
        "membre@exemple.test",
        "inscrit·e",
        "oui",
    ]
    assert by_name[str(people["bruno"].user)][4] == "non"
    # A cell a spreadsheet would run as a formula is written as text.
    assert by_name['\'=HYPERLINK("http://x")'][1] == "'+33"
    assert len(rows) == 4  # the waiting and the cancelled are not on the list


def test_the_sign_in_sheet_prints_the_people_expected(client, cast, meeting, people):
    WalkIn.objects.create(meeting=meeting, name="<b>Œdipe & Ève</b>", organisation="L'Étape")
    client.force_login(cast.org_admin)
    response = client.get(reverse("committees:meeting_sign_in_sheet", args=[meeting.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Feuille d’émargement" in text and "Rencontre de la Sarthe" in text
    assert "Comité ouvert" in text and "Signature" in text
    assert "Mina Membre" in text and "Bruno Bénévole" in text
    # People's text is printed as written, never read as markup.
    assert "<b>Œdipe & Ève</b>" in text and "L'Étape" in text
    assert "Zoé Attente" not in text


def test_a_participant_marked_present_downloads_their_certificate(client, cast, meeting, people):
    # Yesterday 14:00–16:00: a meeting within one day whatever the hour the test runs (one
    # that ended an hour ago started the day before, shortly after midnight).
    yesterday = timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0)
    yesterday -= timedelta(days=1)
    meeting.starts_at, meeting.ends_at = yesterday, yesterday + timedelta(hours=2)
    meeting.save()
    people["member"].attended = True
    people["member"].save()
    client.force_login(cast.member)
    address = reverse("committees:meeting_certificate", args=[meeting.pk])
    response = client.get(address)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    start = timezone.localtime(meeting.starts_at)
    end = timezone.localtime(meeting.ends_at)
    for expected in (
        "Attestation de présence",
        "Comité ouvert",
        "Mina Membre",
        "Secours Solidaire du Maine",
        "Rencontre de la Sarthe",
        f"de {start:%H:%M} à {end:%H:%M}",
        "Durée : 2 h",
        "Hôtel du département",
        "Odile Responsable",  # the committee's coordinator
    ):
        assert expected in text, expected
    assert str(start.year) in text
    page = text_of(client.get(meeting.get_absolute_url()))
    assert address in page


@pytest.mark.parametrize("who", ["bruno", "zoe", "coordinator", "other member"])
def test_no_certificate_for_someone_not_marked_present(client, cast, trio, meeting, people, who):
    people["member"].attended = True
    people["member"].save()
    zoe = people["zoe"]
    zoe.attended = True  # a waiting registration never counts, whatever its flag
    zoe.save()
    user = {
        "bruno": people["bruno"].user,
        "zoe": zoe.user,
        "coordinator": cast.org_admin,
        "other member": UserFactory(),
    }[who]
    if who == "other member":
        CommitteeMembership.objects.create(committee=trio.public, user=user)
    client.force_login(user)
    address = reverse("committees:meeting_certificate", args=[meeting.pk])
    response = client.get(address)
    assert response.status_code == 403
    assert "pas été marqué" in text_of(response)
    assert address not in text_of(client.get(meeting.get_absolute_url()))


def test_others_certificates_are_for_the_coordinators(client, cast, meeting, people):
    people["bruno"].attended = True
    people["bruno"].save()
    walk_in = WalkIn.objects.create(meeting=meeting, name="Jeanne Passante", organisation="CCAS")
    address = reverse("committees:meeting_certificate", args=[meeting.pk])
    client.force_login(cast.member)
    assert client.get(f"{address}?inscription={people['bruno'].pk}").status_code == 403
    assert client.get(f"{address}?sur-place={walk_in.pk}").status_code == 403
    client.force_login(cast.org_admin)
    text = pdf_text(client.get(f"{address}?sur-place={walk_in.pk}").content)
    assert "Jeanne Passante" in text and "CCAS" in text
    text = pdf_text(client.get(f"{address}?inscription={people['bruno'].pk}").content)
    assert "Bruno Bénévole" in text
    # Someone absent, or of another meeting: no certificate.
    for query in (f"inscription={people['member'].pk}", "sur-place=999999", "inscription=x"):
        assert client.get(f"{address}?{query}").status_code == 403


def test_a_walk_in_member_gets_a_certificate_and_nobody_of_a_cancelled_meeting(
    client, cast, organisation, trio
):
    meeting = past_meeting(trio.public, visibility=MeetingVisibility.LOGGED_IN)
    MembershipFactory(user=cast.analyst, organisation=organisation)
    services.walk_in_add(meeting=meeting, user=cast.org_admin, person=cast.analyst)
    client.force_login(cast.analyst)
    address = reverse("committees:meeting_certificate", args=[meeting.pk])
    text = pdf_text(client.get(address).content)
    assert "Anatole Analyste" in text and "Secours Solidaire du Maine" in text
    meeting.status = MeetingStatus.CANCELLED
    meeting.save()
    assert client.get(address).status_code == 403


def test_the_meeting_page_offers_the_coordinators_their_links(client, cast, meeting, people):
    client.force_login(cast.org_admin)
    page = text_of(client.get(meeting.get_absolute_url()))
    assert attendance_url(meeting) in page
    assert reverse("committees:meeting_sign_in_sheet", args=[meeting.pk]) in page
    client.force_login(cast.member)
    page = text_of(client.get(meeting.get_absolute_url()))
    assert attendance_url(meeting) not in page
    assert reverse("committees:meeting_sign_in_sheet", args=[meeting.pk]) not in page
