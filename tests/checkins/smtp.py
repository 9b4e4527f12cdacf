"""A real SMTP server on loopback for the tests: it keeps what it receives and can misbehave.

Built on `socketserver` (stdlib only). `refuse(address)` answers 550 to that recipient, `stop()`
closes the port (an outage: connections are refused) and `start()` opens it again on the same
port, so the app's SMTP_PORT stays valid across an outage.
"""

from __future__ import annotations

import email
import socketserver
import threading
from dataclasses import dataclass
from dataclasses import field
from email.message import EmailMessage
from email.policy import default as default_policy


@dataclass
class Received:
    """One message as the server received it."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    message: EmailMessage = field(init=False)

    def __post_init__(self) -> None:
        self.message = email.message_from_bytes(self.data, policy=default_policy)

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        return self.message.get_content()


def _address(argument: str) -> str:
    """`FROM:<a@b> SIZE=1` → `a@b`."""
    value = argument.partition(":")[2].strip()
    if value.startswith("<"):
        value = value[1:value.index(">")] if ">" in value else value[1:]
    return value.split()[0] if value else ""


class SmtpServer:
    """A threaded SMTP server on 127.0.0.1 keeping every accepted message in `messages`."""

    host = "127.0.0.1"

    def __init__(self) -> None:
        self.messages: list[Received] = []
        self.refused: set[str] = set()
        self.connections = 0
        self.port = 0
        self._lock = threading.Lock()
        self._server: socketserver.TCPServer | None = None
        self._thread: threading.Thread | None = None

    # -- control -------------------------------------------------------------------------
    def start(self) -> SmtpServer:
        """Listen (on a free port the first time, on the same port afterwards)."""
        self._server = _Server((self.host, self.port), _make_handler(self))
        self.port = self._server.server_address[1]
        # `stop()` waits for the loop's next poll: half a second by default, on every test that mails.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        name="test-smtp", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening: new connections are refused until `start()`."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
        self._server = self._thread = None

    @property
    def is_running(self) -> bool:
        return self._server is not None

    def refuse(self, address: str) -> None:
        """Answer `550` to RCPT TO this address (a mailbox that does not exist)."""
        self.refused.add(address.lower())

    # -- reading -------------------------------------------------------------------------
    def received_by(self, address: str) -> list[Received]:
        with self._lock:
            return [m for m in self.messages if address.lower() in (r.lower() for r in m.rcpt_tos)]

    def recipients(self) -> list[str]:
        """Every recipient of every message, one entry per delivery."""
        with self._lock:
            return [r for m in self.messages for r in m.rcpt_tos]

    def _keep(self, received: Received) -> None:
        with self._lock:
            self.messages.append(received)


class _Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
    daemon_threads = True
    block_on_close = False


def _make_handler(server: SmtpServer) -> type[socketserver.StreamRequestHandler]:
    class Handler(socketserver.StreamRequestHandler):
        timeout = 30

        def reply(self, line: str) -> None:
            self.wfile.write(line.encode() + b"\r\n")
            self.wfile.flush()

        def handle(self) -> None:
            with server._lock:
                server.connections += 1
            self.reply("220 test-smtp ESMTP")
            mail_from, rcpt_tos = None, []
            while raw := self.rfile.readline():
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                verb, _, argument = line.partition(" ")
                verb = verb.upper()
                if verb == "EHLO":
                    self.reply("250-test-smtp")
                    self.reply("250 8BITMIME")
                elif verb == "HELO":
                    self.reply("250 test-smtp")
                elif verb == "MAIL":
                    mail_from, rcpt_tos = _address(argument), []
                    self.reply("250 2.1.0 ok")
                elif verb == "RCPT":
                    to = _address(argument)
                    if to.lower() in server.refused:
                        self.reply("550 5.1.1 no such mailbox")
                    else:
                        rcpt_tos.append(to)
                        self.reply("250 2.1.5 ok")
                elif verb == "DATA":
                    if mail_from is None or not rcpt_tos:
                        self.reply("503 5.5.1 need MAIL and RCPT first")
                        continue
                    self.reply("354 end with <CRLF>.<CRLF>")
                    server._keep(Received(mail_from, rcpt_tos, self._read_data()))
                    mail_from, rcpt_tos = None, []
                    self.reply("250 2.0.0 queued")
                elif verb == "RSET":
                    mail_from, rcpt_tos = None, []
                    self.reply("250 2.0.0 ok")
                elif verb == "NOOP":
                    self.reply("250 2.0.0 ok")
                elif verb == "QUIT":
                    self.reply("221 2.0.0 bye")
                    return
                else:
                    self.reply("502 5.5.2 not implemented")

        def _read_data(self) -> bytes:
            lines = []
            while raw := self.rfile.readline():
                if raw in (b".\r\n", b".\n"):
                    break
                lines.append(raw[1:] if raw.startswith(b"..") else raw)
            return b"".join(lines)

    return Handler
