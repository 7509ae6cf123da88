"""Who may do what in the observatory (django-rules, loaded by rules' autodiscovery)."""

import rules

from portal.accounts.rules import is_administrator, is_organisation_admin, is_organisation_member


@rules.predicate
def acts_for_establishment(user, establishment):
    """A delegate or admin of the establishment's organisation."""
    if establishment is None or not user.is_authenticated:
        return False
    return establishment.organisation.memberships.filter(user=user).exists()


@rules.predicate
def acts_for_return(user, return_obj):
    if return_obj is None or not user.is_authenticated:
        return False
    return return_obj.establishment.organisation.memberships.filter(user=user).exists()


@rules.predicate
def administers_establishments_of(user, organisation):
    return is_organisation_admin(user, organisation)


rules.add_perm("observatory.manage_campaigns", is_administrator)
rules.add_perm("observatory.validate_return", is_administrator)
rules.add_perm("observatory.view_return", acts_for_return | is_administrator)
rules.add_perm("observatory.fill_return", acts_for_return)
rules.add_perm(
    "observatory.manage_establishments", administers_establishments_of | is_administrator
)


# --- Filling returns from a file (observatory/returns/uploads.py) ---
# The template lists an organisation's establishments and figures: its members download it,
# and so may the portal's administrators; only the members fill the returns with it.
rules.add_perm("observatory.download_return_template", is_organisation_member | is_administrator)
rules.add_perm("observatory.upload_returns", is_organisation_member)


# --- Establishments (observatory/establishments/) ---
# An organisation's members see the establishments it declared, as do the portal's
# administrators; only its admins and the portal's administrators change them
# (observatory.manage_establishments above).
rules.add_perm("observatory.view_establishments", is_organisation_member | is_administrator)


# --- Returns: reading, filling, validating (observatory/returns/) ---
# The portal's administrators read every return (the queue of those to validate, the API);
# the others read those of the organisations they act for (observatory.view_return above).
# observatory.fill_return (above) also covers reopening a validated return for a correction;
# the views ask it of the rules themselves (rules.has_perm), since Django lets superusers
# pass any has_perm: the administrators who validate the figures do not write them.
rules.add_perm("observatory.view_all_returns", is_administrator)


# --- An employer's benchmark (observatory/benchmark/) ---
# Private to its organisation: its delegates and admins read it, as do the portal's
# administrators, who read its establishments and returns too.
rules.add_perm("observatory.view_benchmark", is_organisation_member | is_administrator)
