"""An analyst uploads a CSV, watches the progress, reads the report, then sees the values on
the territory page; a real Celery worker on Redis does the work."""

import pytest

from portal.accounts.choices import PortalGroup
from tests.conftest import running_worker
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

CSV = "CODGEO;TP60;PERS\n98001;12,5;1000\n98002;s;2000\n98003;17,0;3000\n98404;4;10\n"


def test_analyst_uploads_watches_progress_and_finds_the_values(
    page, tmp_path, redis_broker, small_geography
):
    from territories.catalogue.models import Indicator

    Indicator.objects.filter(slug="taux-pauvrete").update(min_count=0)
    analyst = UserFactory(email="analyste@exemple.test", groups=[PortalGroup.ANALYST])
    upload = tmp_path / "pauvrete.csv"
    upload.write_text(CSV, encoding="utf-8")

    page.goto("/compte/login/")
    page.get_by_label("Courriel").fill(analyst.email)
    page.get_by_label("Mot de passe :", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Imports"
    ).click()
    page.get_by_role("link", name="Importer un fichier").click()

    page.get_by_label("Fichier *", exact=True).set_input_files(str(upload))
    page.get_by_label("Contenu du fichier").select_option("values")
    page.get_by_label("Niveau des territoires").select_option("commune")
    page.get_by_label("Colonne des codes").fill("CODGEO")
    page.get_by_label("Période (année) des valeurs").fill("2021")
    page.get_by_label("Colonnes à importer").fill(
        "TP60 = taux-pauvrete\nPERS = personnes-menages-fiscaux"
    )
    # the file has an unknown code: by default it would be refused whole
    page.get_by_label("Importer quand même les lignes valides").check()
    with running_worker():
        page.get_by_role("button", name="Importer").click()
        page.get_by_role("heading", name="Import de pauvrete.csv").wait_for()
        # The page follows the job, then reloads with the report.
        page.get_by_role("heading", name="Rapport").wait_for(timeout=30000)
        report = page.locator(".import-report").inner_text()
        assert "3 lignes acceptées sur 4" in report
        assert "98404" in report and "inconnu" in report
        import time

        from territories.pipeline.selectors import published_run_id

        deadline = time.monotonic() + 30
        while published_run_id() is None and time.monotonic() < deadline:
            time.sleep(0.2)

    page.goto("/territoires/?q=Chaumont")
    page.get_by_role("link", name="Chaumont").click()
    row = page.get_by_role("row").filter(has_text="Taux de pauvreté")
    assert "17,0" in row.inner_text()
    page.goto("/territoires/epci/200000001/")
    epci_row = page.get_by_role("row").filter(has_text="Taux de pauvreté")
    # (12.5 % × 1,000 + 17 % × 3,000) / 4,000 persons, over 400 of 600 inhabitants.
    assert "15,9" in epci_row.inner_text() and "67 %" in epci_row.inner_text()
    assert page.console_errors == []
