from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    name = "portal.committees"
    label = "committees"
    verbose_name = _("Committees")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal.committees.audiences import CommitteeMembershipAudience
        from portal.committees.sections import territory_section, territory_section_audience
        from portal.knowledge.resources.audiences import register_committee_audience
        from territories.portraits.sections import register_section

        register_section(territory_section, audience=territory_section_audience)
        _register_page_marks()
        _register_notifications()
        _register_invitations()
        # The knowledge base (below) asks who sits on which committee through this hook.
        register_committee_audience(CommitteeMembershipAudience())
        _register_search()
        _register_personal_data()
        _register_meeting_reports()
        _register_field_observations()


def _register_notifications():
    from portal.accounts.choices import Delivery
    from portal.accounts.notifications import attachments, kinds
    from portal.committees.calendars import notices as calendar_notices
    from portal.committees.following import services as following
    from portal.committees.forums import services as forums
    from portal.committees.meetings import scopes as meetings
    from portal.committees.membership import services as membership
    from portal.committees.moderation import services as moderation
    from portal.committees.observations import services as observations
    from portal.committees.selectors import readable_committee_ids

    kinds.register(following.MENTIONS, _("Mentions of you in the forums"))
    kinds.register(following.REPLIES, _("Replies to your posts"))
    kinds.register(
        following.FOLLOWED, _("New posts in the threads you follow"), default=Delivery.DIGEST
    )
    kinds.register(membership.JOIN_REQUESTS, _("Requests to join the committees you coordinate"))
    kinds.register(membership.MEMBERSHIP, _("Your place in committees: answers, changes"))
    kinds.register(moderation.REPORTS, _("Reported posts in the committees you coordinate"))
    kinds.register(forums.MODERATION, _("Moderation of your posts"))
    kinds.register(
        meetings.MEETINGS,
        _("Meetings: your registrations, places offered, changes and reminders"),
    )
    kinds.register(meetings.MEETING_ADMIN, _("Meetings you coordinate: registrations filling up"))
    kinds.register(
        observations.OBSERVATIONS,
        _("Field observations to decide on in the committees you coordinate"),
    )
    kinds.register(
        observations.OBSERVATION_DECISIONS, _("Decisions on the field observations you raised")
    )
    kinds.register_scope("committee", readable_committee_ids)
    kinds.register_scope("meeting", meetings.readable_meeting_ids)
    # The meeting's .ics on the e-mails that ask for it (confirmations, changes).
    attachments.register(calendar_notices.ICS, calendar_notices.ics_attachment)


def _register_page_marks():
    from portal.committees.forums import marks
    from portal.committees.meetings import places
    from portal.committees.minutes import selectors as minutes
    from portal.pagecache import batch
    from portal.pagecache.holes import register_loader

    register_loader(marks.THREAD_MARKS, marks.thread_marks)
    register_loader(places.MEETING_PLACE, places.meeting_place)
    # The reader's place at a meeting is read with the person (portal.pagecache.batch).
    batch.register(places.batched_place_key)
    batch.register(marks.batched_reads_key)
    register_loader(minutes.ACTION_DONE, minutes.action_done_buttons)
    register_loader(marks.FIRST_UNREAD, marks.first_unread)
    register_loader(marks.POST_MARKS, marks.post_marks)
    register_loader(marks.POST_ACTIONS, marks.post_actions)


def _register_search():
    from portal.committees.forums.search import DiscussionsSource
    from portal.knowledge.search.sources import register_source

    register_source(DiscussionsSource())


def _register_personal_data():
    from portal.accounts.selectors import register_personal_data
    from portal.committees.personal_data import committee_data

    register_personal_data("committees", committee_data)


def _register_invitations():
    from portal.accounts.services import register_acceptance_hook, register_deletion_hook
    from portal.committees.meetings.services import forget_person
    from portal.committees.membership.services import seat_invited

    register_acceptance_hook(seat_invited)
    # A deleted account's meeting places go to the people waiting; its answers are forgotten.
    register_deletion_hook(forget_person)


def _register_meeting_reports():
    """A meeting report's page in the knowledge base (below) links back to its meeting."""
    from portal.committees.minutes.selectors import meeting_origins
    from portal.knowledge.resources.origins import register_origin

    register_origin(meeting_origins)


def _register_field_observations():
    """Validated field observations join the territories' weak signals (below) through
    this hook."""
    from portal.committees.observations.weak_signals import FieldObservationSource
    from territories.signals.sources import register_source

    register_source(FieldObservationSource())
