"""Writes of the catalogue: the indicators a catalogue file describes."""

import json
from pathlib import Path

from django.db import transaction

from territories.catalogue.models import Indicator


def indicator_catalogue_load(*, path):
    """Create or update the indicators described in a catalogue file (JSON)."""
    entries = json.loads(Path(path).read_text(encoding="utf-8"))["indicators"]
    with transaction.atomic():
        for entry in entries:
            fields = {
                k: v for k, v in entry.items() if k not in {"slug", "denominator", "numerator"}
            }
            Indicator.objects.update_or_create(slug=entry["slug"], defaults=fields)
        for entry in entries:
            links = {
                f"{role}_id": Indicator.objects.get(slug=entry[role]).pk
                if entry.get(role)
                else None
                for role in ("denominator", "numerator")
            }
            Indicator.objects.filter(slug=entry["slug"]).update(**links)
    return len(entries)
