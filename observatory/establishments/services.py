"""Writes about employers' establishments: an organisation's admin declares them and keeps
them up to date (closing one keeps its returns and stops its invitations)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.fr import siret as stdnum_siret

from observatory.establishments.models import Establishment
from portal.accounts.validators import validate_siret

FIELDS = ("name", "siret", "commune", "sector", "employer_kind")


def _siret_taken_error():
    # Says nothing of whose it is: the other establishment may belong to another employer.
    return ValidationError(
        {
            "siret": _(
                "Another establishment is already declared with this SIRET. If it is one of "
                "your organisation's, edit it rather than declaring it again; otherwise, "
                "write to the portal's administrators."
            )
        },
        code="siret_taken",
    )


def _check(*, user, organisation, siret, exclude_pk=None, closed_on=None):
    """The checks every write makes, whoever calls it (a view, the API, a command)."""
    if not user.has_perm("observatory.manage_establishments", organisation):
        raise PermissionDenied(_("Only the organisation's admins manage its establishments."))
    siret = stdnum_siret.compact(siret or "")
    try:
        validate_siret(siret)
    except ValidationError as exc:
        raise ValidationError({"siret": exc.messages}, code="invalid_siret") from exc
    if Establishment.objects.filter(siret=siret).exclude(pk=exclude_pk).exists():
        raise _siret_taken_error()
    if closed_on is not None and closed_on > timezone.localdate():
        raise ValidationError(
            {"closed_on": _("The closing date cannot be in the future.")}, code="closed_later"
        )
    return siret


def _save(establishment, **kwargs):
    try:
        with transaction.atomic():
            establishment.save(**kwargs)
    except IntegrityError as exc:
        # Another declaration with the same SIRET committed between the check and the save.
        raise _siret_taken_error() from exc
    return establishment


def establishment_create(*, organisation, user, name, siret, commune, sector, employer_kind):
    """Declare one of the organisation's establishments; `user` must manage them."""
    siret = _check(user=user, organisation=organisation, siret=siret)
    establishment = Establishment(
        organisation=organisation,
        name=name.strip(),
        siret=siret,
        commune=commune,
        sector=sector,
        employer_kind=employer_kind,
        # A fictitious organisation's establishments are fictitious too, and pages say so.
        is_demo=organisation.is_demo,
    )
    return _save(establishment)


def establishment_update(
    *, establishment, user, name, siret, commune, sector, employer_kind, closed_on=None
):
    """Correct an establishment or record its closing (`closed_on`; None reopens it).

    A closed establishment keeps its returns and its history; campaigns no longer invite it."""
    siret = _check(
        user=user,
        organisation=establishment.organisation,
        siret=siret,
        exclude_pk=establishment.pk,
        closed_on=closed_on,
    )
    establishment.name = name.strip()
    establishment.siret = siret
    establishment.commune = commune
    establishment.sector = sector
    establishment.employer_kind = employer_kind
    establishment.closed_on = closed_on
    return _save(establishment, update_fields=[*FIELDS, "closed_on", "updated_at"])
