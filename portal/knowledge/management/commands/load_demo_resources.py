from django.core.management.base import BaseCommand

from portal.knowledge.resources.demo import demo_resources_load


class Command(BaseCommand):
    help = (
        "Load the demo resources of the knowledge base (the CESER report as a reference, "
        "three labelled demo resources, a few themes). Run load_reference and "
        "load_territories first to link préconisations and territories; safe to run again."
    )

    def handle(self, *args, **options):
        counts = demo_resources_load()
        self.stdout.write(
            "Demo resources: {resources} resources, {themes} themes, {steps} narrative steps "
            "({skipped_links} links skipped: préconisations, territories or indicators not "
            "loaded).".format(**counts)
        )
