"""gunicorn's settings for Cohésion, read from the same environment as Django's settings:
`gunicorn -c gunicorn.conf.py portal.wsgi` (gunicorn also reads this file by itself when
started from the project folder)."""

import os


def _on(name):
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


# gunicorn believes X-Forwarded-Proto (and the like) from 127.0.0.1 unless told otherwise,
# so any local process could pass a plain request for HTTPS. Only a declared TLS proxy may:
# with BEHIND_TLS_PROXY, FORWARDED_ALLOW_IPS names it (default: this machine); without,
# no address is trusted and no forwarded header is read.
if _on("BEHIND_TLS_PROXY"):
    forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
else:
    forwarded_allow_ips = ""
    secure_scheme_headers = {}
