"""The production web server trusts forwarded headers only from a declared TLS proxy."""

import os

from tests.conftest import gunicorn, status


def status_for_forged_https(tmp_path, **environment):
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "gunicorn-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "VAR_DIR": str(tmp_path),
        **environment,
    }
    env.pop("REDIS_URL", None)
    with gunicorn(env) as port:
        return status(port, "/preconisations/", headers={"X-Forwarded-Proto": "https"})


def test_a_forged_forwarded_proto_is_not_believed(tmp_path):
    # Not behind a proxy: the plain request is redirected to HTTPS, header or not.
    assert status_for_forged_https(tmp_path, BEHIND_TLS_PROXY="false") == 301


def test_the_declared_proxy_is_believed(tmp_path):
    answer = status_for_forged_https(
        tmp_path, BEHIND_TLS_PROXY="true", FORWARDED_ALLOW_IPS="127.0.0.1"
    )
    assert answer != 301
