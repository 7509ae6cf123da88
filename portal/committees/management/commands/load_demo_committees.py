from django.core.management.base import BaseCommand

from portal.committees.demo import demo_committees_ensure


class Command(BaseCommand):
    help = "Create or update the demo committee and seat the demo accounts (idempotent)."

    def handle(self, *args, **options):
        committee, seated = demo_committees_ensure()
        self.stdout.write(f"Demo committee: {committee.name}, {seated} members.")
