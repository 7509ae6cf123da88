import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from territories.analyses import services as analysis_services
from territories.analyses.models import CompositeIndex, Typology
from territories.catalogue.models import Indicator
from territories.pipeline import services as pipeline

SPEC = Path(settings.BASE_DIR) / "data" / "reference" / "analyses.json"


def _indicator(slug):
    try:
        return Indicator.objects.get(slug=slug)
    except Indicator.DoesNotExist as exc:
        raise CommandError(f"Unknown indicator {slug!r}: load the catalogue first.") from exc


class Command(BaseCommand):
    help = (
        "Create the shipped analyses (composite indexes and typologies of data/reference/"
        "analyses.json) that do not exist yet, then recompute. Existing ones are left as "
        "analysts edited them."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(SPEC))
        parser.add_argument("--no-recompute", action="store_true")

    def handle(self, path, no_recompute=False, **options):
        spec = json.loads(Path(path).read_text(encoding="utf-8"))
        created = 0
        for entry in spec.get("composites", []):
            if CompositeIndex.objects.filter(indicator__slug=entry["slug"]).exists():
                self.stdout.write(f"Composite index {entry['slug']}: already there.")
                continue
            if Indicator.objects.filter(slug=entry["slug"]).exists():
                raise CommandError(f"{entry['slug']} is already an indicator, not an index.")
            components = [
                {
                    "indicator": _indicator(c["indicator"]),
                    "period": c["period"],
                    "weight": c["weight"],
                    "reverse": c.get("reverse", False),
                }
                for c in entry["components"]
            ]
            try:
                analysis_services.composite_save(
                    slug=entry["slug"],
                    name=entry["name"],
                    level=entry["level"],
                    period=entry["period"],
                    normalisation=entry["normalisation"],
                    polarity=entry.get("polarity", "higher_worse"),
                    components=components,
                    request_recompute=False,
                )
            except ValidationError as exc:
                raise CommandError(f"{entry['slug']}: {'; '.join(exc.messages)}") from exc
            created += 1
            self.stdout.write(f"Composite index {entry['slug']}: created.")
        for entry in spec.get("typologies", []):
            if Typology.objects.filter(slug=entry["slug"]).exists():
                self.stdout.write(f"Typology {entry['slug']}: already there.")
                continue
            variables = [
                {"indicator": _indicator(v["indicator"]), "period": v["period"]}
                for v in entry["variables"]
            ]
            try:
                analysis_services.typology_save(
                    slug=entry["slug"],
                    name=entry["name"],
                    description=entry.get("description", ""),
                    level=entry["level"],
                    method=entry.get("method", "kmeans"),
                    k=entry.get("k"),
                    k_max=entry.get("k_max", 8),
                    seed=entry.get("seed", 2026),
                    variables=variables,
                    request_recompute=False,
                )
            except ValidationError as exc:
                raise CommandError(f"{entry['slug']}: {'; '.join(exc.messages)}") from exc
            created += 1
            self.stdout.write(f"Typology {entry['slug']}: created.")
        if created and not no_recompute:
            run = pipeline.recompute_now(reason="load_analyses")
            self.stdout.write(f"Recompute #{run.pk}: {run.get_state_display()}.")
