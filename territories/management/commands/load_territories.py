import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from jobs.services import JobFailed
from territories.catalogue.services import indicator_catalogue_load
from territories.choices import Level
from territories.geography.models import Territory
from territories.imports import services
from territories.pipeline import services as pipeline
from territories.pipeline.selectors import current_run

CATALOGUE = Path(settings.BASE_DIR) / "data" / "reference" / "indicators.json"


class Command(BaseCommand):
    help = (
        "Load a region's reference data (geography, code changes, INSEE indicators) from a "
        "folder holding a load.json spec, through the portal's import path, then recompute."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "folder", nargs="?", default=str(settings.BASE_DIR / "data" / "paysdelaloire")
        )
        parser.add_argument("--force", action="store_true", help="Load even if already loaded.")
        parser.add_argument("--no-recompute", action="store_true")
        parser.add_argument(
            "--accept-valid-rows",
            action="store_true",
            help="Import a file's valid rows even when some are refused (by default a file "
            "with a defect is refused whole, unless its entry in load.json says otherwise).",
        )

    def handle(self, folder, force=False, no_recompute=False, accept_valid_rows=False, **options):
        folder = Path(folder)
        spec_path = folder / "load.json"
        if not spec_path.exists():
            raise CommandError(f"{spec_path} not found")
        spec = json.loads(spec_path.read_text(encoding="utf-8"))
        if not force and Territory.objects.filter(level=Level.COMMUNE).exists() and current_run():
            self.stdout.write("Territories already loaded (use --force to load again).")
            return
        count = indicator_catalogue_load(path=CATALOGUE)
        self.stdout.write(f"Indicator catalogue: {count} indicators.")
        for item in spec["imports"]:
            options = json.loads(
                json.dumps(item["options"]).replace(
                    "{region_code}", str(spec.get("region_code", ""))
                )
            )
            options.setdefault("vintage", spec.get("vintage", 2026))
            options.setdefault("accept_valid_rows", accept_valid_rows)
            try:
                _import, _summary = services.data_import_from_path(
                    kind=item["kind"], path=folder / item["file"], options=options
                )
            except JobFailed as exc:
                raise CommandError(f"{item['file']}: {exc}") from exc
            _import.refresh_from_db()
            full = _import.report
            rejected = full.get("rejected", [])
            line = f"{item['file']}: {full.get('accepted')} rows imported, {len(rejected)} rejected"
            if full.get("remapped"):
                line += f", {len(full['remapped'])} codes mapped to the new geography"
            if full.get("repaired"):
                line += f", {len(full['repaired'])} geometries repaired"
            self.stdout.write(line)
            for row in rejected[:5]:
                self.stdout.write(f"    line {row['line']} ({row['code']}): {row['reason']}")
        if not no_recompute:
            run = pipeline.recompute_now(reason=f"load {folder.name}")
            self.stdout.write(
                f"Recompute #{run.pk}: {run.get_state_display()}, "
                f"{run.stats.get('values')} aggregates"
                f" in {run.duration.total_seconds():.1f} s."
            )
