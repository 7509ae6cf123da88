"""Every URL requested as every persona, with the status each one must get.

Every URL pattern of the project has a row: a new one fails test_the_matrix_covers_every_url
until it gets its own. 302 is a redirect to the login page for visitors.
"""

from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.urls import URLResolver, get_resolver, reverse
from django.urls import resolve as url_resolve

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
    # The language switcher takes anyone back to the page they came from.
    ("choose_language", everyone(302)),
    # POST only (renew or revoke), behind the login.
    ("accounts:api_token", {**everyone(405), "visitor": 302}),
    # allauth's own account pages: one's password and addresses, behind the login.
    ("account_change_password", logged_in(200)),
    ("account_email", logged_in(200)),
    ("account_reauthenticate", logged_in(200)),
    # Everyone in this cast has a password: setting one sends to changing it.
    ("account_set_password", everyone(302)),
    # The feeds of new public resources, per préconisation and per theme.
    ("feed_of_preconisation_3", everyone(200)),
    ("feed_of_a_theme", everyone(200)),
    # A visitor has nobody to log out and is sent on.
    ("account_logout", {**everyone(200), "visitor": 302}),
    ("account_reset_password_done", everyone(200)),
    ("account_email_verification_sent", everyone(200)),
    ("account_inactive", everyone(200)),
]

# Actions taken by POST only. The matrix asks by GET, so what it checks here is the guard
# in front: a visitor is sent to log in where the login is asked first, and the method is
# refused otherwise; who may act is for the tests of each action. Arguments are arbitrary:
# the method is refused before anything is looked up.
LOGIN_THEN_POST = {
    "accounts:membership_update": ["x", 1],
    "accounts:invitation_revoke": ["x", 1],
    "notifications:mark_read": [],
    "knowledge:resource_transition": ["x", "publish"],
    "knowledge:revision_restore": ["x", 1],
    "committees:leave": ["x"],
    "committees:member_seat": ["x"],
    "committees:request_decide": ["x", 1, "accept"],
    "committees:member_change": ["x", 1, "remove"],
    "committees:follow_forum": ["x"],
    "committees:follow_thread": ["x", 1],
    "committees:moderation_resolve": ["x", 1, "hide"],
    "committees:thread_slow": ["x", 1],
    "committees:thread_category": ["x", 1],
    "committees:forum_category_delete": ["x", 1],
    "committees:thread_action": ["x", 1, "lock"],
    "committees:post_action": ["x", 1, "hide"],
    "signals:follow": ["commune", "72181"],
    "signals:unfollow": ["commune", "72181"],
    "analysis:typology_labels": ["x"],
    "observatory:return_save": [1],
}
POST_FIRST = {
    "committees:meeting_register": [1],
    "committees:meeting_unregister": [1],
    "committees:meeting_confirm": [1],
    "committees:minutes_action_done": [1, 1],
    "committees:observation_decide": ["x", 1],
    "committees:observation_review": ["x", 1],
    "observatory:campaign_withdraw": [2025, 1],
    "observatory:return_submit": [1],
    "observatory:return_reopen": [1],
    "observatory:return_validate": [1],
}
MATRIX += [(name, {**everyone(405), "visitor": 302}) for name in LOGIN_THEN_POST]
MATRIX += [(name, everyone(405)) for name in POST_FIRST]

# A published public resource written by the member, whose organisation org_admin runs:
# all read it; its history is for its owners and curators (a visitor is refused, not sent
# to log in); once published, only curators change it.
RESOURCE_OWNERS = {**everyone(403), "member": 200, "org_admin": 200, "curator": 200, "admin": 200}
MATRIX += [
    ("resource:resource_detail", everyone(200)),
    ("resource:resource_manage", everyone(200)),
    ("resource:resource-detail", everyone(200)),
    ("resource:resource_revisions", RESOURCE_OWNERS),
    ("resource:resource_edit", {**everyone(403), "visitor": 302, "curator": 200, "admin": 200}),
    (
        "resource:resource_attachments",
        {**everyone(403), "visitor": 302, "curator": 200, "admin": 200},
    ),
]

