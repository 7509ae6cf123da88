"""Committee forum pages against django-machina 1.3.1: the same forum on the same machine, in
the same run.

    .venv/bin/python bench/forums.py [--rounds 200] [--warmup 20]

The forum: 1,000 threads, one of them 500 posts long, the others one post each; 20 threads and
20 posts a page. Four pages: the long thread's page 13 (a middle one) and the forum's first
page, each for an anonymous reader and for a logged-in member with unread markers (a third of
the threads read, the long thread read up to its 250th post: before each of the member's
thread requests their read state is put back there, so every request finds unread posts and
records their reading, on both sides).

Cohésion (the portal's .venv): a fresh SQLite database in var/bench-forums/, filled through
the models with the denormalised thread fields the pages read, served as in production
(DEBUG off, Redis as cache and sessions, db 4 by default: FORUMS_REDIS_URL, flushed at the
start) — once as deployed, with its kept pages, and once with them off (PAGE_CACHE_TTL=0).

machina: django-machina 1.3.1 on Django 4.2 (the newest series its CI tests) in a virtual
environment of its own, var/bench-machina-venv/, created on first use and never a dependency
of the portal; a minimal project generated in var/bench-forums/machina/ (its documented
settings, the cached template loader, DEBUG off, SQLite on the same disk), the same threads,
posts and people, read permission for anonymous readers, read tracks for the member.

Each side is one gunicorn worker started from `gunicorn.conf.py`. Requests are sequential,
each on a new connection (gunicorn's sync worker closes it), with gzip accepted and each
reader's cookies kept as a browser keeps them; after a warm-up, the sides take turns request
by request, so that a drift of the machine reaches them alike. Queries are counted on a few
more requests by the served application itself (Django's execute_wrapper, answered in a
header), not on the timed ones. Prints median and p95 latency, queries and the ratios
Cohésion / machina, and writes bench/forums.md.

Goal (issue 13): on each of the four pages, at most two thirds of machina's median latency,
with fewer queries.
"""

import argparse
import datetime
import functools
import gzip
import html
import http.client
import importlib.metadata
import json
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from contextlib import ExitStack, closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORK = ROOT / "var" / "bench-forums"
MACHINA_PROJECT = WORK / "machina"
MACHINA_VENV = ROOT / "var" / "bench-machina-venv"
REDIS_URL = os.environ.get("FORUMS_REDIS_URL", "redis://127.0.0.1:6379/4")

THREADS = 1000
POSTS = 500
PAGE_SIZE = 20
THREAD_PAGE = 13  # posts 241–260 of the long thread
READ_UP_TO = 250  # the member has read the long thread up to this post
AUTHORS = ["Camille Martin", "Louis Bernard", "Inès Petit", "Hugo Moreau"]
MEMBER = "Jeanne Lefèvre"
COMMITTEE = "Comité de la Sarthe"
POST_MARK, THREAD_MARK = "Message n°", "Sujet n°"
TEXT = (
    "Le centre social relance l'atelier d'accès aux droits le mardi matin ; les bénévoles "
    "de l'épicerie solidaire orientent les familles qui n'ont pas encore fait leur demande. "
    "Qui peut venir présenter le dispositif lors de la prochaine réunion du comité ?"
)

# The measurement.
COUNTED = 5  # requests whose queries are counted, after the timed ones
PAGES = [("thread", "anonymous"), ("thread", "member"), ("forum", "anonymous"), ("forum", "member")]
GOAL_LATENCY = 2 / 3
# Not counted as queries (Django's query-count assertions do not see them inside a test's
# transaction either): SQLite's BEGIN IMMEDIATE before a write goes through the cursor.
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
SECRET_KEY = "forums-benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
OUR_ENV = {
    **os.environ,
    "DEBUG": "false",
    "SECRET_KEY": SECRET_KEY,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DATABASE_URL": f"sqlite:///{WORK / 'cohesion.sqlite3'}",
    "REDIS_URL": REDIS_URL,
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "SECURE_HSTS_SECONDS": "0",
    "VAR_DIR": str(WORK),
    "LOG_LEVEL": "WARNING",
    "DJANGO_SETTINGS_MODULE": "portal.settings",
}
MACHINA_ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "settings",
    "PYTHONPATH": f"{MACHINA_PROJECT}{os.pathsep}{ROOT}",
}


