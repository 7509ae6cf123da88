"""Whole pages kept for anonymous visitors, so that the public's most visited pages are read,
not rendered, under load.

A page is kept only when it cannot differ between anonymous visitors: a GET without a session,
an API token or pending messages, answered 200 without setting a cookie (so without a CSRF
token in it) and without `private` or `no-store`. Its key names the site, the address, the
language and whether the answer is compressed, and the *generation*: a token that changes
whenever the database takes a write that may show on a page — a run published, a resource
edited, a post written — after that write commits (see generation.py). Nothing stale is served
past a commit; a page also expires after PAGE_CACHE_TTL, for what changes with time alone.
"""
