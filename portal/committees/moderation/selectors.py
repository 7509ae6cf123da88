from django.db.models import Count, Q

from portal.committees.forums.models import Post
from portal.committees.moderation.models import ModerationEntry, Report


def reported_posts(*, committee):
    """The committee's posts with open reports, most reported first, each with its reports."""
    posts = list(
        # One filter, one join: a report that exists and is open (isnull alone would also
        # match the posts without any report).
        Post.objects.filter(
            thread__committee=committee,
            reports__isnull=False,
            reports__resolved_at__isnull=True,
        )
        .annotate(open_reports=Count("reports", filter=Q(reports__resolved_at__isnull=True)))
        .select_related("thread", "author")
        .order_by("-open_reports", "-created_at")
        .distinct()
    )
    reports = {}
    for report in (
        Report.objects.filter(post__in=posts, resolved_at__isnull=True)
        .select_related("reporter")
        .order_by("created_at")
    ):
        reports.setdefault(report.post_id, []).append(report)
    for post in posts:
        post.open = reports.get(post.pk, [])
        post.thread.committee = committee
    return posts


def open_report_counts(*, committees):
    """{committee id: posts with open reports}."""
    return dict(
        Report.objects.filter(post__thread__committee__in=committees, resolved_at__isnull=True)
        .values_list("post__thread__committee")
        .annotate(posts=Count("post", distinct=True))
    )


def log_entries(*, committee):
    return ModerationEntry.objects.filter(committee=committee).select_related(
        "actor", "thread", "person"
    )
