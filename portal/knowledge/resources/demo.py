"""Demo content of the knowledge base (clearly labelled, `is_demo=True`)."""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from portal.knowledge.choices import ResourceStatus, Visibility
from portal.knowledge.markdown import markdown_to_html
from portal.knowledge.models import NarrativeStep, Preconisation, Resource, Theme
from portal.knowledge.resources.audiences import committee_audience
from portal.knowledge.search.services import refresh_search_text
from territories.models import Indicator, Territory

DEMO_FILE = Path(settings.BASE_DIR) / "data" / "reference" / "demo_resources.json"


def demo_resources_load(*, path=DEMO_FILE):
    """Create or update the demo themes and resources, by slug; run it as often as you like.

    Territories, indicators and préconisations that are not loaded are skipped; so is a
    resource shared with a committee that does not exist (load_demo_committees)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    counts = {"themes": 0, "resources": 0, "steps": 0, "skipped_links": 0, "skipped": 0}
    with transaction.atomic():
        themes = {}
        for item in data["themes"]:
            themes[item["slug"]], _ = Theme.objects.update_or_create(
                slug=item["slug"], defaults={"name": item["name"]}
            )
            counts["themes"] += 1
        for item in data["resources"]:
            committee = None
            if item.get("committee"):
                committee = committee_audience().find(item["committee"])
                if committee is None:
                    counts["skipped"] += 1
                    continue
            published_at = parse_datetime(item["published_at"])
            resource, _ = Resource.objects.update_or_create(
                slug=item["slug"],
                defaults={
                    "kind": item["kind"],
                    "title": item["title"],
                    "summary": item["summary"],
                    "body": item["body"],
                    "body_html": markdown_to_html(item["body"]),
                    "external_url": item.get("external_url", ""),
                    "status": ResourceStatus.PUBLISHED,
                    "visibility": Visibility.COMMITTEE if committee else Visibility.PUBLIC,
                    "committee": committee,
                    "published_at": published_at,
                    "created_at": published_at,
                    "updated_at": timezone.now(),
                    "is_demo": True,
                },
            )
            resource.themes.set([themes[slug] for slug in item.get("themes", [])])
            numbers = item.get("preconisations", [])
            preconisations = list(Preconisation.objects.filter(number__in=numbers))
            resource.preconisations.set(preconisations)
            territories = []
            for ref in item.get("territories", []):
                found = Territory.objects.filter(level=ref["level"], code=ref["code"]).first()
                if found:
                    territories.append(found)
            resource.territories.set(territories)
            slugs = item.get("indicators", [])
            indicators = list(Indicator.objects.filter(slug__in=slugs))
            resource.indicators.set(indicators)
            counts["skipped_links"] += (
                len(numbers)
                - len(preconisations)
                + len(item.get("territories", []))
                - len(territories)
                + len(slugs)
                - len(indicators)
            )
            steps = item.get("steps", [])
            resource.steps.exclude(position__in=range(1, len(steps) + 1)).delete()
            for position, step in enumerate(steps, start=1):
                NarrativeStep.objects.update_or_create(
                    resource=resource,
                    position=position,
                    defaults={
                        "title": step["title"],
                        "text": step["text"],
                        "text_html": markdown_to_html(step["text"]),
                        "map_state": step["map_state"],
                    },
                )
                counts["steps"] += 1
            refresh_search_text(resource=resource)
            counts["resources"] += 1
    return counts
