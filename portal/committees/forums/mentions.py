"""@mentions in posts: `@[Prénom Nom]`, as the writing form's list of members inserts it.

A mention names a person by their name on the portal; they are told if they can read the
thread. Mentioning someone who cannot, or nobody, tells nobody and says so to the writer.
"""

import re

import rules
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from portal.knowledge.markdown import markdown_to_html

MENTION = re.compile(r"@\[([^\[\]<>\n*_`\\]{1,100})\]")
MAX_MENTIONS = 20


def names_in(body):
    """The names mentioned in a post's Markdown, each once, in order."""
    return list(dict.fromkeys(name.strip() for name in MENTION.findall(body or "")))[:MAX_MENTIONS]


def resolve(*, body, committee):
    """(people to tell, warnings for the writer) for the mentions of a post."""
    people, warnings = [], []
    for name in names_in(body):
        named = list(
            get_user_model().objects.filter(
                full_name__iexact=name, is_active=True, deleted_at__isnull=True
            )
        )
        readers = [p for p in named if rules.test_rule("committees.read_forum", p, committee)]
        if not named:
            warnings.append(_("Nobody is called « %(name)s » on the portal.") % {"name": name})
        elif not readers:
            warnings.append(
                _("« %(name)s » cannot read this thread: nobody was told.") % {"name": name}
            )
        people += [p for p in readers if p not in people]
    return people, warnings


def rendered(body):
    """The post's HTML (sanitised by the knowledge base's renderer), its mentions in bold."""
    return markdown_to_html(MENTION.sub(r"**@\1**", body))
