from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from jobs.choices import JobState
from jobs.models import Job
from portal.accounts import services
from portal.accounts.choices import MembershipRole
from portal.accounts.models import Invitation, Membership, Organisation, User
from tests.factories import InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_invitation_is_recorded_and_emailed_through_a_background_job(
    cast, organisation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            inviter=cast.org_admin, email="Nouvelle@Exemple.test", organisation=organisation
        )
    assert invitation.email == "nouvelle@exemple.test"
    job = Job.objects.get(kind="accounts.send_invitation_email")
    assert job.state == JobState.SUCCEEDED
    assert job.created_by == cast.org_admin
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle@exemple.test"]
    assert organisation.name in message.subject
    assert invitation.get_absolute_url() in message.body


def test_a_new_invitation_replaces_the_open_one(cast, organisation):
    first = services.invitation_create(
        inviter=cast.org_admin, email="x@exemple.test", organisation=organisation
    )
    second = services.invitation_create(
        inviter=cast.org_admin, email="x@exemple.test", organisation=organisation
    )
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert second.is_usable


def test_inviting_an_existing_member_is_refused(cast, organisation):
    with pytest.raises(ValidationError):
        services.invitation_create(
            inviter=cast.org_admin, email=cast.member.email.upper(), organisation=organisation
        )
    assert not Invitation.objects.exists()


def test_accepting_joins_the_organisation_and_confirms_the_address(organisation):
    invitation = InvitationFactory(organisation=organisation, email="neo@exemple.test")
    user = User.objects.create_user(email="neo@exemple.test", password="x")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    services.invitation_accept(invitation=invitation, user=user)

    membership = Membership.objects.get(user=user, organisation=organisation)
    assert membership.role == MembershipRole.DELEGATE
    assert EmailAddress.objects.get(user=user).verified
    invitation.refresh_from_db()
    assert invitation.accepted_by == user


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"accepted_at": timezone.now()}, "used"),
        ({"revoked_at": timezone.now()}, "revoked"),
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, "expired"),
    ],
)
def test_an_unusable_invitation_changes_nothing(organisation, change, code):
    invitation = InvitationFactory(organisation=organisation, email="neo@exemple.test", **change)
    user = UserFactory(email="neo@exemple.test")
    with pytest.raises(services.InvitationError) as error:
        services.invitation_accept(invitation=invitation, user=user)
    assert error.value.code == code
    assert not Membership.objects.filter(user=user).exists()


def test_an_invitation_for_another_address_is_refused(organisation):
    invitation = InvitationFactory(organisation=organisation, email="neo@exemple.test")
    intruder = UserFactory(email="intrus@exemple.test")
    with pytest.raises(services.InvitationError) as error:
        services.invitation_accept(invitation=invitation, user=intruder)
    assert error.value.code == "other_email"
    assert not Membership.objects.filter(user=intruder).exists()


def test_organisation_invitation_creates_it_and_invites_its_admin(cast):
    organisation = services.organisation_invite(
        inviter=cast.admin,
        email="presidence@asso.test",
        name="Les Restos du Cœur de la Sarthe",
        kind="association",
        siret="",
        rna="W723000123",
        territory="Sarthe",
    )
    invitation = organisation.invitations.get()
    assert invitation.role == MembershipRole.ADMIN
    assert organisation.slug == "les-restos-du-coeur-de-la-sarthe"


def test_organisation_with_an_invalid_siret_is_not_created(cast):
    with pytest.raises(ValidationError):
        services.organisation_invite(
            inviter=cast.admin,
            email="a@b.test",
            name="X",
            kind="association",
            siret="12345678901234",
        )
    assert not Organisation.objects.filter(name="X").exists()
    assert not Invitation.objects.exists()


def test_the_last_admin_cannot_leave_or_step_down(cast, organisation):
    membership = Membership.objects.get(user=cast.org_admin, organisation=organisation)
    with pytest.raises(ValidationError):
        services.membership_set_role(membership=membership, role=MembershipRole.DELEGATE)
    with pytest.raises(ValidationError):
        services.membership_remove(membership=membership)
    MembershipFactory(organisation=organisation, role=MembershipRole.ADMIN)
    services.membership_remove(membership=membership)
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_deleting_an_account_erases_personal_data_and_keeps_a_tombstone(cast, organisation, client):
    user = cast.org_admin
    client.force_login(user)
    services.api_token_renew(user=user)
    job = Job.objects.create(kind="x", created_by=user)

    services.user_delete(user=user)

    user.refresh_from_db()
    assert user.email.endswith("@deleted.invalid")
    assert user.full_name == ""
    assert not user.is_active
    assert not user.has_usable_password()
    assert str(user) == "Compte supprimé"
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not Membership.objects.filter(user=user).exists()
    # The organisation keeps an admin: its remaining member takes the role.
    assert Membership.objects.get(user=cast.member).role == MembershipRole.ADMIN
    # What the person did elsewhere stays, attached to the anonymised account.
    job.refresh_from_db()
    assert job.created_by == user
    # Their sessions end.
    assert client.get("/compte/profil/").status_code == 302
