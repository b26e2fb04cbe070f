"""Building and delivering reminder mails.

Messages are stdlib compat32 ``email.message.Message`` objects (UTF-8 parts; a Chinese
subject or name is RFC 2047 encoded by ``email.header.Header`` / ``formataddr``) with a
plain-text and an HTML part and, for dates still ahead, an ``.ics`` attachment made with
``icalendar``. Delivery is plain ``smtplib`` with the Flask-Mail setting names:
we need what Flask-Mail hides — one connection per run, the per-recipient refusal
(``SMTPRecipientsRefused``) kept apart from a server that is down, and a file transport
(``.eml`` files in ``MAIL_OUTBOX_DIR``) when no ``MAIL_SERVER`` is configured.
"""
from __future__ import annotations

import contextlib
import hashlib
import smtplib
import socket
import ssl
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta, UTC
from email import encoders
from email.header import Header
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, format_datetime, make_msgid, parseaddr
from pathlib import Path

from icalendar import Alarm, Calendar, Event

from registry.hardening.text import single_line
from registry.reminders.sources import CalendarEvent


class TransportDown(Exception):
    """The mail server could not be reached: nothing was sent in this attempt."""


class RecipientRefused(Exception):
    """The server refused this recipient; other recipients are unaffected."""


# The alarm of an all-day event: 09:00 the day before (the event starts at 00:00).
ALARM_BEFORE = timedelta(hours=15)


def upcoming(events: Sequence[CalendarEvent | None], today: date,
             limit: int | None = None) -> list[CalendarEvent]:
    """The events dated today or later, one per ``uid``, soonest first, at most ``limit``:
    a calendar entry for a date already past only clutters the calendar (issue #16 §1)."""
    found: dict[str, CalendarEvent] = {}
    for event in events:
        if event is not None and event.on >= today:
            found.setdefault(event.uid, event)
    ahead = sorted(found.values(), key=lambda e: (e.on, e.uid))
    return ahead if limit is None else ahead[:limit]


def calendar_file(events: Sequence[CalendarEvent]) -> bytes:
    """An iCalendar (RFC 5545) file with one all-day event per due date, each with a
    display alarm the day before (VALARM)."""
    cal = Calendar()
    cal.add("prodid", "-//registry//reminders//ZH")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    stamp = datetime.now(UTC)
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.on)
        event.add("dtend", item.on + timedelta(days=1))
        event.add("summary", item.summary)
        event.add("description", item.description)
        event.add("url", item.url)
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", item.summary)
        alarm.add("trigger", -ALARM_BEFORE)
        event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()


def _sender_domain(config: Mapping) -> str:
    return config["MAIL_DEFAULT_SENDER"].rpartition("@")[2].strip(">") or "registry.local"


def sender(config: Mapping, city_name: str | None) -> str:
    """The From header: ``MAIL_DEFAULT_SENDER`` as given when it carries a display name
    (``名称 <addr>``); otherwise the address under "<city>生态环境局 环境应急预案管理"."""
    name, address = parseaddr(config["MAIL_DEFAULT_SENDER"])
    if name:
        return formataddr((name, address))
    label = f"{city_name}生态环境局 环境应急预案管理" if city_name else "环境应急预案管理"
    return formataddr((label, address or config["MAIL_DEFAULT_SENDER"]))


def stable_message_id(config: Mapping, *identity) -> str:
    """A Message-ID that depends only on ``identity`` (e.g. the outbox row and its attempt
    count): a mail sent again after a crash carries the same ID as the copy the server
    may already have accepted, so receiving systems can drop the repeat."""
    digest = hashlib.sha256("|".join(map(str, identity)).encode()).hexdigest()[:24]
    return f"<reminder.{digest}@{_sender_domain(config)}>"


