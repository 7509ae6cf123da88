"""Where a resource comes from, told by the layers above the knowledge base.

A meeting report was a committee's meeting before it was a resource; the resource's page
links back to it. Committees live above the knowledge base, which never imports them: they
register an origin here (in CommitteesConfig.ready()), as they register their audience in
resources/audiences.py.

An origin is a callable `origin(*, resource, user)` returning the `Origin` links that
`user` may follow — nothing about a place the reader may not see. The resource's page is kept
per reading audience (resources/visibility.py audience_key, portal.pagecache): an origin must
answer alike for two readers of the same audience.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    """A link from a resource to what it comes from: « Minutes of the meeting » → its page."""

    label: str
    title: str
    url: str
    detail: str = ""


_origins = []


def register_origin(origin):
    """Add `origin` to the questions asked of every resource's page (once per callable)."""
    if origin not in _origins:
        _origins.append(origin)


def origins_of(*, resource, user):
    """The links `user` may follow from `resource` to where it comes from."""
    return [link for origin in _origins for link in origin(resource=resource, user=user)]
