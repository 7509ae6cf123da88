from django.core.management.base import BaseCommand

from portal.committees.demo import demo_committees_ensure


class Command(BaseCommand):
    help = (
        "Create or update the demo committees (one per département of the loaded région and a "
        "regional one), seat their people and write their threads (idempotent)."
    )

    def handle(self, *args, **options):
        committees, seats, threads = demo_committees_ensure()
        if not committees:
            self.stdout.write("No département loaded: run load_territories first.")
            return
        self.stdout.write(
            f"Demo committees: {len(committees)}, {seats} seats, {threads} new threads."
        )
