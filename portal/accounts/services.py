"""Writes about people and organisations: invitations, memberships, account deletion."""

import uuid

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from jobs.services import job_enqueue
from portal.accounts import tasks
from portal.accounts.choices import MembershipRole
from portal.accounts.models import Invitation, Membership, Organisation
from portal.links import site_url
from territories.geography.selectors import loaded_region


class InvitationError(ValidationError):
    """An invitation that cannot be used, with the reason the person reads."""


# What apps above this one do when an invitation is accepted (committees seat the person
# they invited): callables taking the invitation and the person, run in the same transaction.
ACCEPTANCE_HOOKS = []


# Higher apps forget what they hold of a person whose account is deleted: hook(user=…), called
# inside the deletion's transaction.
DELETION_HOOKS = []


def register_deletion_hook(hook):
    if hook not in DELETION_HOOKS:
        DELETION_HOOKS.append(hook)


def register_acceptance_hook(hook):
    if hook not in ACCEPTANCE_HOOKS:
        ACCEPTANCE_HOOKS.append(hook)


def invitation_create(
    *, inviter, email, organisation=None, role=MembershipRole.DELEGATE, purpose=""
):
    """Record an invitation and e-mail it in the background.

    An open invitation for the same address and organisation is replaced, so the newest
    link is the only one that works.
    """
    email = email.strip().lower()
    if (
        organisation is not None
        and organisation.memberships.filter(user__email__iexact=email).exists()
    ):
        raise ValidationError(_("This person is already a member of the organisation."))
    if organisation is None and get_user_model().objects.filter(email__iexact=email).exists():
        raise ValidationError(_("This person already has an account on the portal."))
    with transaction.atomic():
        now = timezone.now()
        Invitation.objects.open().filter(email__iexact=email, organisation=organisation).update(
            revoked_at=now
        )
        invitation = Invitation.objects.create(
            email=email,
            organisation=organisation,
            role=role,
            invited_by=inviter,
            purpose=str(purpose)[:300],
        )
        job_enqueue(
            task=tasks.send_invitation_email,
            arguments={"invitation_id": invitation.pk},
            user=inviter,
            label=_("Invitation e-mail to %(email)s") % {"email": email},
        )
    return invitation


def organisation_invite(*, inviter, email, **organisation_fields):
    """Create an organisation and invite its first organisation admin."""
    with transaction.atomic():
        organisation = Organisation(**organisation_fields)
        organisation.full_clean()
        organisation.save()
        invitation_create(
            inviter=inviter, email=email, organisation=organisation, role=MembershipRole.ADMIN
        )
    return organisation


def invitation_send_email(*, invitation_id):
    """E-mail the invitation link; nothing is sent for an invitation no longer open."""
    invitation = Invitation.objects.select_related("organisation", "invited_by").get(
        pk=invitation_id
    )
    if not invitation.is_usable:
        return {"sent": False, "reason": "invitation no longer open"}
    context = {
        "invitation": invitation,
        "accept_url": site_url(invitation.get_absolute_url()),
        "validity_days": settings.INVITATION_VALIDITY.days,
        "region": loaded_region(),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation_message.txt", context)
    send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, [invitation.email])
    return {"sent": True}


def invitation_check(*, invitation, user):
    """Raise InvitationError when `user` may not accept `invitation`."""
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has already been used."), code="used")
    if invitation.revoked_at is not None:
        raise InvitationError(
            _("This invitation was withdrawn or replaced by a newer one."), code="revoked"
        )
    if invitation.is_expired:
        raise InvitationError(
            _("This invitation has expired. Ask the person who invited you for a new one."),
            code="expired",
        )
    if user is not None and user.email.lower() != invitation.email.lower():
        raise InvitationError(
            _(
                "This invitation was sent to another e-mail address. Log in with the "
                "account of %(email)s to accept it."
            )
            % {"email": invitation.email},
            code="other_email",
        )


def invitation_accept(*, invitation, user):
    """Accept an invitation for `user`: join the organisation, confirm the e-mail address."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        invitation_check(invitation=invitation, user=user)
        now = timezone.now()
        updated = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
            accepted_at=now, accepted_by=user
        )
        if not updated:
            raise InvitationError(_("This invitation has already been used."), code="used")
        # The link reached this address, so the address is confirmed.
        EmailAddress.objects.filter(user=user, email__iexact=invitation.email).update(verified=True)
        if invitation.organisation_id:
            membership, created = Membership.objects.get_or_create(
                user=user,
                organisation_id=invitation.organisation_id,
                defaults={"role": invitation.role},
            )
            if not created and invitation.role == MembershipRole.ADMIN:
                membership.role = MembershipRole.ADMIN
                membership.save(update_fields=["role"])
        for hook in ACCEPTANCE_HOOKS:
            hook(invitation=invitation, user=user)
    invitation.refresh_from_db()
    return invitation


def invitation_revoke(*, invitation):
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def _ensure_another_admin(membership):
    others = membership.organisation.memberships.filter(role=MembershipRole.ADMIN).exclude(
        pk=membership.pk
    )
    if not others.exists():
        raise ValidationError(
            _("An organisation keeps at least one admin: name another admin first.")
        )


def membership_set_role(*, membership, role):
    if role not in MembershipRole.values:
        raise ValidationError(_("Unknown role."))
    with transaction.atomic():
        if membership.role == MembershipRole.ADMIN and role != MembershipRole.ADMIN:
            _ensure_another_admin(membership)
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def membership_remove(*, membership):
    with transaction.atomic():
        if membership.role == MembershipRole.ADMIN:
            _ensure_another_admin(membership)
        membership.delete()


def user_update_profile(*, user, full_name):
    user.full_name = full_name.strip()
    user.save(update_fields=["full_name"])
    return user


def api_token_renew(*, user):
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def api_token_revoke(*, user):
    Token.objects.filter(user=user).delete()


def user_delete(*, user):
    """Delete a person's account while keeping what they wrote elsewhere, anonymised.

    The row stays as a tombstone so that contributions keep an author ("Deleted
    account"); every personal datum is erased and the person can no longer log in.
    """
    with transaction.atomic():
        for membership in Membership.objects.filter(user=user, role=MembershipRole.ADMIN):
            others = membership.organisation.memberships.exclude(user=user)
            if not others.filter(role=MembershipRole.ADMIN).exists():
                # Hand the organisation to its longest-standing remaining member, if any.
                successor = others.order_by("joined_at").first()
                if successor is not None:
                    successor.role = MembershipRole.ADMIN
                    successor.save(update_fields=["role"])
        for hook in DELETION_HOOKS:
            hook(user=user)
        Membership.objects.filter(user=user).delete()
        EmailAddress.objects.filter(user=user).delete()
        Token.objects.filter(user=user).delete()
        Invitation.objects.open().filter(email__iexact=user.email).update(revoked_at=timezone.now())
        user.groups.clear()
        user.user_permissions.clear()
        user.email = f"deleted-{uuid.uuid4().hex}@deleted.invalid"
        user.full_name = ""
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.deleted_at = timezone.now()
        user.set_unusable_password()
        user.save()
        _delete_sessions_of(user)


def _delete_sessions_of(user):
    user_pk = str(user.pk)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == user_pk:
            session.delete()
