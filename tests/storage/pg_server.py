"""A throwaway PostgreSQL cluster for tests and benchmarks: ``initdb`` into a temporary folder,
``pg_ctl start`` on a free loopback port with its unix socket in that folder, stopped and
removed at the end.  PostgreSQL refuses to run as root, so as root the server runs as the
``postgres`` user (or ``nobody``) through ``runuser``; the folder is handed to that user.

Connections use a password (scram-sha-256 on loopback), given to clients through
``PGPASSWORD`` like a lab's users would.  ``find_bindir`` says why no server can be started
(then the tests that need one skip with that reason).
"""

from __future__ import annotations

import getpass
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PASSWORD = "emosign-test-password"


class NoServer(Exception):
    """No PostgreSQL server can be started here (the message says why)."""


def find_bindir() -> Path:
    """The folder with ``initdb`` and ``pg_ctl`` (``EMOSIGN_PG_BINDIR``, PATH, or Debian's
    ``/usr/lib/postgresql/<version>/bin``, newest first)."""
    given = os.environ.get("EMOSIGN_PG_BINDIR")
    candidates = [Path(given)] if given else []
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                    key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit()
                    else 0, reverse=True)
    candidates += [Path(p) for p in debian]
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    raise NoServer("no PostgreSQL server binaries (initdb, pg_ctl): install Debian's "
                   "'postgresql' package, or set EMOSIGN_PG_BINDIR")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_user() -> str | None:
    """The unprivileged user to run the server as (None: ourselves, when not root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise NoServer("running as root and there is no 'postgres' or 'nobody' user to run "
                   "PostgreSQL as (initdb refuses root)")


class PgServer:
    """One running throwaway cluster.  ``user`` is its superuser (the name of whoever runs
    the tests, so libpq's default user works), with :data:`PASSWORD`."""

    def __init__(self, *, durable: bool = False) -> None:
        self.durable = durable  # fsync as a real server does (benchmarks); tests skip it
        self.bindir = find_bindir()
        self.runas = _server_user()
        if self.runas is not None and shutil.which("runuser") is None:
            raise NoServer("running as root without 'runuser' to start PostgreSQL as "
                           f"'{self.runas}'")
        self.user = getpass.getuser()
        self.host = "127.0.0.1"
        self.port = _free_port()
        self.base = Path(tempfile.mkdtemp(prefix="emosign-pg-"))
        self.data = self.base / "data"
        self.socket_dir = self.base / "run"
        self.log = self.base / "server.log"
        self._started = False

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        cmd = list(args)
        if self.runas is not None:
            cmd = ["runuser", "-u", self.runas, "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              cwd=self.base, check=False)

    def start(self) -> PgServer:
        self.socket_dir.mkdir()
        pwfile = self.base / "pw"
        pwfile.write_text(PASSWORD + "\n")
        if self.runas is not None:
            info = pwd.getpwnam(self.runas)
            for path in (self.base, self.socket_dir, pwfile):
                os.chown(path, info.pw_uid, info.pw_gid)
        done = self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", self.user,
                         "--pwfile", str(pwfile), "-A", "scram-sha-256", "-E", "UTF8",
                         "--locale=C", "--no-sync")
        pwfile.unlink()
        if done.returncode != 0:
            raise NoServer(f"initdb failed: {(done.stderr or done.stdout).strip()[-400:]}")
        self.resume()
        return self

    def resume(self) -> None:
        """Start (or start again) the server on the same port and data."""
        options = (f"-p {self.port} -k {self.socket_dir} -c listen_addresses={self.host} "
                   "-c max_connections=200 -c shared_buffers=64MB")
        if not self.durable:
            options += " -c fsync=off -c full_page_writes=off"
        done = self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l",
                         str(self.log), "-o", options, "-w", "-t", "60", "start")
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-600:] if self.log.exists() else ""
            raise NoServer(f"pg_ctl start failed: {(done.stderr or done.stdout).strip()} "
                           f"{log}".strip())
        self._started = True

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (the data stay: :meth:`resume` starts it again)."""
        if self._started:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w",
                      "stop")
            self._started = False

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql://{self.host}:{self.port}/{database}"

    def admin(self, *statements: str) -> None:
        """Run statements (outside a transaction) on the ``postgres`` database."""
        import psycopg

        with psycopg.connect(host=self.host, port=self.port, dbname="postgres",
                             user=self.user, password=PASSWORD, autocommit=True) as conn:
            for sql in statements:
                conn.execute(sql)  # type: ignore[arg-type]

    def __enter__(self) -> PgServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.destroy()


def wait_until_down(server: PgServer, timeout: float = 10) -> None:
    """Wait until nothing answers on the server's port."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with socket.create_connection((server.host, server.port), timeout=0.2):
                pass
        except OSError:
            return
        time.sleep(0.05)


