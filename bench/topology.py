"""The production topology on localhost, without containers: PostgreSQL, N app replicas, nginx.

Used by the topology test (tests/e2e/test_topology.py) and the load benchmark (`python -m bench load`):

    from bench.topology import topology

    with topology("postgresql+psycopg://fascia:fascia@127.0.0.1:5432/fascia_test", replicas=2) as t:
        t.proxy_url        # "https://127.0.0.1:<port>": nginx with deploy/nginx/fascia.conf, self-signed TLS
        t.replica_urls     # ("http://127.0.0.1:<port>", ...): each replica directly, bypassing the proxy
        t.database_url     # the fresh database every replica uses (SQLAlchemy URL, password included)
        t.workdir          # the temporary folder: logs (replica-1.log ..., nginx-error.log), config, cert
        t.log("replica-1") # the path of one log file

`topology(admin_url, replicas=2, *, demo=False, env=None, rate_limits=True, ready_timeout_s=90)`:

- `admin_url`: a PostgreSQL URL whose role may create databases (CREATEDB). A fresh database named
  `fascia_topology_<random>` is created on that server and upgraded (`data.schema.upgrade`), and
  dropped on exit.
- `replicas`: how many `streamlit run serve.py` processes (the dashboard plus `/healthz`, as the
  container runs it), each on a free localhost port, all with the same environment: `DATABASE_URL`,
  one shared `STREAMLIT_SERVER_COOKIE_SECRET`, headless, `FASCIA_DEMO=1` when `demo`, plus `env`.
  Each is waited for on `/_stcore/health`.
- nginx (Debian's `/usr/sbin/nginx`, or `FASCIA_NGINX`) runs the shipped `deploy/nginx/fascia.conf`
  unchanged; this module writes only the three snippets it includes (the replicas, the listen address
  with a self-signed certificate made by `openssl req`, and, when `rate_limits` is False, 127.0.0.0/8
  exempt from the per-IP limits, for a load test from one address) and a main `nginx.conf` that keeps
  the pid file, logs and temp files in the work folder, so no root is needed. The test-only snippet
  adds one response header, `X-Fascia-Replica` (the replica's address), so a test can tell where the
  sticky route sent a browser; the shipped snippets do not.

On exit (also after an error inside the block) every process is stopped (SIGTERM, then SIGKILL after
10 s), the database is dropped, and the work folder removed unless `FASCIA_KEEP_TOPOLOGY=1`.
Raises TopologyError with the tail of the log when a part does not start.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from data.db import ROOT, make_engine
from data.schema import upgrade

NGINX = Path(os.environ.get("FASCIA_NGINX", "/usr/sbin/nginx"))
FASCIA_CONF = ROOT / "deploy" / "nginx" / "fascia.conf"
APP_ENTRY = "serve.py"
REPLICA_HEADER = "X-Fascia-Replica"
STOP_TIMEOUT_S = 10


class TopologyError(RuntimeError):
    """A part of the topology did not start; the message ends with the tail of its log."""


@dataclass(frozen=True)
class Topology:
    """The running topology: where to reach the proxy, each replica and the database."""

    proxy_url: str
    replica_urls: tuple[str, ...]
    database_url: str
    workdir: Path

    def log(self, name: str) -> Path:
        """The log file `name` (`replica-1`, ..., `nginx-error`, `nginx-access`) in the work folder."""
        return self.workdir / f"{name}.log"


def free_port() -> int:
    """A TCP port free on 127.0.0.1 at the moment of asking."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _tail(path: Path, chars: int = 3000) -> str:
    return path.read_text(errors="replace")[-chars:] if path.exists() else f"({path.name} is empty)"


def _insecure_context() -> ssl.SSLContext:
    """TLS without verification: the proxy's certificate is self-signed for this run."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path, timeout_s: float) -> None:
    """Wait until `url` answers 200, or raise TopologyError if `process` dies or time runs out."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise TopologyError(f"{log.stem} exited with {process.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2, context=_insecure_context()) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise TopologyError(f"{log.stem} did not answer {url} within {timeout_s:.0f} s:\n{_tail(log)}")


