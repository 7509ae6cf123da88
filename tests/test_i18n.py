"""The interface speaks French: every message is translated and the compiled file is fresh."""

from pathlib import Path

import polib
import pytest

PO = Path(__file__).resolve().parent.parent / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def test_every_message_is_translated():
    po = polib.pofile(str(PO))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, untranslated
    assert not fuzzy, fuzzy


def _catalogue(entries):
    def text(entry):
        return entry.msgstr or tuple(sorted(entry.msgstr_plural.items()))

    return {(e.msgctxt, e.msgid): text(e) for e in entries if e.msgid and text(e)}


def test_compiled_messages_match_the_sources():
    po = _catalogue(polib.pofile(str(PO)))
    mo = _catalogue(polib.mofile(str(PO.with_suffix(".mo"))))
    assert po == mo, "run `make messages`"


@pytest.mark.django_db
def test_pages_are_french_by_default_and_english_on_request(client):
    french = client.get("/").content.decode()
    assert '<html lang="fr">' in french
    assert "Aller au contenu" in french
    client.get("/langue/", {"language": "en", "next": "/"})
    english = client.get("/").content.decode()
    assert '<html lang="en">' in english
    assert "Skip to content" in english


@pytest.mark.django_db
def test_an_english_browser_still_gets_french_first(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="fr">' in html


@pytest.mark.django_db
def test_the_language_switcher_goes_back_only_to_this_site(client):
    response = client.get("/langue/", {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert response.cookies["django_language"].value == "en"
    unknown = client.get("/langue/", {"language": "xx", "next": "/carte/"})
    assert unknown["Location"] == "/carte/" and "django_language" not in unknown.cookies
