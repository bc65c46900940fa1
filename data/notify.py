"""The notification worker, `python -m data notify` (long-running; `--once` for cron): each pass enqueues
the scheduled messages due now (`data.notifications.schedule`) and delivers the due outbox rows
(`data.outbox.deliver_due`) over their channel.

Channels
- **e-mail**: SMTP from `FASCIA_SMTP_URL` (`smtp://user:password@host:port`; `smtps://` for TLS from the
  start; `?starttls=1` to upgrade a plain connection with STARTTLS), sender `FASCIA_SMTP_FROM`; plain
  text and HTML parts (`email.message.EmailMessage`).
- **webhook**: a JSON POST `{"text": ...}` (the shape Slack and Microsoft Teams incoming webhooks
  accept), with `urllib`; any answer other than 2xx is a failure.
- **inbox**: delivered when written (`data.outbox.enqueue`); never claimed here.

Links in e-mails and webhooks are made absolute with `FASCIA_BASE_URL` (default http://localhost:8501).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import smtplib
import ssl
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from data.db import describe_fault
from data.notifications import schedule
from data.outbox import Claimed, Delivered, deliver_due

DEFAULT_BASE_URL = "http://localhost:8501"
DEFAULT_SENDER = "fascia@localhost"
WEBHOOK_TIMEOUT_S = 10
SMTP_TIMEOUT_S = 20
POLL_SECONDS = 5.0


class NotConfigured(Exception):
    """A channel without its settings (e.g. e-mail without FASCIA_SMTP_URL)."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where e-mail goes: host, port, optional login, TLS mode and the sender."""

    host: str
    port: int
    username: str | None
    password: str | None
    tls: bool
    starttls: bool
    sender: str


def smtp_settings(url: str | None = None, sender: str | None = None) -> SmtpSettings:
    """The SMTP settings of `url` (default `FASCIA_SMTP_URL`) and `sender` (default `FASCIA_SMTP_FROM`)."""
    raw = url if url is not None else os.environ.get("FASCIA_SMTP_URL", "").strip()
    if not raw:
        raise NotConfigured("e-mail is not set up: set FASCIA_SMTP_URL (smtp://user:password@host:port)")
    parts = urlsplit(raw)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise NotConfigured(f"FASCIA_SMTP_URL must look like smtp://user:password@host:port, not {parts.scheme}://…")
    query = parse_qs(parts.query)
    tls = parts.scheme == "smtps"
    return SmtpSettings(
        host=parts.hostname,
        port=parts.port or (465 if tls else 25),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        tls=tls,
        starttls=query.get("starttls", ["0"])[0].lower() in ("1", "true", "yes"),
        sender=sender or os.environ.get("FASCIA_SMTP_FROM", "").strip() or DEFAULT_SENDER,
    )


def absolute(link: str, base_url: str | None = None) -> str:
    """`link` (relative, "/progress?athlete=3") under the Fascia address."""
    base = (base_url or os.environ.get("FASCIA_BASE_URL", "").strip() or DEFAULT_BASE_URL).rstrip("/")
    return f"{base}{link}"


def email_of(claimed: Claimed, settings: SmtpSettings, base_url: str | None = None) -> EmailMessage:
    """The e-mail of an outbox row: plain text and HTML, both ending with the link."""
    url = absolute(claimed.link, base_url)
    message = EmailMessage()
    message["Subject"] = claimed.subject
    message["From"] = settings.sender
    message["To"] = claimed.address or ""
    message.set_content(f"{claimed.text}\n\nOpen in Fascia: {url}\n")
    body = claimed.html or ""
    message.add_alternative(
        f'<html><body>{body}<p><a href="{url}">Open in Fascia</a></p></body></html>', subtype="html"
    )
    return message


def send_email(claimed: Claimed, settings: SmtpSettings, base_url: str | None = None) -> None:
    """Send one outbox row by SMTP; raises with the server's reason when it is refused."""
    if not claimed.address:
        raise ValueError("the message has no e-mail address")
    message = email_of(claimed, settings, base_url)
    context = ssl.create_default_context()
    if settings.tls:
        server: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=SMTP_TIMEOUT_S, context=context)
    else:
        server = smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT_S)
    with server:
        if settings.starttls:
            server.starttls(context=context)
        if settings.username:
            server.login(settings.username, settings.password or "")
        server.send_message(message)


def send_webhook(claimed: Claimed, base_url: str | None = None) -> None:
    """POST `{"text": ...}` to the row's webhook; raises unless the answer is 2xx."""
    if not claimed.address:
        raise ValueError("the message has no webhook address")
    text = f"*{claimed.subject}*\n{claimed.text}\n<{absolute(claimed.link, base_url)}|Open in Fascia>"
    request = urllib.request.Request(
        claimed.address,
        data=json.dumps({"text": text}).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_S) as answer:  # raises HTTPError on 4xx/5xx
        if not 200 <= answer.status < 300:
            raise OSError(f"the webhook answered {answer.status}")


def sender(smtp_url: str | None = None, base_url: str | None = None) -> Callable[[Claimed], None]:
    """The function that sends one claimed row over its channel (settings read once, here)."""
    try:
        smtp: SmtpSettings | None = smtp_settings(smtp_url)
        missing = ""
    except NotConfigured as error:
        smtp, missing = None, str(error)

    def send(claimed: Claimed) -> None:
        if claimed.channel == "webhook":
            send_webhook(claimed, base_url)
        elif claimed.channel == "email":
            if smtp is None:
                raise NotConfigured(missing)
            send_email(claimed, smtp, base_url)
        else:
            raise ValueError(f"no delivery for the channel {claimed.channel!r}")

    return send


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def run_once(
    engine: Engine,
    now: Callable[[], dt.datetime] = utc_now,
    send: Callable[[Claimed], None] | None = None,
) -> tuple[int, Delivered]:
    """One pass: enqueue the scheduled messages due now, then deliver the due rows. Returns the rows
    scheduled and what was delivered."""
    scheduled = schedule(engine, now())
    return scheduled, deliver_due(engine, send or sender(), now)


def run_forever(
    engine: Engine,
    poll_seconds: float = POLL_SECONDS,
    now: Callable[[], dt.datetime] = utc_now,
    report: Callable[[str], None] = print,
) -> None:
    """Run a pass every `poll_seconds` until stopped (Ctrl-C, SIGTERM). A database fault (a restart of the
    server, a locked file) is reported in one sentence and the next pass tries again."""
    send = sender()
    while True:
        try:
            scheduled, done = run_once(engine, now, send)
        except (SQLAlchemyError, OSError) as error:
            report(f"{now().isoformat(timespec='seconds')} {describe_fault(error) or error}; trying again")
            time.sleep(poll_seconds)
            continue
        if scheduled or done.sent or done.retried or done.failed:
            report(
                f"{now().isoformat(timespec='seconds')} scheduled {scheduled}, sent {len(done.sent)}, "
                f"retrying {len(done.retried)}, failed {len(done.failed)}"
            )
        time.sleep(poll_seconds)
