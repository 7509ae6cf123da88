"""Words of a query, shared by both engines: which words count, the keys they match, and
excerpts with the matches marked.

A query word matches a word of the text when the text word's stem starts with the query
word's key: the first letters (at most PREFIX_LENGTH) of its stem, so that « précaire » finds
« précarité » whose stems differ — as the PostgreSQL engine's prefix queries do.
"""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer
from django.utils.html import escape
from django.utils.safestring import mark_safe

WORD = re.compile(r"\w+", re.UNICODE)
EXCERPT_LENGTH = 240
# Short function words that would match half the corpus as prefixes.
STOP_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "dans",
        "de",
        "des",
        "du",
        "en",
        "et",
        "la",
        "le",
        "les",
        "leur",
        "leurs",
        "l",
        "d",
        "un",
        "une",
        "ou",
        "par",
        "pour",
        "qu",
        "que",
        "qui",
        "sur",
        "se",
        "sa",
        "son",
        "ses",
        "ne",
        "pas",
        "plus",
        "il",
        "elle",
        "ils",
        "elles",
        "on",
        "nous",
        "vous",
        "est",
        "sont",
    ]
)


# Letters that Unicode does not decompose (PostgreSQL's unaccent spells them out too).
SPELLED_OUT = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


def strip_accents(text):
    decomposed = unicodedata.normalize("NFKD", text.translate(SPELLED_OUT))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise(text):
    return strip_accents((text or "").lower())


def has_words(query):
    """Whether the query holds a word worth searching (not only short function words).
    A query without one lists everything, as an empty one does."""
    return any(
        len(word) >= 2 and word not in STOP_WORDS for word in WORD.findall((query or "").lower())
    )


def plain_excerpt(text, length=EXCERPT_LENGTH):
    return escape((text or "")[:length])


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
