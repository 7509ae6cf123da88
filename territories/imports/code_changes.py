"""Import of commune codes that changed between two geography vintages (mergers, changes)."""

from django.db import transaction
from django.utils.translation import gettext as _

from territories.choices import Level
from territories.geography.models import CodeChange
from territories.imports.common import (
    ImportFailed,
    checked_options,
    normalize_code,
    read_for_import,
    require_columns,
)


def code_mapping(*, from_vintage, to_vintage):
    if from_vintage >= to_vintage:
        return {}
    return dict(
        CodeChange.objects.filter(from_vintage=from_vintage, to_vintage=to_vintage).values_list(
            "old_code", "new_code"
        )
    )


def code_changes_import(*, path, original_name, options, progress=None):
    options = checked_options(options)
    frame, _geometry, _notes = read_for_import(path, original_name)
    old, new = options.old_column, options.new_column
    require_columns(frame, [old, new])
    from_vintage, to_vintage = options.from_vintage, options.to_vintage
    if from_vintage is None or to_vintage is None:
        raise ImportFailed(_("Give the vintages the codes come from and go to."))
    pairs = {
        (normalize_code(a, Level.COMMUNE), normalize_code(b, Level.COMMUNE))
        for a, b in zip(frame[old], frame[new], strict=True)
        if str(a).strip() and str(b).strip()
    }
    with transaction.atomic():
        for old_code, new_code in pairs:
            CodeChange.objects.update_or_create(
                old_code=old_code,
                from_vintage=from_vintage,
                to_vintage=to_vintage,
                defaults={"new_code": new_code},
            )
    return {"rows": len(frame), "accepted": len(pairs), "rejected": []}
