#!/usr/bin/env python3
"""A throwaway Dovecot IMAP server for the inbox tests: IMAPS on a free loopback port with a
certificate from a test CA (trustme), one user `news` with the password `secret`, Maildir
storage under --dir. Prints `READY PORT` when it accepts connections, then takes commands
on stdin, one per line, and answers each with one line:

  APPEND FILE    put the message in FILE into INBOX             -> OK
  UNMARKED       how many INBOX messages lack the keyword       -> N
  QUIT           stop the server (so does the end of stdin)

Dovecot refuses to run its login process as root: under root it runs as the users the
Debian package creates (dovecot, dovenull), else as the calling user.
"""

import argparse
import imaplib
import os
import pwd
import grp
import shutil
import socket
import ssl
import subprocess
import sys
import time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--ca-out", required=True)
    args = ap.parse_args()
    work = os.path.abspath(args.dir)
    os.makedirs(work, exist_ok=True)
    for sub in ("run", "state", "home"):
        os.makedirs(os.path.join(work, sub), exist_ok=True)

    import trustme
    ca = trustme.CA()
    cert = ca.issue_cert("localhost", "127.0.0.1")
    ca.cert_pem.write_to_path(args.ca_out)
    cert.private_key_pem.write_to_path(os.path.join(work, "key.pem"))
    cert.cert_chain_pems[0].write_to_path(os.path.join(work, "cert.pem"))

    if os.geteuid() == 0:
        internal, login = "dovecot", "dovenull"
        uid, gid = pwd.getpwnam("dovecot").pw_uid, grp.getgrnam("dovecot").gr_gid
        os.chown(os.path.join(work, "home"), uid, gid)
    else:
        internal = login = pwd.getpwuid(os.getuid()).pw_name
        uid, gid = os.getuid(), os.getgid()
    group = grp.getgrgid(gid).gr_name
    port = free_port()
    conf = os.path.join(work, "dovecot.conf")
    with open(conf, "w") as f:
        f.write(f"""
base_dir = {work}/run
state_dir = {work}/state
log_path = {work}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{work}/cert.pem
ssl_key = <{work}/key.pem
auth_mechanisms = plain
disable_plaintext_auth = yes
default_internal_user = {internal}
default_internal_group = {group if os.geteuid() != 0 else 'dovecot'}
default_login_user = {login}
first_valid_uid = 1
passdb {{
  driver = static
  args = password=secret
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={work}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    port = {port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service auth {{
  user = {internal}
}}
""")
    dovecot = shutil.which("dovecot") or "/usr/sbin/dovecot"
    proc = subprocess.Popen([dovecot, "-F", "-c", conf], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    ctx = ssl.create_default_context(cafile=args.ca_out)

    def connect():
        m = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=ctx)
        m.login("news", "secret")
        m.select("INBOX")
        return m

    deadline = time.time() + 30
    while True:
        try:
            connect().logout()
            break
        except Exception:
            if time.time() > deadline or proc.poll() is not None:
                log = open(os.path.join(work, "dovecot.log")).read() if os.path.exists(
                    os.path.join(work, "dovecot.log")) else ""
                print("FAILED " + log.replace("\n", " | "), flush=True)
                proc.kill()
                return
            time.sleep(0.2)
    print("READY %d" % port, flush=True)
    try:
        for line in sys.stdin:
            cmd, _, arg = line.strip().partition(" ")
            if cmd == "APPEND":
                m = connect()
                with open(arg, "rb") as f:
                    typ, data = m.append("INBOX", None, None, f.read())
                m.logout()
                print("OK" if typ == "OK" else "ERROR %s" % data, flush=True)
            elif cmd == "UNMARKED":
                m = connect()
                typ, data = m.uid("SEARCH", "UNKEYWORD", "innopress")
                m.logout()
                print(len(data[0].split()), flush=True)
            elif cmd == "QUIT":
                break
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
