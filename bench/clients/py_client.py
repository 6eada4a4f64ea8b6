#!/usr/bin/env python3
"""py_client: the benchmark's runs with Python's smtplib and poplib (the standard library).

Same arguments and output as csmail_client.c. Only the work is timed (not the interpreter's
start-up). poplib has no pipelined batch, so "pop3-many" is RETR (and DELE) one at a time;
smtplib keeps no TLS sessions, so "smtp-sessions" never resumes whatever FRESH says.
"""
import json
import os
import poplib
import resource
import smtplib
import ssl
import sys
import time


def cpu_now():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def pop3_connected(host, port, ctx, mode, user, password):
    if mode == "tls":
        p = poplib.POP3_SSL(host, port, context=ctx, timeout=600)
    else:
        p = poplib.POP3(host, port, timeout=600)
        p.stls(context=ctx)
    p.user(user)
    p.pass_(password)
    return p


def smtp_connected(host, port, ctx, mode, user, password):
    if mode == "tls":
        s = smtplib.SMTP_SSL(host, port, context=ctx, timeout=600)
    else:
        s = smtplib.SMTP(host, port, timeout=600)
        s.starttls(context=ctx)
    s.login(user, password)
    return s


def retr_bytes(p, i):
    # poplib returns the lines without their CRLF; count the message as the server stored it.
    _, lines, _ = p.retr(i)
    return sum(len(line) + 2 for line in lines)


def main(argv):
    if len(argv) < 8:
        sys.exit("usage: py_client.py SCENARIO HOST PORT CAFILE tls|starttls USER PASSWORD ARGS...")
    scenario, host, port, cafile, mode, user, password = argv[1:8]
    port = int(port)
    args = argv[8:]
    ctx = ssl.create_default_context(cafile=cafile)
    units = 0
    nbytes = 0
    t0, c0 = time.perf_counter(), cpu_now()
    if scenario in ("pop3-retr", "pop3-many"):
        n = int(args[0])
        delete = len(args) > 1 and args[1] == "1"
        p = pop3_connected(host, port, ctx, mode, user, password)
        for i in range(1, n + 1):
            nbytes += retr_bytes(p, i)
            if delete:
                p.dele(i)
        p.quit()
        units = n
    elif scenario == "smtp-send":
        n, path, rcpt = int(args[0]), args[1], args[2]
        with open(path, "rb") as f:
            msg = f.read()
        t0, c0 = time.perf_counter(), cpu_now()
        s = smtp_connected(host, port, ctx, mode, user, password)
        for _ in range(n):
            s.sendmail("bench@example.com", [rcpt], msg)
        s.quit()
        units, nbytes = n, n * len(msg)
    elif scenario == "smtp-sessions":
        n = int(args[0])
        for _ in range(n):
            smtp_connected(host, port, ctx, mode, user, password).quit()
        units = n
    elif scenario == "smtp-file":
        path, rcpt = args
        s = smtp_connected(host, port, ctx, mode, user, password)
        with open(path, "rb") as f:
            msg = f.read()  # smtplib sends from memory only
        s.sendmail("bench@example.com", [rcpt], msg)
        s.quit()
        units, nbytes = 1, len(msg)
    elif scenario == "pop3-file":
        number, out = int(args[0]), args[1]
        p = pop3_connected(host, port, ctx, mode, user, password)
        _, lines, _ = p.retr(number)
        with open(out, "wb") as f:
            for line in lines:
                f.write(line + b"\r\n")
        p.quit()
        units, nbytes = 1, os.path.getsize(out)
    else:
        sys.exit(f"error: unknown scenario {scenario}")
    wall, cpu = time.perf_counter() - t0, cpu_now() - c0
    print(json.dumps({"wall": wall, "cpu": cpu, "units": units, "bytes": nbytes}))


if __name__ == "__main__":
    main(sys.argv)
