"""PostgreSQL restarted under a running site: gunicorn, kept connections (CONN_MAX_AGE 60)
and all, recovers by itself. A private cluster is restarted (the shared one never is);
CONN_HEALTH_CHECKS makes Django test a kept connection before its first use in a request,
so even the first request after the restart is answered."""

import pytest

from tests.conftest import gunicorn, status

pytestmark = pytest.mark.soak

PAGES = ("/preconisations/", "/territoires/", "/")


def test_the_site_answers_again_right_after_postgresql_restarts(private_postgres, site_env):
    # No REDIS_URL: the cache in each process, so that only the database is at fault.
    with gunicorn(site_env) as port:
        for path in PAGES:  # every page once: the worker now keeps its connection
            assert status(port, path) == 200, path

        private_postgres.pg_ctl("restart")

        # The first request after the restart already succeeds, and every one after it.
        assert [status(port, path) for path in PAGES * 3] == [200] * len(PAGES) * 3