# The forum both sides serve -------------------------------------------------------------


def conversations(now):
    """[(title, [(author's index, written at, text), …])], the long thread first. The long
    thread is the most recently active, so that it heads the forum's first page."""
    start = now - datetime.timedelta(days=30)
    minute = datetime.timedelta(minutes=1)
    long_thread = (
        f"{THREAD_MARK}0 : le long fil",
        [
            (n % len(AUTHORS), start + (THREADS + n) * minute, f"{POST_MARK}{n + 1}. {TEXT}")
            for n in range(POSTS)
        ],
    )
    short = [
        (
            f"{THREAD_MARK}{k} : accès aux droits",
            [(k % len(AUTHORS), start + k * minute, f"{POST_MARK}1. {TEXT}")],
        )
        for k in range(1, THREADS)
    ]
    return [long_thread, *short]


def read_by_member(index):
    """The short threads the member has read to the end (a third of them)."""
    return index > 0 and index % 3 == 0


def rendered(text):
    return f"<p>{html.escape(text)}</p>"


def _session_cookie(user):
    """A logged-in session for `user` in the side's session engine, as its cookie."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _update(model, pk, **values):
    """An UPDATE of one row as the benchmark replays it on the side's SQLite file."""
    from django.db import connection

    columns = ", ".join(f"{model._meta.get_field(name).column} = ?" for name in values)
    params = [
        connection.ops.adapt_datetimefield_value(value)
        if isinstance(value, datetime.datetime)
        else value
        for value in values.values()
    ]
    return {
        "sql": f"UPDATE {model._meta.db_table} SET {columns} WHERE id = ?",
        "params": [*params, pk],
    }


def _prepare_database():
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", "--noinput", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)


# Cohésion's side (run in the portal's .venv) ----------------------------------------------


def load_ours():
    """Fill the fresh database through the portal's models; print what the client needs."""
    _prepare_database()
    from django.db import transaction
    from django.urls import reverse
    from django.utils import timezone

    from portal.accounts.choices import MembershipRole, OrganisationKind
    from portal.accounts.models import Membership, Organisation, User
    from portal.committees.choices import CommitteeAccess, CommitteeRole
    from portal.committees.forums.models import Post, Thread, ThreadReadState
    from portal.committees.models import Committee, CommitteeMembership

    with transaction.atomic():
        committee = Committee.objects.create(
            name=COMMITTEE, slug="comite-sarthe", access=CommitteeAccess.PUBLIC
        )
        organisations = [
            Organisation.objects.create(
                name=name, kind=OrganisationKind.ASSOCIATION, territory="Le Mans (72)"
            )
            for name in ("Secours Solidaire du Maine", "Épicerie du Pays Fléchois")
        ]
        people = []
        for number, name in enumerate([*AUTHORS, MEMBER]):
            person = User(email=f"personne{number}@bench.example", full_name=name)
            person.set_unusable_password()
            person.save()
            Membership.objects.create(
                user=person, organisation=organisations[number % 2], role=MembershipRole.DELEGATE
            )
            CommitteeMembership.objects.create(
                committee=committee,
                user=person,
                role=CommitteeRole.COORDINATOR if number == 0 else CommitteeRole.MEMBER,
            )
            people.append(person)
        authors, member = people[:-1], people[-1]

        plan = conversations(timezone.now())
        threads = Thread.objects.bulk_create(
            Thread(
                committee=committee,
                title=title,
                author=authors[posts[0][0]],
                created_at=posts[0][1],
                last_activity_at=posts[-1][1],
                post_count=len(posts),
            )
            for title, posts in plan
        )
        posts = Post.objects.bulk_create(
            Post(
                thread=thread,
                author=authors[author],
                organisation=organisations[author % 2],
                body=text,
                body_html=rendered(text),
                created_at=written,
            )
            for thread, (_, written_posts) in zip(threads, plan, strict=True)
            for author, written, text in written_posts
        )
        by_thread = {}
        for post in posts:
            by_thread.setdefault(post.thread_id, []).append(post)
        for thread in threads:
            last = by_thread[thread.pk][-1]
            thread.last_post_id, thread.last_poster_id = last.pk, last.author_id
        Thread.objects.bulk_update(threads, ["last_post_id", "last_poster"], batch_size=500)

        long_thread = threads[0]
        read_up_to = by_thread[long_thread.pk][READ_UP_TO - 1].pk
        ThreadReadState.objects.bulk_create(
            [
                ThreadReadState(user=member, thread=thread, last_read_post_id=thread.last_post_id)
                for index, thread in enumerate(threads)
                if read_by_member(index)
            ]
        )
        state = ThreadReadState.objects.create(
            user=member, thread=long_thread, last_read_post_id=read_up_to
        )

    return {
        "forum": reverse("committees:forum", args=[committee.slug]),
        "thread": f"{long_thread.get_absolute_url()}?page={THREAD_PAGE}",
        "member": _session_cookie(member),
        "reset": _update(ThreadReadState, state.pk, last_read_post_id=read_up_to),
    }


