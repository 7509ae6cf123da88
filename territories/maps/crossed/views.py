"""The crossed indicators' page and its exports; values come from the stored layers."""

import json

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from territories.analyses import selectors as analyses
from territories.analyses.models import Typology
from territories.catalogue import exports
from territories.catalogue.models import Indicator
from territories.choices import Level, value_status_label
from territories.geography.models import fold
from territories.maps import explorer
from territories.maps.crossed import drawing, rendering
from territories.maps.crossed.forms import CrossedForm
from territories.maps.crossed.selectors import (
    BIVARIATE_COLOURS,
    CATEGORY_COLOURS,
    crossed,
    group_colours,
)
from territories.maps.models import LayerGeometry

GREY = "#bdbdbd"
MISSING_FILL = "url(#crossed-missing)"  # hatched, so that it is told apart from any class


def _form(params):
    catalogue = {i["slug"]: i for i in explorer.options()["indicators"]}
    return CrossedForm(params, catalogue=catalogue, typologies=Typology.objects.order_by("name"))


def _colours(result, form):
    """Each point's colour, and the legend of those colours: département, bivariate class or
    a typology's class (territories it does not class are grey)."""
    choice, typology = form.cleaned_data["couleur"], form.cleaned_data.get("typology")
    if choice == "bivarie":
        return {p.code: p.colour for p in result.points}, []
    if typology is not None:
        typology_result = analyses.typology_result(typology=typology)
        classes = analyses.typology_codes(result=typology_result)
        labels = {
            c["number"]: c["label"] or _("Class %(number)s") % {"number": c["number"]}
            for c in analyses.typology_classes(typology=typology, result=typology_result)
        }
        palette = {n: CATEGORY_COLOURS[(n - 1) % len(CATEGORY_COLOURS)] for n in labels}
        colours = {p.code: palette.get(classes.get(p.code), GREY) for p in result.points}
        return colours, [(labels[n], palette[n]) for n in sorted(labels)]
    groups = group_colours(result.points)
    legend = [
        (_("Département %(code)s") % {"code": g or "—"}, c) for g, c in sorted(groups.items())
    ]
    return {p.code: groups[p.group] for p in result.points}, legend


def _result(form):
    data = form.cleaned_data
    indicators = Indicator.objects.in_bulk([data["x"], data["y"]], field_name="slug")
    result = crossed(
        x=indicators[data["x"]],
        y=indicators[data["y"]],
        level=data["niveau"],
        period_x=data["periode_x"],
        period_y=data["periode_y"],
    )
    if result is None:
        form.add_error(None, _("This pair of maps does not exist in the published figures."))
    elif not result.enough:
        form.add_error(
            None,
            _(
                "Too few territories have both values (%(n)s) to cross them: "
                "choose another level or other periods."
            )
            % {"n": result.n},
        )
    return result


def correlation_words(r):
    if r is None:
        return _("no correlation can be computed: one of the indicators is constant")
    strength = abs(r)
    if strength < 0.1:
        return _("no linear relation")
    sign = _("positive") if r > 0 else _("negative")
    if strength < 0.3:
        return _("a weak %(sign)s relation") % {"sign": sign}
    if strength < 0.5:
        return _("a moderate %(sign)s relation") % {"sign": sign}
    return _("a strong %(sign)s relation") % {"sign": sign}


def _find(items, query):
    """The item (code, name, …) a person means by a name or a code: the code, the exact name,
    a name starting so, then a name holding those words (« laval » finds « CA Laval
    Agglomération »)."""
    if not query:
        return None
    code, key = query.strip(), fold(query)
    tests = (
        lambda item, name: item[0] == code or name == key,
        lambda item, name: name.startswith(key),
        lambda item, name: f" {key}" in f" {name}",
    )
    folded = [(item, fold(item[1])) for item in items]
    for test in tests:
        for item, name in folded:
            if test(item, name):
                return item
    return None


def _highlighted(result, query):
    found = _find([(p.code, p.name, p) for p in result.points], query)
    return found[2] if found else None


def _left_out(result, query, highlight):
    """The name of a territory searched for that is left out for lack of a value."""
    if highlight is not None:
        return None
    found = _find(result.excluded, query)
    return found[1] if found else None


def _legend(result):
    words = {1: _("low"), 2: _("medium"), 3: _("high")}
    rows = []
    for ky in (3, 2, 1):
        rows.append(
            [
                {
                    "colour": BIVARIATE_COLOURS[ky - 1][kx - 1],
                    "x": words[kx],
                    "y": words[ky],
                    "count": sum(1 for p in result.points if p.klass == (kx, ky)),
                    "dark": kx + ky >= 5,
                }
                for kx in (1, 2, 3)
            ]
        )
    return rows


@require_GET
def crossed_page(request):
    # The same for every reader: computed only when the kept fragment misses (portal.pagecache).
    return render(request, "territories/crossed.html", {"kept_context": lambda: _page(request)})


