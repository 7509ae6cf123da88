"""The portal's address in what leaves it: every link an e-mail (or a calendar file) carries
starts with SITE_URL, its public address.

Most e-mails are sent by workers, without a request to take an address from; those sent
during a request (allauth's confirmations and password resets) follow the same rule through
portal.accounts.adapter, so that a person never gets a link to an internal host name or to
whichever address a proxy forwarded.
"""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings


def site_url(path=""):
    """The absolute address of `path` (as reverse() or get_absolute_url() give it)."""
    return settings.SITE_URL.rstrip("/") + path


def site_host():
    return urlsplit(settings.SITE_URL).hostname or "cohesion.invalid"


def on_site(url):
    """`url`, absolute or not, moved onto SITE_URL: its path, query and fragment kept."""
    parts = urlsplit(url)
    return site_url(urlunsplit(("", "", parts.path, parts.query, parts.fragment)))
