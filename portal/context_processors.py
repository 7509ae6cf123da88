from territories.geography.selectors import loaded_region


def site(request):
    """What the base template needs on every page: the loaded région, the roles that shape
    navigation."""
    # Error pages may be drawn before authentication ran (a request refused early).
    user = getattr(request, "user", None)
    if user is None:
        return {"region": loaded_region()}
    return {
        "region": loaded_region(),
        "can_invite": user.is_authenticated and user.has_perm("accounts.invite_people"),
        "can_import": user.is_authenticated and user.has_perm("territories.import_data"),
        "can_review": user.is_authenticated and user.has_perm("knowledge.review_resource"),
    }