def _page(request):
    form = _form(request.GET)
    context = {"form": form, "result": None, "nothing": not form.catalogue}
    if form.catalogue and form.is_valid():
        result = _result(form)
        if result is not None and result.enough:
            colours, colour_legend = _colours(result, form)
            paths, height = drawing.map_paths(result.level)
            classes = {p.code: p.colour for p in result.points}
            names = {p.code: p.name for p in result.points}
            names |= {code: name for code, name, _which, _status in result.excluded}
            plot = drawing.scatter(result)
            plot["points"] = [(px, py, p, colours[p.code]) for px, py, p in plot["points"]]
            highlight = _highlighted(result, form.cleaned_data["territoire"])
            url = rendering.portrait_url(result.level)
            context |= {
                "result": result,
                "plot": plot,
                "colour_legend": colour_legend,
                "words": correlation_words(result.pearson),
                "highlight": highlight,
                "left_out": _left_out(result, form.cleaned_data["territoire"], highlight),
                "points_svg": rendering.points_svg(plot["points"], highlight=highlight, url=url),
                "table_rows": rendering.table_rows(result, highlight=highlight, url=url),
                "outliers": [p for p in result.points if p.outlier],
                "legend": _legend(result),
                # Built here rather than by a template loop: a thousand communes' shapes.
                "map_paths": format_html_join(
                    "",
                    '<path d="{}" fill="{}" stroke="#fff" stroke-width="0.4">'
                    "<title>{}</title></path>",
                    (
                        (d, classes.get(code, MISSING_FILL), names.get(code, code))
                        for code, d in sorted(paths.items())
                    ),
                ),
                "map_width": drawing.MAP_WIDTH,
                "map_height": height,
                "excluded_counts": result.excluded_counts(),
                "query": request.GET.urlencode(),
                "portrait_level": result.level,
            }
    return context


def _parameters(result):
    return {
        "x": result.x.slug,
        "x_name": result.x.name,
        "x_period": result.period_x,
        "x_source": f"{result.x.source} ({result.x.source_vintage})",
        "y": result.y.slug,
        "y_name": result.y.name,
        "y_period": result.period_y,
        "y_source": f"{result.y.source} ({result.y.source_vintage})",
        "level": result.level,
        "n": result.n,
        "pearson": result.pearson,
        "spearman": result.spearman,
        "excluded": len(result.excluded),
        "computed_at": result.computed_at,
        "exported_at": timezone.now().isoformat(),
    }


def _labelled_parameters(result, parameters):
    """(label, value) pairs of the XLSX's parameters sheet."""
    pairs = [
        (_("Indicator (x)"), f"{result.x.name} ({result.x.slug})"),
        (_("Period (x)"), result.period_x),
        (_("Source (x)"), parameters["x_source"]),
        (_("Indicator (y)"), f"{result.y.name} ({result.y.slug})"),
        (_("Period (y)"), result.period_y),
        (_("Source (y)"), parameters["y_source"]),
        (_("Level"), Level(result.level).label),
        (_("Territories compared"), result.n),
        (_("Pearson’s r"), result.pearson),
        (_("Spearman’s ρ"), result.spearman),
        (_("Territories left out"), len(result.excluded)),
        (_("Computed on"), result.computed_at),
        (_("Exported on"), parameters["exported_at"]),
    ]
    if result.x.is_demo or result.y.is_demo:
        pairs.append((_("Remark"), _("Fictitious demonstration data")))
    return pairs


@require_GET
def crossed_export(request, fmt):
    """The crossed values as a table (CSV, CSV for French spreadsheets, XLSX with the
    parameters they were drawn with), GeoJSON with those parameters, or the plot (PNG)."""
    if fmt not in (*exports.TABLE_FORMATS, "geojson", "png"):
        return HttpResponse(_("Unknown export format."), status=404, content_type="text/plain")
    form = _form(request.GET)
    result = _result(form) if form.is_valid() else None
    if not form.is_valid() or result is None or not result.enough:
        problems = [str(e) for errors in form.errors.values() for e in errors]
        return HttpResponse(
            "\n".join(problems), status=400, content_type="text/plain; charset=utf-8"
        )
    parameters = _parameters(result)
    name = f"cohesion-croisement-{result.x.slug}-{result.y.slug}-{result.level}"
    rows = [
        (p.code, p.name, p.x, p.y, p.status_x, p.status_y, f"{p.klass[0]}-{p.klass[1]}")
        for p in result.points
    ] + [
        (
            code,
            name_,
            None,
            None,
            status if which == result.x else "",
            status if which == result.y else "",
            "",
        )
        for code, name_, which, status in result.excluded
    ]
    if fmt == "png":
        colours = group_colours(result.points)
        image = drawing.scatter_png(
            result,
            colours={p.code: colours[p.group] for p in result.points},
            title=_("Pearson’s r = %(r)s, Spearman’s ρ = %(rho)s, n = %(n)s")
            % {
                "r": "—" if result.pearson is None else f"{result.pearson:.2f}",
                "rho": "—" if result.spearman is None else f"{result.spearman:.2f}",
                "n": result.n,
            },
            source=_("Sources: %(sx)s (%(vx)s); %(sy)s (%(vy)s).")
            % {
                "sx": result.x.source,
                "vx": result.x.source_vintage,
                "sy": result.y.source,
                "vy": result.y.source_vintage,
            },
            exported=parameters["exported_at"][:10],
        )
        response = HttpResponse(image, content_type="image/png")
        response["Content-Disposition"] = f'attachment; filename="{name}.png"'
        return response
    if fmt in exports.TABLE_FORMATS:
        # A download for people: the statuses in words.
        return exports.table_response(
            fmt=fmt,
            columns=["code", "nom", result.x.slug, result.y.slug, "statut_x", "statut_y", "classe"],
            rows=(
                (*row[:4], value_status_label(row[4]), value_status_label(row[5]), row[6])
                for row in rows
            ),
            parameters=_labelled_parameters(result, parameters),
            filename=name,
        )
    boundaries = LayerGeometry.objects.filter(level=result.level).only("content").first()
    features = json.loads(bytes(boundaries.content))["features"] if boundaries else []
    by_code = {row[0]: row for row in rows}
    for feature in features:
        row = by_code.get(feature["id"])
        if row:
            feature["properties"].update(
                {"x": row[2], "y": row[3], "statut_x": row[4], "statut_y": row[5], "classe": row[6]}
            )
    return exports.geojson_response(
        features=features, metadata=parameters, filename=f"{name}.geojson"
    )
