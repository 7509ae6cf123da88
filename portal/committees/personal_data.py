"""What committees hold about a person, for their data export (portal.accounts): seats,
requests, posts, meetings registered for with their answers, field observations raised and
reviewed, posts reported. Only their own: of a post they reported, only its committee."""

from portal.committees.forums.models import Post
from portal.committees.meetings.models import Registration
from portal.committees.membership.models import JoinRequest
from portal.committees.models import CommitteeMembership
from portal.committees.moderation.models import Report
from portal.committees.observations.models import FieldObservation, FieldObservationReview


def committee_data(user):
    return {
        "seats": [
            {
                "committee": seat.committee.name,
                "role": seat.role,
                "joined_at": seat.joined_at,
                "suspended_until": seat.suspended_until,
            }
            for seat in CommitteeMembership.objects.filter(user=user).select_related("committee")
        ],
        "join_requests": [
            {
                "committee": request.committee.name,
                "message": request.message,
                "status": request.status,
                "created_at": request.created_at,
            }
            for request in JoinRequest.objects.filter(user=user).select_related("committee")
        ],
        "posts": [
            {
                "committee": post.thread.committee.name,
                "thread": post.thread.title,
                "body": post.body,
                "status": post.status,
                "created_at": post.created_at,
                "edited_at": post.edited_at,
            }
            for post in Post.objects.filter(author=user)
            .select_related("thread__committee")
            .order_by("created_at", "id")
        ],
        "meeting_registrations": [
            {
                "meeting": registration.meeting.title,
                "committee": registration.meeting.committee.name,
                "starts_at": registration.meeting.starts_at,
                "status": registration.status,
                "answer": registration.answer,
                "attended": registration.attended,
                "created_at": registration.created_at,
            }
            for registration in Registration.objects.filter(user=user)
            .select_related("meeting__committee")
            .order_by("created_at", "id")
        ],
        "field_observations": [
            {
                "committee": observation.committee.name,
                "territory": observation.territory.name,
                "description": observation.description,
                "observed_since": observation.observed_since,
                "people_concerned": observation.people_concerned,
                "status": observation.status,
                "created_at": observation.created_at,
            }
            for observation in FieldObservation.objects.filter(author=user)
            .select_related("committee", "territory")
            .defer("territory__geometry")
            .order_by("created_at", "pk")
        ],
        "observation_reviews": [
            {
                "committee": review.observation.committee.name,
                "territory": review.observation.territory.name,
                "status": review.status,
                "comment": review.comment,
                "reviewed_at": review.reviewed_at,
            }
            for review in FieldObservationReview.objects.filter(reviewed_by=user)
            .select_related("observation__committee", "observation__territory")
            .defer("observation__territory__geometry")
            .order_by("reviewed_at", "pk")
        ],
        "reports": [
            {
                "committee": report.post.thread.committee.name,
                "reason": report.reason,
                "details": report.text,
                "created_at": report.created_at,
            }
            for report in Report.objects.filter(reporter=user)
            .select_related("post__thread__committee")
            .order_by("created_at", "pk")
        ],
    }
