"""Whole pages kept, so that the portal's most visited pages are read, not rendered, under
load.

For anonymous visitors (AnonymousPageCacheMiddleware): a page is kept only when it cannot
differ between them: a GET without a session, an API token or pending messages, answered 200
without setting a cookie (so without a CSRF token in it) and without `private` or `no-store`.
Its key names the site, the address, the language and whether the answer is compressed.

For logged-in readers (AudiencePageCacheMiddleware): only the pages named in
PAGE_CACHE_PER_AUDIENCE, each with a function naming what the page depends on for a reader
(their audience: the committees they sit on, whether they follow a territory…). Readers who
share an audience share the page; its personal parts (the header) and CSRF tokens are drawn
for each reader (holes.py). A reader with a pending message gets a page drawn for them.

Every key also names the *generation*: a token that changes whenever the database takes a
write that may show on a page — a run published, a resource edited, a post written, a role
given — after that write commits (see generation.py). Nothing stale is served past a commit;
a page also expires after PAGE_CACHE_TTL, for what changes with time alone.
"""