# machina's side (run in its own virtual environment) --------------------------------------

MACHINA_SETTINGS = '''\
"""django-machina 1.3's documented set-up, for bench/forums.py (generated: edit the benchmark)."""

from pathlib import Path

from machina import MACHINA_MAIN_STATIC_DIR, MACHINA_MAIN_TEMPLATE_DIR

HERE = Path(__file__).resolve().parent
SECRET_KEY = "forums-benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.sites",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "mptt",
    "haystack",
    "widget_tweaks",
    "machina",
    "machina.apps.forum",
    "machina.apps.forum_conversation",
    "machina.apps.forum_conversation.forum_attachments",
    "machina.apps.forum_conversation.forum_polls",
    "machina.apps.forum_feeds",
    "machina.apps.forum_moderation",
    "machina.apps.forum_search",
    "machina.apps.forum_tracking",
    "machina.apps.forum_member",
    "machina.apps.forum_permission",
]
# As machina's example project orders them.
MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "machina.apps.forum_permission.middleware.ForumPermissionMiddleware",
]
ROOT_URLCONF = "urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [MACHINA_MAIN_TEMPLATE_DIR],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "machina.core.context_processors.metadata",
            ],
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
        },
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": HERE / "machina.sqlite3"}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "machina_attachments": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": HERE / "attachments-cache",
    },
}
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
MACHINA_FORUM_TOPICS_NUMBER_PER_PAGE = 20
MACHINA_TOPIC_POSTS_NUMBER_PER_PAGE = 20
LANGUAGE_CODE = "fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
SITE_ID = 1
STATIC_URL = "/static/"
STATIC_ROOT = HERE / "static"
STATICFILES_DIRS = [MACHINA_MAIN_STATIC_DIR]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
MEDIA_ROOT = HERE / "media"
'''

MACHINA_URLS = """\
from django.urls import include, path
from machina import urls as machina_urls

urlpatterns = [path("forum/", include(machina_urls))]
"""


def machina_project():
    """The minimal Django project serving machina, written anew."""
    shutil.rmtree(MACHINA_PROJECT, ignore_errors=True)
    MACHINA_PROJECT.mkdir(parents=True)
    (MACHINA_PROJECT / "settings.py").write_text(MACHINA_SETTINGS)
    (MACHINA_PROJECT / "urls.py").write_text(MACHINA_URLS)


