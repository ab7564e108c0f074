"""Outgoing email: an outbox folder in embedded mode, an SMTP server otherwise.

The outbox holds one ``.eml`` file per message, which any mail program opens; so a
person trying Waymark on their laptop can follow an invitation link.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from waymark_shared.config import Settings

logger = logging.getLogger("waymark.directory.email")


class EmailSender(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class OutboxFolder:
    def __init__(self, folder: Path):
        self.folder = folder

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        path = self.folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        path.write_bytes(bytes(message))
        logger.info("email written to the outbox", extra={"outbox_file": path.name})


class SmtpServer:
    """``smtp://user:password@host:port`` (STARTTLS when offered) or ``smtps://…``."""

    def __init__(self, url: str, timeout_s: float = 10.0):
        parts = urlsplit(url)
        self.secure = parts.scheme == "smtps"
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if self.secure else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout_s = timeout_s

    def send(self, message: EmailMessage) -> None:
        if self.secure:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout_s)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout_s)
        with smtp:
            if not self.secure and smtp.has_extn("starttls"):
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)
        logger.info("email sent", extra={"smtp_host": self.host})


def email_sender(settings: Settings) -> EmailSender:
    if settings.smtp_url:
        return SmtpServer(settings.smtp_url)
    return OutboxFolder(settings.data_dir / "outbox")


def compose(settings: Settings, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4().hex}@waymark>"
    message.set_content(body)
    return message
