"""Read one email from standard input and post it as a reply, for a mail server to pipe into:

    reply+*@reply.example.org  →  | manage.py receive_reply --recipient "$RECIPIENT"

Exit status: 0 when posted or when an automatic message was dropped (so the mail server
sends no bounce for an out-of-office), 77 (EX_NOPERM) when refused, so that the sender
learns the reply was not posted.
"""

import sys

from anymail.inbound import AnymailInboundMessage
from django.core.management.base import BaseCommand

from discussions.inbound import receive_reply

EX_NOPERM = 77


class Command(BaseCommand):
    help = "Post the email on standard input as a reply to a discussion."

    def add_arguments(self, parser):
        parser.add_argument(
            "--recipient",
            default=None,
            help="The envelope recipient (reply+…@…); read from the headers when not given.",
        )
        parser.add_argument("--file", default=None, help="Read the email from this file.")

    def handle(self, *args, recipient=None, file=None, **options):
        if file:
            with open(file, "rb") as source:
                raw = source.read()
        else:
            raw = sys.stdin.buffer.read()
        message = AnymailInboundMessage.parse_raw_mime_bytes(raw)
        outcome = receive_reply(message, recipient)
        line = f"{outcome.status}: {outcome.detail}"
        if outcome.status == "refused":
            self.stderr.write(line)
            sys.exit(EX_NOPERM)
        self.stdout.write(line)
