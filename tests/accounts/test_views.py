import json
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.accounts.choices import MembershipRole
from portal.accounts.models import Invitation, Membership, Organisation, User
from tests.factories import PASSWORD, InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db


def page(response):
    return response.content.decode()


class TestSignUpAndLogin:
    def test_sign_up_confirm_log_in_log_out(self, client):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "Nouvelle.Personne@Exemple.test",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
        assert response.status_code == 302
        user = User.objects.get(email="nouvelle.personne@exemple.test")
        assert not EmailAddress.objects.get(user=user).verified
        # Login is refused until the address is confirmed.
        response = client.post(
            reverse("account_login"), {"login": user.email, "password": PASSWORD}
        )
        assert "_auth_user_id" not in client.session
        link = next(line for line in mail.outbox[-1].body.splitlines() if "/confirm-email/" in line)
        path = link[link.index("/compte/") :].strip()
        client.post(path)
        assert EmailAddress.objects.get(user=user).verified
        response = client.post(
            reverse("account_login"), {"login": user.email, "password": PASSWORD}
        )
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(user.pk)
        client.post(reverse("account_logout"))
        assert "_auth_user_id" not in client.session

    def test_sign_up_with_an_existing_address_reveals_nothing(self, client):
        # The same answer as for a new address; the owner is told by e-mail instead.
        UserFactory(email="deja@exemple.test")
        new = client.post(
            reverse("account_signup"),
            {"email": "neuve@exemple.test", "password1": PASSWORD, "password2": PASSWORD},
        )
        Client().get("/")  # a second client: the first one is now logged in as pending
        taken = Client().post(
            reverse("account_signup"),
            {"email": "DEJA@exemple.test", "password1": PASSWORD, "password2": PASSWORD},
        )
        assert taken.status_code == new.status_code == 302
        assert taken["Location"] == new["Location"]
        assert User.objects.filter(email__iexact="deja@exemple.test").count() == 1
        assert mail.outbox[-1].to == ["deja@exemple.test"]

    def test_sign_up_with_a_weak_password_is_refused_clearly(self, client):
        response = client.post(
            reverse("account_signup"),
            {"email": "faible@exemple.test", "password1": "123456", "password2": "123456"},
        )
        assert response.status_code == 200
        assert "trop court" in page(response) or "trop courant" in page(response)
        assert not User.objects.filter(email="faible@exemple.test").exists()

    def test_repeated_failed_logins_are_throttled(self, client, settings):
        user = UserFactory(email="cible@exemple.test")
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post(reverse("account_login"), {"login": user.email, "password": "mauvais"})
        # Even the right password is refused while the lock lasts.
        response = client.post(
            reverse("account_login"), {"login": user.email, "password": PASSWORD}
        )
        assert response.status_code == 429
        assert "Trop de tentatives" in page(response)
        assert "_auth_user_id" not in client.session

    def test_a_forged_csrf_token_is_refused_and_changes_nothing(self, cast):
        client = Client(enforce_csrf_checks=True)
        client.force_login(cast.member)
        client.get(reverse("accounts:profile_edit"))
        response = client.post(
            reverse("accounts:profile_edit"),
            {"full_name": "Pirate", "csrfmiddlewaretoken": "forged-token-value"},
        )
        assert response.status_code == 403
        assert "contrôle de sécurité" in page(response)
        cast.member.refresh_from_db()
        assert cast.member.full_name == "Mina Membre"

    def test_password_reset_sends_a_link(self, client, cast):
        client.post(reverse("account_reset_password"), {"email": cast.member.email})
        assert mail.outbox and "/password/reset/key/" in mail.outbox[-1].body


