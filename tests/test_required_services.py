"""``.ci/run`` sets ``EMOSIGN_REQUIRE_SERVICES=1``: a PostgreSQL (or Dask) test whose service
cannot start then fails instead of skipping, so CI cannot pass without running them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run_pg_test(tmp_path: Path, require: bool) -> subprocess.CompletedProcess[str]:
    fake = tmp_path / "bin"
    fake.mkdir(exist_ok=True)
    for name in ("initdb", "pg_ctl"):  # a server that cannot start
        script = fake / name
        script.write_text("#!/bin/sh\necho 'no cluster today' >&2\nexit 1\n")
        script.chmod(0o755)
    env = dict(os.environ, EMOSIGN_PG_BINDIR=str(fake), PATH=f"{fake}:{os.environ['PATH']}")
    env.pop("EMOSIGN_REQUIRE_SERVICES", None)
    if require:
        env["EMOSIGN_REQUIRE_SERVICES"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs",
         "tests/storage/test_repository.py::test_annotators[postgresql]"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_a_missing_server_skips_unless_services_are_required(tmp_path):
    quiet = _run_pg_test(tmp_path, require=False)
    assert quiet.returncode == 0 and "1 skipped" in quiet.stdout, quiet.stdout
    assert "no PostgreSQL server" in quiet.stdout
    strict = _run_pg_test(tmp_path, require=True)
    # the skip happens while the fixture sets up: pytest counts the failure as an error
    assert strict.returncode == 1 and "1 error" in strict.stdout, strict.stdout
    assert "required service missing" in strict.stdout
