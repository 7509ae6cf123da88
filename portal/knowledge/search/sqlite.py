"""The SQLite engine, a thin fallback for the embedded default: SQLite has no French
full-text search, so this scores in Python with the Snowball stems PostgreSQL uses.

A query word matches a word of the text when the text word's stem starts with the query
word's key: the first letters (at most PREFIX_LENGTH) of its stem, so that « précaire » finds
« précarité » whose stems differ — as the PostgreSQL engine's prefix queries do.
"""

import re
from functools import lru_cache

import snowballstemmer
from django.utils.html import escape
from django.utils.safestring import mark_safe

from portal.knowledge.models import Resource
from portal.knowledge.search.facets import count_and_rank
from portal.knowledge.search.text import (
    EXCERPT_LENGTH,
    STOP_WORDS,
    WORD,
    normalise,
    strip_accents,
)

PREFIX_LENGTH = 5
_stemmer = snowballstemmer.stemmer("french")


@lru_cache(maxsize=100_000)
def stem(word):
    """The Snowball stem of a word, lowercased and stripped of its accents first, as
    PostgreSQL stems unaccent()ed text: « impayés » and « impayes » both give « impay »."""
    return _stemmer.stemWord(strip_accents(word.lower()))


def query_key(word):
    """The prefix a query word matches in stemmed text.

    Documents are stemmed without their accents (as PostgreSQL stems unaccent()ed text), but
    the French stemmer reads accents: « isolées » gives « isol » with them and « isole »
    without, « impayés » « impai » and « impay ». The key is what both stems share, so it
    finds the word whichever way the text was stemmed."""
    plain = stem(word)
    accented = strip_accents(_stemmer.stemWord(word.lower()))
    shared = next(
        (i for i, (a, b) in enumerate(zip(plain, accented, strict=False)) if a != b),
        min(len(plain), len(accented)),
    )
    common = plain[:shared]
    key = common if len(common) >= 3 else plain
    return key[:PREFIX_LENGTH] or normalise(word)


def query_keys(query):
    """The prefixes a query matches: stems of its words, cut to PREFIX_LENGTH letters."""
    keys = []
    for word in WORD.findall((query or "").lower()):
        if word in STOP_WORDS or len(word) < 2:
            continue
        key = query_key(word)
        if key and key not in keys:
            keys.append(key)
    return keys


def _stems(text):
    return [stem(word) for word in WORD.findall((text or "").lower())]


def score_text(keys, *, title, summary, text):
    """Python-side score: each key counts its matches in title ×3, summary ×2, text ×1.

    Every key must match somewhere (AND), as PostgreSQL's `&` query does."""
    total = 0
    found = set()
    for weight, content in ((3, title), (2, summary), (1, text)):
        stems = _stems(content)
        for key in keys:
            hits = sum(1 for s in stems if s.startswith(key))
            if hits:
                found.add(key)
                total += weight * hits
    return total if len(found) == len(keys) else 0


# Accented forms of each letter, so that a pattern built from an unaccented key finds
# the words of the original text.
ACCENTED = {"a": "aàâä", "c": "cç", "e": "eéèêë", "i": "iîï", "o": "oôö", "u": "uùûü", "y": "yÿ"}
# A ligature stands for two letters of a key: « coe » finds « cœur », « ploe » « Plœuc ».
LIGATURES = {"oe": "œ", "ae": "æ"}


def _start_pattern(start):
    """The pattern of a key's first letters, accents and ligatures allowed."""
    parts, i = [], 0
    while i < len(start):
        pair = start[i : i + 2]
        letter = f"[{ACCENTED.get(start[i], re.escape(start[i]))}]"
        if pair in LIGATURES:
            second = f"[{ACCENTED.get(pair[1], re.escape(pair[1]))}]"
            parts.append(f"(?:{letter}{second}|{LIGATURES[pair]})")
            i += 2
        elif start[i] in "oa" and i == len(start) - 1:
            # The key stops between the two letters a ligature stands for.
            parts.append(f"(?:{letter}|{LIGATURES[start[i] + 'e']})")
            i += 1
        else:
            parts.append(letter)
            i += 1
    return "".join(parts)


@lru_cache(maxsize=1000)
def _candidates(keys):
    """A pattern finding the words that start like one of the keys (accents ignored).

    A key is the start of a stem, and a stem the start of its word, so this finds every
    matching word and few others; stem() then decides. Scanning the text with it is far
    cheaper than stemming every word (bench/search.py)."""
    starts = {_start_pattern(key[:3]) for key in keys}
    return re.compile(r"\b(?:" + "|".join(sorted(starts)) + r")\w*", re.IGNORECASE)


def _matches(text, keys, start=0, end=None):
    prefixes = tuple(keys)
    for m in _candidates(tuple(keys)).finditer(text, start, len(text) if end is None else end):
        if stem(m.group()).startswith(prefixes):
            yield m


def mentions(text, keys):
    """Whether a query's keys match a word of the text."""
    return next(_matches(text or "", keys), None) is not None


def highlight(text, keys, *, length=EXCERPT_LENGTH):
    """An escaped excerpt around the first match, matched words wrapped in <mark>."""
    text = text or ""
    if not keys:
        return escape(text[:length])
    first = next(_matches(text, keys), None)
    start = 0
    if first is not None and first.start() > length // 3:
        start = text.rfind(" ", 0, first.start() - length // 3) + 1
    end = min(len(text), start + length)
    pieces, cursor = [], start
    for m in _matches(text, keys, start, end):
        pieces.append(escape(text[cursor : m.start()]))
        pieces.append(f"<mark>{escape(m.group())}</mark>")
        cursor = m.end()
    pieces.append(escape(text[cursor:end]))
    excerpt = "".join(pieces)
    if start > 0:
        excerpt = "… " + excerpt
    if end < len(text):
        excerpt += " …"
    return mark_safe(excerpt)  # noqa: S308 - every piece above is escaped


def rank(base, query, *, offset, limit):
    """Facet counts of the resources of `base` matching the query, and a page of their ids,
    best first: each key counts its matches in title ×3, summary ×2, text ×1."""
    keys = query_keys(query)
    scored = []
    rows = base.values_list("pk", "title", "summary", "search_text", "published_at")
    for pk, title, summary, text, published_at in rows:
        score = score_text(keys, title=title, summary=summary, text=text)
        if score:
            scored.append((-score, -(published_at.timestamp() if published_at else 0), title, pk))
    scored.sort()
    ids = [pk for *_, pk in scored]
    facets, _ = count_and_rank(Resource.objects.filter(pk__in=ids))
    return facets, ids[offset : offset + limit]


def page(page_ids, query):
    """The resources of the page, in order, each with its highlighted excerpt."""
    keys = query_keys(query)
    by_pk = Resource.objects.defer("body", "body_html").in_bulk(page_ids)
    resources = [by_pk[pk] for pk in page_ids]
    for resource in resources:
        source = resource.summary
        if not mentions(source, keys):
            source = resource.search_text or resource.summary
        resource.excerpt = highlight(source, keys)
    return resources
