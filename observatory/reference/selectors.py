from observatory.campaigns.models import Campaign
from observatory.reference.models import EmployerKind, Profession, Sector


def reference_lists():
    """The professions, sectors and kinds of employer, in their shipped order."""
    return {
        "professions": list(Profession.objects.all()),
        "sectors": list(Sector.objects.all()),
        "employer_kinds": list(EmployerKind.objects.all()),
    }


def current_campaign(day):
    """The campaign open on `day`, else the latest one (or None)."""
    return Campaign.objects.open_on(day).first() or Campaign.objects.first()