# The read API: public reads for everyone; one's own jobs and notifications behind a token
# or session (401 says how to authenticate); a job is seen by whoever started it and admins.
API_PUBLIC = [
    "axis-list",
    "preconisation-list",
    "resource-list",
    "organisation-list",
    "territory-list",
    "indicator-list",
    "layer-list",
    "composite-list",
    "typology-list",
    "signal-list",
]
MATRIX += [(name, everyone(200)) for name in API_PUBLIC]
MATRIX += [
    ("axis-detail", everyone(200)),
    ("preconisation-detail", everyone(200)),
    ("api_organisation_detail", everyone(200)),
    ("api_territory_detail", everyone(200)),
    ("notification-list", {**everyone(200), "visitor": 401}),
    ("job-list", {**everyone(200), "visitor": 401}),
    ("api_job_detail_of_member", {**everyone(404), "visitor": 401, "member": 200, "admin": 200}),
    ("job_status_of_member", {**everyone(404), "visitor": 302, "member": 200, "admin": 200}),
    # Marking notifications read is a POST; DRF authenticates before it refuses the method.
    ("notification-read-all", {**everyone(405), "visitor": 401}),
    ("api_notification_read", {**everyone(405), "visitor": 401}),
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
    # A committee's calendar: whoever knows of the committee (curators and administrators
    # know of every one); it lists only the meetings its reader may see.
    "committee_ics": {
        "public": everyone(200),
        "restricted": everyone(200),
        "private": {**everyone(404), **SEATED, "curator": 200, "admin": 200},
    },
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
    ("obs:api_return_detail", {**RETURN_READERS, "visitor": 401}),
    # An organisation's benchmark: its people, and the portal's administrators.
    ("obs:benchmark", {**logged_in(403), "member": 200, "org_admin": 200, "admin": 200}),
    ("obs:benchmark_report", {**logged_in(403), "member": 200, "org_admin": 200, "admin": 200}),
]
MATRIX += OBSERVATORY

# The territories' pages of one object, on a small published world (territories_world):
# an index, a typology, map layers with their image, weak signals. Anyone reads them;
# analysts define the analyses and follow the imports.
MATRIX += [
    ("composite_of_the_world", everyone(200)),
    ("composite_edit_of_the_world", analysts_only()),
    ("typology_of_the_world", everyone(200)),
    ("typology_edit_of_the_world", analysts_only()),
    ("api_composite_of_the_world", everyone(200)),
    ("api_typology_of_the_world", everyone(200)),
    ("api_indicator_of_the_world", everyone(200)),
    ("api_layer_of_the_world", everyone(200)),
    ("api_signal_of_the_world", everyone(200)),
    ("api_values_of_the_world", everyone(200)),
    # A signal's reviews: anyone reads them; analysts also get the form to add one.
    ("signal_review_of_the_world", everyone(200)),
    ("indicator_of_the_world", everyone(200)),
    ("map_geometry_of_the_world", everyone(200)),
    ("map_layer_of_the_world", everyone(200)),
    ("map_image_of_the_world", everyone(200)),
    ("map_export_of_the_world", everyone(200)),
    ("map_panel_of_the_world", everyone(200)),
    ("crossed_export_of_the_world", everyone(200)),
    # An analyst's import: the permission is asked before the import is looked up.
    ("import_of_an_analyst", analysts_only()),
]

# One's own things: a notification, the secret address of one's calendar, an upload of
# returns. Whoever is not their owner learns nothing (404); the calendar's link works logged
# out, as a calendar application fetches it, but not for someone logged in as another.
MATRIX += [
    ("notification_open_of_member", {**everyone(404), "visitor": 302, "member": 302}),
    ("api_notification_of_member", {**everyone(404), "visitor": 401, "member": 200}),
    ("personal_ics_of_member", {**everyone(404), "visitor": 200, "member": 200}),
    # The organisation's people may upload, but follow only their own upload's job.
    (
        "obs:return_upload_result",
        {**logged_in(403), "member": 200, "org_admin": 404},
    ),
]

# The knowledge base: a file attached to the published public resource and to a draft; a
# narrative map published, and the steps of one still in draft, which its owners compose.
DRAFT_OWNERS = {**everyone(404), "member": 200, "org_admin": 200, "curator": 200, "admin": 200}
MATRIX += [
    ("attachment_of_a_public_resource", everyone(200)),
    ("attachment_of_a_draft", DRAFT_OWNERS),
    ("narrative_published", everyone(200)),
    ("narrative_steps_of_a_draft", {**DRAFT_OWNERS, "visitor": 302}),
]

