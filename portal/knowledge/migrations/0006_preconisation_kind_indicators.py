"""A préconisation's kind (état des lieux, action or both), the catalogue indicators that bear
on it, and the digest of what load_reference last wrote, so that a later load can give an
existing database new texts without overwriting what curators edited.

The préconisations already in a database were written by the loader, which created them and
never touched them again: they get the digest of their present fields, so that the next load
updates them, except those changed in the administration (a change in its log), which stay
as edited (`load_reference --force` overwrites them).
"""

import hashlib
import json

from django.db import migrations, models

import portal.knowledge.reference.models

# Frozen copy of portal.knowledge.reference.services.preconisation_digest.
SHIPPED_FIELDS = ("axis", "title", "kind", "summary", "portal_answer", "indicator_slugs")
ADMIN_CHANGE = 2


def digest(values):
    text = json.dumps({name: values[name] for name in SHIPPED_FIELDS}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def forwards(apps, schema_editor):
    Preconisation = apps.get_model("knowledge", "Preconisation")
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("admin", "LogEntry")
    edited = set(
        LogEntry.objects.filter(
            content_type__in=ContentType.objects.filter(
                app_label="knowledge", model="preconisation"
            ),
            action_flag=ADMIN_CHANGE,
        ).values_list("object_id", flat=True)
    )
    for row in Preconisation.objects.select_related("axis"):
        if str(row.pk) in edited:
            continue
        values = {name: getattr(row, name) for name in SHIPPED_FIELDS if name != "axis"}
        row.shipped_digest = digest({**values, "axis": row.axis.number})
        row.save(update_fields=["shipped_digest"])


class Migration(migrations.Migration):

    dependencies = [
        ('knowledge', '0005_resource_search_vector'),
        ('admin', '0003_logentry_add_action_flag_choices'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.AddField(
            model_name='preconisation',
            name='indicator_slugs',
            field=models.JSONField(blank=True, default=list, help_text='Identifiers of catalogue indicators, such as taux-pauvrete.', validators=[portal.knowledge.reference.models.validate_slug_list], verbose_name='indicators that bear on it'),
        ),
        migrations.AddField(
            model_name='preconisation',
            name='kind',
            field=models.CharField(choices=[('assessment', 'State of knowledge'), ('action', 'Action'), ('assessment_and_action', 'State of knowledge and action')], default='', max_length=24, verbose_name='kind'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='preconisation',
            name='shipped_digest',
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name='preconisation',
            name='portal_answer',
            field=models.TextField(verbose_name='what the portal does for it'),
        ),
        migrations.AlterField(
            model_name='preconisation',
            name='summary',
            field=models.TextField(verbose_name='summary'),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
