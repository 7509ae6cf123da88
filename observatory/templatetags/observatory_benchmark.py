"""Links to an organisation's benchmark where its returns are listed
(templates/observatory/returns/mine.html)."""

from django import template

from observatory.choices import ReturnStatus

register = template.Library()


@register.filter
def validated_organisations(group):
    """The organisations of a campaign's returns (returns.selectors.CampaignReturns) with at
    least one validated: their figures are compared. No query: the returns are loaded."""
    seen = {}
    for return_obj in group.returns:
        if return_obj.status == ReturnStatus.VALIDATED:
            organisation = return_obj.establishment.organisation
            seen.setdefault(organisation.pk, organisation)
    return list(seen.values())
