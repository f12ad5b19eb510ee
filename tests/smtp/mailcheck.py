#!/usr/bin/env python3
"""Reads messages for innopress's tests with Python's own email parser and dkimpy.

  mailcheck.py show FILE.eml [--dkim-pub BASE64]   headers, MIME tree, parts and DKIM result as JSON
  mailcheck.py genkey KEY.pem                       new RSA key (PKCS#1 PEM); prints the public key
"""
import base64
import re
import json
import sys
from email import policy
from email.header import decode_header, make_header
from email.parser import BytesParser


def tree(part):
    if part.is_multipart():
        return "%s[%s]" % (part.get_content_type(), ",".join(tree(p) for p in part.iter_parts()))
    return part.get_content_type()


def show(path, pub):
    raw = open(path, "rb").read()
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    out = {"headers": {}, "tree": tree(msg), "html": "", "text": "", "images": []}
    for name in ["From", "To", "Reply-To", "Subject", "Date", "Message-ID", "List-Id",
                 "List-Unsubscribe", "List-Unsubscribe-Post", "DKIM-Signature", "MIME-Version"]:
        if msg[name] is not None:
            out["headers"][name] = str(msg[name])
    to = msg["To"]
    if to is not None and len(to.addresses) == 1:
        out["to_name"] = to.addresses[0].display_name
        out["to_addr"] = to.addresses[0].addr_spec
        # Python's address parser keeps the folding space between two encoded words of a
        # display name, which RFC 2047 (6.2) says to drop; its decode_header drops it
        raw_to = raw.split(b"\r\n\r\n", 1)[0].decode("ascii", "replace")
        m = re.search(r"(?im)^To:([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)", raw_to)
        if m:
            value = re.sub(r"\r\n[ \t]", " ", m.group(1)).strip()
            name_part = value.rsplit("<", 1)[0].strip()
            if name_part.startswith("=?"):
                out["to_name"] = str(make_header(decode_header(name_part)))
    # the header section as sent: names in order, and the longest line
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    out["header_names"] = [l.split(b":", 1)[0].decode("ascii", "replace") for l in head
                           if l and l[:1] not in (b" ", b"\t")]
    out["longest_header_line"] = max(len(l) for l in head)
    # the headers with a line over 78 characters (a long address cannot be folded)
    long_lines, current = [], None
    for l in head:
        if l and l[:1] not in (b" ", b"\t"):
            current = l.split(b":", 1)[0].decode("ascii", "replace")
        if len(l) > 78 and current not in long_lines:
            long_lines.append(current)
    out["long_lines"] = long_lines
    # headers as written, unfolded but not decoded: what a mail program's machinery reads
    out["raw"] = {}
    for line in re.sub(r"\r\n[ \t]", " ", "\r\n".join(h.decode("ascii", "replace") for h in head)).split("\r\n"):
        if ":" in line:
            k, v = line.split(":", 1)
            out["raw"].setdefault(k, v.strip())
    out["header_ascii"] = all(32 <= b < 127 or b == 9 for l in head for b in l)
    for part in msg.walk():
        ct = part.get_content_type()
        if ct == "text/html":
            out["html"] = part.get_content()
        elif ct == "text/plain":
            out["text"] = part.get_content()
        elif ct.startswith("image/"):
            out["images"].append({"type": ct, "cid": str(part["Content-ID"]), "bytes": len(part.get_content())})
    if pub is not None:
        import dkim

        def dns(name, timeout=5):
            return ("v=DKIM1; k=rsa; p=" + pub).encode()

        out["dkim"] = bool(dkim.verify(raw, dnsfunc=dns))
    print(json.dumps(out))


def genkey(path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                            serialization.NoEncryption())
    open(path, "wb").write(pem)
    der = key.public_key().public_bytes(serialization.Encoding.DER,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    print(base64.b64encode(der).decode())


if __name__ == "__main__":
    if sys.argv[1] == "show":
        pub = sys.argv[sys.argv.index("--dkim-pub") + 1] if "--dkim-pub" in sys.argv else None
        show(sys.argv[2], pub)
    elif sys.argv[1] == "genkey":
        genkey(sys.argv[2])
    else:
        sys.exit(__doc__)