def load_machina():
    """The same forum in machina's models; print what the client needs."""
    _prepare_database()
    import django
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.text import slugify
    from machina.core.db.models import get_model

    forum_model = get_model("forum", "Forum")
    topic_model = get_model("forum_conversation", "Topic")
    post_model = get_model("forum_conversation", "Post")
    profile_model = get_model("forum_member", "ForumProfile")
    permission_model = get_model("forum_permission", "ForumPermission")
    user_permission_model = get_model("forum_permission", "UserForumPermission")
    group_permission_model = get_model("forum_permission", "GroupForumPermission")
    track_model = get_model("forum_tracking", "TopicReadTrack")

    # The dates are the forum's history: bulk_create must not stamp them with the present.
    for model, names in (
        (topic_model, ["created", "updated"]),
        (post_model, ["created", "updated"]),
    ):
        for name in names:
            field = model._meta.get_field(name)
            field.auto_now = field.auto_now_add = False

    with transaction.atomic():
        people = [
            get_user_model().objects.create(
                username=f"personne{number}",
                first_name=name.split()[0],
                last_name=name.split()[1],
            )
            for number, name in enumerate([*AUTHORS, MEMBER])
        ]
        authors, member = people[:-1], people[-1]
        forum = forum_model.objects.create(name=COMMITTEE, type=forum_model.FORUM_POST)

        plan = conversations(timezone.now())
        topics = topic_model.objects.bulk_create(
            topic_model(
                forum=forum,
                poster=authors[posts[0][0]],
                subject=title,
                slug=slugify(title),
                type=topic_model.TOPIC_POST,
                status=topic_model.TOPIC_UNLOCKED,
                posts_count=len(posts),
                last_post_on=posts[-1][1],
                created=posts[0][1],
                updated=posts[-1][1],
            )
            for title, posts in plan
        )
        posts = post_model.objects.bulk_create(
            post_model(
                topic=topic,
                poster=authors[author],
                subject=topic.subject,
                content=text,
                _content_rendered=rendered(text),
                created=written,
                updated=written,
            )
            for topic, (_, written_posts) in zip(topics, plan, strict=True)
            for author, written, text in written_posts
        )
        by_topic = {}
        for post in posts:
            by_topic.setdefault(post.topic_id, []).append(post)
        for topic in topics:
            topic.first_post, topic.last_post = by_topic[topic.pk][0], by_topic[topic.pk][-1]
        topic_model.objects.bulk_update(topics, ["first_post", "last_post"], batch_size=500)
        forum.update_trackers()
        profile_model.objects.bulk_create(
            profile_model(user=author, posts_count=sum(p.poster_id == author.pk for p in posts))
            for author in authors
        )

        # Anonymous readers read; the committee's people (a group, as machina's docs suggest
        # for a set of users) also write. Granted per person instead, machina would read each
        # grant's user in a query of its own.
        committee_group = Group.objects.create(name=COMMITTEE)
        committee_group.user_set.add(*people)
        reading = ["can_see_forum", "can_read_forum"]
        writing = [*reading, "can_start_new_topics", "can_reply_to_topics"]
        for model, codenames, whom in (
            (user_permission_model, reading, {"anonymous_user": True}),
            (group_permission_model, writing, {"group": committee_group}),
        ):
            model.objects.bulk_create(
                model(
                    permission=permission_model.objects.get(codename=codename),
                    forum=forum,
                    has_perm=True,
                    **whom,
                )
                for codename in codenames
            )

        long_topic = topics[0]
        track_model.objects.bulk_create(
            track_model(topic=topic, user=member)
            for index, topic in enumerate(topics)
            if read_by_member(index)
        )
        read_at = by_topic[long_topic.pk][READ_UP_TO - 1].created
        track = track_model.objects.create(topic=long_topic, user=member)
        track_model.objects.filter(pk=track.pk).update(mark_time=read_at)

    topic_url = reverse(
        "forum_conversation:topic",
        kwargs={
            "forum_slug": forum.slug,
            "forum_pk": forum.pk,
            "slug": long_topic.slug,
            "pk": long_topic.pk,
        },
    )
    return {
        "forum": reverse("forum:forum", kwargs={"slug": forum.slug, "pk": forum.pk}),
        "thread": f"{topic_url}?page={THREAD_PAGE}",
        "member": _session_cookie(member),
        "reset": _update(track_model, track.pk, mark_time=read_at),
        "django": django.get_version(),
    }


