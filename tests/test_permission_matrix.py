"""Every URL requested as every persona, with the status each one must get.

Later issues add their URLs here. 302 is a redirect to the login page for visitors.
"""

import pytest
from django.urls import reverse

from jobs.models import Job
from portal.committees.choices import CommitteeAccess
from portal.committees.models import Committee, CommitteeMembership
from portal.knowledge.reference.services import reference_preconisations_load
from territories.geography.models import Territory
from tests.factories import InvitationFactory

PERSONAS = ["visitor", "member", "org_admin", "other_admin", "curator", "analyst", "admin"]


def everyone(status):
    return dict.fromkeys(PERSONAS, status)


def logged_in(status):
    return {**everyone(status), "visitor": 302}


def admin_only():
    return {**everyone(403), "visitor": 302, "admin": 200}


def analysts_only():
    return {**everyone(403), "visitor": 302, "analyst": 200, "admin": 200}


def org_admins_of_own(status=200):
    return {**everyone(403), "visitor": 302, "org_admin": status, "admin": status}


MATRIX = [
    ("home", everyone(200)),
    ("knowledge:preconisation_list", everyone(200)),
    ("preconisation_3", everyone(200)),
    ("accounts:organisation_list", everyone(200)),
    ("organisation_detail", everyone(200)),
    ("organisation_manage", org_admins_of_own()),
    ("accounts:profile", logged_in(200)),
    ("accounts:profile_edit", logged_in(200)),
    ("accounts:data_export", logged_in(200)),
    ("accounts:account_delete", logged_in(200)),
    ("accounts:invite_person", admin_only()),
    ("accounts:invite_organisation", admin_only()),
    ("invitation_accept", {**everyone(403), "visitor": 200}),
    ("jobs:list", logged_in(200)),
    ("job_detail_of_member", {**everyone(404), "visitor": 302, "member": 200, "admin": 200}),
    # Logged-in people are sent on to their account.
    ("account_login", {**everyone(302), "visitor": 200}),
    ("account_signup", {**everyone(302), "visitor": 200}),
    ("account_reset_password", everyone(200)),
    ("api-root", everyone(200)),
    ("schema", everyone(200)),
    ("api-docs", everyone(200)),
    ("admin:index", {**everyone(302), "admin": 200}),
    ("accessibility", everyone(200)),
    ("territories:search", everyone(200)),
    ("territory_detail", everyone(200)),
    ("territories:indicator_list", everyone(200)),
    ("territories:import_list", analysts_only()),
    ("territories:import_create", analysts_only()),
    ("territories:run_list", analysts_only()),
    # How far a run is: state and progress only, for the pages of what it computes.
    ("run_status_of_a_run", everyone(200)),
    ("territories:explorer", everyone(200)),
    ("territories:crossed", everyone(200)),
    ("territories:compare", everyone(200)),
    ("signals:list", everyone(200)),
    ("analysis:composite_list", everyone(200)),
    ("analysis:composite_create", analysts_only()),
    ("analysis:typology_list", everyone(200)),
    ("analysis:typology_create", analysts_only()),
    ("knowledge:search", everyone(200)),
    # The search listing the forums' discussions its reader may read (« dans »).
    ("search_discussions", everyone(200)),
    ("knowledge:feed", everyone(200)),
    ("knowledge:resource_create", logged_in(200)),
    ("knowledge:resource_mine", logged_in(200)),
    ("knowledge:resource_queue", {**everyone(403), "visitor": 302, "curator": 200, "admin": 200}),
    ("committees:list", everyone(200)),
    ("notifications:list", logged_in(200)),
    ("notifications:preferences", logged_in(200)),
    # The signed link works logged out, for anyone who holds it (it is in their e-mail).
    ("unsubscribe_link_of_member", everyone(200)),
    ("unsubscribe_link_altered", everyone(400)),
    ("private_committee_of_member", {**everyone(404), "member": 200, "curator": 200, "admin": 200}),
]

