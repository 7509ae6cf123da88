"""The models of territories, gathered here so that Django registers them; each is defined in
the sub-package of its capability."""

from territories.analyses.models import (
    CompositeComponent,
    CompositeIndex,
    CompositeResult,
    Typology,
    TypologyLabel,
    TypologyMembership,
    TypologyResult,
    TypologyVariable,
)
from territories.catalogue.models import Indicator, IndicatorValue
from territories.geography.models import CodeChange, Territory, TerritoryQuerySet
from territories.imports.models import DataImport
from territories.maps.models import LayerGeometry, MapLayer
from territories.pipeline.models import AggregateValue, PipelineRun, RunChunk
from territories.signals.models import SignalReview, TerritoryFollow, WeakSignal

__all__ = [
    "AggregateValue",
    "CodeChange",
    "CompositeComponent",
    "CompositeIndex",
    "CompositeResult",
    "DataImport",
    "Indicator",
    "IndicatorValue",
    "LayerGeometry",
    "MapLayer",
    "PipelineRun",
    "RunChunk",
    "SignalReview",
    "Territory",
    "TerritoryFollow",
    "TerritoryQuerySet",
    "Typology",
    "TypologyLabel",
    "TypologyMembership",
    "TypologyResult",
    "TypologyVariable",
    "WeakSignal",
]
