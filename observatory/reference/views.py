from django.shortcuts import render

from observatory.reference.selectors import reference_lists


def profession_list(request):
    """The professions observed, with their ROME fiches, and the sectors and kinds of
    employer the returns are grouped by."""
    return render(request, "observatory/professions.html", reference_lists())