# Committees' joining and forums, for a committee of each access level where the member sits
# and the organisation's admin coordinates; the other personas sit on none.
SEATED = {"member": 200, "org_admin": 200}
READERS = {
    "public": everyone(200),
    "restricted": {**logged_in(403), **SEATED, "curator": 200, "admin": 200},
    "private": {**everyone(404), **SEATED},
}
WRITERS = {
    "public": {**logged_in(403), **SEATED},
    "restricted": {**logged_in(403), **SEATED},
    "private": {**logged_in(404), **SEATED},
}
COORDINATORS = {
    "public": {**logged_in(403), "org_admin": 200, "admin": 200},
    "restricted": {**logged_in(403), "org_admin": 200, "admin": 200},
    "private": {**logged_in(404), "org_admin": 200, "admin": 200, "curator": 403, "member": 403},
}
# Members are sent back to the committee's page; a private committee takes no request.
JOINERS = {
    "public": {**logged_in(200), "member": 302, "org_admin": 302},
    "restricted": {**logged_in(200), "member": 302, "org_admin": 302},
    "private": {**logged_in(404), "member": 302, "org_admin": 302, "curator": 403, "admin": 403},
}
# Moderation: coordinators of the committee, and administrators who may read it.
MODERATORS = {
    **COORDINATORS,
    "private": {**logged_in(404), "org_admin": 200, "member": 403},
}
REPORTERS = {
    "public": logged_in(200),
    "restricted": {**logged_in(403), **SEATED, "curator": 200, "admin": 200},
    "private": {**logged_in(404), **SEATED},
}
FORUM_PAGES = {
    "forum": READERS,
    "thread": READERS,
    "thread_create": WRITERS,
    "reply": WRITERS,
    # The resources and territories a writer may link to, as they type.
    "links": WRITERS,
    "post_edit": {key: {**rows, "org_admin": 403} for key, rows in WRITERS.items()},
    # A private forum is for its members only: administrators who do not sit on it cannot read it.
    "post_history": {
        **COORDINATORS,
        "private": {**logged_in(404), "org_admin": 200, "member": 403},
    },
    "members": COORDINATORS,
    "join": JOINERS,
    "report": REPORTERS,
    "moderation": MODERATORS,
    "moderation_log": MODERATORS,
    "thread_move": MODERATORS,
    # A forum's categories: the coordinators define them; readers filter the forum by one.
    "forum_categories": MODERATORS,
    "forum_category": MODERATORS,
    "forum_by_category": READERS,
    # A post's attached file goes to whoever may read the thread.
    "post_attachment": READERS,
    # The committees one moderates: administrators all, coordinators theirs.
    "moderation_overview": {
        key: {**logged_in(403), "org_admin": 200, "admin": 200}
        for key in ("public", "restricted", "private")
    },
}
MATRIX += [
    (f"forum:{page}:{access}", expected[access])
    for page, expected in FORUM_PAGES.items()
    for access in ("public", "restricted", "private")
]

# Meetings: a members-only meeting of a committee of each access level, and the agenda.
# Organisers (coordinators, administrators) manage it; whoever may not see it gets 404.
MEETING_SEES = {
    "public": {**everyone(404), **SEATED, "curator": 200, "admin": 200},
    "restricted": {**everyone(404), **SEATED, "curator": 200, "admin": 200},
    "private": {**everyone(404), **SEATED, "admin": 200},
}
MEETING_ORGANISERS = {
    access: {
        **{k: (403 if v == 200 else v) for k, v in sees.items()},
        "visitor": 302,
        "org_admin": 200,
        "admin": 200,
    }
    for access, sees in MEETING_SEES.items()
}
MEETING_PAGES = {
    "meeting": MEETING_SEES,
    "meeting_ics": MEETING_SEES,
    "meeting_update": MEETING_ORGANISERS,
    "meeting_cancel": MEETING_ORGANISERS,
    "meeting_registrations": MEETING_ORGANISERS,
    "meeting_create": {
        access: {**logged_in(403), "org_admin": 200, "admin": 200}
        for access in FORUM_PAGES["forum"]
    }
    # Curators know of every committee (404 for the others), and organise none.
    | {
        "private": {**logged_in(404), "org_admin": 200, "member": 403, "curator": 403, "admin": 200}
    },
}
MATRIX += [("committees:agenda", everyone(200))]
MATRIX += [("committees:calendar_settings", logged_in(200))]
MATRIX += [
    (f"meeting:{page}:{access}", expected[access])
    for page, expected in MEETING_PAGES.items()
    for access in ("public", "restricted", "private")
]

