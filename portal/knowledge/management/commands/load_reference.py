from django.core.management.base import BaseCommand, CommandError

from portal.knowledge.reference.services import reference_preconisations_load


class Command(BaseCommand):
    help = "Load the reference data the portal ships (the report's axes and préconisations)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Overwrite texts edited in the portal."
        )

    def handle(self, *args, force=False, **options):
        try:
            loaded = reference_preconisations_load(force=force)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Reference data: {loaded.axes} axes, {loaded.preconisations} préconisations."
        )
        if loaded.kept:
            numbers = ", ".join(str(number) for number in loaded.kept)
            self.stdout.write(f"Kept as edited in the portal (--force overwrites them): {numbers}.")
