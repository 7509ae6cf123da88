"""Committee journeys in a real browser: a member asks to join a restricted committee, the
coordinator accepts, the member starts a thread mentioning another member (chosen from the
list that typing @ opens), who sees the bell's count, opens the thread at the first unread
post and replies; a member reports a post, the coordinator hides it, the author is told and
the log shows it; a coordinator slows a heated thread down, then moves it to another
committee. The pages pass the automated WCAG rules on the way, on a phone too."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from portal.committees.choices import CommitteeAccess, CommitteeRole
from portal.committees.forums.models import Post, Thread
from portal.committees.models import Committee, CommitteeMembership
from tests.e2e.test_accounts import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def log_out(page):
    page.context.clear_cookies()


def accessible(page):
    results = Axe().run(page, options=WCAG)
    serious = [
        f"{v['id']}: {v['help']} ({v['nodes'][0]['target']})"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], page.url


def test_join_accept_start_a_thread_read_it_unread_and_reply(page, cast):
    committee = Committee.objects.create(
        name="Comité de la Mayenne", slug="mayenne", access=CommitteeAccess.RESTRICTED
    )
    CommitteeMembership.objects.create(
        committee=committee, user=cast.org_admin, role=CommitteeRole.COORDINATOR
    )
    CommitteeMembership.objects.create(committee=committee, user=cast.other_admin)

    log_in(page, cast.member.email)
    page.goto("/comites/mayenne/")
    page.locator("a[href='/comites/mayenne/rejoindre/']").click()
    accessible(page)
    page.locator("[name=message]").fill("Je coordonne une épicerie solidaire à Laval.")
    page.locator("main form button[type=submit]").click()
    page.locator(".message").first.wait_for()
    assert committee.join_requests.get().message.startswith("Je coordonne")
    # Outsiders do not read the forum yet.
    assert page.goto("/comites/mayenne/forum/").status == 403
    page.console_errors.clear()  # the browser reports that refusal as an error

    log_out(page)
    log_in(page, cast.org_admin.email)
    page.goto("/comites/mayenne/membres/")
    assert "épicerie solidaire à Laval" in page.content()
    accessible(page)
    page.locator("form[action$='/accepter/'] button").click()
    page.locator(".message-success").wait_for()
    assert CommitteeMembership.objects.filter(committee=committee, user=cast.member).exists()

    log_out(page)
    log_in(page, cast.member.email)
    page.goto("/comites/mayenne/forum/")
    page.locator("a[href='/comites/mayenne/forum/nouveau/']").click()
    page.locator("[name=title]").fill("Aide alimentaire l'été")
    body = page.locator("[name=body]")
    body.fill("Qui reste ouvert en **août** ? ")
    body.press_sequentially("@om")  # the committee's members are proposed
    page.get_by_role("option", name="Omar Autre").wait_for()
    accessible(page)
    body.press("Enter")
    assert body.input_value().endswith("@[Omar Autre] ")
    page.locator("main form button[type=submit]").click()
    page.get_by_role("heading", name="Aide alimentaire l'été").wait_for()
    assert page.locator(".post .prose strong").first.inner_text() == "août"
    assert page.locator(".post .prose strong").nth(1).inner_text() == "@Omar Autre"
    thread = Thread.objects.get()

    log_out(page)
    log_in(page, cast.other_admin.email)
    page.goto("/")
    assert page.locator(".bell-count").inner_text().startswith("1")  # the mention
    page.locator("a.bell").click()
    assert "vous a mentionné" in page.locator(".notification").first.inner_text()
    accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto("/comites/mayenne/forum/")
    item = page.locator(".thread-item", has_text="Aide alimentaire l'été")
    assert item.locator(".badge-new").is_visible()  # unread, with a text, not a colour
    accessible(page)
    item.get_by_role("link", name="Aller au premier message non lu").click()
    page.wait_for_url(f"**/sujets/{thread.pk}/?post=*")
    first = thread.posts.get()
    assert page.locator(f"#post-{first.pk}").is_visible()
    accessible(page)
    page.locator("[name=body]").fill("Notre épicerie reste ouverte le mardi.")
    page.locator("#reply-title ~ form button[type=submit]").click()
    page.wait_for_url(f"**/sujets/{thread.pk}/?post=*")
    reply = Post.objects.latest("id")
    assert reply.author == cast.other_admin
    assert page.locator(f"#post-{reply.pk}").inner_text().count("le mardi") == 1
    # Read now: no marker left for them.
    page.goto("/comites/mayenne/forum/")
    assert page.locator(".thread-item .badge-new").count() == 0
    assert page.console_errors == []


def test_a_post_address_reaches_its_page(page, cast):
    from portal.committees.forums import services

    committee = Committee.objects.create(name="Comité ouvert", slug="ouvert")
    CommitteeMembership.objects.create(committee=committee, user=cast.member)
    thread = services.thread_create(user=cast.member, committee=committee, title="Long", body="0")
    for number in range(1, 25):
        last = services.post_create(user=cast.member, thread=thread, body=f"Message {number}")
    # A bare #post-<id> link, as pasted from elsewhere, lands on the post's page (the second).
    page.goto(f"/comites/ouvert/sujets/{thread.pk}/#post-{last.pk}")
    page.wait_for_url(f"**/sujets/{thread.pk}/?post={last.pk}#post-{last.pk}")
    assert page.locator(f"#post-{last.pk}").is_visible()
    assert "Message 24" in page.locator(f"#post-{last.pk}").inner_text()
    assert page.console_errors == []


def test_a_report_reaches_the_coordinator_who_hides_the_post_and_the_log_shows_it(page, cast):
    from portal.committees.forums import services

    committee = Committee.objects.create(name="Comité ouvert", slug="ouvert")
    CommitteeMembership.objects.create(
        committee=committee, user=cast.org_admin, role=CommitteeRole.COORDINATOR
    )
    CommitteeMembership.objects.create(committee=committee, user=cast.member)
    thread = services.thread_create(
        user=cast.org_admin, committee=committee, title="Permanences", body="Vos horaires ?"
    )
    post = services.post_create(
        user=cast.member, thread=thread, body="Appelez Jean au 06 12 34 56 78."
    )

    log_in(page, cast.other_admin.email)
    page.goto(thread.get_absolute_url())
    page.locator(f"#post-{post.pk} a[href$='/signaler/']").click()
    accessible(page)
    page.get_by_label("Données personnelles").check()
    page.locator("main form button[type=submit]").click()
    page.locator(".message-success").wait_for()

    log_out(page)
    log_in(page, cast.org_admin.email)
    page.goto("/")
    page.locator("a.bell").click()  # the report, and the reply in the thread they started
    assert "Un message a été signalé" in page.locator(".notifications").inner_text()
    page.goto("/comites/ouvert/moderation/")
    accessible(page)
    assert "06 12 34 56 78" in page.locator(".report-card").inner_text()
    page.get_by_label("Motif, communiqué à l'auteur").fill("Un numéro de téléphone personnel")
    page.locator(".report-card form button.button-danger").click()
    page.locator(".message-success").wait_for()
    page.goto("/comites/ouvert/moderation/journal/")
    accessible(page)
    assert "Un numéro de téléphone personnel" in page.locator("table").inner_text()

    log_out(page)
    log_in(page, cast.member.email)
    page.goto(thread.get_absolute_url())
    assert "Message masqué par la modération" in page.locator(f"#post-{post.pk}").inner_text()
    page.goto("/notifications/")
    assert "Un numéro de téléphone personnel" in page.locator(".notifications").inner_text()
    assert page.console_errors == []


def test_a_member_links_a_territory_chosen_by_name_with_the_keyboard(page, cast):
    from territories.choices import Level
    from territories.geography.models import Territory

    committee = Committee.objects.create(name="Comité ouvert", slug="ouvert")
    CommitteeMembership.objects.create(committee=committee, user=cast.member)
    Territory.objects.create(
        level=Level.COMMUNE, code="44162", name="Saint-Herblain", population=50000
    )
    hermine = Territory.objects.create(
        level=Level.COMMUNE, code="85223", name="Sainte-Hermine", population=3000
    )

    log_in(page, cast.member.email)
    page.goto("/comites/ouvert/forum/nouveau/")
    page.locator("[name=title]").fill("Épiceries du sud Vendée")
    body = page.locator("[name=body]")
    body.fill("Qui connaît l'épicerie de ")
    body.press_sequentially("#saint her")  # the server's matches are proposed, accents aside
    page.get_by_role("option", name="Sainte-Hermine — Commune").wait_for()
    assert page.get_by_role("option").first.inner_text().startswith("Saint-Herblain")
    assert "2 suggestions" in page.get_by_role("status").inner_text()
    accessible(page)
    body.press("ArrowDown")
    assert (
        page.get_by_role("option", name="Sainte-Hermine — Commune").get_attribute("aria-selected")
        == "true"
    )
    body.press("Enter")
    assert body.input_value() == (
        "Qui connaît l'épicerie de [Sainte-Hermine](/territoires/commune/85223/) "
    )
    assert page.get_by_role("listbox").is_hidden()
    page.locator("main form button[type=submit]").click()
    page.get_by_role("heading", name="Épiceries du sud Vendée").wait_for()
    link = page.locator(".post .prose a", has_text="Sainte-Hermine")
    assert link.get_attribute("href") == hermine.get_absolute_url()
    assert page.console_errors == []
    link.click()
    page.wait_for_url(f"**{hermine.get_absolute_url()}")
    assert "Sainte-Hermine" in page.locator("h1").inner_text()


def test_a_member_attaches_a_pdf_to_a_reply_and_another_downloads_it(
    page, cast, settings, tmp_path
):
    from portal.committees.forums import services

    settings.MEDIA_ROOT = tmp_path / "media"
    committee = Committee.objects.create(name="Comité ouvert", slug="ouvert")
    for person in (cast.member, cast.other_admin):
        CommitteeMembership.objects.create(committee=committee, user=person)
    thread = services.thread_create(
        user=cast.other_admin, committee=committee, title="Bilan", body="Qui a le bilan ?"
    )
    document = tmp_path / "bilan-2025.pdf"
    document.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    log_in(page, cast.member.email)
    page.goto(thread.get_absolute_url())
    form = page.locator("#reply-title ~ form")
    form.locator("[name=body]").fill("Le voici.")
    form.get_by_label("Fichiers joints").set_input_files(str(document))
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/sujets/{thread.pk}/?post=*")
    reply = Post.objects.latest("id")
    assert "bilan-2025.pdf" in page.locator(f"#post-{reply.pk} .post-attachments").inner_text()

    log_out(page)
    log_in(page, cast.other_admin.email)
    page.goto(thread.get_absolute_url())
    accessible(page)
    with page.expect_download() as downloading:
        page.get_by_role("link", name="bilan-2025.pdf").click()
    download = downloading.value
    assert download.suggested_filename == "bilan-2025.pdf"
    with open(download.path(), "rb") as received:
        assert received.read() == document.read_bytes()
    assert page.console_errors == []


def test_a_coordinator_slows_a_heated_thread_down_then_moves_it(page, cast):
    from portal.committees.forums import services

    here = Committee.objects.create(name="Comité ouvert", slug="ouvert")
    there = Committee.objects.create(name="Comité logement", slug="logement")
    for committee in (here, there):
        CommitteeMembership.objects.create(
            committee=committee, user=cast.org_admin, role=CommitteeRole.COORDINATOR
        )
        CommitteeMembership.objects.create(committee=committee, user=cast.member)
    thread = services.thread_create(
        user=cast.org_admin, committee=here, title="Hébergement d'urgence", body="Vos retours ?"
    )

    log_in(page, cast.org_admin.email)
    page.goto(thread.get_absolute_url())
    page.get_by_label("Mode lent").select_option("300")
    page.get_by_role("button", name="Appliquer").click()
    page.locator(".message-success").wait_for()
    assert "un message toutes les 5 minutes" in page.locator("main").inner_text()
    accessible(page)

    log_out(page)
    log_in(page, cast.member.email)
    page.goto(thread.get_absolute_url())
    for text in ("Le 115 sature tous les soirs.", "Et personne ne répond !"):
        page.locator("[name=body]").fill(text)
        page.get_by_role("button", name="Envoyer la réponse").click()
        page.wait_for_load_state()
    assert "Ce sujet est ralenti" in page.locator("main").inner_text()
    assert thread.posts.filter(body__startswith="Et personne").count() == 0
    assert thread.posts.count() == 2
    accessible(page)

    log_out(page)
    log_in(page, cast.org_admin.email)
    page.goto(thread.get_absolute_url())
    page.get_by_role("link", name="Déplacer le sujet").click()
    page.get_by_label("Déplacer vers").select_option(label="Comité logement")
    accessible(page)
    page.get_by_role("button", name="Déplacer", exact=True).click()
    page.locator(".message-success").wait_for()
    assert page.locator(".kicker").inner_text().startswith("Comité logement")
    thread.refresh_from_db()
    assert thread.committee == there
    page.goto("/comites/logement/forum/")
    assert page.locator(".thread-item", has_text="Hébergement d'urgence").count() == 1
    page.goto("/comites/ouvert/forum/")
    assert page.locator(".thread-item", has_text="Hébergement d'urgence").count() == 0
    assert page.console_errors == []
