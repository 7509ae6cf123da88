"""Loading the observatory's reference lists from the data the project ships."""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from observatory.reference.models import CoherenceRule, EmployerKind, Profession, Sector


def default_path():
    return Path(settings.BASE_DIR) / "data" / "reference" / "observatory.json"


@transaction.atomic
def reference_load(*, path=None):
    """Create or update the professions, sectors, kinds of employer and coherence rules by
    their code; entries no longer in the file are left alone (returns may point to them).
    Returns the number of entries of each list."""
    document = json.loads(Path(path or default_path()).read_text(encoding="utf-8"))
    version = document["rome_version"]
    counts = {}
    for position, entry in enumerate(document["professions"]):
        Profession.objects.update_or_create(
            code=entry["code"],
            defaults={**_without_code(entry), "rome_version": version, "position": position},
        )
    counts["professions"] = len(document["professions"])
    for model, key in ((Sector, "sectors"), (EmployerKind, "employer_kinds")):
        for position, entry in enumerate(document[key]):
            model.objects.update_or_create(
                code=entry["code"], defaults={**_without_code(entry), "position": position}
            )
        counts[key] = len(document[key])
    for position, entry in enumerate(document["coherence_rules"]):
        CoherenceRule.objects.update_or_create(
            code=entry["code"], defaults={**_without_code(entry), "position": position}
        )
    counts["coherence_rules"] = len(document["coherence_rules"])
    return counts


def _without_code(entry):
    return {key: value for key, value in entry.items() if key != "code"}