@contextmanager
def _process(command: list[str], log: Path, env: Mapping[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """Run `command` with its output in `log`; terminate it (then kill it) when the block ends."""
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def fresh_database(admin_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on `admin_url`'s server, upgraded to the head; dropped at the end."""
    admin = make_url(admin_url)
    if admin.get_backend_name() != "postgresql":
        raise TopologyError(f"the topology needs PostgreSQL, not {admin.get_backend_name()}")
    name = f"fascia_topology_{secrets.token_hex(4)}"
    server = create_engine(admin, isolation_level="AUTOCOMMIT", poolclass=NullPool)  # a new connection each time
    try:
        with server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url: URL = admin.set(database=name)
        rendered = url.render_as_string(hide_password=False)
        engine = make_engine(rendered)
        try:
            upgrade(engine)
        finally:
            engine.dispose()
        yield rendered
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A throwaway certificate and key for 127.0.0.1 (`openssl req`)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def _user_line() -> str:
    """Under root, nginx's workers would switch to `nobody` and lose the work folder: keep them as root."""
    return "user root;\n" if os.geteuid() == 0 else ""


def write_nginx_config(workdir: Path, replica_ports: list[int], proxy_port: int, rate_limits: bool) -> Path:
    """The main nginx.conf (everything inside `workdir`) including the shipped fascia.conf, and its snippets."""
    cert, key = _self_signed(workdir)
    snippets = workdir / "fascia"
    snippets.mkdir()
    (snippets / "app-servers.conf").write_text(
        "".join(f"server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;\n" for port in replica_ports)
    )
    (snippets / "listen.conf").write_text(
        f"listen 127.0.0.1:{proxy_port} ssl;\n"
        "server_name localhost;\n"
        f"ssl_certificate {cert};\n"
        f"ssl_certificate_key {key};\n"
        f"add_header {REPLICA_HEADER} $upstream_addr always;\n"
    )
    (snippets / "unlimited-networks.conf").write_text("" if rate_limits else "127.0.0.0/8 0;\n")
    temp = workdir / "nginx-temp"
    temp.mkdir()
    (workdir / "logs").mkdir()  # nginx opens <prefix>/logs/error.log before it reads error_log
    main = workdir / "nginx.conf"
    main.write_text(
        f"""{_user_line()}worker_processes 1;
error_log {workdir / "nginx-error.log"} warn;
events {{ worker_connections 4096; }}
http {{
    access_log {workdir / "nginx-access.log"};
    client_body_temp_path {temp / "body"};
    proxy_temp_path {temp / "proxy"};
    fastcgi_temp_path {temp / "fastcgi"};
    uwsgi_temp_path {temp / "uwsgi"};
    scgi_temp_path {temp / "scgi"};
    include {FASCIA_CONF};
}}
"""
    )
    return main


@contextmanager
def topology(
    admin_url: str,
    replicas: int = 2,
    *,
    demo: bool = False,
    env: Mapping[str, str] | None = None,
    rate_limits: bool = True,
    ready_timeout_s: float = 90,
) -> Iterator[Topology]:
    """PostgreSQL (a fresh database), `replicas` app processes and nginx in front; see the module docstring."""
    if not NGINX.exists():
        raise TopologyError(f"{NGINX} is missing (.ci/run installs Debian's nginx)")
    workdir = Path(tempfile.mkdtemp(prefix="fascia-topology-"))
    try:
        with ExitStack() as stack:
            database_url = stack.enter_context(fresh_database(admin_url))
            shared = dict(os.environ) | {
                "DATABASE_URL": database_url,
                "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32),
                "STREAMLIT_SERVER_HEADLESS": "true",
                "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
            }
            shared.pop("FASCIA_DEMO", None)
            shared |= ({"FASCIA_DEMO": "1"} if demo else {}) | dict(env or {})
            ports = [free_port() for _ in range(replicas)]
            started = []
            for number, port in enumerate(ports, start=1):
                log = workdir / f"replica-{number}.log"
                command = [sys.executable, "-m", "streamlit", "run", APP_ENTRY, "--server.port", str(port)]
                command += ["--server.address", "127.0.0.1"]
                started.append((stack.enter_context(_process(command, log, shared)), port, log))
            for process, port, log in started:
                wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", process, log, ready_timeout_s)
            proxy_port = free_port()
            main = write_nginx_config(workdir, ports, proxy_port, rate_limits)
            nginx_command = [str(NGINX), "-p", str(workdir), "-c", str(main)]
            nginx_command += ["-g", f"daemon off; pid {workdir / 'nginx.pid'};"]
            checked = subprocess.run([*nginx_command, "-t"], capture_output=True, text=True)
            if checked.returncode != 0:
                raise TopologyError(f"nginx refused the configuration:\n{checked.stderr}")
            nginx_log = workdir / "nginx.log"
            nginx = stack.enter_context(_process(nginx_command, nginx_log))
            proxy_url = f"https://127.0.0.1:{proxy_port}"
            wait_healthy(f"{proxy_url}/_stcore/health", nginx, nginx_log, ready_timeout_s)
            yield Topology(
                proxy_url=proxy_url,
                replica_urls=tuple(f"http://127.0.0.1:{port}" for port in ports),
                database_url=database_url,
                workdir=workdir,
            )
    finally:
        if os.environ.get("FASCIA_KEEP_TOPOLOGY") != "1":
            shutil.rmtree(workdir, ignore_errors=True)