# Attendance and minutes of a members-only meeting that took place, in a committee of each
# access level: the member held a place and was marked present; the minutes are final.
# Only the member gets a certificate; those who see the meeting without having come, 403.
MEETING_RECORD_PAGES = {
    "meeting_attendance": MEETING_ORGANISERS,
    "meeting_attendance_csv": MEETING_ORGANISERS,
    "meeting_sign_in_sheet": MEETING_ORGANISERS,
    "meeting_certificate": {
        access: {**{k: (403 if v == 200 else v) for k, v in sees.items()}, "visitor": 302}
        | {"member": 200}
        for access, sees in MEETING_SEES.items()
    },
    "minutes_edit": MEETING_ORGANISERS,
    "minutes_capitalise": MEETING_ORGANISERS,
}
MATRIX += [
    (f"meeting_record:{page}:{access}", expected[access])
    for page, expected in MEETING_RECORD_PAGES.items()
    for access in ("public", "restricted", "private")
]

# Field observations, in a committee of each access level on a département: the member raised
# one that was validated, and another whose precision the coordinator asked. A validated one is
# read as the committee's observations are: also by curators and analysts for a restricted one.
OBSERVATION_READERS = {
    "public": everyone(200),
    "restricted": {**logged_in(403), **SEATED, "curator": 200, "analyst": 200, "admin": 200},
    "private": {**everyone(404), **SEATED},
}
OBSERVATION_PAGES = {
    "observations": OBSERVATION_READERS,
    "observation": OBSERVATION_READERS,
    "observation_create": {
        "public": {**logged_in(403), **SEATED},
        "restricted": {**logged_in(403), **SEATED},
        "private": {**logged_in(404), **SEATED},
    },
    # Its author alone changes it; whoever may not see it pending gets 404.
    "observation_edit": {
        "public": {**logged_in(404), "member": 200, "org_admin": 403, "admin": 403},
        "restricted": {
            **logged_in(404),
            "other_admin": 403,
            "member": 200,
            "org_admin": 403,
            "admin": 403,
        },
        "private": {**logged_in(404), "member": 200, "org_admin": 403},
    },
}
MATRIX += [
    (f"observation:{page}:{access}", expected[access])
    for page, expected in OBSERVATION_PAGES.items()
    for access in ("public", "restricted", "private")
]


# The observatory: an establishment of the organisation (where the member is a delegate and
# org_admin its admin) invited to an open campaign, its return in progress, another
# establishment's return submitted. Other organisations' people do not learn a return exists.
RETURN_READERS = {**everyone(404), "visitor": 302, "member": 200, "org_admin": 200, "admin": 200}
OBSERVATORY = [
    ("observatory:home", everyone(200)),
    ("observatory:profession_list", everyone(200)),
    ("observatory:my_returns", logged_in(200)),
    ("observatory:return_queue", admin_only()),
    ("observatory:campaign_list", admin_only()),
    ("observatory:campaign_create", admin_only()),
    ("observatory:secrecy_audit", admin_only()),
    # Public; nothing is published in this cast, so the export has nothing to give.
    ("obs:dashboard_export", everyone(404)),
    ("obs:campaign_detail", admin_only()),
    ("obs:campaign_edit", admin_only()),
    ("obs:campaign_invite", admin_only()),
    ("obs:campaign_completeness", admin_only()),
    ("obs:campaign_reminders_export", admin_only()),
    ("obs:establishment_list", {**logged_in(403), "member": 200, "org_admin": 200, "admin": 200}),
    ("obs:establishment_create", org_admins_of_own()),
    ("obs:establishment_edit", org_admins_of_own()),
    ("obs:return_detail", RETURN_READERS),
    ("obs:return_versions", RETURN_READERS),
    # Administrators validate returns; they do not fill them in for the employer.
    ("obs:return_edit", {**RETURN_READERS, "admin": 403}),
    ("obs:return_send_back", {**RETURN_READERS, "member": 403, "org_admin": 403}),
    ("obs:return_template", {**logged_in(403), "member": 200, "org_admin": 200, "admin": 200}),
    ("obs:return_upload", {**logged_in(403), "member": 200, "org_admin": 200}),
    ("obs:api_returns", {**everyone(200), "visitor": 401}),
    # An organisation's benchmark: its people, and the portal's administrators.
    ("obs:benchmark", {**logged_in(403), "member": 200, "org_admin": 200, "admin": 200}),
    ("obs:benchmark_report", {**logged_in(403), "member": 200, "org_admin": 200, "admin": 200}),
]
MATRIX += OBSERVATORY


