"""A synthetic France, and the recompute measured against its floor.

    python bench/national.py [--communes 35000] [--keep]

Builds (fixed seed) communes, EPCI, départements, régions and 30 indicators × 10 years of
commune values in a PostgreSQL database of its own (cohesion_bench_national), then runs, each
in a fresh process: the floor (one query reading all the values into pandas, then the
aggregation to EPCI, département and région in pandas alone) and the portal's recompute
(its chunks one after the other, as one worker would). Prints times and peak memory.
"""

import argparse
import io
import time

import _harness

DB_NAME = "cohesion_bench_national"
ENV = _harness.environment(DB_NAME, RECOMPUTE_CHUNK_INDICATORS="8")
YEARS = list(range(2014, 2024))


def generate(communes_count):
    import numpy as np
    import pandas as pd
    from django.db import connection

    from territories.catalogue.models import Indicator
    from territories.geography.models import Territory

    rng = np.random.default_rng(2026)
    n_dep, n_epci = 101, max(round(communes_count / 28), 101)
    regions = [
        Territory(level="region", code=f"R{r:02d}", name=f"Région {r}", vintage=2026)
        for r in range(18)
    ]
    Territory.objects.bulk_create(regions)
    region_ids = [t.pk for t in Territory.objects.filter(level="region").order_by("code")]
    deps = [
        Territory(
            level="departement",
            code=f"D{d:03d}",
            name=f"Département {d}",
            vintage=2026,
            region_id=region_ids[d % 18],
        )
        for d in range(n_dep)
    ]
    Territory.objects.bulk_create(deps)
    dep_ids = list(
        Territory.objects.filter(level="departement")
        .order_by("code")
        .values_list("pk", "region_id")
    )
    epcis = [
        Territory(
            level="epci",
            code=f"2{e:08d}",
            name=f"EPCI {e}",
            vintage=2026,
            region_id=dep_ids[e % n_dep][1],
        )
        for e in range(n_epci)
    ]
    Territory.objects.bulk_create(epcis)
    epci_ids = list(
        Territory.objects.filter(level="epci").order_by("code").values_list("pk", flat=True)
    )
    population = rng.lognormal(6.5, 1.3, communes_count).astype(int) + 20
    epci_of = np.sort(rng.integers(0, n_epci, communes_count))
    communes = [
        Territory(
            level="commune",
            code=f"{i:05d}",
            name=f"Commune {i}",
            vintage=2026,
            population=int(population[i]),
            epci_id=epci_ids[epci_of[i]],
            departement_id=dep_ids[epci_of[i] % n_dep][0],
            region_id=dep_ids[epci_of[i] % n_dep][1],
        )
        for i in range(communes_count)
    ]
    Territory.objects.bulk_create(communes, batch_size=5000)
    commune_ids = np.array(
        Territory.objects.filter(level="commune").order_by("code").values_list("pk", flat=True)
    )

    indicators = []
    for k in range(10):
        indicators.append(
            Indicator(
                slug=f"count-{k}",
                name=f"Effectif {k}",
                definition="synthetic",
                unit="p",
                theme="bench",
                source="bench",
                source_vintage="bench",
                aggregation="sum",
                min_coverage=0.5,
            )
        )
    for k in range(10):
        indicators.append(
            Indicator(
                slug=f"rate-{k}",
                name=f"Taux {k}",
                definition="synthetic",
                unit="%",
                theme="bench",
                source="bench",
                source_vintage="bench",
                aggregation="ratio",
                scale=100,
                min_coverage=0.5,
            )
        )
    for k in range(10):
        indicators.append(
            Indicator(
                slug=f"median-{k}",
                name=f"Médiane {k}",
                definition="synthetic",
                unit="€",
                theme="bench",
                source="bench",
                source_vintage="bench",
                aggregation="none",
            )
        )
    Indicator.objects.bulk_create(indicators)
    by_slug = dict(Indicator.objects.values_list("slug", "pk"))
    for k in range(10):
        Indicator.objects.filter(slug=f"rate-{k}").update(denominator_id=by_slug[f"count-{k}"])

    table = "territories_indicatorvalue"
    total = 0
    with connection.cursor() as cursor:
        for slug, pk in by_slug.items():
            for year in YEARS:
                if slug.startswith("count"):
                    values = population * rng.uniform(0.2, 0.9)
                elif slug.startswith("rate"):
                    values = rng.uniform(2, 30, communes_count)
                else:
                    values = rng.uniform(15000, 30000, communes_count)
                secret = rng.random(communes_count) < (0.6 if slug.startswith("rate") else 0.03)
                frame = pd.DataFrame(
                    {
                        "indicator_id": pk,
                        "territory_id": commune_ids,
                        "period": year,
                        "value": np.where(secret, np.nan, values.round(2)),
                        "status": np.where(secret, "secret", "ok"),
                    }
                )
                buffer = io.StringIO()
                frame.to_csv(buffer, index=False, header=False, na_rep="")
                buffer.seek(0)
                with cursor.cursor.copy(
                    f"COPY {table} (indicator_id, territory_id, period, value, status) FROM STDIN WITH (FORMAT csv)"
                ) as copy:
                    copy.write(buffer.getvalue())
                total += communes_count
        cursor.execute(f"ANALYZE {table}")
    return total


def pipeline():
    from territories.pipeline.services import recompute_now

    started = time.perf_counter()
    run = recompute_now(reason="bench", analyses=False)
    return {
        "state": run.state,
        "aggregates": run.stats.get("values"),
        "chunks": run.chunks_total,
        "total_s": time.perf_counter() - started,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=35000)
    parser.add_argument("--child")
    parser.add_argument("--keep", action="store_true", help="reuse the database if it exists")
    args = parser.parse_args()
    if args.child:
        return _harness.child(
            {"floor": _harness.territories_floor, "pipeline": pipeline}, args.child, ENV
        )
    if not args.keep:
        _harness.database_recreate(ENV["DATABASE_URL"])
        _harness.manage("migrate", "-v0", env=ENV)
        _harness.setup_django(ENV)
        started = time.perf_counter()
        rows = generate(args.communes)
        print(
            f"generated {args.communes} communes, {rows} values in {time.perf_counter() - started:.0f} s"
        )
    floor_result = _harness.run_child(__file__, "floor", ENV)
    pipeline_result = _harness.run_child(__file__, "pipeline", ENV)
    print(
        f"floor:    {floor_result['rows']:,} values read in {floor_result['read_s']:.1f} s, "
        f"read + pandas aggregation {floor_result['total_s']:.1f} s, peak {floor_result['peak_mb']:.0f} MB"
    )
    print(
        f"pipeline: {pipeline_result['aggregates']:,} aggregates in {pipeline_result['chunks']} chunks, "
        f"{pipeline_result['total_s']:.1f} s, peak {pipeline_result['peak_mb']:.0f} MB"
    )
    ratio = pipeline_result["total_s"] / floor_result["total_s"]
    print(f"ratio pipeline / floor: {ratio:.2f}")
    _harness.record(
        "national recompute",
        f"synthetic France ({args.communes:,} communes, {floor_result['rows']:,} values): "
        "recompute, one worker",
        pipeline_result["total_s"],
        "s",
        "floor: read every value into pandas and aggregate in pandas alone",
        floor_result["total_s"],
        goal="≤ 3× the floor",
        met=ratio <= 3,
    )
    _harness.record(
        "national recompute",
        "peak memory of the recompute",
        pipeline_result["peak_mb"],
        "MB",
        "the floor's peak memory",
        floor_result["peak_mb"],
    )


if __name__ == "__main__":
    main()
