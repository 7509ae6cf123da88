from django.core.management.base import BaseCommand

from observatory.reference.services import reference_load


class Command(BaseCommand):
    help = "Load the observatory's professions, sectors, kinds of employer and coherence rules."

    def add_arguments(self, parser):
        parser.add_argument("--path", help="Another reference file in the same form.")

    def handle(self, *args, path=None, **options):
        counts = reference_load(path=path)
        self.stdout.write(
            "Observatory reference: {professions} professions, {sectors} sectors, "
            "{employer_kinds} kinds of employer, {coherence_rules} coherence rules.".format(
                **counts
            )
        )