# allauth's links sent by e-mail, with a key made for the member. The e-mail confirmation
# asks to confirm by POST; the password reset keeps its key in the session and goes on to
# the form without it in the address. Confirming a code needs a login or a
# reauthentication in progress, and sends back a step otherwise.
MATRIX += [
    ("account_confirm_email_of_member", everyone(200)),
    # Someone logged in as another person is logged out on the form the key leads to.
    ("account_reset_password_from_key_of_member", everyone(302)),
    ("account_reset_password_from_key_done", everyone(200)),
    ("account_confirm_login_code", everyone(302)),
    ("account_request_reauthentication_code", logged_in(200)),
    ("account_confirm_reauthentication_code", logged_in(302)),
    # The same for everyone: no worker runs in this cast, so it reports « degraded ».
    ("healthz", everyone(503)),
]


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
        "api_return_detail": lambda: reverse("observatory-return-detail", args=[draft.pk]),
        "dashboard_export": lambda: reverse(f"observatory:{page}", args=["csv"]),
        "return_upload_result": lambda: reverse(
            f"observatory:{page}", args=[2025, organisation.slug, upload_job(campaign, member)]
        ),
        "benchmark": lambda: reverse(f"observatory:{page}", args=[organisation.slug]),
        "benchmark_report": lambda: reverse(f"observatory:{page}", args=[organisation.slug]),
    }
    for same in ("campaign_edit", "campaign_invite", "campaign_completeness"):
        by_page[same] = by_page["campaign_detail"]
    by_page["campaign_reminders_export"] = by_page["campaign_detail"]
    if page in by_page:
        return by_page[page]()
    return reverse(f"observatory:{page}", args=[draft.pk])


def upload_job(campaign, member):
    """The job of the member's upload of returns to `campaign` for their organisation."""
    from observatory.returns.uploads import TASK_NAME

    arguments = {
        "stored": "observatory/uploads/2025/x.xlsx",
        "original_name": "declarations.xlsx",
        "campaign_id": campaign.pk,
        "organisation_id": member.memberships.get().organisation_id,
    }
    job = Job.objects.filter(kind=TASK_NAME).first() or Job.objects.create(
        kind=TASK_NAME, created_by=member, arguments=arguments
    )
    return job.pk


def private_committee(*, member):
    committee, created = Committee.objects.get_or_create(
        slug="prive", defaults={"name": "Comité privé", "access": CommitteeAccess.PRIVATE}
    )
    if created:
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


def territories_world():
    """tests.territories.world's published world, with its maps' images: made once, then
    reused (as the hostile-input test asks for every row)."""
    from territories.analyses.models import CompositeIndex, Typology
    from territories.catalogue.services import indicator_catalogue_load
    from territories.pipeline.selectors import published_run_id
    from territories.signals.models import WeakSignal
    from tests.conftest import _CATALOGUE, small_geography_create
    from tests.territories import world

    if not Typology.objects.filter(slug=world.TYPOLOGY).exists():
        indicator_catalogue_load(path=_CATALOGUE)
        world.published_world(small_geography_create(), images=True)
    return SimpleNamespace(
        composite=CompositeIndex.objects.select_related("indicator").get(),
        typology=Typology.objects.get(slug=world.TYPOLOGY),
        signal=WeakSignal.objects.filter(run_id=published_run_id()).first(),
    )


WORLD_PAIR = ("taux-chomage-15-64", "niveau-vie-median")
WORLD_MAP = f"indicateur={WORLD_PAIR[0]}&niveau=commune&periode=2022"
WORLD_CROSSED = f"x={WORLD_PAIR[0]}&y={WORLD_PAIR[1]}&niveau=commune"


def world_url(name):
    """The address of the page in `name` (…_of_the_world) on territories_world()."""
    world = territories_world()
    composite, typology = world.composite.indicator.slug, world.typology.slug
    layer = {"slug": WORLD_PAIR[0], "level": "commune", "period": 2022}
    return {
        "composite": lambda: reverse("analysis:composite_detail", args=[composite]),
        "composite_edit": lambda: reverse("analysis:composite_edit", args=[composite]),
        "typology": lambda: reverse("analysis:typology_detail", args=[typology]),
        "typology_edit": lambda: reverse("analysis:typology_edit", args=[typology]),
        "api_composite": lambda: reverse("composite-detail", args=[composite]),
        "api_typology": lambda: reverse("typology-detail", args=[typology]),
        "api_indicator": lambda: reverse("indicator-detail", args=[WORLD_PAIR[0]]),
        "api_layer": lambda: reverse("layer-detail", args=[layer_pk(WORLD_PAIR[0])]),
        "api_signal": lambda: reverse("signal-detail", args=[world.signal.pk]),
        "api_values": lambda: reverse("values") + f"?indicator={WORLD_PAIR[0]}&level=commune",
        "signal_review": lambda: reverse("signals:review", args=[world.signal.pk]),
        "indicator": lambda: reverse("territories:indicator_detail", args=[WORLD_PAIR[0]]),
        "map_geometry": lambda: reverse("territories:map_geometry", args=["commune"]),
        "map_layer": lambda: reverse("territories:map_layer", kwargs=layer),
        "map_image": lambda: reverse("territories:map_image", kwargs=layer),
        "map_export": lambda: reverse("territories:map_export", args=["csv"]) + f"?{WORLD_MAP}",
        "map_panel": lambda: reverse("territories:map_territory_panel", args=["commune", "98001"]),
        "crossed_export": lambda: (
            reverse("territories:crossed_export", args=["csv"]) + f"?{WORLD_CROSSED}"
        ),
    }[name.removesuffix("_of_the_world")]()


