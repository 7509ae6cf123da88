"""Writes for analyses: composite indexes and typologies as analysts define them.

Each definition is checked against the published data before it is saved, and saving it
asks for a recompute (after the commit): the pipeline computes analyses, requests never do.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from territories.analyses.composites import column, values_matrix
from territories.analyses.models import (
    CompositeComponent,
    CompositeIndex,
    Typology,
    TypologyLabel,
    TypologyVariable,
)
from territories.catalogue import selectors
from territories.catalogue.models import Indicator
from territories.choices import Aggregation, Level, Normalisation, Polarity
from territories.pipeline import services as pipeline

MIN_COMPONENT_SHARE = 0.5
COMPOSITE_THEME = "Indices composites"
NORMALISATION_WORDS = {
    Normalisation.ZSCORE: "centrée-réduite (z-score : écart à la moyenne en écarts-types)",
    Normalisation.MINMAX: "ramenée entre 0 et 1 (min-max : 0 au minimum, 1 au maximum)",
    Normalisation.RANK: "remplacée par son rang ramené entre 0 et 1",
}
LEVEL_WORDS = {
    Level.COMMUNE: "des communes",
    Level.EPCI: "des EPCI",
    Level.DEPARTEMENT: "des départements",
    Level.REGION: "de la région",
}


def _known_counts(*, level, pairs):
    """How many territories of the level have each pair, and all of them, when published."""
    matrix = values_matrix(run_id=selectors.published_run_id(), level=level, pairs=pairs)
    per_pair = {pair: int(matrix[column(pair)].notna().sum()) for pair in pairs}
    complete = int(matrix[[column(p) for p in pairs]].notna().all(axis=1).sum()) if pairs else 0
    return len(matrix), per_pair, complete


def composite_problems(*, level, components):
    """What is wrong with a composite definition, as messages for the analyst.

    `components` are dicts with indicator (an Indicator), period, weight and reverse.
    """
    if not components:
        return [_("Add at least one component.")]
    problems = []
    pairs = [(c["indicator"].pk, c["period"]) for c in components]
    seen = set()
    for component, pair in zip(components, pairs, strict=True):
        if pair in seen:
            problems.append(
                _("%(indicator)s (%(period)s) is a component twice.")
                % {"indicator": component["indicator"].name, "period": component["period"]}
            )
        seen.add(pair)
    if sum(abs(float(c["weight"] or 0)) for c in components) == 0:
        problems.append(_("The weights add up to zero: give at least one a non-zero weight."))
    if problems or not level:
        return problems
    total, known, _complete = _known_counts(level=level, pairs=list(seen))
    for component in components:
        count = known[(component["indicator"].pk, component["period"])]
        if total == 0 or count < MIN_COMPONENT_SHARE * total:
            problems.append(
                _(
                    "%(indicator)s (%(period)s) is known for only %(known)s of the %(total)s "
                    "territories of this level in the published data; a component must be "
                    "known for at least half of them."
                )
                % {
                    "indicator": component["indicator"].name,
                    "period": component["period"],
                    "known": count,
                    "total": total,
                }
            )
    return problems


def composite_definition(*, name, level, normalisation, components):
    """The method in words, for the index's indicator sheet (French, like the catalogue)."""
    total = sum(abs(float(c["weight"])) for c in components)
    parts = []
    for c in components:
        direction = (
            "compté à l'envers (une valeur plus haute est moins fragile)"
            if c["reverse"]
            else "une valeur plus haute est plus fragile"
        )
        parts.append(
            f"{c['indicator'].name} ({c['period']}), poids {float(c['weight']):g} "
            f"({100 * abs(float(c['weight'])) / total:.0f} %), {direction}"
        )
    return (
        f"Indice composite « {name} » calculé pour chacun {LEVEL_WORDS.get(level, level)}. "
        f"Composantes : {' ; '.join(parts)}. "
        f"Chaque composante est {NORMALISATION_WORDS[normalisation]} sur les territoires "
        "du niveau ; l'indice est la somme des composantes normalisées multipliées par leur "
        "poids, divisée par la somme des valeurs absolues des poids. Un territoire auquel "
        "manque une composante n'a pas d'indice. Plus l'indice est élevé, plus le territoire "
        "est fragile."
    )


def _request_recompute(*, reason, user):
    transaction.on_commit(lambda: pipeline.recompute_request(reason=reason, user=user))


