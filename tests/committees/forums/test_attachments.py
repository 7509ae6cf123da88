"""Files attached to forum posts: checked as the knowledge base's are, at most five a post,
stored under a name that says nothing, downloaded only by whoever may read the thread now,
and never left on disk by a refused or failed write."""

import importlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import clear_url_caches, reverse
from django.utils import timezone

from portal.committees.forums import attachments, services
from portal.committees.forums.models import Post, PostAttachment, Thread
from portal.committees.membership.services import membership_leave
from portal.committees.models import CommitteeMembership
from portal.knowledge.resources import attachments as knowledge_attachments
from tests.factories import UserFactory
from tests.knowledge.helpers import PDF, PNG
from tests.test_disk_full import files_under, full_media  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

BIG_PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n" + b"0" * 300_000 + b"\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pdf(name="compte-rendu.pdf", content=PDF):
    return SimpleUploadedFile(name, content)


def as_(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def download_url(attachment, committee=None):
    slug = (committee or attachment.post.thread.committee).slug
    return reverse("committees:post_attachment", args=[slug, attachment.pk])


def reply_url(thread):
    return reverse("committees:reply", args=[thread.committee.slug, thread.pk])


def test_a_reply_carries_its_files_kept_under_names_that_say_nothing(cast, threads, media):
    post = services.post_create(
        user=cast.member,
        thread=threads.public,
        body="Voici le compte rendu et la photo.",
        files=[pdf(), SimpleUploadedFile("photo-famille.png", PNG)],
    )
    first, second = post.attachments.all()
    assert (first.original_name, first.content_type, first.size, first.kind) == (
        "compte-rendu.pdf",
        "application/pdf",
        len(PDF),
        "PDF",
    )
    assert second.content_type == "image/png" and second.kind == "PNG"
    for attachment in (first, second):
        name = attachment.file.name
        assert name.startswith("forums/") and "compte" not in name and "famille" not in name
        assert "." not in Path(name).name  # not even the type
        assert (media / name).read_bytes() in (PDF, PNG)


def test_the_thread_shows_each_post_files_and_a_reader_downloads_them(client, cast, threads):
    post = services.post_create(
        user=cast.member, thread=threads.public, body="Pièce jointe", files=[pdf()]
    )
    attachment = post.attachments.get()
    as_(client, cast.other_admin)  # a reader of the public forum who sits on nothing
    page = client.get(threads.public.get_absolute_url()).content.decode()
    assert "compte-rendu.pdf" in page and download_url(attachment) in page
    assert "(PDF, " in page
    response = client.get(download_url(attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="compte-rendu.pdf"'
    assert "private" in response["Cache-Control"]


def test_start_a_thread_with_several_files_through_the_page(client, cast, trio):
    as_(client, cast.member)
    response = client.post(
        reverse("committees:thread_create", args=[trio.public.slug]),
        {
            "title": "Horaires d'été",
            "body": "Les plannings.",
            "attachments": [pdf("juillet.pdf"), pdf("aout.pdf")],
        },
    )
    assert response.status_code == 302
    post = Post.objects.get(thread__title="Horaires d'été")
    assert [a.original_name for a in post.attachments.all()] == ["juillet.pdf", "aout.pdf"]


def _refused(client, thread, files):
    response = client.post(reply_url(thread), {"body": "Avec pièces", "attachments": files})
    assert response.status_code == 200  # the form again, with what is wrong
    return response.context["form"].errors.get("attachments", [])


def test_bad_files_are_refused_clearly_and_nothing_is_kept(
    client, cast, threads, media, monkeypatch
):
    thread = threads.public
    before = thread.posts.count()
    as_(client, cast.member)
    disguised = _refused(client, thread, [pdf("rapport.pdf", PNG)])
    assert "rapport.pdf" in disguised[0] and "ne correspond pas" in disguised[0]
    assert _refused(client, thread, [SimpleUploadedFile("outil.exe", b"MZ" + b"\0" * 64)])
    assert _refused(client, thread, [SimpleUploadedFile("vide.pdf", b"")])
    six = _refused(client, thread, [pdf(f"{n}.pdf") for n in range(6)])
    assert six == [attachments._too_many().messages[0]]
    # One good file and one bad: neither is kept.
    mixed = _refused(client, thread, [pdf("bon.pdf"), pdf("faux.pdf", PNG)])
    assert len(mixed) == 1 and "faux.pdf" in mixed[0]
    monkeypatch.setattr(knowledge_attachments, "ATTACHMENT_MAX_BYTES", len(PDF) - 1)
    assert "trop volumineux" in _refused(client, thread, [pdf()])[0]
    assert thread.posts.count() == before
    assert not PostAttachment.objects.exists()
    assert files_under(media) == []


def test_services_refuse_bad_files_before_writing_anything(cast, threads, media):
    big = pdf()
    big.size = knowledge_attachments.ATTACHMENT_MAX_BYTES + 1
    cases = [
        ([pdf("rapport.pdf", PNG)], "file"),
        ([big], "file"),
        ([pdf(f"{n}.pdf") for n in range(6)], "count"),
    ]
    for files, code in cases:
        with pytest.raises(ValidationError) as refused:
            services.post_create(user=cast.member, thread=threads.public, body="x", files=files)
        assert refused.value.error_list[0].code == code
        with pytest.raises(ValidationError):
            services.thread_create(
                user=cast.member,
                committee=threads.public.committee,
                title="T",
                body="x",
                files=files,
            )
    assert threads.public.posts.count() == 2 and not PostAttachment.objects.exists()
    assert files_under(media) == []


def test_a_suspended_member_or_an_outsider_cannot_attach(client, cast, trio, threads, media):
    trio.public.memberships.filter(user=cast.member).update(
        suspended_until=timezone.now() + timedelta(days=1)
    )
    thread = Thread.objects.select_related("committee").get(pk=threads.public.pk)
    with pytest.raises(PermissionDenied):
        services.post_create(user=cast.member, thread=thread, body="x", files=[pdf()])
    as_(client, cast.member)
    response = client.post(reply_url(threads.public), {"body": "x", "attachments": [pdf()]})
    assert response.status_code == 403 and "suspendu" in response.content.decode()
    as_(client, cast.other_admin)
    for thread in (threads.public, threads.restricted):
        response = client.post(reply_url(thread), {"body": "x", "attachments": [pdf()]})
        assert response.status_code == 403
    response = client.post(reply_url(threads.private), {"body": "x", "attachments": [pdf()]})
    assert response.status_code == 404
    assert not PostAttachment.objects.exists()
    assert files_under(media) == []


def test_a_forged_request_cannot_attach_to_or_strip_someone_elses_post(
    client, cast, threads, media
):
    theirs = threads.public.posts.get(author=cast.org_admin)
    mine = services.post_create(
        user=cast.member, thread=threads.public, body="Le mien", files=[pdf("mien.pdf")]
    )
    edit = reverse("committees:post_edit", args=["ouvert", theirs.pk])
    as_(client, cast.member)
    response = client.post(edit, {"body": theirs.body, "attachments": [pdf("intrus.pdf")]})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.post_edit(user=cast.member, post=theirs, body=theirs.body, files=[pdf()])
    # The coordinator cannot remove the member's file through their own post either.
    other = mine.attachments.get()
    coordinator_post = threads.public.posts.get(author=cast.org_admin)
    with pytest.raises(ValidationError) as refused:
        services.post_edit(user=cast.org_admin, post=coordinator_post, body="a", remove=[other.pk])
    assert refused.value.code == "not_attached"
    as_(client, cast.org_admin)
    own_edit = reverse("committees:post_edit", args=["ouvert", coordinator_post.pk])
    response = client.post(own_edit, {"body": "changé", "remove": [other.pk]})
    assert response.status_code == 200
    assert "ne peuvent plus être retirés" in response.content.decode()
    assert theirs.attachments.count() == 0
    assert list(PostAttachment.objects.values_list("original_name", flat=True)) == ["mien.pdf"]
    assert len(files_under(media)) == 1
    coordinator_post.refresh_from_db()
    assert coordinator_post.body != "changé"


def test_editing_adds_files_and_removes_them_within_the_window(
    client, cast, threads, media, django_capture_on_commit_callbacks
):
    post = services.post_create(
        user=cast.member, thread=threads.public, body="Premier jet", files=[pdf("v1.pdf")]
    )
    first = post.attachments.get()
    edit = reverse("committees:post_edit", args=["ouvert", post.pk])
    as_(client, cast.member)
    form = client.get(edit).context["form"]
    assert list(form.fields["remove"].queryset) == [first]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            edit, {"body": "Premier jet", "attachments": [pdf("v2.pdf")], "remove": [first.pk]}
        )
    assert response.status_code == 302
    assert [a.original_name for a in post.attachments.all()] == ["v2.pdf"]
    assert not (media / first.file.name).exists()  # removed once the edit committed
    assert len(files_under(media)) == 1
    post.refresh_from_db()
    assert post.revisions.count() == 0  # the text did not change

    # After the deletion window, files may still be added but not removed.
    Post.objects.filter(pk=post.pk).update(created_at=timezone.now() - timedelta(hours=1))
    post.refresh_from_db()
    kept = post.attachments.get()
    assert "remove" not in client.get(edit).context["form"].fields
    with pytest.raises(ValidationError) as refused:
        services.post_edit(user=cast.member, post=post, body="Premier jet", remove=[kept.pk])
    assert refused.value.code == "window"
    services.post_edit(user=cast.member, post=post, body="Second jet", files=[pdf("v3.pdf")])
    assert post.attachments.count() == 2 and post.revisions.count() == 1


def test_an_edit_cannot_take_a_post_past_five_files(cast, threads, media):
    post = services.post_create(
        user=cast.member,
        thread=threads.public,
        body="x",
        files=[pdf(f"{n}.pdf") for n in range(4)],
    )
    with pytest.raises(ValidationError) as refused:
        services.post_edit(user=cast.member, post=post, body="y", files=[pdf(), pdf()])
    assert refused.value.code == "count"
    post.refresh_from_db()
    assert post.body == "x" and post.attachments.count() == 4
    assert len(files_under(media)) == 4  # the two refused files were removed again


def test_deleting_a_post_deletes_its_files(
    cast, threads, media, django_capture_on_commit_callbacks
):
    post = services.post_create(user=cast.member, thread=threads.public, body="Oups", files=[pdf()])
    with django_capture_on_commit_callbacks(execute=True):
        services.post_delete(user=cast.member, post=post)
    assert not PostAttachment.objects.exists() and files_under(media) == []


def test_files_go_with_their_committee_and_stay_when_a_deletion_rolls_back(
    cast, threads, media, django_capture_on_commit_callbacks
):
    from django.db import transaction

    services.post_create(user=cast.member, thread=threads.public, body="Pièce", files=[pdf()])
    assert len(files_under(media)) == 1
    committee = type(threads.public.committee).objects.filter(pk=threads.public.committee_id)
    with pytest.raises(RuntimeError), transaction.atomic():
        committee.delete()
        raise RuntimeError("rolled back")
    assert len(files_under(media)) == 1  # nothing was deleted, the file stays
    with django_capture_on_commit_callbacks(execute=True):
        committee.delete()  # by an administrator: its threads, posts and files
    assert not PostAttachment.objects.exists() and files_under(media) == []


def test_a_full_disk_refuses_the_post_and_leaves_no_file(client, cast, threads, full_media):  # noqa: F811
    before = threads.public.posts.count()
    as_(client, cast.member)
    client.raise_request_exception = False
    response = client.post(
        reply_url(threads.public),
        {"body": "Deux fichiers", "attachments": [pdf("petit.pdf"), pdf("gros.pdf", BIG_PDF)]},
    )
    assert response.status_code == 507
    assert "plus de place" in response.content.decode()
    assert threads.public.posts.count() == before and not PostAttachment.objects.exists()
    assert files_under(full_media) == []  # the first file, written, was removed too


# Who downloads a file of the member's post in each committee: as the forum is read.
DOWNLOADERS = {
    "public": dict.fromkeys(
        ["visitor", "member", "org_admin", "other_admin", "curator", "analyst", "admin"], 200
    ),
    "restricted": {
        "visitor": 302,
        "member": 200,
        "org_admin": 200,
        "other_admin": 403,
        "curator": 200,
        "analyst": 403,
        "admin": 200,
    },
    "private": {
        "visitor": 404,
        "member": 200,
        "org_admin": 200,
        "other_admin": 404,
        "curator": 404,
        "analyst": 404,
        "admin": 404,
    },
}


@pytest.mark.parametrize("access", ["public", "restricted", "private"])
def test_downloads_follow_who_may_read_the_thread_now(client, cast, trio, threads, access):
    thread = getattr(threads, access)
    post = services.post_create(user=cast.member, thread=thread, body="x", files=[pdf()])
    url = download_url(post.attachments.get())
    for persona, expected in DOWNLOADERS[access].items():
        as_(client, getattr(cast, persona))
        assert client.get(url).status_code == expected, persona
    # Another committee's address does not reach it.
    as_(client, cast.member)
    elsewhere = trio.public if access != "public" else trio.restricted
    assert client.get(download_url(post.attachments.get(), elsewhere)).status_code == 404
    # A former member reads no more of a committee that is not public.
    former = UserFactory()
    CommitteeMembership.objects.create(committee=thread.committee, user=former)
    as_(client, former)
    assert client.get(url).status_code == 200
    membership_leave(user=former, committee=thread.committee)
    expected = {"public": 200, "restricted": 403, "private": 404}[access]
    assert client.get(url).status_code == expected


def test_a_hidden_post_files_go_to_its_coordinators_alone_a_deleted_post_to_nobody(
    client, cast, threads
):
    post = services.post_create(
        user=cast.member, thread=threads.public, body="À masquer", files=[pdf()]
    )
    attachment = post.attachments.get()
    url = download_url(attachment)
    services.post_hide(user=cast.org_admin, post=post, reason="Données personnelles")
    for persona in ("visitor", "member", "other_admin", "curator"):
        as_(client, getattr(cast, persona))
        assert client.get(url).status_code == 404, persona
        assert url not in client.get(threads.public.get_absolute_url()).content.decode()
    for persona in ("org_admin", "admin"):  # who may unhide it sees what they hid
        as_(client, getattr(cast, persona))
        assert client.get(url).status_code == 200, persona
        assert url in client.get(threads.public.get_absolute_url()).content.decode()
    services.post_unhide(user=cast.org_admin, post=post)
    as_(client, cast.member)
    assert client.get(url).status_code == 200
    # Rows made by hand: a deleted post whose files were somehow kept is not served.
    Post.objects.filter(pk=post.pk).update(status="deleted")
    for persona in ("member", "org_admin", "admin"):
        as_(client, getattr(cast, persona))
        assert client.get(url).status_code == 404, persona


def test_no_address_serves_the_stored_files(cast, threads, settings):
    """Not even under DEBUG: MEDIA_URL has no route, only the checking view serves a file."""
    import portal.urls

    post = services.post_create(user=cast.member, thread=threads.private, body="x", files=[pdf()])
    name = post.attachments.get().file.name
    settings.DEBUG = True
    try:
        reloaded = importlib.reload(portal.urls)
        clear_url_caches()
        assert not [p for p in reloaded.urlpatterns if "media" in str(p.pattern)]
        assert Client().get(f"/media/{name}").status_code == 404
    finally:
        settings.DEBUG = False
        importlib.reload(portal.urls)
        clear_url_caches()


def test_a_new_file_renews_the_kept_thread_page(
    settings, cast, threads, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    """Thread pages are kept per audience (portal.pagecache): a file attached since shows at
    once, as a new post does, because its write renews the pages' generation."""
    settings.PAGE_CACHE_TTL = 300
    thread = threads.public
    other = UserFactory()
    CommitteeMembership.objects.create(committee=thread.committee, user=other)
    reader = as_(Client(), other)
    assert "compte-rendu.pdf" not in reader.get(thread.get_absolute_url()).content.decode()
    with django_assert_max_num_queries(6):  # kept: only the reader's own marks are read
        reader.get(thread.get_absolute_url())
    post = thread.posts.get(author=cast.member)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_edit(user=cast.member, post=post, body=post.body, files=[pdf()])
    assert "compte-rendu.pdf" in reader.get(thread.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_edit(
            user=cast.member,
            post=post,
            body=post.body,
            remove=[post.attachments.get().pk],
        )
    assert "compte-rendu.pdf" not in reader.get(thread.get_absolute_url()).content.decode()
