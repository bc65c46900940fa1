"""The deployment kit parses and hangs together: deploy/compose.yaml (no Docker engine here, so a parse
test), the Dockerfile, .dockerignore, the nginx configuration (checked by Debian's `nginx -t` when
installed) and the limits they share with the app (.streamlit/config.toml)."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import threading
import tomllib
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from bench.topology import FASCIA_CONF, NGINX, write_nginx_config
from data.db import ROOT

DEPLOY = ROOT / "deploy"
COMPOSE = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]
APPS = sorted(name for name in SERVICES if re.fullmatch(r"app\d+", name))
NGINX_CONF = FASCIA_CONF.read_text()


def test_compose_has_every_part() -> None:
    assert set(SERVICES) == {"db", "app1", "app2", "notify", "backup", "proxy"}
    assert APPS == ["app1", "app2"]


def test_every_service_has_a_health_check_and_restarts() -> None:
    for name, service in SERVICES.items():
        assert service["healthcheck"]["test"][0] in ("CMD", "CMD-SHELL"), name
        assert service["restart"] == "unless-stopped", name
    for name in APPS:
        assert SERVICES[name]["healthcheck"]["test"] == ["CMD", "python", "deploy/healthcheck.py"], name
    for name in ("notify", "backup"):
        assert SERVICES[name]["healthcheck"]["test"] == ["CMD", "python", "-m", "data", "health"], name
    assert (DEPLOY / "healthcheck.py").is_file()


def test_the_database_keeps_its_data_in_a_volume_and_the_apps_wait_for_it() -> None:
    assert "pgdata:/var/lib/postgresql/data" in SERVICES["db"]["volumes"]
    assert {"pgdata", "backups"} <= set(COMPOSE["volumes"])
    for name in [*APPS, "notify", "backup"]:
        assert SERVICES[name]["depends_on"]["db"]["condition"] == "service_healthy"


def test_replicas_share_database_and_secrets() -> None:
    first = SERVICES[APPS[0]]["environment"]
    assert first["DATABASE_URL"].startswith("postgresql://fascia:${POSTGRES_PASSWORD")
    assert first["DATABASE_URL"].endswith("@db:5432/fascia")
    assert "STREAMLIT_SERVER_COOKIE_SECRET" in first
    for name in [*APPS, "notify"]:
        assert SERVICES[name]["environment"] == first, name
        assert SERVICES[name]["image"] == SERVICES[APPS[0]]["image"]
    assert SERVICES["backup"]["environment"]["DATABASE_URL"] == first["DATABASE_URL"]
    assert "FASCIA_DEMO" not in first  # a club's server never offers the demo with published passwords


def test_jobs() -> None:
    assert [SERVICES[name]["command"] for name in APPS] == [["app"], ["app"]]
    assert SERVICES["notify"]["command"] == ["notify"]
    assert SERVICES["backup"]["command"] == ["backup"]
    assert SERVICES["backup"]["environment"]["FASCIA_BACKUP_KEEP"] == "${FASCIA_BACKUP_KEEP:-14}"
    assert SERVICES["backup"]["environment"]["FASCIA_BACKUP_EVERY_SECONDS"] == "86400"
    assert "backups:/backups" in SERVICES["backup"]["volumes"]
    entrypoint = (DEPLOY / "entrypoint.sh").read_text()
    assert os.access(DEPLOY / "entrypoint.sh", os.X_OK)
    assert "python -m data backup /backups --keep" in entrypoint
    assert "exec python -m streamlit run serve.py --server.address 0.0.0.0 --server.port 8501" in entrypoint
    assert subprocess.run(["sh", "-n", str(DEPLOY / "entrypoint.sh")]).returncode == 0


def test_every_setting_compose_reads_is_in_the_env_example() -> None:
    text = (DEPLOY / "compose.yaml").read_text()
    used = set(re.findall(r"\$\{([A-Z_]+)", text))
    example = {line.split("=", 1)[0] for line in (DEPLOY / ".env.example").read_text().splitlines() if "=" in line}
    assert used <= example


def test_the_proxy_mounts_files_that_exist_and_the_snippets_fascia_conf_includes() -> None:
    proxy = SERVICES["proxy"]
    assert sorted(proxy["ports"]) == ["443:443", "80:80"]
    mounts = {target: source for source, target, *_ in (volume.split(":") for volume in proxy["volumes"])}
    assert mounts["/etc/nginx/conf.d/default.conf"] == "./nginx/fascia.conf"
    for source in mounts.values():
        if source != "./certs":  # the deployment's own certificate (docs/DEPLOY.md)
            assert (DEPLOY / source).exists(), source
    included = re.findall(r"include (fascia/[\w.-]+);", NGINX_CONF)
    assert sorted(included) == ["fascia/app-servers.conf", "fascia/listen.conf", "fascia/unlimited-networks.conf"]
    for snippet in included:
        assert (DEPLOY / "nginx" / snippet).is_file()
    servers = re.findall(r"^server (app\d+):8501", (DEPLOY / "nginx/fascia/app-servers.conf").read_text(), re.M)
    assert servers == APPS
    listen = (DEPLOY / "nginx/fascia/listen.conf").read_text()
    assert "listen 443 ssl;" in listen and "/etc/nginx/certs/fullchain.pem" in listen


def test_nginx_is_sticky_by_its_own_cookie_and_upgrades_the_websocket() -> None:
    assert "hash $fascia_route consistent;" in NGINX_CONF
    assert "ip_hash" not in NGINX_CONF.replace("(ip_hash would", "")
    assert "add_header Set-Cookie $fascia_route_cookie always;" in NGINX_CONF
    stream = NGINX_CONF.split("location /_stcore/stream {", 1)[1].split("}", 1)[0]
    assert "proxy_set_header Upgrade $http_upgrade;" in stream
    assert "proxy_set_header Connection $connection_upgrade;" in stream
    # a location with headers of its own inherits none of the server's: Streamlit needs the browser's Host
    assert "proxy_set_header Host $http_host;" in stream
    assert "limit_req  zone=fascia_stream" in stream and "limit_conn fascia_conn 10;" in stream


def test_the_upload_limit_is_the_apps() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert f"client_max_body_size {config['server']['maxUploadSize']}m;" in NGINX_CONF


def test_security_headers() -> None:
    policy = re.search(r'add_header Content-Security-Policy "([^"]+)" always;', NGINX_CONF)
    assert policy is not None
    assert "frame-ancestors 'none'" in policy.group(1) and "default-src 'self'" in policy.group(1)
    assert "unsafe-eval" not in policy.group(1)
    for header in ('X-Frame-Options "DENY"', "Strict-Transport-Security", 'X-Content-Type-Options "nosniff"'):
        assert f"add_header {header}" in NGINX_CONF
    assert "add_header" not in NGINX_CONF.split("location", 1)[1]  # a location's add_header drops the server's


def test_the_dockerfile() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    lines = [line for line in dockerfile.splitlines() if line and not line.startswith("#")]
    assert lines[0].startswith("FROM python:3.11-slim")
    assert "pip install --require-hashes -r requirements.lock" in dockerfile
    assert "requirements-dev" not in dockerfile
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users == ["fascia"]
    assert "EXPOSE 8501" in lines
    assert 'CMD ["python", "deploy/healthcheck.py"]' in dockerfile
    assert 'ENTRYPOINT ["deploy/entrypoint.sh"]' in lines


def test_the_image_leaves_out_secrets_databases_and_history() -> None:
    ignored = set((ROOT / ".dockerignore").read_text().splitlines())
    assert {".git", ".streamlit/secrets.toml", "*.db", "deploy/.env", "deploy/certs", "tests"} <= ignored


@pytest.mark.skipif(not NGINX.exists(), reason=f"{NGINX} is not installed")
def test_nginx_accepts_the_configuration(tmp_path: Path) -> None:
    main = write_nginx_config(tmp_path, [18501, 18502], 18443, rate_limits=True)
    done = subprocess.run(
        [str(NGINX), "-t", "-p", str(tmp_path), "-c", str(main), "-g", f"pid {tmp_path / 'nginx.pid'};"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def test_the_systemd_units_run_what_compose_runs() -> None:
    units = DEPLOY / "systemd"
    app = (units / "fascia-app@.service").read_text()
    assert "ExecStartPre=/opt/fascia/.venv/bin/python -m data init" in app
    assert "streamlit run serve.py --server.address 127.0.0.1 --server.port %i" in app
    assert "ExecStart=/opt/fascia/.venv/bin/python -m data notify" in (units / "fascia-notify.service").read_text()
    backup = (units / "fascia-backup.service").read_text()
    assert "-m data backup /var/backups/fascia --keep 14" in backup
    assert "OnCalendar=*-*-* 02:30:00" in (units / "fascia-backup.timer").read_text()
    for unit in units.glob("fascia-*.service"):
        text = unit.read_text()
        assert "User=fascia" in text and "EnvironmentFile=/etc/fascia/fascia.env" in text, unit.name
    settings = (units / "fascia.env.example").read_text()
    assert "DATABASE_URL=" in settings and "STREAMLIT_SERVER_COOKIE_SECRET=" in settings
    assert "FASCIA_DEMO" not in settings


def _healthcheck_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fascia_container_healthcheck", DEPLOY / "healthcheck.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_container_health_check_passes_on_the_apps_verdict(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    verdicts = iter([(200, b"ok: database answers, schema at 0009\n"), (503, b"the database does not answer: ...\n")])

    class Healthz(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body = next(verdicts)
            self.send_response(status)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Healthz)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    healthcheck = _healthcheck_module()
    try:
        monkeypatch.setattr(healthcheck, "URL", f"http://127.0.0.1:{server.server_port}/healthz")
        assert healthcheck.main() == 0
        assert healthcheck.main() == 1
    finally:
        server.shutdown()
        server.server_close()
    assert healthcheck.main() == 1  # nothing listens any more
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == ["ok: database answers, schema at 0009", "the database does not answer: ..."]
    assert lines[2].startswith("the app does not answer on http://127.0.0.1:")
