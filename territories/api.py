"""The read API of territories: one router for the app's viewsets, and the values endpoint
(gathered with the other apps' under /api/v1/ by portal.api)."""

from rest_framework import routers

from territories.analyses.api import CompositeViewSet, TypologyViewSet
from territories.catalogue.api import IndicatorViewSet, ValuesView
from territories.geography.api import TerritoryViewSet
from territories.maps.api import MapLayerViewSet
from territories.signals.api import SignalViewSet

router = routers.SimpleRouter()
router.register("territories", TerritoryViewSet, basename="territory")
router.register("indicators", IndicatorViewSet)
router.register("layers", MapLayerViewSet, basename="layer")
router.register("composites", CompositeViewSet, basename="composite")
router.register("typologies", TypologyViewSet, basename="typology")
router.register("signals", SignalViewSet, basename="signal")

__all__ = ["ValuesView", "router"]
