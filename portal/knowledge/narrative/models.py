"""Narrative maps: a resource told as a sequence of steps over the map explorer."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NarrativeStep(models.Model):
    """A step of a narrative map: a text and a state of the map explorer (its permalink)."""

    resource = models.ForeignKey(
        "knowledge.Resource", on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text (Markdown)"))
    text_html = models.TextField(editable=False, blank=True)
    map_state = models.CharField(
        _("map"),
        max_length=500,
        help_text=_("The address of the map explorer showing this step (its permalink)."),
    )

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "position"], name="narrative_step_unique")
        ]

    def __str__(self):
        return f"{self.resource_id} #{self.position}"
