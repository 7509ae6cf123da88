"""The report's axes and préconisations: loaded once, each complete and with its page."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from portal.knowledge.choices import PreconisationKind
from portal.knowledge.models import Axis, Preconisation
from portal.knowledge.reference.services import REFERENCE_FILE, reference_preconisations_load
from territories.models import Indicator

pytestmark = pytest.mark.django_db

PLACEHOLDER = "pas encore saisi"


def test_reference_load_is_complete_and_idempotent():
    reference_preconisations_load()
    assert reference_preconisations_load().kept == []
    assert Axis.objects.count() == 4
    assert Preconisation.objects.count() == 13
    ranges = {
        axis.number: sorted(axis.preconisations.values_list("number", flat=True))
        for axis in Axis.objects.all()
    }
    assert ranges == {1: [1, 2], 2: [3, 4, 5, 6], 3: [7, 8, 9, 10], 4: [11, 12, 13]}


def test_every_shipped_preconisation_is_complete():
    reference_preconisations_load()
    for preconisation in Preconisation.objects.select_related("axis"):
        assert preconisation.title and preconisation.axis_id, preconisation.number
        assert preconisation.kind in PreconisationKind.values, preconisation.number
        assert preconisation.summary.count(".") >= 2, preconisation.number
        assert preconisation.portal_answer, preconisation.number
        texts = (preconisation.title, preconisation.summary, preconisation.portal_answer)
        assert not any(PLACEHOLDER in text for text in texts), preconisation.number
    five = Preconisation.objects.get(number=5)
    assert five.title.startswith("Rendre plus lisible et effective l'ambition du SRADDET")
    assert five.kind == PreconisationKind.ACTION
    assert "taux-pauvrete" in five.indicator_slugs
    assert Preconisation.objects.get(number=9).kind == PreconisationKind.ASSESSMENT_AND_ACTION


def test_every_indicator_the_reference_names_is_in_the_catalogue(catalogue):
    data = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))
    named = {slug for item in data["preconisations"] for slug in item.get("indicators", [])}
    # The fragility index is computed from analyses.json (load_analyses), not the catalogue.
    known = set(Indicator.objects.values_list("slug", flat=True)) | {"indice-fragilite-communes"}
    assert named - known == set()


def test_a_file_with_an_incomplete_preconisation_is_refused(tmp_path):
    data = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))
    data["preconisations"][3]["summary"] = " "
    path = tmp_path / "preconisations.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="Préconisation 4"):
        reference_preconisations_load(path=path)
    assert not Preconisation.objects.exists()


def test_a_new_shipped_text_reaches_an_existing_database(tmp_path):
    """Rows nobody edited take the new texts; a curator's edit stays unless forced."""
    data = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))
    old = json.loads(json.dumps(data))
    for item in old["preconisations"][3:6]:
        item["summary"] = "Ancien texte."
    path = tmp_path / "preconisations.json"
    path.write_text(json.dumps(old), encoding="utf-8")
    reference_preconisations_load(path=path)
    edited = Preconisation.objects.get(number=6)
    edited.summary = "Texte complété par la curation."
    edited.save()

    out = io.StringIO()
    call_command("load_reference", stdout=out)
    assert "Kept as edited in the portal (--force overwrites them): 6." in out.getvalue()
    shipped = {item["number"]: item["summary"] for item in data["preconisations"]}
    assert Preconisation.objects.get(number=4).summary == shipped[4]
    assert Preconisation.objects.get(number=5).summary == shipped[5]
    assert Preconisation.objects.get(number=6).summary == "Texte complété par la curation."
    assert reference_preconisations_load().kept == [6]
    assert reference_preconisations_load(force=True).kept == []
    assert Preconisation.objects.get(number=6).summary == shipped[6]
    # Forced, the row matches the shipped texts again: later loads update it as usual.
    assert Preconisation.objects.get(number=6).shipped_digest


def test_reference_load_keeps_curators_edits_unless_forced():
    reference_preconisations_load()
    Preconisation.objects.filter(number=4).update(title="Texte complété par la curation", kind="")
    reference_preconisations_load()
    assert Preconisation.objects.get(number=4).title == "Texte complété par la curation"
    # A required field left empty is filled even in an edited row.
    assert Preconisation.objects.get(number=4).kind == PreconisationKind.ACTION
    reference_preconisations_load(force=True)
    assert Preconisation.objects.get(number=4).title != "Texte complété par la curation"


def test_no_page_shows_a_placeholder(client):
    reference_preconisations_load()
    urls = ["/", "/preconisations/", *(f"/preconisations/{n}/" for n in range(1, 14))]
    for url in urls:
        page = client.get(url).content.decode()
        assert PLACEHOLDER not in page, url
    assert "aller vers" in client.get("/preconisations/6/").content.decode()
    assert (
        "Dans le rapport : État des lieux et action"
        in client.get("/preconisations/9/").content.decode()
    )


def test_each_preconisation_has_a_public_page(client):
    reference_preconisations_load()
    response = client.get("/preconisations/12/")
    assert response.status_code == 200
    assert "CLTSDS" in response.content.decode()
    assert client.get("/preconisations/14/").status_code == 404


def test_preconisation_page_lists_its_resources_and_indicators(corpus, client, catalogue):
    reference_preconisations_load()
    preconisation = Preconisation.objects.get(number=11)
    corpus["practice"].preconisations.set([preconisation])
    corpus["practice"].indicators.set([Indicator.objects.get(slug="taux-pauvrete")])
    corpus["members"].preconisations.set([preconisation])
    page = client.get(preconisation.get_absolute_url()).content.decode()
    assert "Rompre l&#x27;isolement des personnes âgées" in page
    assert Indicator.objects.get(slug="taux-pauvrete").name in page
    assert "réservé" not in page


def test_preconisation_page_links_the_indicators_its_reference_names(client, catalogue):
    reference_preconisations_load()
    page = client.get("/preconisations/6/").content.decode()
    for slug in ["part-minima-sociaux", "part-prestations-sociales"]:
        indicator = Indicator.objects.get(slug=slug)
        assert f'href="{indicator.get_absolute_url()}"' in page
    # Named in the reference but not computed in this database: left out, no broken link.
    assert "indice-fragilite-communes" not in client.get("/preconisations/5/").content.decode()


def test_the_api_gives_each_preconisation_its_kind_and_indicators(client):
    reference_preconisations_load()
    six = client.get("/api/v1/preconisations/6/").json()
    assert six["kind"] == PreconisationKind.ACTION
    assert "part-minima-sociaux" in six["indicators"]
    assert six["summary"] and six["portal_answer"]


def test_the_indicators_of_a_preconisation_are_a_list_of_identifiers():
    reference_preconisations_load()
    preconisation = Preconisation.objects.get(number=9)
    preconisation.indicator_slugs = "taux-pauvrete"
    with pytest.raises(ValidationError):
        preconisation.full_clean()
    preconisation.indicator_slugs = ["taux-pauvrete"]
    preconisation.full_clean()
