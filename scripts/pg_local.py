"""A local PostgreSQL server for newsfuse, from Debian's postgresql-15
binaries, listening only on a Unix socket in its own folder.

    python scripts/pg_local.py up     # start (initialise on first use) and print the --db URL
    python scripts/pg_local.py down   # stop it
    python scripts/pg_local.py url    # print the --db URL

`make pg-up` / `make pg-down` run these on `.pgdata/` in the repository. The
test suite starts a throwaway one in a temporary folder with the same class
(tests/conftest.py). PostgreSQL refuses to run as root: as root, the server
runs as ``nobody``, which then owns the folder.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PG_BIN = Path(os.environ.get("NEWSFUSE_PG_BIN", "/usr/lib/postgresql/15/bin"))
ROOT = Path(__file__).resolve().parents[1]
DATABASE = "newsfuse"


class PgServer:
    """initdb + pg_ctl in ``folder`` (a new temporary one when None). ``durable``
    False turns fsync off: for throwaway test servers only."""

    def __init__(self, folder: Path | None = None, *, durable: bool = False):
        self.dir = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="newsfuse-pg-"))
        self.data, self.socket, self.durable = self.dir / "data", self.dir / "socket", durable
        self.socket.mkdir(parents=True, exist_ok=True)
        self._as, self._names = [], itertools.count()
        if os.geteuid() == 0:
            shutil.chown(self.dir, "nobody", "nogroup")
            shutil.chown(self.socket, "nobody", "nogroup")
            self._as = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run([*self._as, str(PG_BIN / tool), *args], check=check, capture_output=True,
                              timeout=120, cwd=self.dir)

    def running(self) -> bool:
        return self.data.exists() and self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0

    def start(self) -> None:
        if not (self.data / "PG_VERSION").exists():
            self._run("initdb", "-D", str(self.data), "-U", "newsfuse", "--auth=trust", "--locale=C.UTF-8",
                      "-E", "UTF8")
        fast = "" if self.durable else " -c fsync=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "log"), "-w", "-t", "60",
                  "-o", f"-k {self.socket} -c listen_addresses=''{fast}", "start")

    def stop(self, *, remove: bool = True) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate" if remove else "fast", "-w", "stop")
        finally:
            if remove:
                shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, dbname: str) -> str:
        return f"postgresql://newsfuse@/{dbname}?host={self.socket}"

    def create_db(self, name: str | None = None, *, exist_ok: bool = False) -> str:
        """A new database (``name``, or t0, t1, ... for tests) and its URL."""
        import psycopg

        name = name or f"t{next(self._names)}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            if not (found and exist_ok):
                conn.execute(f"CREATE DATABASE {name} TEMPLATE template0")
        return self.url(name)


def main(argv: list[str]) -> int:
    if not (PG_BIN / "initdb").exists():
        print(f"no PostgreSQL binaries in {PG_BIN}: apt-get install postgresql-15 (make pg-up does)", file=sys.stderr)
        return 1
    server, command = PgServer(ROOT / ".pgdata", durable=True), (argv or ["url"])[0]
    if command == "up":
        if not server.running():
            server.start()
        print(server.create_db(DATABASE, exist_ok=True))
    elif command == "down":
        if server.running():
            server.stop(remove=False)
    elif command == "url":
        print(server.url(DATABASE))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
