"""The observatory's front page, its dashboard first for everyone, and the dashboard's
exports. Nothing is computed here but the page's arrangement of the published values."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from observatory.campaigns.models import Campaign
from observatory.dashboard import exports, figures, maps, selectors
from observatory.dashboard.forms import choice_from
from observatory.dashboard.selectors import TENSION
from observatory.indicators.definitions import TENSION_COMPONENTS
from observatory.reference.selectors import current_campaign
from portal.accounts.models import Organisation


def home_audience(request):
    """The front page is kept for the readers who act for the same organisations and alike
    may validate returns and manage campaigns (portal.pagecache): its parts on returns,
    establishments and campaigns depend on nothing else; the dashboard on no one."""
    user = request.user
    organisations = Organisation.objects.filter(memberships__user=user).order_by("pk")
    return "organisations={};validate={};manage={}".format(
        ",".join(str(pk) for pk in organisations.values_list("pk", flat=True)),
        user.has_perm("observatory.validate_return"),
        user.has_perm("observatory.manage_campaigns"),
    )


@require_safe
def home(request):
    """The observatory's front page: the public dashboard, then what the observatory is for,
    the campaign under way, and for each person the parts of it they act on (their returns,
    their establishments, campaigns)."""
    data = selectors.regional()
    published = bool(data and data["years"])
    today = timezone.localdate()
    choice = (
        choice_from(request.GET, data, default_year=closed_year(data["years"], today))
        if published
        else None
    )
    context = {
        "campaign": current_campaign(today),
        "dashboard": choice,
        "dashboard_form": choice.form(data) if choice else None,
        "demo": published and data["is_demo"],
    }
    if choice is not None:
        # The same for every reader: computed only when the kept fragment misses.
        context["kept_context"] = lambda: dashboard_context(data, choice)
    return render(request, "observatory/home.html", context)


def closed_year(years, today):
    """The latest published year whose campaign is closed: a campaign under way has only
    part of its returns validated, so the dashboard opens on the last complete one."""
    return (
        Campaign.objects.filter(year__in=years, closes_on__lt=today)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )


def dashboard_context(data, choice):
    """What the dashboard's kept fragment draws for this choice: the région's table and
    trends, the two maps with their legends and table, the most tense."""
    found = selectors.local(data, year=choice.year, profession=choice.profession)
    columns = figures.columns(data)
    by_measure = {c["measure"]: c for c in columns}
    poverty = figures.poverty_column(data, found)
    rows = figures.epci_rows(data, found)
    tension = by_measure[TENSION]
    tension_info = data["indicators"].get((TENSION, choice.profession))
    profession = figures.profession_name(data, choice.profession)
    labels = {
        row["code"]: _("%(territory)s — %(first)s: %(first_value)s; %(second)s: %(second_value)s")
        % {
            "territory": row["name"],
            "first": tension["label"],
            "first_value": maps.value_text(row["tension"], tension["decimals"]),
            "second": poverty["name"],
            "second_value": maps.value_text(row["poverty"], poverty["decimals"], poverty["unit"]),
        }
        for row in rows
    }
    paths, height = maps.boundaries()
    codes = sorted(set(paths) | set(found["names"]))
    drawn = []
    for key, info, cells, bounds, decimals, title in (
        (
            "tension",
            tension_info,
            {row["code"]: row["tension"] for row in rows},
            found["bounds"]["tension"],
            tension["decimals"],
            _("%(measure)s, %(profession)s, %(year)s")
            % {"measure": tension["name"], "profession": profession, "year": choice.year},
        ),
        (
            "poverty",
            poverty["info"],
            {row["code"]: row["poverty"] for row in rows},
            found["bounds"]["poverty"],
            poverty["decimals"],
            f"{poverty['name']}, {poverty['period'] or _('not available')}",
        ),
    ):
        colours = maps.palette(info.polarity if info else "higher_worse", len(bounds))
        drawn.append(
            {
                "key": key,
                "title": title,
                "info": info,
                "paths": maps.paths_svg(
                    paths, cells=cells, bounds=bounds, colours=colours, labels=labels
                )
                if paths
                else "",
                "legend": maps.legend(cells, codes, bounds, colours, decimals),
                "layer_url": _explorer_url(info, found, choice, key),
            }
        )
    components = [by_measure[m] for m in TENSION_COMPONENTS]
    query = urlencode(choice.query())
    return {
        "columns": columns,
        "region": data["region"],
        "region_rows": _paired(figures.region_rows(data, choice.year), columns),
        "trends": figures.trends(data, choice.trend),
        "trend_column": by_measure[choice.trend],
        "profession_name": profession,
        "maps": drawn,
        "map_width": maps.WIDTH,
        "map_height": height,
        "epci_rows": rows,
        "tension_column": tension,
        "poverty_column": poverty,
        "top_rows": _paired(figures.top_rows(data, found), components, key="components"),
        "component_columns": components,
        "csv_url": f"{reverse('observatory:dashboard_export', args=['csv'])}?{query}",
        "csv_fr_url": f"{reverse('observatory:dashboard_export', args=['csv-fr'])}?{query}",
        "xlsx_url": f"{reverse('observatory:dashboard_export', args=['xlsx'])}?{query}",
        "run_id": data["run_id"],
    }


def _paired(rows, columns, key="cells"):
    """The rows, each cell beside the decimals of its column (for the template)."""
    for row in rows:
        row["pairs"] = [(c, col["decimals"]) for c, col in zip(row[key], columns, strict=True)]
    return rows


def _explorer_url(info, found, choice, key):
    """The same map in the explorer, where it can be classed otherwise and exported."""
    if info is None:
        return ""
    period = choice.year if key == "tension" else found["poverty"]["period"]
    if period is None:
        return ""
    params = {"indicateur": info.slug, "niveau": "epci", "periode": period}
    return f"{reverse('territories:explorer')}?{urlencode(params)}"


@require_safe
def export(request, fmt):
    """The dashboard's figures for the chosen year and profession: CSV (international or for
    French spreadsheets) or XLSX."""
    if fmt not in exports.FORMATS:
        return _plain(_("Unknown export format: choose csv, csv-fr or xlsx."), status=404)
    data = selectors.regional()
    if not (data and data["years"]):
        return _plain(_("No workforce figures are published yet."), status=404)
    choice = choice_from(request.GET, data)
    if choice.problems:
        return _plain("\n".join(choice.problems), status=400)
    found = selectors.local(data, year=choice.year, profession=choice.profession)
    if fmt in ("csv", "csv-fr"):
        content = exports.csv_bytes(data, found, choice, french=fmt == "csv-fr")
        content_type = exports.CSV_TYPE
    else:
        content, content_type = exports.xlsx_bytes(data, found, choice), exports.XLSX_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(choice, fmt)}"'
    return response


def _plain(text, *, status):
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
