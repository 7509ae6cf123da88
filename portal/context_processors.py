def site(request):
    """What the base template needs on every page: the roles that shape navigation."""
    # Error pages may be drawn before authentication ran (a request refused early).
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {
        "can_invite": user.is_authenticated and user.has_perm("accounts.invite_people"),
        "can_import": user.is_authenticated and user.has_perm("territories.import_data"),
        "can_review": user.is_authenticated and user.has_perm("knowledge.review_resource"),
    }
