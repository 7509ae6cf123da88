import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from portal.accounts.choices import MembershipRole, OrganisationKind
from portal.accounts.models import Invitation, Membership, Organisation, User

PASSWORD = "Un-mot-de-passe-solide-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.test")
    full_name = factory.Faker("name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)

    @factory.post_generation
    def groups(obj, create, extracted, **kwargs):
        for name in extracted or []:
            obj.groups.add(Group.objects.get_or_create(name=name)[0])


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Association n°{n}")
    kind = OrganisationKind.ASSOCIATION
    territory = "Angers (49)"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MembershipRole.DELEGATE


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invite{n}@exemple.test")
    organisation = factory.SubFactory(OrganisationFactory)
    role = MembershipRole.DELEGATE
    invited_by = factory.SubFactory(UserFactory)
