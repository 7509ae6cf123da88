from django.core.management.base import BaseCommand

from portal.knowledge.reference.services import reference_preconisations_load


class Command(BaseCommand):
    help = "Load the reference data the portal ships (the report's axes and préconisations)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Overwrite texts edited in the portal."
        )

    def handle(self, *args, force=False, **options):
        axes, preconisations = reference_preconisations_load(force=force)
        self.stdout.write(f"Reference data: {axes} axes, {preconisations} préconisations.")
