"""The tests marked `sqlite_too` pass on SQLite as well, the database `make run` uses.

Features with a back end per database (site search: PostgreSQL's text search or SQLite's
FTS5; the admin's accent-insensitive search: unaccent on both) are held to the same tests:
they run here a second time, unchanged, in a pytest of their own whose DATABASE_URL is
SQLite, so every test gets a real SQLite database migrated as `make run` migrates it.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_tests_marked_sqlite_too_pass_on_sqlite(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-m", "sqlite_too", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-8000:]
    passed = re.search(r"(\d+) passed", result.stdout)
    # The run found the search and admin tests, not merely nothing to fail.
    assert passed and int(passed.group(1)) >= 30, output[-3000:]
