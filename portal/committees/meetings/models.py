from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.committees.choices import (
    CommitteeAccess,
    MeetingMode,
    MeetingStatus,
    MeetingVisibility,
    RegistrationStatus,
)

# A place is held by these registrations; the others wait, or no longer count.
HOLDING = (RegistrationStatus.REGISTERED, RegistrationStatus.OFFERED)
ACTIVE = (*HOLDING, RegistrationStatus.WAITING)


def default_reminders():
    """Minutes before the start: the day before and one hour before."""
    return [24 * 60, 60]


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Meetings `user` may see: public ones of public committees for everyone; those open
        to anyone logged in (of a committee that is not private) for people logged in; all of
        their committees' for members and coordinators; every meeting of a committee that is not
        private for curators, as they read those committees' forums; all for administrators, who
        may organise any committee's meetings."""
        from portal.accounts.rules import is_administrator, is_curator
        from portal.committees.models import CommitteeMembership

        public = models.Q(
            visibility=MeetingVisibility.PUBLIC, committee__access=CommitteeAccess.PUBLIC
        )
        if user is None or not user.is_authenticated:
            return self.filter(public)
        if is_administrator(user):
            return self
        seats = CommitteeMembership.objects.filter(user=user).values("committee_id")
        visible = (
            public
            | models.Q(
                visibility__in=[MeetingVisibility.LOGGED_IN, MeetingVisibility.PUBLIC],
                committee__access__in=[CommitteeAccess.PUBLIC, CommitteeAccess.RESTRICTED],
            )
            | models.Q(committee__in=seats)
        )
        if is_curator(user):
            visible |= ~models.Q(committee__access=CommitteeAccess.PRIVATE)
        return self.filter(visible)

    def upcoming(self, now=None):
        return self.filter(ends_at__gt=now or timezone.now()).order_by("starts_at", "id")

    def past(self, now=None):
        return self.filter(ends_at__lte=now or timezone.now()).order_by("-starts_at", "-id")


class Meeting(models.Model):
    """A committee's meeting (rencontre), from its announcement to its minutes."""

    committee = models.ForeignKey(
        "committees.Committee", on_delete=models.CASCADE, related_name="meetings"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    description_html = models.TextField(editable=False, blank=True)
    mode = models.CharField(
        _("format"), max_length=10, choices=MeetingMode.choices, default=MeetingMode.IN_PERSON
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    # Shown to the people holding a place only (and the coordinators).
    online_url = models.URLField(_("link to join online"), max_length=500, blank=True)
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))
    visibility = models.CharField(
        _("visibility"),
        max_length=10,
        choices=MeetingVisibility.choices,
        default=MeetingVisibility.MEMBERS,
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    question = models.CharField(
        _("question to registrants"),
        max_length=200,
        blank=True,
        help_text=_("For example dietary or accessibility needs. Asked once a place is held."),
    )
    offer_hours = models.PositiveSmallIntegerField(
        _("time to confirm an offered place (hours)"), default=48
    )
    reminders = models.JSONField(
        _("reminders (minutes before the start)"), default=default_reminders, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    # Bumped at each change people must hear of; the .ics files carry it (SEQUENCE).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    # The share of capacity (80, 100) the coordinators were last told of.
    capacity_alert = models.PositiveSmallIntegerField(default=0, editable=False)
    # The knowledge-base resource the final minutes became (capitalisation).
    report = models.ForeignKey(
        "knowledge.Resource",
        verbose_name=_("meeting report"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        app_label = "committees"
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["committee", "starts_at"], name="meeting_committee_start"),
            models.Index(fields=["starts_at", "id"], name="meeting_agenda_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("committees:meeting", args=[self.pk])

    @property
    def is_cancelled(self):
        return self.status == MeetingStatus.CANCELLED

    @property
    def is_past(self):
        return self.ends_at <= timezone.now()

    @property
    def in_person(self):
        return self.mode in (MeetingMode.IN_PERSON, MeetingMode.HYBRID)

    @property
    def online(self):
        return self.mode in (MeetingMode.ONLINE, MeetingMode.HYBRID)

    def registration_is_open(self, now=None):
        now = now or timezone.now()
        if self.is_cancelled or self.starts_at <= now:
            return False
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        return not (self.registration_closes_at and now >= self.registration_closes_at)


class AgendaItem(models.Model):
    """One point of a meeting's agenda, in order."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    speaker = models.CharField(_("speaker"), max_length=200, blank=True)

    class Meta:
        app_label = "committees"
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["position", "id"]

    def __str__(self):
        return self.title


class Registration(models.Model):
    """A person's place at a meeting, or their turn on its waiting list.

    One active row (registered, waiting, offered) per person and meeting; cancelled and
    expired ones are kept as history. The waiting list is ordered by `queued_at`.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_registrations"
    )
    status = models.CharField(_("status"), max_length=10, choices=RegistrationStatus.choices)
    # The answer to the meeting's question, asked only once a place is held.
    answer = models.CharField(_("answer"), max_length=500, blank=True)
    queued_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Set when a coordinator registered the person.
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attended = models.BooleanField(_("attended"), default=False)

    class Meta:
        app_label = "committees"
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["queued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=models.Q(status__in=ACTIVE),
                name="registration_one_active",
            )
        ]
        indexes = [
            models.Index(fields=["meeting", "status", "queued_at"], name="registration_queue"),
            models.Index(fields=["user", "status"], name="registration_person"),
        ]

    def __str__(self):
        return f"{self.user} → {self.meeting} ({self.get_status_display()})"

    @property
    def holds_place(self):
        return self.status in HOLDING
