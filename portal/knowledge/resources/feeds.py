"""Atom feeds of published public resources: all, per theme, per préconisation."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from portal.knowledge.models import Preconisation, Resource, Theme

FEED_SIZE = 30


class ResourcesFeed(Feed):
    feed_type = Atom1Feed
    title = _("Cohésion — knowledge base")
    subtitle = _("The latest resources published on the Cohésion portal.")

    def link(self):
        return reverse("knowledge:search")

    def resources(self, obj):
        # Feeds are read by anonymous clients: only public resources, whoever asks.
        return Resource.objects.readable_by(None).select_related("organisation")

    def items(self, obj=None):
        return self.resources(obj).order_by("-published_at", "pk")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.organisation.name if item.organisation else None


class ThemeFeed(ResourcesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Theme, slug=slug)

    def title(self, obj):
        return _("Cohésion — theme: %(name)s") % {"name": obj.name}

    def link(self, obj):
        return reverse("knowledge:search") + f"?theme={obj.slug}"

    def resources(self, obj):
        return super().resources(obj).filter(themes=obj)


class PreconisationFeed(ResourcesFeed):
    def get_object(self, request, number):
        return get_object_or_404(Preconisation, number=number)

    def title(self, obj):
        return _("Cohésion — préconisation %(number)s") % {"number": obj.number}

    def link(self, obj):
        return obj.get_absolute_url()

    def resources(self, obj):
        return super().resources(obj).filter(preconisations=obj)