def observatory_url(name, *, organisation, member):
    """An establishment of `organisation` invited to an open campaign, with its return in
    progress and a second one submitted; the address of the page in `name`."""
    from datetime import date, timedelta

    from django.utils import timezone

    from observatory.campaigns.models import Campaign
    from observatory.establishments.models import Establishment
    from observatory.reference.models import EmployerKind, Profession, Sector
    from observatory.reference.services import reference_load
    from observatory.returns import services as returns
    from observatory.returns.models import Return
    from tests.observatory.conftest import SIRETS, good_figures

    page = name.split(":")[1]
    campaign = Campaign.objects.filter(year=2025).first()
    if campaign is None:
        reference_load()
        commune, _created = Territory.objects.get_or_create(
            level="commune", code="72181", defaults={"name": "Le Mans"}
        )
        today = timezone.localdate()
        campaign = Campaign.objects.create(
            year=2025,
            reference_date=date(2025, 12, 31),
            opens_on=today - timedelta(days=1),
            closes_on=today + timedelta(days=20),
        )
        for siret, label in zip(SIRETS[:2], ("Foyer", "Service"), strict=True):
            establishment = Establishment.objects.create(
                organisation=organisation,
                name=label,
                siret=siret,
                commune=commune,
                sector=Sector.objects.first(),
                employer_kind=EmployerKind.objects.first(),
            )
            Return.objects.create(campaign=campaign, establishment=establishment)
        profession = Profession.objects.get(code="educateur-specialise")
        submitted = Return.objects.get(establishment__name="Service")
        returns.return_lines_save(
            return_obj=submitted,
            user=member,
            lines={profession: returns.LineInput(good_figures())},
            lock_version=None,
        )
        returns.return_submit(return_obj=submitted, user=member)
    draft = Return.objects.get(establishment__name="Foyer")
    submitted = Return.objects.get(establishment__name="Service")
    by_page = {
        "campaign_detail": lambda: reverse(f"observatory:{page}", args=[2025]),
        "establishment_list": lambda: reverse(f"observatory:{page}", args=[organisation.slug]),
        "establishment_create": lambda: reverse(f"observatory:{page}", args=[organisation.slug]),
        "establishment_edit": lambda: reverse(f"observatory:{page}", args=[draft.establishment_id]),
        "return_send_back": lambda: reverse(f"observatory:{page}", args=[submitted.pk]),
        "return_template": lambda: reverse(
            f"observatory:{page}", args=[2025, organisation.slug, "xlsx"]
        ),
        "return_upload": lambda: reverse(f"observatory:{page}", args=[2025, organisation.slug]),
        "api_returns": lambda: "/api/v1/observatoire/declarations/",
        "dashboard_export": lambda: reverse(f"observatory:{page}", args=["csv"]),
        "benchmark": lambda: reverse(f"observatory:{page}", args=[organisation.slug]),
        "benchmark_report": lambda: reverse(f"observatory:{page}", args=[organisation.slug]),
    }
    for same in ("campaign_edit", "campaign_invite", "campaign_completeness"):
        by_page[same] = by_page["campaign_detail"]
    by_page["campaign_reminders_export"] = by_page["campaign_detail"]
    if page in by_page:
        return by_page[page]()
    return reverse(f"observatory:{page}", args=[draft.pk])


def private_committee(*, member):
    committee = Committee.objects.create(
        name="Comité privé", slug="prive", access=CommitteeAccess.PRIVATE
    )
    CommitteeMembership.objects.create(committee=committee, user=member)
    return committee.get_absolute_url()


