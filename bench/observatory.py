"""The observatory's recompute measured against its floor.

    python bench/observatory.py [--employers 2000] [--professions 14] [--years 5] [--keep]

Builds (fixed seed) in a PostgreSQL database of its own (cohesion_bench_observatory) one
région of 5 départements, 70 EPCI (two of them straddling two départements) and 1,400
communes with their populations; 2,000 employers, each one establishment whose validated
returns give 14 professions' figures for 5 campaigns. Then runs, each in a fresh process:

- the floor: one query reading every validated return's lines and its establishment's
  territories into pandas, then the sums of the figures per profession (and all
  professions) × EPCI, département, région × year and the measures' ratios, in pandas
  alone — what any aggregation must do at least;
- the portal's recompute: the territories pipeline with the observatory's publisher,
  i.e. the same aggregation plus primary and secondary statistical secrecy (linear
  programs) and the interval audit of every masked cell, written to the database.

Prints times, peak memory and their ratio (goal: the recompute within 3× the floor).
"""

import argparse
import json
import time
from datetime import date

import _harness

DB_NAME = "cohesion_bench_observatory"
ENV = _harness.environment(DB_NAME)
DEPARTEMENTS = 5
EPCI = 70
COMMUNES = 1400


def generate_geography(rng):
    """A région, its départements, EPCI (the last two straddling two départements) and
    communes, with the census counts the densities divide by."""
    import numpy as np

    from territories.catalogue.models import Indicator, IndicatorValue
    from territories.geography.models import Territory

    region = Territory.objects.create(level="region", code="R99", name="Région du banc")
    deps = Territory.objects.bulk_create(
        Territory(level="departement", code=f"9{d}", name=f"Département {d}", region=region)
        for d in range(DEPARTEMENTS)
    )
    epcis = Territory.objects.bulk_create(
        Territory(level="epci", code=f"2{e:08d}", name=f"EPCI {e}", region=region)
        for e in range(EPCI)
    )
    population = (rng.lognormal(7, 1.2, COMMUNES) + 50).astype(int)
    communes = []
    for i in range(COMMUNES):
        e = i % EPCI
        # EPCI e lies in département e % 5; the last two also reach the next département.
        d = (e + (i // EPCI) % 2) % DEPARTEMENTS if e >= EPCI - 2 else e % DEPARTEMENTS
        communes.append(
            Territory(
                level="commune",
                code=f"9{d}{i:04d}",
                name=f"Commune {i}",
                population=int(population[i]),
                epci=epcis[e],
                departement=deps[d],
                region=region,
            )
        )
    communes = Territory.objects.bulk_create(communes)
    counts = {"population": 1.0, "personnes-75-plus": 0.11, "enfants-0-14": 0.17}
    for slug, share in counts.items():
        indicator, _created = Indicator.objects.get_or_create(
            slug=slug,
            defaults={
                "name": slug,
                "definition": "synthetic",
                "unit": "personnes",
                "theme": "bench",
                "source": "bench",
                "source_vintage": "2021",
                "aggregation": "sum",
            },
        )
        IndicatorValue.objects.bulk_create(
            IndicatorValue(
                indicator=indicator,
                territory=commune,
                period=2021,
                value=float(np.round(commune.population * share)),
            )
            for commune in communes
        )
    return communes


def figures(rng, headcount):
    """One profession's figures for one employer, coherent with each other."""
    h = int(headcount)
    start = max(0, h + int(rng.integers(-2, 3)))
    fte = round(h * rng.uniform(0.7, 1.0), 1)
    vacant = round(float(rng.integers(0, max(2, h // 4 + 1))), 1)
    ages = rng.multinomial(h, [0.2, 0.35, 0.25, 0.2]) if h else [0, 0, 0, 0]
    women = int(rng.binomial(h, 0.8)) if h else 0
    departures = rng.multinomial(int(rng.integers(0, h // 3 + 1)), [0.2] * 5)
    return {
        "headcount": h,
        "headcount_start": start,
        "fte": fte,
        "posts_budgeted": round(fte + vacant, 1),
        "vacant_posts": vacant,
        "long_vacant_posts": round(vacant * float(rng.uniform(0, 0.6)), 1),
        "hires": int(rng.integers(0, h // 3 + 1)),
        "departures_retirement": int(departures[0]),
        "departures_resignation": int(departures[1]),
        "departures_fixed_term_end": int(departures[2]),
        "departures_dismissal": int(departures[3]),
        "departures_other": int(departures[4]),
        "age_under_30": int(ages[0]),
        "age_30_44": int(ages[1]),
        "age_45_54": int(ages[2]),
        "age_55_plus": int(ages[3]),
        "women": women,
        "men": h - women,
        "fixed_term": int(rng.integers(0, h // 5 + 1)),
        "part_time": int(rng.integers(0, h // 2 + 1)),
        "absence_days_sickness": int(fte * 365 * rng.uniform(0.02, 0.08)),
        "absence_days_work_accident": int(fte * 365 * rng.uniform(0, 0.02)),
        "trainees": int(rng.integers(0, 3)),
    }


def generate(employers, professions_count, years):
    import numpy as np

    from observatory.campaigns.models import Campaign
    from observatory.establishments.models import Establishment
    from observatory.reference.models import EmployerKind, Profession, Sector
    from observatory.reference.services import reference_load
    from observatory.returns.models import Return, ReturnVersion
    from portal.accounts.models import Organisation

    rng = np.random.default_rng(2026)
    communes = generate_geography(rng)
    reference_load()
    professions = list(Profession.objects.order_by("position")[:professions_count])
    sectors = list(Sector.objects.all())
    kinds = list(EmployerKind.objects.all())
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Employeur {i}", slug=f"employeur-{i}", kind="association")
        for i in range(employers)
    )
    # Employers gather where people live: communes drawn by population.
    weights = np.array([c.population for c in communes], dtype=float)
    where = rng.choice(len(communes), size=employers, p=weights / weights.sum())
    establishments = Establishment.objects.bulk_create(
        Establishment(
            organisation=organisation,
            name=f"Établissement {i}",
            siret=f"{i:014d}",
            commune=communes[where[i]],
            sector=sectors[i % len(sectors)],
            employer_kind=kinds[i % len(kinds)],
        )
        for i, organisation in enumerate(organisations)
    )
    # An employer employs some of the professions, not all: the common ones often, the rare
    # ones (directors of large services, mediators…) seldom — so that small cells, and
    # statistical secrecy, appear as in a real survey.
    frequency = np.linspace(0.9, 0.15, len(professions))
    employs = rng.random((len(establishments), len(professions))) < frequency
    first = date.today().year - years
    for year in range(first, first + years):
        campaign = Campaign.objects.create(
            year=year,
            reference_date=date(year, 12, 31),
            opens_on=date(year + 1, 1, 15),
            closes_on=date(year + 1, 3, 31),
        )
        returns = Return.objects.bulk_create(
            Return(campaign=campaign, establishment=e, status="validated") for e in establishments
        )
        sizes = rng.lognormal(1.2, 1.0, (len(returns), len(professions))).astype(int)
        ReturnVersion.objects.bulk_create(
            (
                ReturnVersion(
                    return_obj=r,
                    number=1,
                    lines={
                        p.code: figures(rng, sizes[i, j])
                        for j, p in enumerate(professions)
                        if employs[i, j]
                    },
                )
                for i, r in enumerate(returns)
            ),
            batch_size=500,
        )
    return len(establishments) * years


RATIOS = {
    # measure: (numerator figures, denominator figures, scale) — as in the definitions.
    "taux-vacance": (["vacant_posts"], ["posts_budgeted"], 100),
    "taux-vacance-longue": (["long_vacant_posts"], ["posts_budgeted"], 100),
    "part-55-plus": (["age_55_plus"], ["headcount"], 100),
    "part-cdd": (["fixed_term"], ["headcount"], 100),
    "part-temps-partiel": (["part_time"], ["headcount"], 100),
}


def floor():
    """One query reading every validated return's lines with its establishment's territories,
    then the sums per cell and the measures' ratios, in pandas alone."""
    import pandas as pd
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.year, e.organisation_id, t.epci_id, t.departement_id, t.region_id, v.lines "
            "FROM observatory_returnversion v "
            "JOIN observatory_return r ON r.id = v.return_obj_id "
            "JOIN observatory_campaign c ON c.id = r.campaign_id "
            "JOIN observatory_establishment e ON e.id = r.establishment_id "
            "JOIN territories_territory t ON t.id = e.commune_id "
            "WHERE r.status = 'validated'"
        )
        rows = cursor.fetchall()
    read = time.perf_counter() - started
    records = []
    for year, employer, epci, dep, region, lines in rows:
        lines = json.loads(lines) if isinstance(lines, str) else lines
        for profession, values in lines.items():
            records.append((year, employer, epci, dep, region, profession, *values.values()))
    first_lines = rows[0][5] if not isinstance(rows[0][5], str) else json.loads(rows[0][5])
    columns = list(next(iter(first_lines.values())).keys())
    frame = pd.DataFrame.from_records(
        records,
        columns=["year", "employer", "epci", "departement", "region", "profession", *columns],
    )
    cells = []
    for level in ("epci", "departement", "region"):
        for by in ([level, "year", "profession"], [level, "year"]):
            grouped = frame.groupby(by)
            sums = grouped[columns].sum()
            sums["employers"] = grouped["employer"].nunique()
            cells.append(sums.reset_index())
    cells = pd.concat(cells, ignore_index=True)
    for measure, (numerator, denominator, scale) in RATIOS.items():
        den = cells[denominator].sum(axis=1)
        cells[measure] = scale * cells[numerator].sum(axis=1) / den.where(den > 0)
    average = (cells["headcount"] + cells["headcount_start"]) / 2
    departures = cells[[c for c in columns if c.startswith("departures_")]].sum(axis=1)
    cells["rotation"] = 100 * (cells["hires"] + departures) / 2 / average.where(average > 0)
    cells["absenteisme"] = (
        100
        * (cells["absence_days_sickness"] + cells["absence_days_work_accident"])
        / (cells["fte"] * 365).where(cells["fte"] > 0)
    )
    return {
        "lines": len(frame),
        "cells": len(cells),
        "read_s": read,
        "total_s": time.perf_counter() - started,
    }


def recompute():
    """The territories recompute with the observatory's publisher (no composites, maps…)."""
    from observatory.secrecy.models import SecrecyAudit
    from territories.pipeline.models import AggregateValue
    from territories.pipeline.services import recompute_now

    started = time.perf_counter()
    run = recompute_now(reason="bench", analyses=False)
    total = time.perf_counter() - started
    audits = list(SecrecyAudit.objects.filter(run=run))
    return {
        "state": run.state,
        "error": run.error[:300],
        "values": AggregateValue.objects.filter(run=run, indicator__published_by="observatory")
        .exclude(status="missing")
        .count(),
        "primary": sum(a.primary for a in audits),
        "secondary": sum(a.secondary for a in audits),
        "failures": sum(a.failures for a in audits),
        "audit_s": round(sum(a.seconds for a in audits), 2),
        "total_s": total,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--employers", type=int, default=2000)
    parser.add_argument("--professions", type=int, default=14)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--child")
    parser.add_argument("--keep", action="store_true", help="reuse the database if it exists")
    args = parser.parse_args()
    if args.child:
        return _harness.child({"floor": floor, "recompute": recompute}, args.child, ENV)
    if not args.keep:
        _harness.database_recreate(ENV["DATABASE_URL"])
        _harness.manage("migrate", "-v0", env=ENV)
        _harness.setup_django(ENV)
        started = time.perf_counter()
        returns = generate(args.employers, args.professions, args.years)
        print(f"generated {returns:,} validated returns in {time.perf_counter() - started:.0f} s")
    floor_result = _harness.run_child(__file__, "floor", ENV)
    recompute_result = _harness.run_child(__file__, "recompute", ENV)
    print(
        f"floor:     {floor_result['lines']:,} lines read in {floor_result['read_s']:.2f} s, "
        f"{floor_result['cells']:,} cells, read + pandas {floor_result['total_s']:.2f} s, "
        f"peak {floor_result['peak_mb']:.0f} MB"
    )
    print(
        f"recompute: {recompute_result['state']}, {recompute_result['values']:,} values, "
        f"{recompute_result['primary']} primary + {recompute_result['secondary']} secondary "
        f"masked, {recompute_result['failures']} audit failures (audit "
        f"{recompute_result['audit_s']} s), {recompute_result['total_s']:.2f} s, "
        f"peak {recompute_result['peak_mb']:.0f} MB"
    )
    if recompute_result["error"]:
        print(f"error: {recompute_result['error']}")
    ratio = recompute_result["total_s"] / floor_result["total_s"]
    print(f"ratio recompute / floor: {ratio:.2f}")
    _harness.record(
        "observatory recompute",
        f"{args.employers:,} employers × {args.professions} professions × {args.years} years "
        f"({floor_result['lines']:,} lines): recompute with secrecy and its audit "
        f"({recompute_result['failures']} audit failures)",
        recompute_result["total_s"],
        "s",
        "floor: read the validated returns and sum them per cell in pandas",
        floor_result["total_s"],
        goal="≤ 3× the floor, no audit failure",
        met=ratio <= 3 and recompute_result["failures"] == 0 and not recompute_result["error"],
    )


if __name__ == "__main__":
    main()
