"""nginx from the system's packages in front of several bot instances, run as a child
process with everything in a temporary prefix (no root-only path, no daemon): the
deployment's own site file (``deploy/nginx/ukbot.conf``) with the upstream servers and
the listening address replaced, inside a minimal main configuration."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "deploy" / "nginx" / "ukbot.conf"

_UPSTREAM_SERVER = re.compile(
    r"^([ \t]*)server\s+bot\d+:\d+(?P<params>[^;]*);[ \t]*\n", re.MULTILINE
)
_LISTEN = re.compile(r"^(\s*)listen\s+8080;", re.MULTILINE)

_MAIN = """\
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    client_body_buffer_size 64k;
    log_format upstreams escape=json
        '{{"status":"$status","uri":"$uri","upstream":"$upstream_addr",'
        '"upstream_status":"$upstream_status","body":"{body}"}}';
    access_log {access_log};
    include {prefix}/ukbot.conf;
}}
"""


def nginx_binary() -> str | None:
    """Debian's nginx (``apt-get install nginx``): on the PATH, or in /usr/sbin."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def render_site(upstreams: Sequence[str], listen: str, site: str | None = None) -> str:
    """The deployment's site file with ``upstreams`` ("host:port") as its servers."""
    text = site if site is not None else SITE.read_text(encoding="utf-8")
    first = _UPSTREAM_SERVER.search(text)
    if first is None or _LISTEN.search(text) is None:
        raise ValueError("the site file has no `server botN:PORT` upstream or `listen 8080;`")
    indent, params = first.group(1), first.group("params")
    servers = "\n".join(f"{indent}server {address}{params};" for address in upstreams)
    text = _UPSTREAM_SERVER.sub("", text)
    text = text[: first.start()] + servers + "\n" + text[first.start() :]
    return _LISTEN.sub(rf"\g<1>listen {listen};", text)


@dataclass
class Nginx:
    """``nginx -g 'daemon off;'`` in its own prefix; ``log_bodies`` also writes each
    request's body (the updates) to the access log, for tests."""

    upstreams: Sequence[str]
    port: int
    log_bodies: bool = False
    prefix: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="ukbot-nginx-")))
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def access_log(self) -> Path:
        return self.prefix / "access.log"

    def write_config(self) -> Path:
        self.prefix.chmod(0o755)  # the workers (nobody under root) create temp files here
        (self.prefix / "tmp").mkdir(exist_ok=True)
        site = render_site(self.upstreams, f"127.0.0.1:{self.port}")
        (self.prefix / "ukbot.conf").write_text(site, encoding="utf-8")
        main = _MAIN.format(
            prefix=self.prefix,
            body="$request_body" if self.log_bodies else "",
            access_log=f"{self.access_log} upstreams",
        )
        config = self.prefix / "nginx.conf"
        config.write_text(main, encoding="utf-8")
        return config

    def _launch(self) -> subprocess.Popen[bytes]:
        binary = nginx_binary()
        if binary is None:
            raise FileNotFoundError("nginx is not installed (apt-get install nginx)")
        config = self.write_config()
        error_log = str(self.prefix / "error.log")
        args = [binary, "-p", str(self.prefix), "-c", str(config), "-e", error_log]
        check = subprocess.run([*args, "-t", "-q"], capture_output=True, text=True, check=False)
        if check.returncode != 0:
            raise RuntimeError(f"nginx refused its configuration:\n{check.stderr}")
        with open(self.prefix / "stderr.log", "ab") as stderr:
            return subprocess.Popen(
                [*args, "-g", "daemon off;"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,
            )

    async def start(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        self.proc = await asyncio.to_thread(self._launch)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited:\n{self.error_tail()}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2),
            ):
                return
            await asyncio.sleep(0.05)
        raise RuntimeError(f"nginx did not listen within {timeout} s:\n{self.error_tail()}")

    async def stop(self) -> None:
        """SIGQUIT: a graceful stop (the workers finish their requests)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(3)
            try:
                await asyncio.wait_for(asyncio.to_thread(self.proc.wait), 10)
            except TimeoutError:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def cleanup(self) -> None:
        shutil.rmtree(self.prefix, ignore_errors=True)

    def error_tail(self, lines: int = 30) -> str:
        found = []
        for name in ("error.log", "stderr.log"):
            path = self.prefix / name
            if path.exists():
                found.extend(path.read_text(errors="replace").splitlines()[-lines:])
        return "\n".join(found)

    def requests(self) -> list[dict[str, Any]]:
        """The access log: one dict per request (status, uri, upstream, upstream_status, body)."""
        if not self.access_log.exists():
            return []
        return [
            json.loads(line)
            for line in self.access_log.read_text(encoding="utf-8", errors="replace").splitlines()
            if line.strip()
        ]


def retried(entry: dict[str, Any]) -> bool:
    """Whether nginx tried more than one instance for this request."""
    return "," in entry.get("upstream", "")
