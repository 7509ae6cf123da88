"""The secrecy audit of the published recompute, for the portal's administrators."""

from django.shortcuts import render

from observatory.campaigns.views import administrators_only
from observatory.secrecy.selectors import published_audits


@administrators_only
def audit_detail(request):
    """For every year, the cells masked and, for each, the interval an attacker can narrow
    it to from everything published, against the margin it must keep."""
    run, audits = published_audits()
    return render(request, "observatory/secrecy/audit.html", {"run": run, "audits": audits})
