"""Writes for the knowledge base."""

import hashlib
import json
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.db import transaction

from portal.knowledge.choices import PreconisationKind
from portal.knowledge.models import Axis, Preconisation

REFERENCE_FILE = Path(settings.BASE_DIR) / "data" / "reference" / "preconisations.json"
# What the loader writes of a préconisation; the digest covers exactly these.
SHIPPED_FIELDS = ("axis", "title", "kind", "summary", "portal_answer", "indicator_slugs")
REQUIRED_FIELDS = ("title", "kind", "summary", "portal_answer")


class ReferenceLoad(NamedTuple):
    axes: int
    preconisations: int
    kept: list  # numbers of the préconisations left as edited in the portal


def preconisation_digest(values):
    """The digest of a préconisation's shipped fields (`values` maps SHIPPED_FIELDS, the axis
    by its number). Migration 0006 holds a frozen copy: change both or neither."""
    text = json.dumps({name: values[name] for name in SHIPPED_FIELDS}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _current_values(preconisation):
    values = {name: getattr(preconisation, name) for name in SHIPPED_FIELDS if name != "axis"}
    return {**values, "axis": preconisation.axis.number}


def _shipped_values(item, axis_numbers):
    """An entry of the reference file, checked: a préconisation the portal shows always has
    a title, an axis, a kind, a description and what the portal does for it."""
    values = {
        "axis": item.get("axis"),
        "title": (item.get("title") or "").strip(),
        "kind": item.get("kind"),
        "summary": (item.get("summary") or "").strip(),
        "portal_answer": (item.get("portal_answer") or "").strip(),
        "indicator_slugs": list(item.get("indicators", [])),
    }
    problems = [name for name in REQUIRED_FIELDS if name != "kind" and not values[name]]
    if values["axis"] not in axis_numbers:
        problems.append("axis")
    if values["kind"] not in PreconisationKind.values:
        problems.append("kind")
    if problems:
        raise ValueError(f"Préconisation {item.get('number')}: missing or wrong {problems}.")
    return values


def reference_preconisations_load(*, path=REFERENCE_FILE, force=False):
    """Load the report's axes and préconisations.

    Missing entries are created. An existing préconisation takes the shipped texts again
    unless it was edited in the portal since the last load (its fields no longer match the
    digest of what the loader wrote): then only a required field left empty is filled, and
    `force` overwrites it all. Axes are created once, written again only with `force`.
    Running it twice changes nothing the second time.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    axis_numbers = {item["number"] for item in data["axes"]}
    entries = {
        item["number"]: _shipped_values(item, axis_numbers) for item in data["preconisations"]
    }
    kept = []
    with transaction.atomic():
        axes = {}
        for item in data["axes"]:
            defaults = {"title": item["title"], "description": item["description"]}
            if force:
                axes[item["number"]], _ = Axis.objects.update_or_create(
                    number=item["number"], defaults=defaults
                )
            else:
                axes[item["number"]], _ = Axis.objects.get_or_create(
                    number=item["number"], defaults=defaults
                )
        existing = Preconisation.objects.select_related("axis").in_bulk(
            entries, field_name="number"
        )
        for number, values in entries.items():
            fields = {**values, "axis": axes[values["axis"]]}
            digest = preconisation_digest(values)
            row = existing.get(number)
            if row is None:
                Preconisation.objects.create(number=number, shipped_digest=digest, **fields)
                continue
            current = preconisation_digest(_current_values(row))
            if current == digest:
                if row.shipped_digest != digest:
                    row.shipped_digest = digest
                    row.save(update_fields=["shipped_digest"])
                continue
            if not force and current != row.shipped_digest:
                kept.append(number)
                # Edited, but a required field is still empty (added since): fill it alone.
                missing = [name for name in REQUIRED_FIELDS if not getattr(row, name)]
                for name in missing:
                    setattr(row, name, values[name])
                if missing:
                    row.save(update_fields=missing)
                continue
            for name, value in fields.items():
                setattr(row, name, value)
            row.shipped_digest = digest
            row.save(update_fields=[*fields, "shipped_digest"])
    return ReferenceLoad(len(data["axes"]), len(entries), kept)
