#!/usr/bin/env python3
"""A real SMTP server for innopress's tests: aiosmtpd on 127.0.0.1 with STARTTLS (a test CA
made with trustme), AUTH, and injectable faults. Every accepted message is written to
DIR/NNNNNN.eml and a line {"rcpt": ..., "file": ...} appended to DIR/index.jsonl.

Prints "READY <port>" when listening; stops when its standard input closes or on SIGTERM.
"""
import argparse
import asyncio
import json
import logging
import os
import re
import ssl
import sys
import threading
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def main():
    warnings.simplefilter("ignore", DeprecationWarning)
    # aiosmtpd logs a deprecation of its own on every AUTH
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--dir", required=True)
    p.add_argument("--tls", action="store_true", help="offer and require STARTTLS")
    p.add_argument("--ca-out", help="write the test CA certificate (PEM) here")
    p.add_argument("--auth", help="user:password required to send")
    p.add_argument("--drop-after", type=int, default=0,
                   help="close a connection abruptly at MAIL after it delivered this many messages")
    p.add_argument("--tempfail", default="", help="regex: RCPT answered 451")
    p.add_argument("--tempfail-times", type=int, default=0,
                   help="answer 451 only this many times per address (0 = always)")
    p.add_argument("--permfail", default="", help="regex: RCPT answered 550")
    p.add_argument("--sink", action="store_true",
                   help="count messages in index.jsonl without storing them (benchmarks)")
    args = p.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    index = open(os.path.join(args.dir, "index.jsonl"), "a", buffering=1)
    lock = threading.Lock()
    counter = {"n": len(os.listdir(args.dir))}
    tempfails = {}

    class Handler:
        async def handle_MAIL(self, server, session, envelope, address, mail_options):
            delivered = getattr(session, "delivered", 0)
            if args.drop_after and delivered >= args.drop_after:
                server.transport.abort()
                return "421 4.3.0 closing"
            envelope.mail_from = address
            envelope.mail_options.extend(mail_options)
            return "250 OK"

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if args.permfail and re.search(args.permfail, address):
                return f"550 5.1.1 <{address}>: no such user"  # quoted, as real servers do
            if args.tempfail and re.search(args.tempfail, address):
                seen = tempfails.get(address, 0)
                if args.tempfail_times == 0 or seen < args.tempfail_times:
                    tempfails[address] = seen + 1
                    return f"451 4.3.0 <{address}>: try again later"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            with lock:
                counter["n"] += 1
                name = "%06d.eml" % counter["n"]
                if not args.sink:
                    with open(os.path.join(args.dir, name), "wb") as f:
                        f.write(envelope.original_content or envelope.content)
                for rcpt in envelope.rcpt_tos:
                    index.write(json.dumps({"rcpt": rcpt, "file": name, "tls": session.ssl is not None,
                                            "mail_from": envelope.mail_from}) + "\n")
            session.delivered = getattr(session, "delivered", 0) + 1
            return "250 2.0.0 queued as %s" % name

    kwargs = {}
    if args.tls:
        import trustme
        ca = trustme.CA()
        cert = ca.issue_cert("localhost", "127.0.0.1")
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(ctx)
        if args.ca_out:
            ca.cert_pem.write_to_path(args.ca_out)
        kwargs.update(tls_context=ctx, require_starttls=True)
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            if isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user \
                    and auth_data.password.decode() == password:
                return AuthResult(success=True)
            # handled=False makes aiosmtpd answer 535
            return AuthResult(success=False, handled=False)

        kwargs.update(authenticator=authenticator, auth_required=True,
                      auth_require_tls=bool(args.tls))
    controller = Controller(Handler(), hostname="127.0.0.1", port=args.port,
                            data_size_limit=0, **kwargs)
    if args.port == 0:
        import socket
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        controller.port = s.getsockname()[1]
        s.close()
    controller.start()
    print("READY %d" % controller.port, flush=True)
    try:
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
