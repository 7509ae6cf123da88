"""Import one file synchronously, with every option of the import form, and print its report.

Exits non-zero when the file is refused (nothing changed then)."""

from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from jobs.services import JobFailed
from territories.choices import ImportKind
from territories.imports import services
from territories.imports.forms import ImportForm


class Command(BaseCommand):
    help = "Import a file (values, geography or code changes) and print its report."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--kind", choices=ImportKind.values, default=ImportKind.VALUES)
        parser.add_argument("--level", default="commune")
        parser.add_argument("--code-column", required=True)
        parser.add_argument("--code-vintage", type=int, default=2026)
        parser.add_argument("--period", type=int)
        parser.add_argument(
            "--columns", default="", help='"COLUMN=indicator@year,COLUMN=indicator@year"'
        )
        for option in ("period", "indicator", "value", "name", "population", "departement", "epci"):
            parser.add_argument(f"--{option}-column", default="")
        parser.add_argument("--old-column", default="", help="code changes: the old codes")
        parser.add_argument("--new-column", default="", help="code changes: the new codes")
        parser.add_argument("--from-vintage", type=int, help="code changes: from this year")
        parser.add_argument("--to-vintage", type=int, help="code changes: to this year")
        parser.add_argument("--confirm-moves", action="store_true")
        parser.add_argument("--confirm-renames", action="store_true")
        parser.add_argument("--accept-valid-rows", action="store_true")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        data = {
            "kind": options["kind"],
            "level": options["level"],
            "code_column": options["code_column"],
            "code_vintage": options["code_vintage"],
            "period": options["period"] or "",
            "mapping": "\n".join(p for p in options["columns"].split(",") if p.strip()),
            "period_column": options["period_column"],
            "indicator_column": options["indicator_column"],
            "value_column": options["value_column"],
            "name_column": options["name_column"],
            "population_column": options["population_column"],
            "departement_column": options["departement_column"],
            "epci_column": options["epci_column"],
            "accept_valid_rows": options["accept_valid_rows"],
            "confirm_moves": options["confirm_moves"],
            "confirm_renames": options["confirm_renames"],
            "new_column": options["new_column"],
            "from_vintage": options["from_vintage"] or "",
            "to_vintage": options["to_vintage"] or "",
        }
        if options["kind"] == ImportKind.CODE_CHANGES and options["old_column"]:
            data["code_column"] = options["old_column"]
        with path.open("rb") as handle:
            form = ImportForm(data, {"file": File(handle, name=path.name)})
            if not form.is_valid():
                raise CommandError(
                    "; ".join(
                        f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()
                    )
                )
        chosen = form.options()
        data_import = services.data_import_record_path(
            kind=form.cleaned_data["kind"], path=path, options=chosen
        )
        try:
            services.data_import_run(import_id=data_import.pk)
        except JobFailed as exc:
            data_import.refresh_from_db()
            self._print_report(data_import.report, refused=True)
            raise CommandError(f"{path.name}: {exc}") from exc
        data_import.refresh_from_db()
        self._print_report(data_import.report)

    def _print_report(self, report, refused=False):
        write = self.stdout.write
        if refused:
            write("refused: nothing was imported")
        else:
            write(f"accepted: {report.get('accepted', 0)} of {report.get('rows', 0)} rows")
        for row in report.get("rejected", []):
            column = f" column {row['column']}" if row.get("column") else ""
            column += f" value {row['value']!r}" if row.get("value") else ""
            write(
                f"rejected: line {row.get('line')}{column} code {row.get('code')}: {row['reason']}"
            )
        for item in report.get("repaired", []):
            write(
                f"warning: repaired geometry, {item['line']} code {item.get('code')}: "
                f"{item['reason']}"
            )
        for item in report.get("remapped", []):
            write(f"warning: code {item['from']} (line {item['line']}) mapped to {item['to']}")
        for item in report.get("moved", []):
            write(f"warning: boundary of {item['code']} ({item['line']}) moved {item['km']} km")
        for item in report.get("renamed", []):
            write(f"warning: {item['code']} ({item['line']}) renamed from {item['from']}")
        for note in report.get("notes", []):
            write(f"note: {note}")
