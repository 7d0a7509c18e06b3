"""Load benchmark (run by `make bench-load`): gunicorn with production settings on PostgreSQL
and Redis, driven by wrk from a second process on 127.0.0.1.

Fills a scratch database (BENCH_DATABASE_URL, by default
postgres://postgres@127.0.0.1:5432/mountainpartnership_load_bench, dropped and created anew)
with the demo partnership plus 10,000 members, starts gunicorn with (2 × cores) + 1 workers,
then runs wrk twice, side by side in one run: a mix of anonymous requests (home, directory
pages with filters, member pages, events, news, in the three languages), and a bare Django view
that returns a constant string. Reports requests per second, median and 95th-percentile
latency and errors for each. It measures; it asserts nothing.
"""

import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mountainpartnership_load_bench"
)
os.environ["BENCH_DATABASE_URL"] = DATABASE_URL  # before directory.py reads it
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
DURATION = os.environ.get("BENCH_DURATION", "30s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "20")
EXTRA_MEMBERS = int(os.environ.get("BENCH_MEMBERS", "10000"))
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"

from benchmarks.directory import configure, fill  # noqa: E402
from benchmarks.scratch import production_server, recreate_database  # noqa: E402

WRK_SCRIPT = """
local paths = {%s}
local counter = 0
wrk.headers["User-Agent"] = "%s"
wrk.headers["Accept-Encoding"] = "gzip"
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), errors))
end
"""


def mix_paths() -> list[str]:
    from activities.models import Event, News
    from members.models import Member

    rng = random.Random(2006)
    members = list(Member.objects.public().values_list("slug", flat=True))
    events = list(Event.objects.values_list("slug", flat=True))
    news = list(News.objects.values_list("slug", flat=True))
    paths = []
    for language in ["en", "fr", "es"]:
        paths += [
            f"/{language}/",
            f"/{language}/members/",
            f"/{language}/members/?type=government",
            f"/{language}/members/?region=europe&page=2",
            f"/{language}/members/?theme=research&type=major_group",
            f"/{language}/events/",
            f"/{language}/news/",
        ]
        paths += [f"/{language}/members/{slug}/" for slug in rng.sample(members, 40)]
        paths += [f"/{language}/events/{slug}/" for slug in events[:5]]
        paths += [f"/{language}/news/{slug}/" for slug in news[:5]]
    rng.shuffle(paths)
    return paths


def wrk(script: Path, path: str) -> dict:
    result = subprocess.run(
        [
            "wrk",
            "--threads",
            "2",
            "--connections",
            CONNECTIONS,
            "--duration",
            DURATION,
            "--timeout",
            "5s",
            "--script",
            str(script),
            f"http://127.0.0.1:{PORT}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT"))
    requests, duration_us, p50_us, p95_us, errors = map(int, line.split()[1:])
    return {
        "rps": requests / (duration_us / 1e6),
        "median": p50_us / 1000,
        "p95": p95_us / 1000,
        "errors": errors,
        "requests": requests,
    }


def main() -> int:
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk (make bench-load installs it on Debian).")
        return 1
    recreate_database(DATABASE_URL)
    configure()
    print(f"Filling {DATABASE_URL} with the demo data and {EXTRA_MEMBERS} more members...")
    fill(EXTRA_MEMBERS)
    paths = mix_paths()
    workers = 2 * os.cpu_count() + 1
    with (
        production_server(
            DATABASE_URL,
            REDIS_URL,
            PORT,
            "bench-load",
            workers=workers,
            ready_path="/bench/bare",
            BENCH_BARE_VIEW="true",
            CONN_MAX_AGE="60",
            # As in production: a line per request (the other benchmarks quieten it).
            LOG_LEVEL="INFO",
        ),
        tempfile.TemporaryDirectory() as scratch,
    ):
        mix = Path(scratch) / "mix.lua"
        quoted = ", ".join(f'"{path}"' for path in paths)
        mix.write_text(WRK_SCRIPT % (quoted, BROWSER))
        bare = Path(scratch) / "bare.lua"
        bare.write_text(WRK_SCRIPT % ('"/bench/bare"', BROWSER))
        print(
            f"gunicorn: {workers} workers; wrk: 2 threads, {CONNECTIONS} connections, "
            f"{DURATION} each; the mix has {len(paths)} addresses."
        )
        wrk(mix, "/")  # a first pass fills the cache, as a running site's is
        results = [("the mix of public pages", wrk(mix, "/")), ("bare view", wrk(bare, "/"))]
    print("\n| run | requests/s | median | p95 | errors | requests |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, result in results:
        print(
            f"| {name} | {result['rps']:.0f} | {result['median']:.1f} ms | "
            f"{result['p95']:.1f} ms | {result['errors']} | {result['requests']} |"
        )
    ratio = results[0][1]["rps"] / results[1][1]["rps"]
    print(f"\nThe mix serves {ratio:.0%} of the bare view's throughput.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
