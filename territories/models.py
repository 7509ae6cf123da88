"""The models of territories, gathered so that Django registers them (each lives in the
sub-package of its capability)."""

from territories.analyses.models import (  # noqa: F401
    AggregateValue,
    CodeChange,
    CompositeComponent,
    CompositeIndex,
    CompositeResult,
    DataImport,
    Indicator,
    IndicatorValue,
    LayerGeometry,
    MapLayer,
    PipelineRun,
    RunChunk,
    SignalReview,
    Territory,
    TerritoryFollow,
    TerritoryQuerySet,
    Typology,
    TypologyLabel,
    TypologyMembership,
    TypologyResult,
    TypologyVariable,
    WeakSignal,
)
