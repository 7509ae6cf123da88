"""The hook through which apps above territories add a section to a territory's portrait
(and to the explorer's side panel): knowledge resources, committees, workforce figures…

An app registers its section in its AppConfig.ready():

    from territories.portraits.sections import register_section
    register_section(my_section, audience=my_audience)
    # my_section(territory, request) -> dict or None
    # my_audience(request) -> str: what, in the reader, the section depends on

so that territories imports nothing above it. Readers of the same audience (« visitor », the
committees they sit on…) see the same section: portraits keep it for them (portal.pagecache),
so the audience must name everything in the reader that the section's content depends on.
"""

SECTIONS = []


def register_section(section, *, audience):
    """Add a portrait section: a callable (territory, request) → {"title", "template", …},
    with the callable (request) → str naming its reader's audience."""
    if all(section is not known for known, _audience in SECTIONS):
        SECTIONS.append((section, audience))


def sections_for(territory, request):
    return [s for s in (section(territory, request) for section, _a in SECTIONS) if s]


def audience_of(request):
    """One text naming the reader's audience for every section: equal for two readers who
    see the same sections."""
    return ";".join(audience(request) for _section, audience in SECTIONS)
