"""Words of a query, shared by both engines: which words count, and a plain excerpt."""

import re
import unicodedata

from django.utils.html import escape

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
LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


def strip_accents(text):
    decomposed = unicodedata.normalize("NFKD", text.translate(LIGATURES))
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
