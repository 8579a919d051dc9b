#!/usr/bin/python3
"""Reads the SMTP sink's mailbox (one .eml per message, see tests/harness/smtp_sink.py) for
scripts/demo.sh and the end-to-end tests.

  mailbox.py activation-code --dir .sertel/mail --application APP [--timeout 60]
      waits for the ACTIVATION_CODE message of APP and prints the code (the line
      "Kode aktivasi: <code>")
  mailbox.py wait --dir .sertel/mail --subject-contains TEXT [--timeout 60] [--count N]
      waits until N messages (default 1) have TEXT in their subject; prints their paths
  mailbox.py count --dir .sertel/mail --subject-contains TEXT
      prints how many messages have TEXT in their subject
  mailbox.py show FILE [--save-attachments DIR]
      prints the envelope, the headers people read, the body and the attachments
"""
import argparse
import email
import email.policy
import os
import re
import sys
import time


def messages(directory):
    if not os.path.isdir(directory):
        return []
    names = sorted(n for n in os.listdir(directory) if n.endswith(".eml"))
    out = []
    for n in names:
        path = os.path.join(directory, n)
        with open(path, "rb") as f:
            out.append((path, email.message_from_binary_file(f, policy=email.policy.default)))
    return out


def matching(directory, text):
    return [(p, m) for p, m in messages(directory) if text in str(m.get("Subject", ""))]


def wait_for(directory, text, count, timeout):
    deadline = time.monotonic() + timeout
    while True:
        found = matching(directory, text)
        if len(found) >= count:
            return found
        if time.monotonic() > deadline:
            sys.exit(f"mailbox: no {count} message(s) with '{text}' in the subject after {timeout}s "
                     f"(found {len(found)}) in {directory}")
        time.sleep(0.2)


def body_text(msg):
    part = msg.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("activation-code")
    a.add_argument("--dir", required=True)
    a.add_argument("--application", required=True)
    a.add_argument("--timeout", type=float, default=60)
    w = sub.add_parser("wait")
    w.add_argument("--dir", required=True)
    w.add_argument("--subject-contains", required=True)
    w.add_argument("--count", type=int, default=1)
    w.add_argument("--timeout", type=float, default=60)
    c = sub.add_parser("count")
    c.add_argument("--dir", required=True)
    c.add_argument("--subject-contains", required=True)
    s = sub.add_parser("show")
    s.add_argument("file")
    s.add_argument("--save-attachments")
    args = ap.parse_args()

    if args.cmd == "activation-code":
        found = wait_for(args.dir, f"Kode aktivasi sertifikat elektronik ({args.application})", 1,
                         args.timeout)
        m = re.search(r"^Kode aktivasi: (\S+)\s*$", body_text(found[-1][1]), re.MULTILINE)
        if not m:
            sys.exit(f"mailbox: {found[-1][0]} has no 'Kode aktivasi:' line")
        print(m.group(1))
    elif args.cmd == "wait":
        for p, _ in wait_for(args.dir, args.subject_contains, args.count, args.timeout):
            print(p)
    elif args.cmd == "count":
        print(len(matching(args.dir, args.subject_contains)))
    elif args.cmd == "show":
        with open(args.file, "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.default)
        for h in ("X-Sink-Rcpt-To", "From", "To", "Subject", "Date"):
            if msg.get(h):
                print(f"{h}: {msg[h]}")
        print()
        print(body_text(msg).rstrip())
        for part in msg.iter_attachments():
            data = part.get_payload(decode=True) or b""
            print(f"\n[attachment] {part.get_filename()} ({part.get_content_type()}, {len(data)} bytes)")
            if args.save_attachments:
                os.makedirs(args.save_attachments, exist_ok=True)
                path = os.path.join(args.save_attachments, os.path.basename(part.get_filename()))
                with open(path, "wb") as out:
                    out.write(data)
                os.chmod(path, 0o600)
                print(f"[saved] {path}")


if __name__ == "__main__":
    main()
