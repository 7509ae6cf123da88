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


def test_compiled_messages_match_the_sources():
    po = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(PO)) if e.msgstr}
    mo = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(PO.with_suffix(".mo")))}
    assert po == {key: value for key, value in mo.items() if key[1]}, "run `make messages`"


@pytest.mark.django_db
def test_pages_are_french_by_default_and_english_on_request(client):
    french = client.get("/").content.decode()
    assert '<html lang="fr">' in french
    assert "Aller au contenu" in french
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/").content.decode()
    assert '<html lang="en">' in english
    assert "Skip to content" in english


@pytest.mark.django_db
def test_an_english_browser_still_gets_french_first(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="fr">' in html
