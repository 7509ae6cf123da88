"""The interface speaks French: every message is translated and the compiled file is fresh,
and no string of a template or of the code is left out of the catalogue."""

import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
# What `make messages` reads (makemessages' own keywords for the django domain).
SOURCES = ("portal", "territories", "observatory", "jobs")
XGETTEXT_KEYWORDS = [
    "--keyword=gettext_noop",
    "--keyword=gettext_lazy",
    "--keyword=ngettext_lazy:1,2",
    "--keyword=pgettext:1c,2",
    "--keyword=npgettext:1c,2,3",
    "--keyword=pgettext_lazy:1c,2",
    "--keyword=npgettext_lazy:1c,2,3",
]


def test_every_message_is_translated():
    po = polib.pofile(str(PO))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, untranslated
    assert not fuzzy, fuzzy


def _extracted(tmp_path, *, root=ROOT, packages=SOURCES):
    """Every message of the templates and the code under `root`, extracted as makemessages
    does (templates through Django's templatize, then xgettext) into a temporary catalogue:
    the shared locale is never written."""
    files = []
    for template in sorted((root / "templates").rglob("*")):
        if template.suffix not in (".html", ".txt"):
            continue
        relative = template.relative_to(root)
        code = templatize(template.read_text(encoding="utf-8"), origin=str(relative))
        target = tmp_path / "templatized" / f"{relative}.py"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(code, encoding="utf-8")
        files.append(str(target))
    for package in packages:
        files += [
            str(path)
            for path in sorted((root / package).rglob("*.py"))
            if "migrations" not in path.parts
        ]
    listing = tmp_path / "files.txt"
    listing.write_text("\n".join(files), encoding="utf-8")
    extracted = tmp_path / "django.pot"
    subprocess.run(
        [
            "xgettext",
            "--language=Python",
            "--from-code=UTF-8",
            *XGETTEXT_KEYWORDS,
            f"--files-from={listing}",
            f"--output={extracted}",
        ],
        check=True,
        capture_output=True,
    )
    return polib.pofile(str(extracted)) if extracted.exists() else []


def _where(entry):
    """The source file of an extracted message, as its author knows it."""
    if not entry.occurrences:
        return "?"
    path = entry.occurrences[0][0]
    if "/templatized/" in path:
        return path.split("/templatized/", 1)[1].removesuffix(".py")
    return path.removeprefix(f"{ROOT}/")


def _left_out(extracted):
    """The extracted messages the French catalogue does not translate, with where they are."""
    translated = {
        (entry.msgctxt, entry.msgid)
        for entry in polib.pofile(str(PO))
        if entry.translated() and "fuzzy" not in entry.flags
    }
    return sorted(
        f"{_where(entry)}: {entry.msgid!r}"
        for entry in extracted
        if entry.msgid and (entry.msgctxt, entry.msgid) not in translated
    )


needs_xgettext = pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="GNU gettext is not installed"
)


@needs_xgettext
def test_no_template_or_code_string_is_left_out_of_the_catalogue(tmp_path):
    """A string added to a template (or the code) without `make messages` would show in
    English: every one must be in the French catalogue, translated."""
    extracted = _extracted(tmp_path)
    assert any(entry.msgid == "Skip to content" for entry in extracted)
    missing = _left_out(extracted)
    assert not missing, "untranslated, run `make messages`:\n" + "\n".join(missing)


@needs_xgettext
def test_a_template_string_missing_from_the_catalogue_is_found(tmp_path):
    site = tmp_path / "site"
    (site / "templates").mkdir(parents=True)
    (site / "templates" / "page.html").write_text(
        '{% load i18n %}{% translate "Skip to content" %}'
        "{% blocktranslate with n=3 %}{{ n }} never translated things{% endblocktranslate %}"
        '{% translate "A word" context "never translated" %}',
        encoding="utf-8",
    )
    missing = _left_out(_extracted(tmp_path / "work", root=site, packages=()))
    assert missing == [
        "templates/page.html: '%(n)s never translated things'",
        "templates/page.html: 'A word'",
    ]


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
