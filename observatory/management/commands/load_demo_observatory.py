from django.core.management.base import BaseCommand

from observatory.demo import (
    DEFAULT_SEED,
    DemoRefused,
    demo_observatory_load,
    demo_observatory_loaded,
    demo_observatory_remove,
)
from territories.pipeline.services import recompute_now


class Command(BaseCommand):
    help = (
        "Generate the observatory's demo data (données fictives de démonstration) from a fixed "
        "seed over the territories loaded: fictitious employers and establishments, three "
        "campaigns and their returns. Run load_territories and load_observatory_reference "
        "first. Safe to run again: nothing changes while the demo is there for this year's "
        "campaigns; only demo data is ever removed or replaced."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"Default: {DEFAULT_SEED}."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Remove the demo observatory data and generate it again.",
        )
        parser.add_argument(
            "--remove",
            action="store_true",
            help="Remove the demo observatory data (and nothing else), then stop.",
        )
        parser.add_argument(
            "--no-recompute",
            action="store_true",
            help="Do not recompute the indicators afterwards (the workforce indicators are "
            "computed from the validated returns by the recompute).",
        )

    def handle(self, *args, seed, reset=False, remove=False, no_recompute=False, **options):
        if remove:
            counts = demo_observatory_remove()
            self.stdout.write(
                "Demo observatory removed: {campaigns} campaigns, {establishments} "
                "establishments, {organisations} organisations, {returns} returns.".format(**counts)
            )
            self._recompute(no_recompute)
            return
        if not reset and demo_observatory_loaded():
            self.stdout.write(
                "Demo observatory already loaded: nothing changed (--reset generates it again)."
            )
            return
        try:
            counts = demo_observatory_load(seed=seed)
        except DemoRefused as refusal:
            # `make run` goes on without the demo rather than stopping on it.
            self.stderr.write(f"Demo observatory not loaded: {refusal}")
            return
        self.stdout.write(
            "Demo observatory (seed {seed}): {organisations} organisations, {establishments} "
            "establishments in {seconds} s.".format(seed=seed, **counts)
        )
        for year, statuses in counts["returns"].items():
            detail = ", ".join(f"{status} {n}" for status, n in statuses.items())
            self.stdout.write(f"  Campaign {year}: {sum(statuses.values())} returns ({detail}).")
        self._recompute(no_recompute)

    def _recompute(self, skipped):
        if skipped:
            return
        run = recompute_now(reason="load_demo_observatory")
        self.stdout.write(f"Recompute #{run.pk}: {run.get_state_display()}.")
