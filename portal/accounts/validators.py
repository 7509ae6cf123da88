import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siret

RNA_PATTERN = re.compile(r"^W[0-9][0-9AB][0-9]{7}$")


def validate_siret(value):
    if not siret.is_valid(value):
        raise ValidationError(
            _("%(value)s is not a valid SIRET number (14 digits with a valid check digit)."),
            params={"value": value},
            code="invalid_siret",
        )


def validate_rna(value):
    if not RNA_PATTERN.match(value):
        raise ValidationError(
            _("%(value)s is not a valid RNA number (W followed by 9 characters)."),
            params={"value": value},
            code="invalid_rna",
        )
