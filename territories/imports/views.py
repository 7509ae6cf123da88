"""Pages of imports (analysts only): the list, the upload form, an import's report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from territories.catalogue.selectors import indicator_catalogue
from territories.imports import services
from territories.imports.forms import ImportForm
from territories.imports.models import DataImport
from territories.rules import require


@login_required
def import_list(request):
    require(request, "territories.import_data")
    imports = DataImport.objects.select_related("created_by", "job")[:100]
    return render(request, "territories/import_list.html", {"imports": imports})


@login_required
def import_create(request):
    require(request, "territories.import_data")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data_import = services.data_import_create(
            kind=form.cleaned_data["kind"],
            uploaded=form.cleaned_data["file"],
            options=form.options(),
            user=request.user,
        )
        messages.success(request, _("The file was received; the import runs in the background."))
        return redirect(data_import)
    return render(
        request,
        "territories/import_form.html",
        {"form": form, "indicators": indicator_catalogue()},
    )


@login_required
def import_detail(request, pk):
    require(request, "territories.import_data")
    data_import = get_object_or_404(DataImport.objects.select_related("job", "created_by"), pk=pk)
    return render(request, "territories/import_detail.html", {"import": data_import})