class TestOrganisationAdministration:
    def test_org_admin_invites_a_delegate(self, client, cast, organisation):
        client.force_login(cast.org_admin)
        url = reverse("accounts:organisation_manage", args=[organisation.slug])
        response = client.post(url, {"invite-email": "recrue@exemple.test"})
        assert response.status_code == 302
        invitation = Invitation.objects.get(email="recrue@exemple.test")
        assert invitation.organisation == organisation
        assert invitation.role == MembershipRole.DELEGATE

    def test_invalid_address_gets_an_error_and_nothing_is_sent(self, client, cast, organisation):
        client.force_login(cast.org_admin)
        url = reverse("accounts:organisation_manage", args=[organisation.slug])
        response = client.post(url, {"invite-email": "pas-une-adresse"})
        assert response.status_code == 200
        assert "adresse e-mail valide" in page(response)
        assert not Invitation.objects.exists()

    def test_another_organisations_admin_cannot_act(self, client, cast, organisation):
        client.force_login(cast.other_admin)
        member = Membership.objects.get(user=cast.member)
        urls_and_data = [
            (
                reverse("accounts:organisation_manage", args=[organisation.slug]),
                {"invite-email": "x@exemple.test"},
            ),
            (
                reverse("accounts:organisation_manage", args=[organisation.slug]),
                {"org-name": "Piraté", "org-kind": "other"},
            ),
            (
                reverse("accounts:membership_update", args=[organisation.slug, member.pk]),
                {"action": "remove"},
            ),
            (
                reverse("accounts:membership_update", args=[organisation.slug, member.pk]),
                {"role": "admin"},
            ),
        ]
        for url, data in urls_and_data:
            response = client.post(url, data)
            assert response.status_code == 403, url
            assert "pas le droit" in page(response)
        organisation.refresh_from_db()
        assert organisation.name == "Secours Solidaire du Maine"
        member.refresh_from_db()
        assert member.role == MembershipRole.DELEGATE
        assert not Invitation.objects.exists()

    def test_a_delegate_cannot_manage_their_own_organisation(self, client, cast, organisation):
        client.force_login(cast.member)
        url = reverse("accounts:organisation_manage", args=[organisation.slug])
        assert client.post(url, {"invite-email": "x@exemple.test"}).status_code == 403
        assert not Invitation.objects.exists()

    def test_membership_of_another_organisation_is_not_reachable_through_mine(
        self, client, cast, organisation, other_organisation
    ):
        client.force_login(cast.org_admin)
        foreign = Membership.objects.get(user=cast.other_admin)
        url = reverse("accounts:membership_update", args=[organisation.slug, foreign.pk])
        assert client.post(url, {"action": "remove"}).status_code == 404
        assert Membership.objects.filter(pk=foreign.pk).exists()

    def test_admin_invites_an_organisation_and_bad_siret_is_refused(self, client, cast):
        client.force_login(cast.admin)
        url = reverse("accounts:invite_organisation")
        data = {
            "name": "CCAS de Laval",
            "kind": "public_body",
            "siret": "21530130000012",
            "email": "ccas@laval.test",
        }
        bad = client.post(url, {**data, "siret": "12345678901234"})
        assert bad.status_code == 200
        assert "SIRET valide" in page(bad)
        assert not Organisation.objects.filter(name="CCAS de Laval").exists()
        good = client.post(url, data)
        assert good.status_code == 302
        assert Invitation.objects.get(email="ccas@laval.test").role == MembershipRole.ADMIN

    def test_a_member_cannot_invite_people_to_the_portal(self, client, cast):
        client.force_login(cast.member)
        response = client.post(
            reverse("accounts:invite_person"), {"email": "x@exemple.test", "role": "delegate"}
        )
        assert response.status_code == 403
        assert not Invitation.objects.exists()


class TestInvitationLinks:
    def test_accept_as_the_invited_person(self, client, organisation):
        invitation = InvitationFactory(organisation=organisation, email="neo@exemple.test")
        user = UserFactory(email="neo@exemple.test")
        client.force_login(user)
        response = client.post(invitation.get_absolute_url())
        assert response.status_code == 302
        assert Membership.objects.filter(user=user, organisation=organisation).exists()

    def test_reused_link_is_refused(self, client, organisation):
        invitation = InvitationFactory(organisation=organisation, email="neo@exemple.test")
        user = UserFactory(email="neo@exemple.test")
        client.force_login(user)
        client.post(invitation.get_absolute_url())
        response = client.post(invitation.get_absolute_url())
        assert response.status_code == 410
        assert "déjà été utilisée" in page(response)
        assert Membership.objects.filter(user=user).count() == 1

    def test_expired_link_is_refused(self, client, organisation):
        invitation = InvitationFactory(
            organisation=organisation,
            email="neo@exemple.test",
            expires_at=timezone.now() - timedelta(hours=1),
        )
        user = UserFactory(email="neo@exemple.test")
        client.force_login(user)
        response = client.post(invitation.get_absolute_url())
        assert response.status_code == 410
        assert "expiré" in page(response)
        assert not Membership.objects.filter(user=user).exists()

    def test_unknown_token_is_not_found(self, client):
        assert client.get("/invitations/jeton-invente/").status_code == 404


class TestPersonalData:
    def test_download_holds_what_the_portal_knows(self, client, cast, organisation):
        client.force_login(cast.member)
        response = client.get(reverse("accounts:data_export"))
        assert response["Content-Disposition"].startswith("attachment")
        data = json.loads(response.content)
        assert data["account"]["email"] == cast.member.email
        assert data["memberships"][0]["organisation"] == organisation.name

    def test_deletion_needs_the_password(self, client, cast):
        client.force_login(cast.member)
        response = client.post(reverse("accounts:account_delete"), {"password": "faux"})
        assert response.status_code == 200
        assert "pas correct" in page(response)
        cast.member.refresh_from_db()
        assert cast.member.is_active

    def test_deletion_logs_out_and_anonymises(self, client, cast):
        client.force_login(cast.member)
        response = client.post(reverse("accounts:account_delete"), {"password": PASSWORD})
        assert response.status_code == 302
        assert "_auth_user_id" not in client.session
        cast.member.refresh_from_db()
        assert not cast.member.is_active
        assert cast.member.email.endswith("@deleted.invalid")
        assert not cast.member.has_usable_password()


class TestProfile:
    def test_portal_roles_are_named_in_french(self, client, cast):
        client.force_login(cast.curator)
        html = page(client.get(reverse("accounts:profile")))
        assert "Curation" in html and "curators" not in html
        client.force_login(cast.admin)
        assert "administrat" in page(client.get(reverse("accounts:profile")))
        client.force_login(cast.member)
        html = page(client.get(reverse("accounts:profile")))
        assert "analysts" not in html and "curators" not in html
