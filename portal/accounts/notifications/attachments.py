"""Files an e-mail about a notification carries, made by the apps above accounts (which
accounts never imports: they register a provider under a name in their AppConfig.ready()).

A notification asks for files by name — notify(..., attachments=["meetings.ics"]) — and the
e-mail sent at once for it calls each named provider with the notification when it leaves:
the file says what is true then (a meeting changed twice in a minute: both e-mails carry the
latest), and a provider returning nothing (the scope is gone) leaves the e-mail without it.
The daily digest groups many notifications and carries no file.
"""

import logging
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str | bytes
    mimetype: str


PROVIDERS = {}


def register(name, provider):
    """`provider(notification)` → the Attachments for the e-mail about `notification` (its
    recipient, kind, scope tell which), possibly none."""
    PROVIDERS[name] = provider


def check_names(names):
    """Refuse at once a name nobody registered: a typo would otherwise only show as e-mails
    quietly sent without their file."""
    unknown = [name for name in names if name not in PROVIDERS]
    if unknown:
        raise ValueError(f"No attachment provider registered as {', '.join(unknown)}.")


def files_for(notification, names):
    files = []
    for name in names:
        provider = PROVIDERS.get(name)
        if provider is None:  # registered when queued, not in this process: say so, send
            logger.warning("No attachment provider %r in this process.", name)
            continue
        files.extend(provider(notification))
    return files
