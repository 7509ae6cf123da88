"""Following forums and threads, @mentions and replies: who is told of a new post, and who is
never told (the silent, the writer, whoever cannot read the committee)."""

from django.urls import reverse

from portal.accounts.notifications.models import Notification
from portal.committees.choices import FollowLevel
from portal.committees.following import selectors, services
from portal.committees.following.models import Subscription
from portal.committees.forums import services as forums
from portal.committees.models import CommitteeMembership
from tests.factories import UserFactory


def told(person, kind=None):
    queryset = Notification.objects.filter(recipient=person)
    if kind:
        queryset = queryset.filter(kind=kind)
    return list(queryset.order_by("pk").values_list("title", flat=True))


def test_writing_follows_a_thread_and_followers_hear_of_every_post(cast, trio):
    thread = forums.thread_create(
        user=cast.org_admin, committee=trio.public, title="Accueil de nuit", body="Qui vient ?"
    )
    assert selectors.level_of(user=cast.org_admin, committee=trio.public, thread=thread) == "follow"
    assert selectors.level_of(user=cast.member, committee=trio.public, thread=thread) == "normal"
    forums.post_create(user=cast.member, thread=thread, body="Moi.")
    # The starter follows: told. The writer is never told of their own post.
    assert told(cast.org_admin, services.FOLLOWED) == [
        "Nouveau message de Mina Membre dans « Accueil de nuit »"
    ]
    assert told(cast.member) == []
    # The member replied, so follows now; silencing the thread stops everything.
    services.level_set(
        user=cast.member, committee=trio.public, thread=thread, level=FollowLevel.SILENT
    )
    forums.post_create(user=cast.org_admin, thread=thread, body="Merci @[Mina Membre] !")
    assert told(cast.member) == []


def test_normal_readers_hear_of_mentions_and_replies_only(cast, trio):
    thread = forums.thread_create(
        user=cast.member, committee=trio.public, title="Réunion", body="Ordre du jour."
    )
    first = thread.posts.get()
    reader = UserFactory(full_name="Rémi Lecteur")
    CommitteeMembership.objects.create(committee=trio.public, user=reader)
    forums.post_create(user=cast.org_admin, thread=thread, body="Un message sans mention.")
    assert told(reader) == []
    forums.post_create(user=cast.org_admin, thread=thread, body="Avis de @[rémi lecteur] ?")
    assert told(reader, services.MENTIONS) == [
        "Odile Responsable vous a mentionné dans « Réunion »"
    ]
    # A reply written from the « quote » link tells the quoted post's author (once: they
    # follow the thread they started, and a reply is said as such).
    Notification.objects.all().delete()
    forums.post_create(user=cast.org_admin, thread=thread, body="> Ordre\n\nOui.", reply_to=first)
    assert told(cast.member) == ["Odile Responsable a répondu à votre message dans « Réunion »"]


def test_a_mention_of_someone_who_cannot_read_tells_nobody_and_says_so(cast, trio):
    thread = forums.thread_create(
        user=cast.member, committee=trio.private, title="Entre nous", body="Bonjour"
    )
    post = forums.post_create(
        user=cast.member,
        thread=thread,
        body="Voir avec @[Omar Autre] et @[Personne Inconnue], et @[Odile Responsable].",
    )
    assert told(cast.other_admin) == []
    assert post.mention_warnings == [
        "« Omar Autre » ne peut pas lire ce sujet : personne n’a été prévenu.",
        "Personne ne s’appelle « Personne Inconnue » sur le portail.",
    ]
    assert told(cast.org_admin, services.MENTIONS)
    assert "<strong>@Odile Responsable</strong>" in post.body_html


def test_a_member_who_left_a_private_committee_is_told_nothing_more(cast, trio):
    thread = forums.thread_create(
        user=cast.member, committee=trio.private, title="Budget", body="Chiffres"
    )
    CommitteeMembership.objects.filter(user=cast.member, committee=trio.private).delete()
    forums.post_create(user=cast.org_admin, thread=thread, body="Merci @[Mina Membre]")
    assert told(cast.member) == []


def test_hostile_mentions_stay_text(cast, trio):
    thread = forums.thread_create(
        user=cast.member,
        committee=trio.public,
        title="Essai",
        body="@[<script>alert(1)</script>] @[x](javascript:alert(1)) @[**gras**]",
    )
    html = thread.posts.get().body_html
    assert "<script" not in html and "href=" not in html
    assert "@[&lt;script&gt;alert(1)&lt;/script&gt;]" in html  # not a mention: shown as text


def test_following_is_chosen_per_forum_and_thread_by_readers_only(client, cast, trio):
    thread = forums.thread_create(
        user=cast.org_admin, committee=trio.private, title="Suivi", body="Texte"
    )
    client.force_login(cast.member)
    forum_follow = reverse("committees:follow_forum", args=[trio.private.slug])
    client.post(forum_follow, {"level": "follow"})
    assert selectors.level_of(user=cast.member, committee=trio.private) == "follow"
    assert selectors.level_of(user=cast.member, committee=trio.private, thread=thread) == "follow"
    thread_follow = reverse("committees:follow_thread", args=[trio.private.slug, thread.pk])
    page = client.post(thread_follow, {"level": "pigeon"}, follow=True).content.decode()
    assert "Cette façon de suivre n’existe pas." in page
    client.post(thread_follow, {"level": "silent"})
    assert selectors.level_of(user=cast.member, committee=trio.private, thread=thread) == "silent"
    # Someone who cannot read the private committee cannot follow it, nor learn it exists.
    client.force_login(cast.other_admin)
    before = Subscription.objects.count()
    assert client.post(forum_follow, {"level": "follow"}).status_code == 404
    assert client.post(thread_follow, {"level": "follow"}).status_code == 404
    assert Subscription.objects.count() == before
    # The thread page shows the choice and proposes members to mention.
    client.force_login(cast.member)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert 'id="follow-level"' in page and 'id="mentionable"' in page
