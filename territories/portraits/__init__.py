"""A territory's portrait and the comparison of territories; the hook through which
higher apps add portrait sections (sections.py)."""
