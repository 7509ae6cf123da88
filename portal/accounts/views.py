import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from portal.accounts import selectors, services
from portal.accounts.forms import (
    DeleteAccountForm,
    InviteDelegateForm,
    InviteOrganisationForm,
    InvitePersonForm,
    MembershipRoleForm,
    OrganisationForm,
    ProfileForm,
)
from portal.accounts.models import Invitation, Membership, Organisation


def _require(request, permission, obj=None):
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied(_("You are not allowed to do this."))


def _form_error(form, exc):
    for message in exc.messages:
        form.add_error(None, message)


@login_required
def profile(request):
    memberships = request.user.memberships.select_related("organisation")
    return render(
        request,
        "accounts/profile.html",
        {
            "memberships": memberships,
            "roles": selectors.user_portal_roles(user=request.user),
            "token": Token.objects.filter(user=request.user).first(),
            "administered": Organisation.objects.administered_by(request.user),
        },
    )


@login_required
def profile_edit(request):
    form = ProfileForm(request.POST or None, initial={"full_name": request.user.full_name})
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=request.user, full_name=form.cleaned_data["full_name"])
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile_edit.html", {"form": form})


@login_required
def data_export(request):
    data = selectors.user_personal_data(user=request.user)
    data["exported_at"] = timezone.now()
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json",
    )
    response["Content-Disposition"] = 'attachment; filename="cohesion-mes-donnees.json"'
    return response


@login_required
def account_delete(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.user_delete(user=user)
        messages.success(request, _("Your account was deleted. Thank you for your contributions."))
        return redirect("home")
    return render(request, "accounts/account_delete.html", {"form": form})


@login_required
@require_POST
def api_token(request):
    if request.POST.get("action") == "revoke":
        services.api_token_revoke(user=request.user)
        messages.success(request, _("Your API token was revoked."))
    else:
        services.api_token_renew(user=request.user)
        messages.success(
            request, _("A new API token was created; the previous one no longer works.")
        )
    return redirect("accounts:profile")


def organisation_list(request):
    organisations = selectors.organisations_for_directory()
    return render(request, "accounts/organisation_list.html", {"organisations": organisations})


def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    can_see_members = request.user.has_perm("accounts.view_organisation_members", organisation)
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "members": selectors.organisation_members(organisation=organisation)
            if can_see_members
            else None,
            "can_manage": request.user.has_perm("accounts.manage_organisation", organisation),
        },
    )


@login_required
def organisation_manage(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    _require(request, "accounts.manage_organisation", organisation)
    edit_form = OrganisationForm(instance=organisation, prefix="org")
    invite_form = InviteDelegateForm(prefix="invite")
    if request.method == "POST" and "invite-email" in request.POST:
        invite_form = InviteDelegateForm(request.POST, prefix="invite")
        if invite_form.is_valid():
            try:
                invitation = services.invitation_create(
                    inviter=request.user,
                    email=invite_form.cleaned_data["email"],
                    organisation=organisation,
                )
            except ValidationError as exc:
                _form_error(invite_form, exc)
            else:
                messages.success(
                    request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
                )
                return redirect("accounts:organisation_manage", slug=organisation.slug)
    elif request.method == "POST":
        edit_form = OrganisationForm(request.POST, instance=organisation, prefix="org")
        if edit_form.is_valid():
            edit_form.save()
            messages.success(request, _("The organisation was saved."))
            return redirect("accounts:organisation_manage", slug=organisation.slug)
    return render(
        request,
        "accounts/organisation_manage.html",
        {
            "organisation": organisation,
            "members": selectors.organisation_members(organisation=organisation),
            "invitations": selectors.organisation_open_invitations(organisation=organisation),
            "edit_form": edit_form,
            "invite_form": invite_form,
            "role_form": MembershipRoleForm(),
        },
    )


@login_required
@require_POST
def membership_update(request, slug, pk):
    organisation = get_object_or_404(Organisation, slug=slug)
    _require(request, "accounts.manage_organisation", organisation)
    membership = get_object_or_404(Membership, pk=pk, organisation=organisation)
    try:
        if request.POST.get("action") == "remove":
            services.membership_remove(membership=membership)
            messages.success(request, _("The member was removed."))
        else:
            form = MembershipRoleForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Unknown role."))
            services.membership_set_role(membership=membership, role=form.cleaned_data["role"])
            messages.success(request, _("The role was changed."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("accounts:organisation_manage", slug=organisation.slug)


@login_required
@require_POST
def invitation_revoke(request, slug, pk):
    organisation = get_object_or_404(Organisation, slug=slug)
    _require(request, "accounts.manage_organisation", organisation)
    invitation = get_object_or_404(Invitation, pk=pk, organisation=organisation)
    services.invitation_revoke(invitation=invitation)
    messages.success(request, _("The invitation was withdrawn."))
    return redirect("accounts:organisation_manage", slug=organisation.slug)


@login_required
def invite_person(request):
    _require(request, "accounts.invite_people")
    form = InvitePersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                inviter=request.user,
                email=form.cleaned_data["email"],
                organisation=form.cleaned_data["organisation"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("accounts:invite_person")
    return render(request, "accounts/invite_person.html", {"form": form})


@login_required
def invite_organisation(request):
    _require(request, "accounts.invite_people")
    form = InviteOrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "email"}
        try:
            organisation = services.organisation_invite(
                inviter=request.user, email=form.cleaned_data["email"], **fields
            )
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s was created and its admin invited.") % {"name": organisation.name},
            )
            return redirect(organisation)
    return render(request, "accounts/invite_organisation.html", {"form": form})


def invitation_accept(request, token):
    invitation = get_object_or_404(
        Invitation.objects.select_related("organisation", "invited_by"), token=token
    )
    user = request.user if request.user.is_authenticated else None
    try:
        services.invitation_check(invitation=invitation, user=user)
    except services.InvitationError as exc:
        status = 403 if exc.code == "other_email" else 410
        return render(
            request,
            "accounts/invitation_invalid.html",
            {"invitation": invitation, "reason": exc.messages[0]},
            status=status,
        )
    if request.method == "POST" and user is not None:
        try:
            services.invitation_accept(invitation=invitation, user=user)
        except services.InvitationError as exc:
            return render(
                request,
                "accounts/invitation_invalid.html",
                {"invitation": invitation, "reason": exc.messages[0]},
                status=410,
            )
        messages.success(request, _("Welcome! Your invitation was accepted."))
        if invitation.organisation:
            return redirect(invitation.organisation)
        return redirect("accounts:profile")
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation})
