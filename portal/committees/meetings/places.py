"""A meeting page is kept for the readers who stand alike towards the meeting (they see it,
organise it or not, hold a place, wait or not, attended or not); the box of the reader's own
place — their position on the waiting list, the offer's deadline, their answer — is a personal
part drawn for each of them (portal.pagecache.holes)."""

from django.conf import settings
from django.core.cache import cache

from portal.committees.choices import RegistrationStatus
from portal.committees.meetings import selectors, services
from portal.committees.meetings.access import can_manage
from portal.committees.meetings.forms import AnswerForm
from portal.committees.meetings.models import ACTIVE, Meeting, Registration
from portal.pagecache import batch, generation
from portal.pagecache.middleware import address_match

MEETING_PLACE = "personal/committees/meeting_place.html"
# What the box reads of the meeting.
MEETING_FIELDS = (
    "meeting__id",
    "meeting__question",
    "meeting__starts_at",
    "meeting__ends_at",
    "meeting__status",
    "meeting__committee",
)


def place_key(meeting, *, free, registration_open):
    """The meeting, its free places (n: no limit) and whether registration is open."""
    return f"{meeting.pk}.{'n' if free is None else free}.{int(registration_open)}"


def place_context(meeting, registration, *, position=None):
    """What the box says of the reader's place: the view's and the loader's alike."""
    context = {"registration": registration}
    if registration is None:
        return context
    if registration.status == RegistrationStatus.WAITING:
        context["position"] = position or services.waiting_position(registration)
    else:
        context["answer_form"] = AnswerForm(
            initial={"answer": registration.answer}, question=meeting.question
        )
    return context


def place_cache_key(user_id, meeting_id):
    """Where the reader's place at a meeting is kept, under the generation: a registration
    written anywhere renews it (portal.pagecache.generation)."""
    return f"meetings:place:{user_id}:{meeting_id}"


def batched_place_key(request, user_id):
    """The reader's kept place, read with the person for a meeting's page (pagecache.batch)."""
    match = address_match(request) if request.method == "GET" else None
    if match is None or match.view_name != "committees:meeting":
        return []
    return [place_cache_key(user_id, match.kwargs["pk"])]


def _place(user, pk):
    """(meeting, the reader's active registration or None, their waiting position)."""
    # The reader's registration with its meeting: one query; the meeting alone otherwise.
    registration = (
        Registration.objects.filter(meeting=pk, user=user, status__in=ACTIVE)
        .select_related("meeting")
        .only("pk", "status", "answer", "queued_at", "offer_expires_at", *MEETING_FIELDS)
        .first()
    )
    if registration is None:
        fields = (field.split("__")[1] for field in MEETING_FIELDS)
        return Meeting.objects.only(*fields).get(pk=pk), None, None
    position = None
    if registration.status == RegistrationStatus.WAITING:
        position = services.waiting_position(registration)
    return registration.meeting, registration, position


def meeting_place(request, keys):
    """{key: context} of the reader's place at the page's meeting, kept for them until the
    next write (pagecache.generation) and read with the person (pagecache.batch)."""
    token = generation.of_request(request)
    drawn = {}
    for key in keys:
        pk, free, registration_open = key.split(".")
        kept_key = place_cache_key(request.user.pk, int(pk))
        asked, kept = batch.taken(request, kept_key)
        if not asked:
            kept = cache.get(kept_key)
        if kept is not None and token is not None and kept[0] == token:
            meeting, registration, position = kept[1]
        else:
            meeting, registration, position = _place(request.user, int(pk))
            if token is not None:
                kept = (token, (meeting, registration, position))
                cache.set(kept_key, kept, settings.PAGE_CACHE_TTL)
        drawn[key] = {
            "meeting": meeting,
            "free": None if free == "n" else int(free),
            "registration_open": registration_open == "1",
            **place_context(meeting, registration, position=position),
        }
    return drawn


def meeting_audience(request, pk):
    """What a meeting's page depends on for a reader beyond their place's box: whether they
    organise it, where their registration stands, whether they were marked present (a
    walk-in included: their certificate), and how they may read the report the minutes
    became. None — the page drawn for them alone — when they may not see the meeting, or
    when an open action of its minutes is theirs to mark done (a button for them only)."""
    from portal.committees.attendance.selectors import attended
    from portal.committees.minutes.models import MinutesItem
    from portal.knowledge.models import Resource

    user = request.user
    try:
        meeting = Meeting.objects.visible_to(user).select_related("committee").get(pk=pk)
    except Meeting.DoesNotExist:
        return None
    if MinutesItem.objects.filter(
        minutes__meeting=meeting, responsible_user=user, done_at__isnull=True
    ).exists():
        return None
    registration = selectors.registration_of(meeting=meeting, user=user)
    standing = None if registration is None else registration.status
    report = None
    if meeting.report_id is not None:
        report = (
            Resource.objects.visible_to(user)
            .filter(pk=meeting.report_id)
            .values_list("status", flat=True)
            .first()
        )
    return repr((can_manage(user, meeting), standing, attended(meeting=meeting, user=user), report))


def agenda_audience(request):
    """The agenda lists what the reader may see (Meeting.objects.visible_to): the same for
    people sitting on the same committees with the same rights."""
    from portal.accounts.rules import is_administrator, is_curator
    from portal.committees.models import Committee

    user = request.user
    if is_administrator(user):
        return "administrator"
    seats = sorted(Committee.objects.of(user).values_list("pk", flat=True))
    kind = "curator" if is_curator(user) else "person"
    return f"{kind}:{','.join(map(str, seats))}"