def machina_venv():
    """machina's own virtual environment, made on first use (or when its pins change)."""
    requirements = [
        "django-machina==1.3.1",
        "Django>=4.2,<5.0",
        f"gunicorn=={importlib.metadata.version('gunicorn')}",
    ]
    marker = MACHINA_VENV / "bench-requirements.txt"
    if not marker.exists() or marker.read_text() != "\n".join(requirements):
        print(f"Installing {', '.join(requirements)} in {MACHINA_VENV.relative_to(ROOT)}…")
        shutil.rmtree(MACHINA_VENV, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(MACHINA_VENV)], check=True)
        installed = subprocess.run(
            [str(MACHINA_VENV / "bin" / "python"), "-m", "pip", "install", "-q", *requirements],
            capture_output=True,
            text=True,
            check=False,
        )
        if installed.returncode:
            raise SystemExit(f"pip could not install machina's environment:\n{installed.stderr}")
        marker.write_text("\n".join(requirements))
    return MACHINA_VENV / "bin"


# Serving and counting ----------------------------------------------------------------------


@functools.cache
def _django_application():
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def application(environ, start_response):
    """What gunicorn serves on both sides: the side's Django application (DJANGO_SETTINGS_MODULE)
    which, for a request carrying X-Count-Queries, counts its SQL queries into an X-Queries
    header. Django answers start_response once the response is complete (middleware, session
    saved), so the count is whole."""
    served = _django_application()
    if "HTTP_X_COUNT_QUERIES" not in environ:
        return served(environ, start_response)
    from django.db import connections

    count = 0

    def counted(execute, sql, params, many, context):
        nonlocal count
        count += not sql.lstrip().upper().startswith(TRANSACTION_CONTROL)
        return execute(sql, params, many, context)

    def start_counted(status, headers, exc_info=None):
        return start_response(status, [*headers, ("X-Queries", str(count))], exc_info)

    with ExitStack() as stack:
        for connection in connections.all():
            stack.enter_context(connection.execute_wrapper(counted))
        return served(environ, start_counted)


