"""Benchmark of site search (run by `make bench-search`).

Fills a scratch PostgreSQL database (BENCH_DATABASE_URL, by default
postgres://postgres@127.0.0.1:5432/mountainpartnership_search_bench, dropped and created anew)
with the demo partnership plus 10,000 members, 5,000 joint activities and 50,000 discussion
posts, builds the search index, then sends each query many times through the search page
in-process with production settings and reports the server time (median, 95th percentile),
the queries and the number of results. It measures; it asserts nothing.
"""

import datetime
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mountainpartnership_search_bench"
)
os.environ["BENCH_DATABASE_URL"] = DATABASE_URL  # before directory.py reads it

from benchmarks.directory import configure, fill, measure  # noqa: E402
from benchmarks.scratch import recreate_database  # noqa: E402

MEMBERS = int(os.environ.get("BENCH_MEMBERS", "10000"))
ACTIVITIES = int(os.environ.get("BENCH_ACTIVITIES", "5000"))
POSTS = int(os.environ.get("BENCH_POSTS", "50000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "100"))

SUBJECTS = [
    ("watershed management", "gestion des bassins versants", "manejo de cuencas"),
    ("ecotourism", "écotourisme", "ecoturismo"),
    ("microfinance", "microfinance", "microfinanzas"),
    ("glacier monitoring", "surveillance des glaciers", "monitoreo de glaciares"),
    ("seed banks", "banques de semences", "bancos de semillas"),
    ("pasture rights", "droits de pâturage", "derechos de pastoreo"),
    ("mountain women", "femmes de montagne", "mujeres de montaña"),
    ("terrace farming", "cultures en terrasses", "agricultura en terrazas"),
]


def fill_search(rng) -> None:
    from django.db import transaction

    from activities.models import Activity
    from discussions.models import Post, Space, Topic
    from members.models import User

    with transaction.atomic():
        activities = []
        for n in range(ACTIVITIES):
            en, fr, es = rng.choice(SUBJECTS)
            activities.append(
                Activity(
                    slug=f"bench-activity-{n}",
                    title_en=f"Joint work on {en} {n}",
                    title_fr=f"Travail commun sur {fr} {n}",
                    title_es=f"Trabajo conjunto sobre {es} {n}",
                    summary_en=f"Members share experience of {en} in the mountains.",
                    summary_fr=f"Les membres partagent leur expérience de {fr} en montagne.",
                    summary_es=f"Los miembros comparten su experiencia de {es} en la montaña.",
                    status=rng.choice(Activity.Status.values),
                )
            )
        Activity.objects.bulk_create(activities, batch_size=1000)
        author = User.objects.create_user(email="bench-author@example.org")
        spaces = list(Space.objects.all())
        topics = Topic.objects.bulk_create(
            [
                Topic(space=rng.choice(spaces), title=f"Topic {n}: {rng.choice(SUBJECTS)[0]}")
                for n in range(POSTS // 25)
            ],
            batch_size=1000,
        )
        posts = []
        languages = ["en", "fr", "es"]
        for n in range(POSTS):
            subject = rng.choice(SUBJECTS)
            language = rng.choice(languages)
            text = {
                "en": f"Our experience with {subject[0]} in the valley, year {n % 30}.",
                "fr": f"Notre expérience de {subject[1]} dans la vallée, année {n % 30}.",
                "es": f"Nuestra experiencia con {subject[2]} en el valle, año {n % 30}.",
            }[language]
            posts.append(
                Post(
                    topic=rng.choice(topics),
                    author=author,
                    body=text,
                    body_html=f"<p>{text}</p>",
                    language=language,
                    created_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
                )
            )
        Post.objects.bulk_create(posts, batch_size=2000)


def main() -> int:
    recreate_database(DATABASE_URL)
    configure()
    rng = random.Random(2006)
    print(
        f"Filling {DATABASE_URL}: demo data, {MEMBERS} members, {ACTIVITIES} activities, "
        f"{POSTS} posts..."
    )
    fill(MEMBERS)
    fill_search(rng)
    from django.db import connection
    from django.db.models import Count

    from insight.models import SearchEntry
    from insight.search import rebuild

    start = time.perf_counter()
    entries = rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"Index built: {entries} entries in {time.perf_counter() - start:.0f} s.")
    by_kind = dict(SearchEntry.objects.values_list("kind").annotate(n=Count("pk")).order_by())
    print(f"Entries by kind: {by_kind}")
    from django.test import Client

    client = Client()
    queries = [
        "/en/search/?q=watershed",
        "/fr/search/?q=écotourisme",
        "/es/search/?q=microfinanzas",
        "/fr/search/?q=ecotourisme+vallee",
        "/en/search/?q=glacier+monitoring",
        "/en/search/?q=seed&kind=post&page=3",
        "/es/search/?q=montaña",
        "/en/search/?q=nothingmatchesthis",
    ]
    print(f"\n{REQUESTS} requests per query, server time in-process (DEBUG off):\n")
    print("| query | results | median | p95 | queries |")
    print("| --- | --- | --- | --- | --- |")
    for url in queries:
        result = measure(client, url, REQUESTS)
        found = client.get(url).content.decode()
        marker = 'class="summary" role="status">'
        count = found.split(marker, 1)[1].split(" ", 1)[0] if marker in found else "0"
        print(
            f"| `{url}` | {count} | {result['median']:.1f} ms | {result['p95']:.1f} ms | "
            f"{result['queries']} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
