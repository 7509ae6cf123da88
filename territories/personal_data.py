"""What the territories app holds about a person, for their data export (portal.accounts
registers it): the signals they reviewed with their comments, the files they imported, the
indexes and typologies they defined, the territories they follow."""

from territories.analyses.models import CompositeIndex, Typology
from territories.imports.models import DataImport
from territories.signals.models import SignalReview, TerritoryFollow


def territory_data(user):
    return {
        "signal_reviews": [
            {
                "territory": review.territory.name,
                "rule": review.rule,
                "indicator": review.indicator.name if review.indicator else None,
                "status": review.status,
                "comment": review.comment,
                "reviewed_at": review.reviewed_at,
            }
            for review in SignalReview.objects.filter(reviewed_by=user)
            .select_related("territory", "indicator")
            .defer("territory__geometry")
            .order_by("reviewed_at", "pk")
        ],
        "imports": [
            {
                "file": data_import.original_name,
                "kind": data_import.kind,
                "state": data_import.state,
                "created_at": data_import.created_at,
                "finished_at": data_import.finished_at,
            }
            for data_import in DataImport.objects.filter(created_by=user).order_by(
                "created_at", "pk"
            )
        ],
        "composite_indexes": [
            composite.indicator.name
            for composite in CompositeIndex.objects.filter(created_by=user)
            .select_related("indicator")
            .order_by("pk")
        ],
        "typologies": list(
            Typology.objects.filter(created_by=user).order_by("pk").values_list("name", flat=True)
        ),
        "followed_territories": [
            follow.territory.name
            for follow in TerritoryFollow.objects.filter(user=user)
            .select_related("territory")
            .defer("territory__geometry")
            .order_by("created_at", "pk")
        ],
    }
