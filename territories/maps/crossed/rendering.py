"""The crossed page's long lists — points, and table rows — as HTML built in Python.

A commune-level page holds about 1,200 rows and 300 points; the template engine would spend
most of the request on their loops, so they are joined here, escaped by format_html."""

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from territories.choices import ValueStatus


def portrait_url(level):
    pattern = reverse("territories:territory_detail", args=[level, "CODE"])
    return lambda code: pattern.replace("CODE", code)


def points_svg(plot_points, *, highlight, url):
    apart = _("stands apart")

    def point(px, py, p, colour):
        marked = p is highlight
        label = (
            format_html(
                '<text x="{}" y="{}" font-size="11">{}</text>',
                f"{px + 8:.1f}",
                f"{py - 8:.1f}",
                p.name,
            )
            if marked or p.outlier
            else ""
        )
        return (
            url(p.code),
            p.code,
            f"{px:.1f}",
            f"{py:.1f}",
            8 if marked else 5,
            colour,
            "#000" if marked else "#fff",
            3 if marked else 1,
            p.name,
            floatformat(p.x, "-2"),
            floatformat(p.y, "-2"),
            f" ({apart})" if p.outlier else "",
            label,
        )

    return format_html_join(
        "",
        '<a href="{}" tabindex="-1" data-code="{}"><circle cx="{}" cy="{}" r="{}" '
        'fill="{}" stroke="{}" stroke-width="{}"><title>{} — {} ; {}{}</title></circle>{}</a>',
        (point(*item) for item in plot_points),
    )


def table_rows(result, *, highlight, url):
    apart = format_html(" <em>({})</em>", _("stands apart"))
    known = format_html_join(
        "",
        '<tr{}><th scope="row"><a href="{}">{}</a>{}</th><td>{}</td>'
        '<td class="number">{}</td><td class="number">{}</td><td>{}-{}</td></tr>',
        (
            (
                format_html(' class="{}"', "highlight") if p is highlight else "",
                url(p.code),
                p.name,
                apart if p.outlier else "",
                p.code,
                floatformat(p.x, "-2"),
                floatformat(p.y, "-2"),
                p.klass[0],
                p.klass[1],
            )
            for p in result.points
        ),
    )
    reasons = {}

    def reason(which, status):
        if (which.pk, status) not in reasons:
            text = {
                ValueStatus.SECRET: _("%(indicator)s: under statistical secrecy"),
                ValueStatus.WITHHELD: _("%(indicator)s: withheld (coverage too low)"),
            }.get(status, _("%(indicator)s: not available"))
            reasons[(which.pk, status)] = text % {"indicator": which.name}
        return reasons[(which.pk, status)]

    left_out = format_html_join(
        "",
        '<tr class="excluded"><th scope="row"><a href="{}">{}</a></th><td>{}</td>'
        '<td colspan="3">{}</td></tr>',
        (
            (url(code), name, code, reason(which, status))
            for code, name, which, status in result.excluded
        ),
    )
    return known + left_out
