"""Map layers, computed by the pipeline; requests only serve the stored bytes.

One layer per indicator × level × period with each territory's value, status, coverage and
rank, and the class bounds of every classification method (territories.maps.classification).
The explorer colours them; manual breaks are checked and applied client-side. Boundaries
are built by territories.maps.geometries, images by territories.maps.images.
"""

import hashlib
import json
import math
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from territories.catalogue.models import Indicator, IndicatorValue
from territories.choices import Level, Polarity, ValueStatus
from territories.geography.models import Territory
from territories.maps.classification import class_bounds
from territories.maps.geometries import build_geometries, pack
from territories.maps.models import MapLayer
from territories.pipeline.models import AggregateValue, PipelineRun
from territories.pipeline.selectors import published_run_id

MAP_LEVELS = [Level.COMMUNE, Level.EPCI, Level.DEPARTEMENT]
# Part of every layer's fingerprint: change it when layer_document() or the classification
# changes, so that no layer computed the old way is reused. 3: a value not known (secret,
# withheld…) is written null, whatever number its source gave. 4: classes that stay within
# the data's range, with none empty, for any number of known values.
LAYER_FORMAT = 4


def _layer_rows(run_id, level):
    """(indicator_id, period) → {territory_id: (value, status, coverage)} for one level."""
    rows = defaultdict(dict)
    if level == Level.COMMUNE:
        for indicator_id, territory_id, period, value, status in IndicatorValue.objects.filter(
            territory__level=level
        ).values_list("indicator_id", "territory_id", "period", "value", "status"):
            rows[(indicator_id, period)][territory_id] = (
                value,
                status,
                1.0 if status == ValueStatus.OK else 0.0,
            )
    for (
        indicator_id,
        territory_id,
        period,
        value,
        status,
        coverage,
    ) in AggregateValue.objects.filter(run_id=run_id, territory__level=level).values_list(
        "indicator_id", "territory_id", "period", "value", "status", "coverage"
    ):
        rows[(indicator_id, period)][territory_id] = (value, status, coverage)
    return rows


def build_layers(*, run_id):
    """Store every map layer of this run (replacing what an earlier attempt wrote).

    A layer whose inputs (values, indicator, periods, codes) are those of the published
    run's layer is copied from it, with its image: after an import of one file, only the
    layers of what the file changed are computed again."""
    geometry_stats = build_geometries()
    indicators = {i.pk: i for i in Indicator.objects.all()}
    run = PipelineRun.objects.get(pk=run_id)
    previous = _previous_fingerprints(exclude_run_id=run_id)
    layers, reusable = [], {}
    for level in MAP_LEVELS:
        territories = dict(Territory.objects.filter(level=level).values_list("id", "code"))
        rows = _layer_rows(run_id, level)
        periods = defaultdict(list)
        for indicator_id, period in rows:
            periods[indicator_id].append(period)
        for (indicator_id, period), by_territory in rows.items():
            indicator = indicators[indicator_id]
            key = (indicator_id, level, period)
            inputs = _fingerprint(
                indicator, level, period, sorted(periods[indicator_id]), by_territory, territories
            )
            if previous.get(key, (None,))[0] == inputs:
                reusable[key] = (previous[key][1], inputs)
                continue
            document = layer_document(
                indicator=indicator,
                level=level,
                period=period,
                periods=sorted(periods[indicator_id]),
                rows=by_territory,
                codes=territories,
                run=run,
            )
            content, compressed, etag = pack(document)
            layers.append(
                MapLayer(
                    run_id=run_id,
                    indicator_id=indicator_id,
                    level=level,
                    period=period,
                    content=content,
                    content_gzip=compressed,
                    etag=etag,
                    inputs=inputs,
                )
            )
    layers += _copies(reusable, run_id=run_id)
    with transaction.atomic():
        MapLayer.objects.filter(run_id=run_id).delete()
        MapLayer.objects.bulk_create(layers, batch_size=200)
    return {
        "layers": len(layers),
        "layers_reused": len(reusable),
        "geometries": geometry_stats,
    }


def _previous_fingerprints(*, exclude_run_id):
    """(indicator, level, period) → (fingerprint, layer id) of the published run."""
    previous_run = published_run_id()
    if previous_run is None or previous_run == exclude_run_id:
        return {}
    return {
        (indicator_id, level, period): (inputs, pk)
        for pk, indicator_id, level, period, inputs in MapLayer.objects.filter(run_id=previous_run)
        .exclude(inputs="")
        .values_list("pk", "indicator_id", "level", "period", "inputs")
    }


def _copies(reusable, *, run_id):
    by_pk = dict(reusable.values())
    return [
        MapLayer(
            run_id=run_id,
            indicator_id=layer.indicator_id,
            level=layer.level,
            period=layer.period,
            content=layer.content,
            content_gzip=layer.content_gzip,
            etag=layer.etag,
            image=layer.image,
            inputs=by_pk[layer.pk],
        )
        for layer in MapLayer.objects.filter(pk__in=by_pk)
    ]


def _fingerprint(indicator, level, period, periods, rows, codes):
    """What a layer document is computed from, hashed. The document also names the run
    and the time it was computed: a reused layer keeps those of the run that computed it."""
    described = [
        LAYER_FORMAT,
        [
            getattr(indicator, field)
            for field in ("slug", "name", "unit", "polarity", "decimals", "source")
        ],
        str(indicator.source_vintage),
        level,
        period,
        periods,
        sorted(
            [codes.get(tid), value, status, round(coverage or 0.0, 4)]
            for tid, (value, status, coverage) in rows.items()
            if tid in codes
        ),
    ]
    encoded = json.dumps(described, default=str, sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()


def layer_document(*, indicator, level, period, periods, rows, codes, run):
    known = {
        tid: row
        for tid, row in rows.items()
        if row[0] is not None
        and not (isinstance(row[0], float) and math.isnan(row[0]))
        and row[1] in (ValueStatus.OK, ValueStatus.PARTIAL)
    }
    reverse = indicator.polarity != Polarity.HIGHER_IS_BETTER
    ordered = sorted(known, key=lambda tid: known[tid][0], reverse=reverse)
    ranks = {tid: position + 1 for position, tid in enumerate(ordered)}
    values = {}
    for tid, (value, status, coverage) in rows.items():
        if tid not in codes:
            continue
        # A secret cell may be published with its number (territories.pipeline.publishers):
        # only known values leave the server.
        known_value = status in (ValueStatus.OK, ValueStatus.PARTIAL)
        values[codes[tid]] = [
            None
            if not known_value or value is None or (isinstance(value, float) and math.isnan(value))
            else value,
            status,
            round(coverage or 0.0, 4),
            ranks.get(tid),
        ]
    known_values = [row[0] for row in known.values()]
    return {
        "indicator": {
            "slug": indicator.slug,
            "name": indicator.name,
            "unit": indicator.unit,
            "polarity": indicator.polarity,
            "decimals": indicator.decimals,
            "source": indicator.source,
            "source_vintage": indicator.source_vintage,
        },
        "level": level,
        "period": period,
        "periods": periods,
        "values": values,
        "count": len(values),
        "known": len(known_values),
        "min": min(known_values) if known_values else None,
        "max": max(known_values) if known_values else None,
        "classes": class_bounds(known_values),
        "run": run.pk,
        "computed_at": timezone.now().isoformat(),
    }