# -- projects on a running server, reset between tests -----------------------------------------
class ServerProjects:
    """Projects on one server for a test run: a template database made once by
    ``create_project`` (migrated, with the default tiers), and a work database that each
    test gets back in exactly that state (rows deleted and put back, sequences reset:
    far quicker than a new database per test)."""

    WORK = "emosign_work"

    def __init__(self, server: PgServer, base: Path) -> None:
        from emosign_desktop.storage.project import create_project, parse_server_url

        self.server = server
        create_project(base / "template", server=parse_server_url(server.url(self.WORK))
                       ).close()
        self._snapshot = self._read_all()

    def _connect(self):  # type: ignore[no-untyped-def]
        import psycopg

        return psycopg.connect(host=self.server.host, port=self.server.port, dbname=self.WORK,
                               user=self.server.user, password=PASSWORD, autocommit=True)

    def _tables(self) -> list[str]:
        from emosign_desktop.storage.tables import metadata

        return [t.name for t in metadata.sorted_tables] + ["alembic_version"]

    def _read_all(self) -> dict[str, tuple[list[str], list[tuple]]]:
        out = {}
        with self._connect() as conn:
            for name in self._tables():
                cur = conn.execute(f"SELECT * FROM {name}")  # type: ignore[arg-type]
                cols = [d.name for d in cur.description or ()]
                out[name] = (cols, cur.fetchall())
        return out

    def reset(self) -> None:
        """Put the work database back as the template left it."""
        tables = self._tables()
        with self._connect() as conn:
            conn.execute("SET lock_timeout = '20s'")
            with conn.transaction():
                for name in reversed(tables):
                    conn.execute(f"DELETE FROM {name}")  # type: ignore[arg-type]
                for name in tables:
                    cols, rows = self._snapshot[name]
                    if rows:
                        marks = ", ".join(["%s"] * len(cols))
                        with conn.cursor() as cur:
                            cur.executemany(
                                f"INSERT INTO {name} ({', '.join(cols)}) "  # type: ignore[arg-type]
                                f"VALUES ({marks})", rows)
                    if "id" in cols:
                        conn.execute(
                            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # type: ignore[arg-type]
                            f"(SELECT coalesce(max(id), 0) + 1 FROM {name}), false)")

    def project(self, folder: Path) -> Path:
        """``folder`` made into a project folder on the (reset) work database."""
        from emosign_desktop.storage.engine import ServerSettings
        from emosign_desktop.storage.project import PROJECT_FILE, write_server_settings

        self.reset()
        folder.mkdir(parents=True, exist_ok=True)
        write_server_settings(folder / PROJECT_FILE, ServerSettings(
            self.server.host, self.server.port, self.WORK))
        return folder


def dump_server_database(host: str, port: int, database: str) -> list[tuple]:
    """Every row of every table of a server project, like ``dump_project`` for a file."""
    import psycopg

    with psycopg.connect(host=host, port=port, dbname=database, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        return [(t, *row) for t in tables
                for row in conn.execute(f"SELECT * FROM {t} ORDER BY 1")]  # type: ignore[arg-type]
