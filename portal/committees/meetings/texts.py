"""How a meeting is told in notifications and e-mails: its date, time, place or link, in the
portal's language and Europe/Paris time, whatever the recipient's state."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _


def when(meeting):
    """« jeudi 10 décembre 2026, 14:00 – 16:30 » (the end's date too when it differs)."""
    start = timezone.localtime(meeting.starts_at)
    end = timezone.localtime(meeting.ends_at)
    day = formats.date_format(start, "l j F Y")
    if start.date() == end.date():
        return _("%(day)s, %(start)s – %(end)s") % {
            "day": day,
            "start": formats.time_format(start, "H:i"),
            "end": formats.time_format(end, "H:i"),
        }
    return _("from %(start)s to %(end)s") % {
        "start": f"{day}, {formats.time_format(start, 'H:i')}",
        "end": formats.date_format(end, "l j F Y, H:i"),
    }


def where(meeting, *, with_link):
    """The address and/or the online link; the link only for those who hold a place."""
    parts = []
    if meeting.in_person and meeting.address:
        parts.append(_("Place: %(address)s") % {"address": meeting.address})
    if meeting.online:
        if with_link and meeting.online_url:
            parts.append(_("Online: %(url)s") % {"url": meeting.online_url})
        else:
            parts.append(_("Online (the link is given to registered people)"))
    return "\n".join(parts)


def summary(meeting, *, with_link):
    """What every notification and e-mail about a meeting carries."""
    lines = [f"{meeting.title} — {meeting.committee.name}", when(meeting)]
    place = where(meeting, with_link=with_link)
    if place:
        lines.append(place)
    return "\n".join(lines)
