"""Benchmark of the member directory with 10,000 members (run by `make bench`).

Fills a scratch PostgreSQL database (BENCH_DATABASE_URL, by default
postgres://postgres@127.0.0.1:5432/mountainpartnership_bench, dropped and created anew) with the
demo partnership plus 10,000 members, then requests each page many times in-process with
production settings and reports the server time (median and 95th percentile), the number of
queries and the page size. It measures; it asserts nothing.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scratch import recreate_database  # noqa: E402

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mountainpartnership_bench"
)
EXTRA_MEMBERS = int(os.environ.get("BENCH_MEMBERS", "10000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))


def configure() -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "mountainpartnership.settings",
            "DATABASE_URL": DATABASE_URL,
            "DEBUG": "false",
            "SECRET_KEY": "benchmark-only-" + "x" * 40,
            "ALLOWED_HOSTS": "testserver",
            # The server's own work is measured, not the anonymous page cache.
            "PAGE_CACHE_SECONDS": "0",
            "SECURE_SSL_REDIRECT": "false",
            "STATIC_ROOT": tempfile.mkdtemp(prefix="bench-static-"),
        }
    )
    import django

    django.setup()


def fill(count: int) -> None:
    import datetime

    from django.core.management import call_command
    from django.db import transaction

    from members.models import Area, FocalPoint, Member, Region

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    call_command("loaddemo", verbosity=0)
    rng = random.Random(2006)
    regions = list(Region.objects.all())
    areas = list(Area.objects.all())
    countries = ["PE", "BO", "EC", "CO", "NP", "BT", "KG", "TJ", "IT", "CH", "FR", "ET", "KE", "GT"]
    words = ["Mountain", "Andean", "Alpine", "Highland", "Valley", "Watershed", "Summit", "Ridge"]
    kinds = ["Association", "Foundation", "Network", "Institute", "Cooperative", "Council"]
    with transaction.atomic():
        members = []
        for n in range(count):
            kind = rng.choice(Member.Type.values)
            name = f"{rng.choice(words)} {rng.choice(kinds)} {n}"
            members.append(
                Member(
                    type=kind,
                    sector=rng.choice(Member.Sector.values) if kind == "major_group" else "",
                    name_en=name,
                    name_fr=f"{name} (fr)",
                    name_es=f"{name} (es)" if n % 3 else "",
                    description_en=f"{name} works with mountain communities on water and land.",
                    description_fr=f"{name} travaille avec les communautés de montagne.",
                    slug=f"bench-member-{n}",
                    country=rng.choice(countries),
                    region=rng.choice(regions),
                    date_joined=datetime.date(2003, 1, 1) + datetime.timedelta(days=n % 1500),
                    term_ends=datetime.date(2027, 1, 1) + datetime.timedelta(days=n % 1400),
                )
            )
        members = Member.objects.bulk_create(members, batch_size=1000)
        Through = Member.areas.through
        Through.objects.bulk_create(
            [
                Through(member_id=member.pk, area_id=area.pk)
                for member in members
                for area in rng.sample(areas, 3)
            ],
            batch_size=5000,
        )
        FocalPoint.objects.bulk_create(
            [
                FocalPoint(
                    member=member,
                    name=f"Person {member.pk}",
                    title_en="Programme officer",
                    email=f"person{member.pk}@example.org",
                    start_date=datetime.date(2004, 1, 1),
                )
                for member in members
            ],
            batch_size=2000,
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(client, url: str, requests: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(5):
        client.get(url)
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    times.sort()
    return {
        "url": url,
        "median": statistics.median(times),
        "p95": times[int(len(times) * 0.95) - 1],
        "queries": len(captured),
        "bytes": len(response.content),
    }


def main() -> int:
    recreate_database(DATABASE_URL)
    configure()
    print(f"Filling {DATABASE_URL} with the demo data and {EXTRA_MEMBERS} more members...")
    fill(EXTRA_MEMBERS)
    from django.test import Client

    from members.models import Member

    total = Member.objects.count()
    client = Client()
    urls = [
        "/en/members/",
        "/fr/members/",
        "/en/members/?region=europe&theme=biodiversity&type=major_group",
        "/es/members/?q=andean&geo=andes",
        "/en/members/?page=100",
        "/en/members/condesan/",
        "/fr/areas/andes/",
    ]
    print(f"{total} members; {REQUESTS} requests per page, in-process, production settings\n")
    print(f"{'page':<66} {'median':>8} {'p95':>8} {'queries':>8} {'KB':>6}")
    for url in urls:
        result = measure(client, url, REQUESTS)
        print(
            f"{result['url']:<66} {result['median']:>6.1f}ms {result['p95']:>6.1f}ms"
            f" {result['queries']:>8} {result['bytes'] / 1024:>6.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