def unsubscribe_link(person):
    from portal.accounts.notifications import services as notifications

    token = notifications.unsubscribe_token(user=person, kind="committees.mention")
    return reverse("notifications:unsubscribe", args=[token])


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    # The member's post carries a file (forum_url).
    settings.MEDIA_ROOT = tmp_path


def forum_url(name, *, member, coordinator):
    """A committee of the access level in `name`, with a category and a thread whose second
    post is the member's (edited once, a file attached), and the address of the page in
    `name`. Asked again (as the hostile-input test does for every row), it reuses them."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from portal.committees.forums import services as forums
    from portal.committees.forums.models import ForumCategory

    _, page, access = name.split(":")
    committee, created = Committee.objects.get_or_create(
        slug=access, defaults={"name": f"Comité {access}", "access": access}
    )
    if created:
        CommitteeMembership.objects.create(committee=committee, user=member)
        CommitteeMembership.objects.create(
            committee=committee, user=coordinator, role="coordinator"
        )
        category = ForumCategory.objects.create(committee=committee, name="Garde", slug="garde")
        thread = forums.thread_create(
            user=coordinator, committee=committee, title="Sujet", body="a", category=category
        )
        post = forums.post_create(
            user=member,
            thread=thread,
            body="b",
            files=[SimpleUploadedFile("note.pdf", b"%PDF-1.4\n%%EOF\n")],
        )
        forums.post_edit(user=member, post=post, body="b, corrigé")
    post = committee.threads.get().posts.get(author=member)
    if page == "forum_by_category":
        return reverse("committees:forum", args=[access]) + "?categorie=garde"
    arguments = {
        "thread": [access, post.thread_id],
        "reply": [access, post.thread_id],
        "post_edit": [access, post.pk],
        "post_history": [access, post.pk],
        "report": [access, post.pk],
        "thread_move": [access, post.thread_id],
        "forum_category": [access, committee.forum_categories.get().pk],
        "post_attachment": [access, post.attachments.get().pk],
        "moderation_overview": [],
    }.get(page, [access])
    return reverse(f"committees:{page}", args=arguments)


def meeting_url(name, *, member, coordinator):
    """A members-only meeting of a committee of the access level in `name`, the member
    registered, and the address of the page in `name`."""
    from datetime import timedelta

    from django.utils import timezone

    from portal.committees.meetings import services as meetings
    from portal.committees.meetings.models import Meeting

    _, page, access = name.split(":")
    committee, created = Committee.objects.get_or_create(
        slug=f"rencontres-{access}", defaults={"name": f"Rencontres {access}", "access": access}
    )
    if created:
        CommitteeMembership.objects.create(committee=committee, user=member)
        CommitteeMembership.objects.create(
            committee=committee, user=coordinator, role="coordinator"
        )
        start = timezone.now() + timedelta(days=5)
        meeting = Meeting.objects.create(
            committee=committee,
            title="Rencontre",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            address="Nantes",
        )
        meetings.register(meeting=meeting, user=member)
    if page == "meeting_create":
        return reverse("committees:meeting_create", args=[committee.slug])
    return reverse(f"committees:{page}", args=[committee.meetings.get().pk])


def meeting_record_url(name, *, member, coordinator):
    """A members-only meeting of a committee of the access level in `name`, held this
    morning: the member came; its minutes are final. The address of the page in `name`."""
    from portal.committees.minutes import services as minutes
    from tests.committees.records import past_meeting, place

    _, page, access = name.split(":")
    committee, created = Committee.objects.get_or_create(
        slug=f"compte-rendu-{access}",
        defaults={"name": f"Compte rendu {access}", "access": access},
    )
    if created:
        CommitteeMembership.objects.create(committee=committee, user=member)
        CommitteeMembership.objects.create(
            committee=committee, user=coordinator, role="coordinator"
        )
        meeting = past_meeting(committee)
        place(meeting, member, attended=True)
        minutes.minutes_save(meeting=meeting, user=coordinator, body="Compte rendu", items=[])
        minutes.minutes_finalise(meeting=meeting, user=coordinator)
    return reverse(f"committees:{page}", args=[committee.meetings.get().pk])


def observation_url(name, *, member, coordinator):
    """A committee of the access level in `name` on a département, where the member raised
    an observation now validated and another whose precision was asked; the page's address."""
    from datetime import date

    from portal.committees.observations import services as observations
    from portal.knowledge.reference.models import Theme

    _, page, access = name.split(":")
    territory, _created = Territory.objects.get_or_create(
        level="departement", code="72", defaults={"name": "Sarthe"}
    )
    committee, created = Committee.objects.get_or_create(
        slug=f"observations-{access}",
        defaults={"name": f"Observations {access}", "access": access, "territory": territory},
    )
    if created:
        CommitteeMembership.objects.create(committee=committee, user=member)
        CommitteeMembership.objects.create(
            committee=committee, user=coordinator, role="coordinator"
        )
        theme, _created = Theme.objects.get_or_create(slug="isolement", name="Isolement")
        for decision in ("validate", "precision"):
            observation = observations.observation_raise(
                user=member,
                committee=committee,
                territory=territory,
                theme=theme,
                description="Vu.",
                observed_since=date(2026, 1, 1),
            )
            observations.observation_decide(
                user=coordinator, observation=observation, decision=decision, message="Où ?"
            )
    validated = committee.observations.get(status="validated")
    arguments = {
        "observation": [committee.slug, validated.pk],
        "observation_edit": [committee.slug, committee.observations.get(status="precision").pk],
    }.get(page, [committee.slug])
    return reverse(f"committees:{page}", args=arguments)