def _unique_slug(base, exclude_pk=None):
    base = slugify(base)[:70] or "indice"
    slug, number = base, 2
    while Indicator.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def composite_save(
    *,
    name,
    level,
    period,
    normalisation,
    components,
    user=None,
    composite=None,
    slug=None,
    polarity=Polarity.HIGHER_IS_WORSE,
    request_recompute=True,
):
    """Create (or update) a composite index and its indicator; then ask for a recompute.

    Raises ValidationError, saving nothing, when the definition cannot be computed.
    """
    problems = composite_problems(level=level, components=components)
    if problems:
        raise ValidationError(problems)
    definition = composite_definition(
        name=name, level=level, normalisation=normalisation, components=components
    )
    source = "Cohésion, calcul à partir de : " + ", ".join(
        sorted({c["indicator"].source for c in components})
    )
    indicator_fields = {
        "name": name,
        "definition": definition,
        "unit": "indice",
        "theme": COMPOSITE_THEME,
        "source": source[:300],
        "source_vintage": str(period),
        "polarity": polarity,
        "aggregation": Aggregation.NONE,
        "decimals": 2,
        "signed": normalisation == Normalisation.ZSCORE,
    }
    with transaction.atomic():
        if composite is None:
            indicator = Indicator.objects.create(
                slug=slug or _unique_slug(name), **indicator_fields
            )
            composite = CompositeIndex.objects.create(
                indicator=indicator,
                level=level,
                period=period,
                normalisation=normalisation,
                created_by=user if user is not None and user.is_authenticated else None,
            )
        else:
            Indicator.objects.filter(pk=composite.indicator_id).update(**indicator_fields)
            composite.level, composite.period, composite.normalisation = (
                level,
                period,
                normalisation,
            )
            composite.save(update_fields=["level", "period", "normalisation"])
            composite.components.all().delete()
        CompositeComponent.objects.bulk_create(
            [
                CompositeComponent(
                    composite=composite,
                    indicator=c["indicator"],
                    period=c["period"],
                    weight=float(c["weight"]),
                    reverse=bool(c["reverse"]),
                )
                for c in components
            ]
        )
        if request_recompute:
            _request_recompute(reason=f"indice composite {composite.indicator.slug}", user=user)
    return composite


def typology_problems(*, level, k, k_max, variables):
    """What is wrong with a typology definition, as messages for the analyst.

    `variables` are dicts with indicator (an Indicator) and period.
    """
    problems = []
    pairs = [(v["indicator"].pk, v["period"]) for v in variables]
    if len(set(pairs)) != len(pairs):
        problems.append(_("The same variable is given twice."))
    if len(set(pairs)) < 2:
        problems.append(_("A typology needs at least 2 different variables."))
    if k is not None and k < 2:
        problems.append(_("A typology needs at least 2 classes."))
    if k_max is not None and k_max < 2:
        problems.append(_("The largest number of classes tried must be at least 2."))
    if problems or not level:
        return problems
    _total, _known, complete = _known_counts(level=level, pairs=sorted(set(pairs)))
    if k is not None and k > complete:
        problems.append(
            _(
                "%(k)s classes asked for, but only %(n)s territories have every variable in "
                "the published data."
            )
            % {"k": k, "n": complete}
        )
    elif complete < 3:
        problems.append(
            _("Only %(n)s territories have every variable in the published data.") % {"n": complete}
        )
    return problems


def typology_save(
    *,
    name,
    slug,
    level,
    method,
    k,
    k_max,
    seed,
    variables,
    description="",
    user=None,
    typology=None,
    request_recompute=True,
):
    """Create (or update) a typology definition; then ask for a recompute.

    Raises ValidationError, saving nothing, when the definition cannot be computed.
    """
    problems = typology_problems(level=level, k=k, k_max=k_max, variables=variables)
    if problems:
        raise ValidationError(problems)
    fields = {
        "name": name,
        "slug": slug,
        "description": description,
        "level": level,
        "method": method,
        "k": k,
        "k_max": k_max,
        "seed": seed,
    }
    with transaction.atomic():
        if typology is None:
            typology = Typology.objects.create(
                created_by=user if user is not None and user.is_authenticated else None, **fields
            )
        else:
            for key, value in fields.items():
                setattr(typology, key, value)
            typology.save(update_fields=list(fields))
            typology.variables.all().delete()
        TypologyVariable.objects.bulk_create(
            [
                TypologyVariable(typology=typology, indicator=v["indicator"], period=v["period"])
                for v in variables
            ]
        )
        if request_recompute:
            _request_recompute(reason=f"typologie {typology.slug}", user=user)
    return typology


def typology_labels_save(*, typology, labels):
    """Write the analysts' labels of classes ({number: label}); an empty label removes it.

    Labels are read when the typology is shown, so no recompute is needed.
    """
    with transaction.atomic():
        for number, label in labels.items():
            label = (label or "").strip()
            if label:
                TypologyLabel.objects.update_or_create(
                    typology=typology, number=number, defaults={"label": label[:200]}
                )
            else:
                TypologyLabel.objects.filter(typology=typology, number=number).delete()
