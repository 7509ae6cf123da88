"""Review probes (temporary)."""
import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jobs.models import Job
from observatory.campaigns.models import Campaign
from observatory.establishments.models import Establishment
from observatory.returns.models import Return, ReturnLine
from tests.observatory.conftest import SIRETS, good_figures
from tests.observatory.test_uploads import csv_bytes, row, upload, upload_url, template_url, last_job

pytestmark = pytest.mark.django_db
HOME, CARE, OTHER, SPARE = SIRETS


def client_for(user):
    c = Client(raise_request_exception=False)
    if user is not None:
        c.force_login(user)
    return c


def test_nul_in_upload_comment(cast, reference, organisation, campaign, returns, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    client = client_for(cast.member)
    content = csv_bytes([row(comment="abc\x00def")])
    response = upload(client, campaign, organisation, "nul.csv", content, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    job = last_job()
    print("STATE", job.state, repr(job.error)[:300])
    assert job.state in ("failed", "succeeded")
    assert not job.error.startswith(("DataError", "ValueError")), job.error
    assert list(tmp_path.rglob("*.csv")) == []


def test_nul_in_upload_siret_and_code(cast, reference, organisation, campaign, returns, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    client = client_for(cast.member)
    content = csv_bytes([row(code="educ\x00ateur")])
    upload(client, campaign, organisation, "nul.csv", content, django_capture_on_commit_callbacks)
    job = last_job()
    print("STATE", job.state, repr(job.error)[:300])
    assert job.state == "failed"
    assert "Error" not in job.error.split("\n")[0]
    assert list(tmp_path.rglob("*.csv")) == []


def test_garbage_file(cast, reference, organisation, campaign, returns, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    client = client_for(cast.member)
    for name, content in [("g.csv", bytes(range(256)) * 50), ("g.xlsx", b"PK\x03\x04garbage" * 100), ("e.csv", b""), ("h.txt", b"siret\n1")]:
        upload(client, campaign, organisation, name, content, django_capture_on_commit_callbacks)
        job = last_job()
        print(name, "STATE", job.state, repr(job.error)[:300])
        assert job.state == "failed"
        assert "Error:" not in job.error, job.error
    assert list(tmp_path.rglob("*.*")) == []


def test_huge_year_urls(cast, organisation, campaign, returns):
    client = client_for(cast.admin)
    big = 10**25
    for url in [
        f"/observatoire/campagnes/{big}/",
        f"/observatoire/campagnes/{big}/completude/",
        f"/observatoire/campagnes/{big}/a-relancer.csv",
        f"/observatoire/campagnes/{big}/{organisation.slug}/modele.csv",
        f"/observatoire/etablissements/modifier/{big}/",
        f"/observatoire/campagnes/{campaign.year}/retirer/{big}/",
        f"/observatoire/campagnes/70000/",
    ]:
        r = client.get(url) if "retirer" not in url else client.post(url)
        print(url, r.status_code)
        assert r.status_code in (404, 405), url


def test_search_with_nul(cast, campaign, establishments):
    client = client_for(cast.admin)
    r = client.get(reverse("observatory:campaign_invite", args=[campaign.year]), {"q": "ab\x00c"})
    print(r.status_code)
    assert r.status_code == 200


def test_pick_with_huge_pk(cast, campaign, establishments):
    client = client_for(cast.admin)
    url = reverse("observatory:campaign_invite", args=[campaign.year])
    for value in [str(10**25), "abc", "\x00"]:
        r = client.post(url, {"by": "pick", "step": "confirm", "establishments": [value]})
        print(value, r.status_code)
        assert r.status_code == 200
    for value in [str(10**25), "abc", "\x00", "-1"]:
        r = client.post(url, {"by": "criteria", "step": "confirm", "territory": value, "sector": value})
        print(value, r.status_code)
        assert r.status_code == 200


def test_campaign_form_odd(cast, campaign):
    client = client_for(cast.admin)
    url = reverse("observatory:campaign_create")
    for data in [
        {"year": str(10**25), "opens_on": "2025-01-01", "closes_on": "2025-02-01"},
        {"year": "2031", "opens_on": "9999-12-31", "closes_on": "9999-12-31"},
        {"year": "2031", "opens_on": "0001-01-01", "closes_on": "9999-12-31", "introduction": "a\x00b"},
        {"year": "2032", "reference_date": "2032-12-31", "opens_on": "2033-01-01", "closes_on": "9999-12-31"},
    ]:
        r = client.post(url, data)
        print(data, r.status_code)
        assert r.status_code in (200, 302)
    r = client.post(reverse("observatory:campaign_edit", args=[campaign.year]), {"opens_on": "2025-01-01", "closes_on": "9999-12-31"})
    assert r.status_code in (200, 302)


def test_establishment_form_odd(cast, establishments, organisation, reference):
    client = client_for(cast.org_admin)
    url = reverse("observatory:establishment_create", args=[organisation.slug])
    for data in [
        {"name": "x" * 5000, "siret": SPARE, "commune": "98001", "sector": reference.child.pk, "employer_kind": reference.association.pk},
        {"name": "a\x00b", "siret": "\x00", "commune": "\x00", "sector": "abc", "employer_kind": str(10**25)},
        {"name": "ok", "siret": SPARE, "commune": "%" * 150, "sector": reference.child.pk, "employer_kind": reference.association.pk},
        {"name": "ok", "siret": SPARE, "commune": "(98001)", "sector": reference.child.pk, "employer_kind": reference.association.pk},
        {"name": "   ", "siret": SPARE, "commune": "98001", "sector": reference.child.pk, "employer_kind": reference.association.pk},
    ]:
        r = client.post(url, data)
        print(r.status_code)
        assert r.status_code in (200, 302)
    assert not Establishment.objects.filter(name="").exists()
    r = client.post(reverse("observatory:establishment_edit", args=[establishments.home.pk]), {"name": "ok", "siret": HOME, "commune": "98001", "sector": reference.child.pk, "employer_kind": reference.association.pk, "closed_on": "0001-01-01"})
    print(r.status_code)
    assert r.status_code in (200, 302)


def test_other_admin_cannot_touch(cast, establishments, organisation, reference):
    client = client_for(cast.other_admin)
    before = Establishment.objects.get(pk=establishments.home.pk)
    r = client.post(reverse("observatory:establishment_edit", args=[establishments.home.pk]), {"name": "hack", "siret": HOME, "commune": "98001", "sector": reference.child.pk, "employer_kind": reference.association.pk})
    assert r.status_code == 403
    assert client.get(reverse("observatory:establishment_list", args=[organisation.slug])).status_code == 403
    member = client_for(cast.member)
    r = member.post(reverse("observatory:establishment_edit", args=[establishments.home.pk]), {"name": "hack", "siret": HOME, "commune": "98001", "sector": reference.child.pk, "employer_kind": reference.association.pk})
    assert r.status_code == 403
    assert Establishment.objects.get(pk=establishments.home.pk).name == before.name


def test_xlsx_template_formula_name(cast, organisation, campaign, returns, establishments):
    Establishment.objects.filter(pk=establishments.home.pk).update(name='=HYPERLINK("http://x","y")')
    organisation.name = "=1+2"
    organisation.save()
    r = client_for(cast.member).get(template_url(campaign, organisation, "xlsx"))
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    import zipfile
    z = zipfile.ZipFile(io.BytesIO(r.content))
    for name in z.namelist():
        if name.startswith("xl/worksheets/"):
            data = z.read(name).decode()
            assert "<f>" not in data, (name, data[:2000])
    r = client_for(cast.member).get(template_url(campaign, organisation, "csv"))
    text = r.content.decode("utf-8-sig")
    assert '\n=' not in text and ';=' not in text, text


def test_upload_page_result_of_other_user_job_other_org(cast, organisation, other_organisation, campaign, returns, django_capture_on_commit_callbacks):
    # other_admin uploads for their org; member tries to read it via own org slug
    upload(client_for(cast.other_admin), campaign, other_organisation, "o.csv", csv_bytes([row(OTHER)]), django_capture_on_commit_callbacks)
    job = last_job()
    url = reverse("observatory:return_upload_result", args=[campaign.year, organisation.slug, job.pk])
    assert client_for(cast.member).get(url).status_code == 404
    url = reverse("observatory:return_upload_result", args=[campaign.year, other_organisation.slug, job.pk])
    assert client_for(cast.member).get(url).status_code == 403
    assert client_for(cast.member).get(reverse("jobs:detail", args=[job.pk])).status_code in (403, 404)
    assert client_for(cast.member).get(reverse("jobs:status", args=[job.pk])).status_code in (403, 404)