def run_status_url():
    from territories.pipeline.models import PipelineRun

    run = PipelineRun.objects.first() or PipelineRun.objects.create(reasons=["test"])
    return reverse("territories:run_status", args=[run.pk])


def resolve(name, organisation, job, invitation):
    if name.startswith("obs:"):
        return observatory_url(name, organisation=organisation, member=job.created_by)
    if name.startswith("observation:"):
        coordinator = organisation.memberships.get(role="admin").user
        return observation_url(name, member=job.created_by, coordinator=coordinator)
    if name.startswith("meeting_record:"):
        coordinator = organisation.memberships.get(role="admin").user
        return meeting_record_url(name, member=job.created_by, coordinator=coordinator)
    if name.startswith("meeting:"):
        coordinator = organisation.memberships.get(role="admin").user
        return meeting_url(name, member=job.created_by, coordinator=coordinator)
    if name.startswith("forum:"):
        coordinator = organisation.memberships.get(role="admin").user
        return forum_url(name, member=job.created_by, coordinator=coordinator)
    special = {
        "preconisation_3": lambda: reverse("knowledge:preconisation_detail", args=[3]),
        "organisation_detail": lambda: organisation.get_absolute_url(),
        "organisation_manage": lambda: reverse(
            "accounts:organisation_manage", args=[organisation.slug]
        ),
        "invitation_accept": lambda: invitation.get_absolute_url(),
        "search_discussions": lambda: reverse("knowledge:search") + "?q=sujet&dans=discussions",
        "job_detail_of_member": lambda: reverse("jobs:detail", args=[job.pk]),
        "run_status_of_a_run": run_status_url,
        "private_committee_of_member": lambda: private_committee(member=job.created_by),
        "unsubscribe_link_of_member": lambda: unsubscribe_link(job.created_by),
        "unsubscribe_link_altered": lambda: unsubscribe_link(job.created_by)[:-3] + "xx/",
        "territory_detail": lambda: Territory.objects.get_or_create(
            level="commune", code="72181", defaults={"name": "Le Mans"}
        )[0].get_absolute_url(),
    }
    return special[name]() if name in special else reverse(name)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_every_url_as_every_persona(client, cast, organisation, name, expected):
    reference_preconisations_load()
    job = Job.objects.create(kind="accounts.send_invitation_email", created_by=cast.member)
    invitation = InvitationFactory(organisation=organisation, email="invitee@exemple.test")
    url = resolve(name, organisation, job, invitation)
    for persona in PERSONAS:
        client.logout()
        user = getattr(cast, persona)
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code == expected[persona], (
            f"{url} as {persona}: {response.status_code}, expected {expected[persona]}"
        )
