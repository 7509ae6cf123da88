from django.shortcuts import render
from django.utils import timezone

from observatory.reference.selectors import current_campaign, reference_lists


def home(request):
    """The observatory's front page: what it is for, the campaign under way, and for each
    person the parts of it they act on (their returns, their establishments, campaigns)."""
    return render(
        request,
        "observatory/home.html",
        {"campaign": current_campaign(timezone.localdate())},
    )


def profession_list(request):
    """The professions observed, with their ROME fiches, and the sectors and kinds of
    employer the returns are grouped by."""
    return render(request, "observatory/professions.html", reference_lists())
