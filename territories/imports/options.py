"""The options of an import, typed and checked once: what the form, `manage.py import_file`
and the region loader hand to the import. DataImport keeps them as JSON (`as_dict`), so an
old import still displays and reads back with `from_dict`."""

import dataclasses

from django.utils.translation import gettext as _

from territories.choices import Level

DEFAULT_VINTAGE = 2026


@dataclasses.dataclass(frozen=True)
class ColumnMapping:
    """One column of a wide file: its values are `indicator` at `period`."""

    column: str
    indicator: str
    period: int | None = None


@dataclasses.dataclass(frozen=True)
class ImportOptions:
    level: str = Level.COMMUNE
    code_column: str = ""
    vintage: int = DEFAULT_VINTAGE
    code_vintage: int | None = None
    period: int | None = None
    columns: tuple[ColumnMapping, ...] = ()
    derived: tuple[tuple[str, str], ...] = ()
    # long (tidy) layout
    period_column: str = ""
    indicator_column: str = ""
    value_column: str = ""
    # geography
    name_column: str = ""
    siren_column: str = ""
    kind_column: str = ""
    postal_codes_column: str = ""
    former_codes_column: str = ""
    population_column: str = ""
    population_total_column: str = ""
    departement_column: str = ""
    epci_column: str = ""
    area_column: str = ""
    region_code: str = ""
    geometry_only: bool = False
    confirm_moves: bool = False
    confirm_renames: bool = False
    # code changes
    old_column: str = ""
    new_column: str = ""
    from_vintage: int | None = None
    to_vintage: int | None = None
    # all or nothing unless the analyst explicitly chose otherwise
    accept_valid_rows: bool = False

    @classmethod
    def from_dict(cls, data):
        """Options checked once; an ImportOptions is returned as is. Raises ValueError with a
        French message naming the option that is wrong. Unknown keys (an older version's
        options, e.g. `strict`) are ignored."""
        if isinstance(data, cls):
            return data
        fields = {field.name: field for field in dataclasses.fields(cls)}
        values = {}
        for name, raw in (data or {}).items():
            if name not in fields or raw is None or raw == "":
                continue
            try:
                values[name] = _coerce(name, fields[name].type, raw)
            except (TypeError, ValueError, KeyError) as exc:
                raise ValueError(
                    _("Invalid import option %(name)s: %(value)s")
                    % {"name": name, "value": str(raw)[:80]}
                ) from exc
        options = cls(**values)
        if options.level not in Level.values:
            raise ValueError(_("Choose the level of the territories in the file."))
        return options

    def as_dict(self):
        data = dataclasses.asdict(self)
        data["derived"] = dict(self.derived)
        return data

    @property
    def codes_vintage(self):
        return self.code_vintage or self.vintage

    @property
    def derived_formulas(self):
        return dict(self.derived)


def _coerce(name, kind, raw):
    if name == "columns":
        return tuple(
            ColumnMapping(
                column=str(item["column"]),
                indicator=str(item["indicator"]),
                period=int(item["period"]) if item.get("period") else None,
            )
            for item in raw
        )
    if name == "derived":
        items = raw.items() if isinstance(raw, dict) else raw
        return tuple((str(key), str(value)) for key, value in items)
    if kind is bool or kind == "bool":
        if not isinstance(raw, bool):
            raise TypeError(name)
        return raw
    if "int" in str(kind):
        return int(raw)
    return str(raw).strip()
