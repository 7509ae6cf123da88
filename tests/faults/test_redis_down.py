"""Redis stopped: pages still serve, logging in still works, queued work waits in the
database and runs once Redis is back. A private redis-server plays the cache and the broker
(the shared one on 6379 is never stopped)."""

import http.cookiejar
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jobs.choices import JobState
from jobs.models import Job
from jobs.services import jobs_sweep
from portal.settings import redis_cache
from territories.choices import ImportState, RunState
from territories.imports.models import DataImport
from territories.pipeline.models import PipelineRun
from territories.pipeline.selectors import published_run_id
from tests.conftest import NoRedirect, broker, gunicorn, running_worker, status, wait_for
from tests.factories import PASSWORD
from tests.faults.conftest import ROOT
from tests.territories.pipeline.test_pipeline import aggregate_of

pytestmark = [pytest.mark.soak, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def status_of(opener, request):
    try:
        return opener.open(request, timeout=20).status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def redis_everywhere(private_redis, settings):
    """The cache, the sessions' cache and the broker on the private Redis."""
    settings.CACHES = {"default": redis_cache(private_redis.url)}
    settings.PAGE_CACHE_TTL = 300
    with broker(private_redis.url):
        yield private_redis


def test_pages_and_logins_serve_while_redis_is_down(redis_everywhere, cast, small_geography):
    visitor, member = Client(), Client()
    assert visitor.get("/").status_code == 200
    redis_everywhere.stop()

    for path in ("/", reverse("account_login"), "/territoires/"):
        assert visitor.get(path).status_code in (200, 302), path
    response = member.post(
        reverse("account_login"), {"login": cast.member.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    # The session (cached_db) holds without its cache: the next page knows the person.
    page = member.get("/")
    assert page.status_code == 200
    assert page.wsgi_request.user == cast.member

    redis_everywhere.start()
    assert member.get("/").wsgi_request.user == cast.member


def test_an_import_uploaded_while_redis_is_down_runs_once_it_is_back(
    redis_everywhere, cast, small_geography
):
    analyst = Client()
    redis_everywhere.stop()
    analyst.post(reverse("account_login"), {"login": cast.analyst.email, "password": PASSWORD})
    response = analyst.post(
        reverse("territories:import_create"),
        {
            "file": SimpleUploadedFile("pop.csv", b"CODGEO;P\n98001;100\n98002;200\n98003;300\n"),
            "kind": "values",
            "level": "commune",
            "code_column": "CODGEO",
            "code_vintage": 2026,
            "mapping": "P = population @2021",
        },
    )
    assert response.status_code == 302  # the person is told it was received
    data_import = DataImport.objects.get()
    # The broker refused the job: it waits in the database, nothing is lost.
    assert data_import.job.state == JobState.PENDING
    assert analyst.get(response.url).status_code == 200

    redis_everywhere.start()
    Job.objects.update(created_at=timezone.now() - timedelta(minutes=1))  # past the grace
    with running_worker():
        assert jobs_sweep() == 1  # beat's part
        assert wait_for(lambda: published_run_id() is not None, 120)
        # The map images are drawn by a job of their own, queued once the run is published.
        done = Job.objects.exclude(state=JobState.SUCCEEDED)
        assert wait_for(lambda: not done.exists(), 60), list(done.values_list("kind", "state"))
    data_import.refresh_from_db()
    assert data_import.state == ImportState.SUCCEEDED
    assert PipelineRun.objects.get().state == RunState.SUCCEEDED
    assert aggregate_of(small_geography["epci_a"], "population").value == 600
    kinds = set(Job.objects.values_list("kind", flat=True))
    assert {"territories.run_import", "territories.recompute", "territories.render_images"} <= kinds


def test_gunicorn_serves_visitors_and_logins_while_redis_is_down(private_redis, site_env):
    """The same on the site as deployed: gunicorn, cache and sessions on the private Redis."""
    env = {**site_env, "REDIS_URL": private_redis.url}
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from tests.factories import UserFactory; UserFactory(email='g@exemple.test')",
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    with gunicorn(env) as port:
        assert status(port, "/") == 200
        private_redis.stop()
        for path in ("/", "/territoires/", "/preconisations/", "/compte/login/"):
            assert status(port, path) == 200, path

        person = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect
        )
        form = person.open(f"http://127.0.0.1:{port}/compte/login/", timeout=20).read()
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "login": "g@exemple.test", "password": PASSWORD}
        ).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/compte/login/",
            data=body,
            headers={"Referer": f"http://127.0.0.1:{port}/compte/login/"},
        )
        assert status_of(person, request) == 302  # logged in
        assert status(port, "/compte/email/", person) == 200  # and known on the next page
        private_redis.start()
        assert status(port, "/compte/email/", person) == 200
