"""Writes for the knowledge base."""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from portal.knowledge.models import Axis, Preconisation

REFERENCE_FILE = Path(settings.BASE_DIR) / "data" / "reference" / "preconisations.json"


def reference_preconisations_load(*, path=REFERENCE_FILE, force=False):
    """Load the report's axes and préconisations.

    Missing entries are created; existing ones are left as curators edited them, unless
    `force` asks to write the shipped texts again. Running it twice duplicates nothing.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))

    def write(model, number, defaults):
        if force:
            return model.objects.update_or_create(number=number, defaults=defaults)
        return model.objects.get_or_create(number=number, defaults=defaults)

    with transaction.atomic():
        axes = {}
        for item in data["axes"]:
            axes[item["number"]], _ = write(
                Axis,
                number=item["number"],
                defaults={"title": item["title"], "description": item["description"]},
            )
        for item in data["preconisations"]:
            write(
                Preconisation,
                number=item["number"],
                defaults={
                    "axis": axes[item["axis"]],
                    "title": item["title"],
                    "summary": item["summary"],
                    "portal_answer": item["portal_answer"],
                },
            )
    return len(data["axes"]), len(data["preconisations"])