def layer_pk(slug):
    from territories.maps.models import MapLayer
    from territories.pipeline.selectors import published_run_id

    return MapLayer.objects.get(
        run_id=published_run_id(), indicator__slug=slug, level="commune", period=2022
    ).pk


def import_url():
    from portal.accounts.models import User
    from territories.imports.models import DataImport

    analyst = User.objects.get(email="analyse@exemple.test")
    data_import = DataImport.objects.first() or DataImport.objects.create(
        kind="values", file="imports/valeurs.csv", original_name="valeurs.csv", created_by=analyst
    )
    return reverse("territories:import_detail", args=[data_import.pk])


def notification_of(member):
    from portal.accounts.notifications.models import Notification

    return Notification.objects.get_or_create(
        recipient=member,
        kind="committees.mention",
        defaults={"title": "Vous êtes cité", "path": "/comites/"},
    )[0]


def personal_ics_url(member):
    from portal.committees.calendars.models import CalendarToken

    token = CalendarToken.objects.get_or_create(user=member)[0]
    return reverse("committees:personal_ics", args=[token.token])


def attachment_url(which, *, member):
    """A file attached to the member's published public resource, or to their draft."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from portal.accounts.models import User
    from portal.knowledge.models import Attachment, Resource
    from portal.knowledge.resources.attachments import attachment_add
    from tests.knowledge.helpers import PDF, draft

    status = "published" if which == "a_public_resource" else "draft"
    attachment = Attachment.objects.filter(resource__status=status).first()
    if attachment is None:
        if status == "published":
            # Once published, curators add the files.
            resource_url("resource:resource_detail", member=member)
            resource = Resource.objects.get(status=status)
            user = User.objects.get(email="curation@exemple.test")
        else:
            resource = draft(SimpleNamespace(member=member), member.memberships.get().organisation)
            user = member
        attachment = attachment_add(
            user=user,
            resource=resource,
            uploaded=SimpleUploadedFile("note.pdf", PDF, content_type="application/pdf"),
        )
    return reverse("knowledge:attachment_download", args=[attachment.pk])


def narrative_url(name, *, member):
    """A narrative map of the member: published for its story, a draft for its steps."""
    from portal.accounts.models import User
    from portal.knowledge.choices import ResourceKind
    from portal.knowledge.models import Resource
    from tests.knowledge.helpers import draft, published

    organisation = member.memberships.get().organisation
    cast = SimpleNamespace(member=member, curator=User.objects.get(email="curation@exemple.test"))
    kind = ResourceKind.NARRATIVE_MAP
    if name == "narrative_published":
        story = Resource.objects.filter(kind=kind, status="published").first() or published(
            cast, organisation, kind=kind, title="Récit publié"
        )
        return reverse("knowledge:narrative", args=[story.slug])
    story = Resource.objects.filter(kind=kind, status="draft").first() or draft(
        cast, organisation, kind=kind, title="Récit en cours"
    )
    return reverse("knowledge:narrative_steps", args=[story.slug])


def allauth_url(name, *, member):
    """The links allauth sends by e-mail, with a key made for the member."""
    from allauth.account.forms import default_token_generator
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC
    from allauth.account.utils import user_pk_to_url_str

    if name == "account_confirm_email_of_member":
        address = EmailAddress.objects.get_or_create(
            user=member, email="membre.nouvelle@exemple.test", defaults={"verified": False}
        )[0]
        return reverse("account_confirm_email", args=[EmailConfirmationHMAC(address).key])
    return reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(member),
            "key": default_token_generator.make_token(member),
        },
    )


def run_status_url():
    from territories.pipeline.models import PipelineRun

    run = PipelineRun.objects.first() or PipelineRun.objects.create(reasons=["test"])
    return reverse("territories:run_status", args=[run.pk])


def resource_url(name, *, member):
    """A public resource written by `member`, published; the address of the page in `name`."""
    from portal.accounts.models import User
    from portal.knowledge.models import Resource
    from tests.knowledge.helpers import published

    resource = Resource.objects.first()
    if resource is None:
        cast = SimpleNamespace(
            member=member, curator=User.objects.get(email="curation@exemple.test")
        )
        resource = published(cast, member.memberships.get().organisation)
    page = name.split(":")[1]
    return reverse(page if "-" in page else f"knowledge:{page}", args=[resource.slug])


def a_theme():
    from portal.knowledge.reference.models import Theme

    return Theme.objects.get_or_create(slug="isolement", defaults={"name": "Isolement"})[0]


def le_mans():
    return Territory.objects.get_or_create(
        level="commune", code="72181", defaults={"name": "Le Mans"}
    )[0]


def resolve(name, organisation, job, invitation):
    if name.startswith("resource:"):
        return resource_url(name, member=job.created_by)
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
    if name.endswith("_of_the_world"):
        return world_url(name)
    if name.startswith("account_") and name.endswith("_of_member"):
        return allauth_url(name, member=job.created_by)
    if name.startswith("attachment_of_"):
        return attachment_url(name.removeprefix("attachment_of_"), member=job.created_by)
    if name.startswith("narrative_"):
        return narrative_url(name, member=job.created_by)
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
        "api_job_detail_of_member": lambda: reverse("job-detail", args=[job.pk]),
        "job_status_of_member": lambda: reverse("jobs:status", args=[job.pk]),
        "feed_of_preconisation_3": lambda: reverse("knowledge:feed_preconisation", args=[3]),
        "feed_of_a_theme": lambda: reverse("knowledge:feed_theme", args=[a_theme().slug]),
        "api_notification_read": lambda: reverse("notification-read", args=[1]),
        "axis-detail": lambda: reverse("axis-detail", args=[1]),
        "preconisation-detail": lambda: reverse("preconisation-detail", args=[3]),
        "api_organisation_detail": lambda: reverse("organisation-detail", args=[organisation.slug]),
        "api_territory_detail": lambda: reverse("territory-detail", args=[le_mans().pk]),
        "run_status_of_a_run": run_status_url,
        "private_committee_of_member": lambda: private_committee(member=job.created_by),
        "unsubscribe_link_of_member": lambda: unsubscribe_link(job.created_by),
        "unsubscribe_link_altered": lambda: unsubscribe_link(job.created_by)[:-3] + "xx/",
        "territory_detail": lambda: le_mans().get_absolute_url(),
        "import_of_an_analyst": import_url,
        "notification_open_of_member": lambda: reverse(
            "notifications:open", args=[notification_of(job.created_by).pk]
        ),
        "api_notification_of_member": lambda: reverse(
            "notification-detail", args=[notification_of(job.created_by).pk]
        ),
        "personal_ics_of_member": lambda: personal_ics_url(job.created_by),
    }
    if name in special:
        return special[name]()
    return reverse(name, args=LOGIN_THEN_POST.get(name) or POST_FIRST.get(name))


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_every_url_as_every_persona(client, cast, organisation, name, expected):
    reference_preconisations_load()
    job = Job.objects.create(kind="accounts.send_invitation_email", created_by=cast.member)
    invitation = InvitationFactory(organisation=organisation, email="invitee@exemple.test")
    for persona in PERSONAS:
        client.logout()
        user = getattr(cast, persona)
        if user is not None:
            client.force_login(user)
        # Asked after the login: a password reset key is made void by the login that follows.
        url = resolve(name, organisation, job, invitation)
        response = client.get(url)
        assert response.status_code == expected[persona], (
            f"{url} as {persona}: {response.status_code}, expected {expected[persona]}"
        )


def url_pattern_names():
    """Every URL pattern of the project, as `namespace:name` (its route when it has no name).

    The Django admin is left out: its pages are its own (staff only, checked by Django), and
    `admin:index` above stands for them. No static or media patterns are served by Django.
    """

    def walk(resolver, prefix, namespace):
        for pattern in resolver.url_patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                if inner:
                    inner = f"{namespace}:{inner}" if namespace else inner
                yield from walk(pattern, route, inner or namespace)
            elif pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name
            else:
                yield route

    return {name for name in walk(get_resolver(), "", None) if not name.startswith("admin")}


@pytest.mark.django_db
def test_the_matrix_covers_every_url(cast, organisation):
    reference_preconisations_load()
    job = Job.objects.create(kind="accounts.send_invitation_email", created_by=cast.member)
    invitation = InvitationFactory(organisation=organisation, email="invitee@exemple.test")
    covered = {
        url_resolve(urlsplit(resolve(name, organisation, job, invitation)).path).view_name
        for name, _expected in MATRIX
    }
    missing = url_pattern_names() - covered
    assert not missing, f"URLs missing from the permission matrix: {sorted(missing)}"
