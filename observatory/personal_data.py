"""What the observatory holds about a person, for their data export (portal.accounts): the
steps they took on returns (submitted, sent back, validated…) with their texts and their
comments on figures. The figures themselves are the establishment's, not the person's."""

from observatory.returns.models import ReturnEvent


def observatory_data(user):
    events = (
        ReturnEvent.objects.filter(author=user)
        .select_related("return_obj__campaign", "return_obj__establishment")
        .prefetch_related("comments")
        .order_by("created_at", "pk")
    )
    return {
        "return_steps": [
            {
                "campaign": str(event.return_obj.campaign),
                "establishment": str(event.return_obj.establishment),
                "kind": event.kind,
                "text": event.text,
                "comments": [
                    {"field": comment.field, "text": comment.text}
                    for comment in event.comments.all()
                ],
                "created_at": event.created_at,
            }
            for event in events
        ]
    }
