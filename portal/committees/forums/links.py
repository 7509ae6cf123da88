"""Links in posts to knowledge-base resources and territories, found by name as one writes.

Typing `#` (or `[[`) and a few letters in a post asks `suggestions()` (through the forum's
`liens/` view); the writer's choice is written into the post as a plain Markdown link to the
page's canonical address, `[Nantes](/territoires/commune/44109/)`, which the knowledge base's
renderer turns into a link like any other: nothing to resolve when the post is saved or read,
and whoever writes without the list (no JavaScript) types the same link by hand.

Only published resources that every visitor may read are proposed, whatever the committee.
A link shows its text — the resource's title — to everyone who reads the post, and who that
is changes after it is written: a thread is moved to another committee, a committee is opened,
members come and go. A public resource's title is public already, so proposing only those
never shows a reader the title of a resource they may not read. Territories' portraits are
public.
"""

import re
from itertools import zip_longest

from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils.translation import gettext as _

from portal.knowledge.models import Resource
from territories.choices import LEVEL_ORDER, Level
from territories.geography.models import Territory, fold

MIN_QUERY = 2
MAX_QUERY = 100
MAX_WORDS = 5
LIMIT = 10

# A word of a title starts at the start or after one of these.
_WORD_START = r"(?:^|[\s'’(«\"/.,:;!?-])"
# Accented forms (both cases, as case-insensitive matching of non-ASCII letters depends on
# PostgreSQL's locale) of each letter of a folded query word.
_ACCENTED = {
    "a": "aàâäAÀÂÄ",
    "c": "cçCÇ",
    "e": "eéèêëEÉÈÊË",
    "i": "iîïIÎÏ",
    "o": "oôöOÔÖ",
    "u": "uùûüUÙÛÜ",
    "y": "yÿYŸ",
}
# Letters that Unicode does not decompose: « coeur » finds « cœur ».
_LIGATURES = {"oe": "œŒ", "ae": "æÆ"}
# What Markdown would read in a link's text: escaped, so that a title stays text.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>&~|!#])")


def _letter(character):
    return f"[{_ACCENTED.get(character, character + character.upper())}]"


def _letters(word):
    """A regular expression (Python's and PostgreSQL's alike) finding a folded word typed by
    the writer, accents, case and ligatures aside."""
    parts, i = [], 0
    while i < len(word):
        pair = word[i : i + 2]
        if pair in _LIGATURES:
            parts.append(f"(?:{_letter(pair[0])}{_letter(pair[1])}|[{_LIGATURES[pair]}])")
            i += 2
        elif i == len(word) - 1 and word[i] in "ao":
            # The word may stop between the two letters a ligature stands for: « co », « cœur ».
            parts.append(f"(?:{_letter(word[i])}|[{_LIGATURES[word[i] + 'e']}])")
            i += 1
        else:
            parts.append(_letter(word[i]))
            i += 1
    return "".join(parts)


def words_of(query):
    """The folded words of a query (at most MAX_WORDS), or [] for one too short to search."""
    query = (query or "").strip()
    if len(query) < MIN_QUERY:
        return []
    words = fold(query).split()
    return words[:MAX_WORDS] if len("".join(words)) >= MIN_QUERY else []


def _escaped(text):
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def markdown_link(*, label, url):
    """The Markdown a chosen page is written as: a link whose text stays text."""
    return f"[{_escaped(label)}]({url.replace('(', '%28').replace(')', '%29')})"


def _item(*, label, kind, url, rank):
    return {
        "label": label,
        "kind": kind,
        "url": url,
        "markdown": markdown_link(label=label, url=url),
        "rank": rank,
    }


def _resources(words):
    """Published resources every visitor may read whose title has words starting as typed:
    titles starting with the first word first (rank 1, else 2), the latest first."""
    matching = Q()
    for word in words:
        matching &= Q(title__iregex=_WORD_START + _letters(word))
    found = (
        Resource.objects.readable_by(None)
        .filter(matching)
        .annotate(
            rank=Case(
                When(title__iregex="^" + _letters(words[0]), then=1),
                default=2,
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "-published_at", "title")
        .only("title", "slug")[:LIMIT]
    )
    return [
        _item(label=r.title, kind=_("Resource"), url=r.get_absolute_url(), rank=r.rank)
        for r in found
    ]


def _territories(words):
    """Territories whose name has words starting as typed: the name itself first (rank 0), then
    names starting so (1), then the others (2); larger and more populous ones first."""
    matching = Q()
    for word in words:
        matching &= Q(search_name__startswith=word) | Q(search_name__contains=" " + word)
    typed = " ".join(words)
    found = (
        Territory.objects.filter(matching)
        .annotate(
            rank=Case(
                When(search_name=typed, then=0),
                When(search_name__startswith=typed, then=1),
                default=2,
                output_field=IntegerField(),
            ),
            size=Case(
                *(When(level=level, then=Value(i)) for i, level in enumerate(LEVEL_ORDER)),
                output_field=IntegerField(),
            ),
        )
        .order_by("rank", "size", F("population").desc(nulls_last=True), "search_name", "code")
        .only("level", "code", "name")[:LIMIT]
    )
    return [
        _item(
            label=t.name,
            kind=str(Level(t.level).label),
            url=t.get_absolute_url(),
            rank=t.rank,
        )
        for t in found
    ]


def suggestions(*, query):
    """At most LIMIT pages whose name has words starting as `query` types them, each
    {label, kind, url, markdown}: a territory of that very name first, then names starting
    so, then the others; territories and resources alternate among equals, so that neither
    hides the other. Two queries, whatever is found."""
    words = words_of(query)
    if not words:
        return []
    territories, resources = _territories(words), _resources(words)
    found = []
    for rank in (0, 1, 2):
        alike = [[i for i in kind if i["rank"] == rank] for kind in (territories, resources)]
        found += [item for pair in zip_longest(*alike) for item in pair if item is not None]
    return [{k: v for k, v in item.items() if k != "rank"} for item in found[:LIMIT]]
