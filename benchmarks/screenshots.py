"""Screenshots of the portal as a visitor sees it (run by `make screenshots`).

Fills a scratch database (BENCH_DATABASE_URL, by default
postgres://postgres@127.0.0.1:5432/mountainpartnership_screenshots, dropped and created anew)
with the demo partnership, serves it with gunicorn and production settings, and photographs
the home, directory, a member, an area, a joint activity, the news and the sign-in pages in
Debian's Chromium (JavaScript off, as for any visitor), at a desktop width (1280 px) and a
phone's (360 px), in English, French and Spanish:

    docs/screenshots/<language>-<page>-<width>.png

Each picture is the top of the page, two screens high at most, reduced to 256 colours to keep
the files small. `python benchmarks/screenshots.py OUT_DIR` writes elsewhere.
"""

import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mountainpartnership_screenshots"
)
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
PORT = int(os.environ.get("BENCH_PORT", "8767"))
OUT = ROOT / "docs" / "screenshots"

PAGES = [
    ("home", ""),
    ("directory", "members/"),
    ("member", "members/condesan/"),
    ("area", "areas/andes/"),
    ("activity", "activities/andean-ecotourism-feasibility-study/"),
    ("news", "news/"),
    ("sign-in", "accounts/login/"),
]
LANGUAGES = ["en", "fr", "es"]
# (width, height of one screen): a desktop and a phone.
SCREENS = [(1280, 800), (360, 740)]
SCREENS_HIGH = 2

from benchmarks.scratch import (  # noqa: E402
    CHROMIUM,
    fill_with_demo,
    launch_chromium,
    production_server,
)


def smaller(png: bytes) -> bytes:
    """The picture in 256 colours, compressed as far as PNG goes: a screenshot of text and
    flat colours loses nothing a reader would see, and weighs a third or less."""
    from PIL import Image

    picture = Image.open(io.BytesIO(png)).convert("RGB")
    reduced = picture.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.NONE)
    out = io.BytesIO()
    reduced.save(out, format="PNG", optimize=True)
    return out.getvalue()


def photograph(browser, base: str, out: Path) -> list[Path]:
    written = []
    for language in LANGUAGES:
        for width, height in SCREENS:
            context = browser.new_context(
                java_script_enabled=False,
                locale=language,
                viewport={"width": width, "height": height},
                base_url=base,
            )
            page = context.new_page()
            for name, path in PAGES:
                response = page.goto(f"/{language}/{path}")
                assert response.status == 200, f"/{language}/{path}: HTTP {response.status}"
                # Lazy images below the first screen are not waited for: they are not in the
                # picture, and a visitor would not have them yet either.
                page.wait_for_load_state("load")
                tall = page.evaluate("document.documentElement.scrollHeight")
                png = page.screenshot(
                    full_page=True,
                    clip={
                        "x": 0,
                        "y": 0,
                        "width": width,
                        "height": min(tall, height * SCREENS_HIGH),
                    },
                )
                target = out / f"{language}-{name}-{width}.png"
                target.write_bytes(smaller(png))
                written.append(target)
            context.close()
    return written


def main() -> int:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: apt-get install chromium.")
        return 1
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    out.mkdir(parents=True, exist_ok=True)
    print(f"Filling {DATABASE_URL} with the demo data...")
    fill_with_demo(DATABASE_URL)
    with (
        production_server(DATABASE_URL, REDIS_URL, PORT, "screenshots") as base,
        sync_playwright() as playwright,
    ):
        browser = launch_chromium(playwright)
        try:
            written = photograph(browser, base, out)
        finally:
            browser.close()
    total = sum(path.stat().st_size for path in written)
    print(f"{len(written)} screenshots in {out}, {total / 1024:.0f} KB in all.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
