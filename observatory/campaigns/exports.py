"""The list of establishments to remind, as a CSV for French spreadsheets: UTF-8 with a BOM
(so that accents open right), `;` between cells, a header line, spreadsheet formulas
neutralised. Rows of demonstration data say so in the last column, « Remarque »."""

import csv
import io

from django.utils import timezone
from django.utils.translation import gettext as _

from territories.catalogue.exports import csv_safe


def reminders_filename(campaign):
    return f"observatoire-{campaign.year}-a-relancer.csv"


def is_demo(campaign, return_obj):
    establishment = return_obj.establishment
    return (
        campaign.is_demo
        or return_obj.is_demo
        or establishment.is_demo
        or establishment.organisation.is_demo
    )


def reminders_csv(*, campaign, returns, contacts):
    """`returns`: the returns to remind (selectors.returns_to_remind); `contacts`:
    {organisation id: [e-mail addresses]}. Returns the file's bytes."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            _("Establishment"),
            _("SIRET"),
            _("Organisation"),
            _("Commune"),
            _("Commune code"),
            _("Département"),
            _("EPCI"),
            _("Status"),
            _("Last change"),
            _("E-mail addresses to contact"),
            _("Remark"),
        ]
    )
    demo_note = _("fictitious demonstration data")
    for return_obj in returns:
        establishment = return_obj.establishment
        commune = establishment.commune
        writer.writerow(
            csv_safe(value)
            for value in (
                establishment.name,
                establishment.siret,
                establishment.organisation.name,
                commune.name,
                commune.code,
                commune.departement.name if commune.departement else "",
                commune.epci.name if commune.epci else "",
                str(return_obj.get_status_display()),
                timezone.localtime(return_obj.updated_at).strftime("%d/%m/%Y %H:%M"),
                ", ".join(contacts.get(establishment.organisation_id, [])),
                demo_note if is_demo(campaign, return_obj) else "",
            )
        )
    return buffer.getvalue().encode("utf-8")
