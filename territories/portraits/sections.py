"""The hook through which apps above territories add a section to a territory's portrait
(and to the explorer's side panel): knowledge resources, committees, workforce figures…

An app registers its section in its AppConfig.ready():

    from territories.portraits.sections import register_section
    register_section(my_section)   # my_section(territory, request) -> dict or None

so that territories imports nothing above it.
"""

SECTIONS = []


def register_section(section):
    """Add a portrait section: a callable (territory, request) → {"title", "template", …}."""
    if section not in SECTIONS:
        SECTIONS.append(section)


def sections_for(territory, request):
    return [s for s in (section(territory, request) for section in SECTIONS) if s]