def build_message(config: Mapping, to_address: str, to_name: str, subject: str, text: str,
                  html: str, events: Sequence[CalendarEvent] = (),
                  message_id: str | None = None, from_header: str | None = None,
                  attachments: Sequence[tuple[str, str, bytes]] = ()) -> Message:
    """One mail to one recipient: text + HTML alternative, the .ics attached (when there
    are events), and ``attachments`` as (file name, MIME type, bytes) — e.g. an incident's
    notification sheet as PDF. ``message_id``: a fixed Message-ID (``stable_message_id``); a fresh one by
    default. ``from_header``: the From (``sender()``; default ``MAIL_DEFAULT_SENDER``).

    Built with the stdlib's compat32 MIME classes and RFC 2047 ``Header`` objects: the
    ``EmailMessage`` policy re-folds every non-ASCII header through its full parser when
    the mail is written, ~25 ms a mail — most of a run's time (issue #18.4)."""
    # Headers from one-line text: a line break that reached a name (an old row, a value
    # from elsewhere) must not make every mail about it fail (issue #17.7).
    subject, to_name = single_line(subject), single_line(to_name)
    to_address = single_line(to_address).replace(" ", "")
    body = MIMEMultipart("alternative")
    body.attach(MIMEText(text, "plain", "utf-8"))
    body.attach(MIMEText(html, "html", "utf-8"))
    msg = body
    if events or attachments:
        msg = MIMEMultipart("mixed")
        msg.attach(body)
    if events:
        ics = MIMEText(calendar_file(events).decode("utf-8"), "calendar", "utf-8")
        ics.set_param("method", "PUBLISH")
        ics.add_header("Content-Disposition", "attachment", filename="reminder.ics")
        msg.attach(ics)
    for filename, mimetype, data in attachments:
        maintype, _slash, subtype = mimetype.partition("/")
        part = MIMEApplication(data, subtype) if maintype == "application" else MIMEBase(maintype, subtype)
        if maintype != "application":
            part.set_payload(data)
            encoders.encode_base64(part)
        # RFC 2231: a Chinese file name survives every client.
        part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", filename))
        msg.attach(part)
    msg["Subject"] = Header(subject, "utf-8")
    msg["From"] = from_header or config["MAIL_DEFAULT_SENDER"]
    msg["To"] = formataddr((to_name, to_address)) if to_name else to_address
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = message_id or make_msgid(domain=_sender_domain(config))
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies
    return msg


class SmtpTransport:
    """One SMTP connection for a run, opened on the first message."""

    def __init__(self, config: Mapping):
        self.config = config
        self._smtp: smtplib.SMTP | None = None
        self._down: str | None = None

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        timeout = c["MAIL_TIMEOUT_SECONDS"]
        try:
            if c["MAIL_USE_SSL"]:
                smtp = smtplib.SMTP_SSL(c["MAIL_SERVER"], c["MAIL_PORT"], timeout=timeout,
                                        context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(c["MAIL_SERVER"], c["MAIL_PORT"], timeout=timeout)
                if c["MAIL_USE_TLS"]:
                    smtp.starttls(context=ssl.create_default_context())
            # Each mail is several short command/reply exchanges: without TCP_NODELAY,
            # Nagle's algorithm meets the server's delayed ACK and every mail waits ~40 ms.
            with contextlib.suppress(OSError, AttributeError):
                smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if c["MAIL_USERNAME"]:
                smtp.login(c["MAIL_USERNAME"], c["MAIL_PASSWORD"] or "")
        except (OSError, smtplib.SMTPException) as exc:
            raise TransportDown(f"{c['MAIL_SERVER']}:{c['MAIL_PORT']}: {exc}") from None
        return smtp

    def send(self, msg: Message, to_address: str) -> None:
        """Deliver ``msg`` to ``to_address``. RecipientRefused or TransportDown on failure;
        once the server is down, the rest of the run fails fast with the same error."""
        if self._down:
            raise TransportDown(self._down)
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            self._smtp.send_message(msg, to_addrs=[to_address])
        except TransportDown as exc:
            self._down = str(exc)
            raise
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            raise RecipientRefused(f"{code} {reply.decode(errors='replace')}") from None
        except smtplib.SMTPResponseException as exc:
            if 500 <= exc.smtp_code < 600 or exc.smtp_code in (450, 451, 452):
                self._reset()
                raise RecipientRefused(f"{exc.smtp_code} {exc.smtp_error!r}") from None
            self._down = f"{exc.smtp_code} {exc.smtp_error!r}"
            raise TransportDown(self._down) from None
        except (OSError, smtplib.SMTPException) as exc:
            self._down = f"{self.config['MAIL_SERVER']}: {exc}"
            self._smtp = None
            raise TransportDown(self._down) from None

    def _reset(self) -> None:
        try:
            if self._smtp is not None:
                self._smtp.rset()
        except (OSError, smtplib.SMTPException):
            self._smtp = None

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._smtp.quit()
            self._smtp = None


class FileTransport:
    """No MAIL_SERVER: each mail becomes an .eml file in ``directory/<date>/``."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)

    def send(self, msg: Message, to_address: str) -> None:
        day = self.directory / datetime.now().strftime("%Y-%m-%d")
        day.mkdir(parents=True, exist_ok=True)
        name = msg["Message-ID"].strip("<>").replace("@", "_").replace("/", "_")
        (day / f"{name}.eml").write_bytes(bytes(msg))

    def close(self) -> None:
        pass


def transport_for(config: Mapping):
    if config.get("MAIL_SERVER"):
        return SmtpTransport(config)
    return FileTransport(config["MAIL_OUTBOX_DIR"])