class Side:
    """One server: a gunicorn worker, the pages' addresses, each reader's cookies."""

    def __init__(self, name, *, key, port, bin_dir, env, cwd, found):
        self.name, self.port, self.found = name, port, found
        if _port_open(port):
            raise SystemExit(f"port {port} is already in use: stop what listens there first")
        self.log = WORK / f"{key}.log"
        self.log_file = self.log.open("w")
        self.process = subprocess.Popen(
            [
                str(bin_dir / "gunicorn"),
                "-c",
                str(ROOT / "gunicorn.conf.py"),
                "bench.forums:application",
                "--pythonpath",
                str(ROOT),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            cwd=cwd,
            env=env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )
        member_cookie = found["member"].split("=", 1)
        self.cookies = {"anonymous": {}, "member": {member_cookie[0]: member_cookie[1]}}

    def wait_until_up(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                return self.get(self.found["forum"], "anonymous")
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"{self.name} did not start: see {self.log.relative_to(ROOT)}")

    def reset(self, page, who):
        """Put the member's reading of the long thread back where it was."""
        if (page, who) != ("thread", "member"):
            return
        reset = self.found["reset"]
        with closing(sqlite3.connect(self.found["database"], timeout=20)) as connection:
            connection.execute(reset["sql"], reset["params"])
            connection.commit()

    def get(self, path, who, *, count=False):
        """(status, seconds, body, queries) of one request by `who`, keeping their cookies."""
        cookies = self.cookies[who]
        headers = {"Host": "127.0.0.1", "Accept-Encoding": "gzip"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        if count:
            headers["X-Count-Queries"] = "1"
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        seconds = time.perf_counter() - started
        connection.close()
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            if value.strip('"'):
                cookies[name.strip()] = value
            else:
                cookies.pop(name.strip(), None)
        if response.getheader("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        queries = response.getheader("X-Queries")
        return response.status, seconds, body, int(queries) if queries is not None else None

    def stop(self):
        self.process.terminate()
        self.process.wait()
        self.log_file.close()


def _port_open(port):
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _check(side, page, who, status, body):
    """The page answered, with a whole page of posts or threads: a comparison of error pages
    would mean nothing."""
    text = body.decode()
    mark = POST_MARK if page == "thread" else THREAD_MARK
    if status != 200 or text.count(mark) < PAGE_SIZE:
        raise SystemExit(
            f"{side.name}, {page} page ({who}): status {status}, {text.count(mark)} × « {mark} »; "
            f"see {side.log.relative_to(ROOT)}"
        )


def measure(sides, *, rounds, warmup):
    """{(page, who): {side name: figures}}: the sides take turns, request by request."""
    results = {}
    for page, who in PAGES:
        for side in sides:
            for number in range(warmup):
                side.reset(page, who)
                status, _, body, _ = side.get(side.found[page], who)
                if number == 0:
                    _check(side, page, who, status, body)
        times = {side.name: [] for side in sides}
        for _ in range(rounds):
            for side in sides:
                side.reset(page, who)
                status, seconds, _, _ = side.get(side.found[page], who)
                if status != 200:
                    raise SystemExit(f"{side.name}, {page} page ({who}): status {status}")
                times[side.name].append(seconds * 1000)
        figures = {}
        for side in sides:
            counts = []
            for _ in range(COUNTED):
                side.reset(page, who)
                counts.append(side.get(side.found[page], who, count=True)[3])
            figures[side.name] = {
                "median": statistics.median(times[side.name]),
                "p95": statistics.quantiles(times[side.name], n=20)[-1],
                "queries": statistics.median(counts),
                "queries_range": (min(counts), max(counts)),
            }
        results[(page, who)] = figures
        print(f"{page} page, {who}:", flush=True)
        for name, each in figures.items():
            spread = each["queries_range"]
            counted = f"{spread[0]}–{spread[1]}" if spread[0] != spread[1] else spread[0]
            print(
                f"  {name:32} median {each['median']:6.1f} ms  p95 {each['p95']:6.1f} ms  "
                f"{counted} queries",
                flush=True,
            )
    return results


# The run ----------------------------------------------------------------------------------


def prepare():
    """Both databases filled anew; {side: what its client needs}."""
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    machina_bin = machina_venv()
    machina_project()
    found = {}
    for side, python, env in (
        ("ours", BIN / "python", OUR_ENV),
        ("machina", machina_bin / "python", MACHINA_ENV),
    ):
        started = time.monotonic()
        output = subprocess.run(
            [str(python), str(Path(__file__).resolve()), "--load", side],
            cwd=ROOT if side == "ours" else MACHINA_PROJECT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if output.returncode:
            raise SystemExit(f"Loading {side}'s forum failed:\n{output.stderr}")
        found[side] = json.loads(output.stdout.strip().splitlines()[-1])
        print(f"{side}: forum loaded in {time.monotonic() - started:.0f} s", flush=True)
    found["ours"]["database"] = str(WORK / "cohesion.sqlite3")
    found["machina"]["database"] = str(MACHINA_PROJECT / "machina.sqlite3")
    # The addresses and sessions, to look at the pages by hand after a run.
    (WORK / "pages.json").write_text(json.dumps(found, indent=2))
    return found, machina_bin


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200, help="timed requests per page and side")
    parser.add_argument("--warmup", type=int, default=20, help="requests before timing")
    parser.add_argument("--load", choices=["ours", "machina"], help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.load:  # run by prepare(), inside the side's own environment
        loaded = load_ours() if arguments.load == "ours" else load_machina()
        print(json.dumps(loaded))
        return
    if arguments.rounds < 2 or arguments.warmup < 1:
        parser.error("--rounds must be at least 2 and --warmup at least 1")

    found, machina_bin = prepare()
    sides = []
    try:
        uncached = {**OUR_ENV, "PAGE_CACHE_TTL": "0"}
        for name, key, port, bin_dir, env, cwd in (
            ("machina 1.3.1", "machina", 8797, machina_bin, MACHINA_ENV, MACHINA_PROJECT),
            ("Cohésion, as deployed", "ours", 8795, BIN, OUR_ENV, ROOT),
            ("Cohésion, page caches off", "ours-uncached", 8796, BIN, uncached, ROOT),
        ):
            data = found["machina" if key == "machina" else "ours"]
            sides.append(
                Side(name, key=key, port=port, bin_dir=bin_dir, env=env, cwd=cwd, found=data)
            )
        for side in sides:
            side.wait_until_up()
        load_before = os.getloadavg()[0]
        results = measure(sides, rounds=arguments.rounds, warmup=arguments.warmup)
        load = (load_before, os.getloadavg()[0])
    finally:
        for side in sides:
            side.stop()
    write_report(results, sides, found, rounds=arguments.rounds, load=load)


def _verdict(ours, machina):
    met = (
        ours["median"] <= GOAL_LATENCY * machina["median"] and ours["queries"] < machina["queries"]
    )
    return "met" if met else "not met"


def write_report(results, sides, found, *, rounds, load):
    import _harness  # here: gunicorn imports this module as bench.forums, without it

    machina, deployed, uncached = (side.name for side in sides)
    lines = [
        "# Committee forum pages against django-machina 1.3.1 (`bench/forums.py`)",
        "",
        f"{_harness.machine()}; each side one gunicorn worker, DEBUG off, SQLite, "
        f"cached template loader; Cohésion on Django {importlib.metadata.version('Django')} "
        f"with Redis, machina on Django {found['machina']['django']}. {THREADS} threads, one of "
        f"{POSTS} posts (page {THREAD_PAGE} shown), {PAGE_SIZE} a page; {rounds} sequential "
        "requests per page and side, the sides in turn. Latency is the median in ms; ratios are "
        f"Cohésion / machina. Load average {load[0]:.1f} before, {load[1]:.1f} after (the "
        "machine is shared: read the ratios rather than the times).",
        "",
        "| page | who | machina ms | queries | Cohésion ms | queries | × ms | × queries | goal "
        "| caches off ms | queries | × ms | × queries | goal |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for (page, who), figures in results.items():
        theirs = figures[machina]
        row = [
            f"thread (page {THREAD_PAGE} of {POSTS // PAGE_SIZE})"
            if page == "thread"
            else f"forum (page 1 of {THREADS // PAGE_SIZE})",
            "member, unread markers" if who == "member" else "anonymous",
            f"{theirs['median']:.1f}",
            f"{theirs['queries']:g}",
        ]
        for name in (deployed, uncached):
            ours = figures[name]
            _harness.record(
                "forums",
                f"{row[0]}, {row[1]}: Cohésion "
                f"{'as deployed' if name == deployed else 'with its page caches off'}, median "
                f"({ours['queries']:g} queries)",
                ours["median"],
                "ms",
                f"django-machina 1.3.1 on the same forum, same run ({theirs['queries']:g} queries)",
                theirs["median"],
                goal="≤ 0.67× machina, fewer queries",
                met=_verdict(ours, theirs) == "met",
            )
            row += [
                f"{ours['median']:.1f}",
                f"{ours['queries']:g}",
                f"{ours['median'] / theirs['median']:.2f}",
                f"{ours['queries'] / theirs['queries']:.2f}",
                _verdict(ours, theirs),
            ]
        lines.append("| " + " | ".join(row) + " |")
    lines += [
        "",
        "Goal: at most two thirds of machina's median latency (× ms ≤ 0.67) on each page, with "
        "fewer queries. « Cohésion » is the portal as deployed (anonymous pages kept whole, "
        "logged-in pages kept per audience with each reader's parts drawn for them); « caches "
        "off » is the same server with PAGE_CACHE_TTL=0, every page computed.",
        "",
    ]
    report = "\n".join(lines)
    target = _harness.details_path("forums.md")
    target.write_text(report)
    print()
    print(report)
    print(f"Written to {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
