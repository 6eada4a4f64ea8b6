#!/usr/bin/env python3
"""csmail's benchmark: csmail beside curl (the command and libcurl) and Python's smtplib/poplib,
in one run, against the same servers. Run it through bench/run.sh (which builds first):

    bash bench/run.sh            the full run (release build; figures for the README)
    bash bench/run.sh --quick    a few messages per scenario, one repetition: proves that every
                                 client and server works (CI), its figures mean nothing

Scenarios (issue 9):
  P1  POP3 RETR 200 x 1 MiB in one session, implicit TLS and STLS      MiB/s, ms CPU per MiB
  P2  POP3 RETR 2000 x 10 KiB, one at a time and retrieve_many
      (csmail's batch; the peers have none and run one at a time),
      with and without DELE                                            MiB/s, msg/s
  P3  SMTP 2000 x 10 KiB in one STARTTLS + AUTH session, directly and
      through a relay that adds 5 ms each way (fewer messages there)  msg/s, us CPU per message
  P4  200 x (connect + STARTTLS + AUTH + QUIT): one client object
      (TLS resumption possible) and a fresh client object each time   sessions/s
  P5  one 100 MiB message sent from a file and retrieved into a file   s, peak RSS, ms CPU per MiB

Method: the bundled server (csmail-server --no-fsync, release build, its maildir on tmpfs
(/dev/shm) where there is one) runs on core 1, each client
on core 0 (taskset), and the clients take turns inside every repetition (their order rotates);
each figure is the median over the repetitions with min-max. A C or Python client times only its
own work (clock and getrusage around it, not the process start-up); the curl command is timed
from outside, start-up included, as a shell user would run it. Peak RSS is the client process's
ru_maxrss (wait4). With Postfix and Dovecot running (scripts/mailservers.sh start), P1-P4 also
run against them (a smaller P1/P2 mailbox is put into bob's Maildir and removed afterwards).

Output: a Markdown table on stdout and in OUT/bench.md, every sample in OUT/bench.json.
"""
import argparse
import json
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "bench")
CLIENT_CORE, SERVER_CORE = "0", "1"
PASSWORD = "benchpass"
MIB = 1024 * 1024


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Messages and mailboxes


def make_message(size, tag):
    """An RFC 5322 message of exactly `size` bytes: CRLF lines of 76 characters, one line in 40
    starting with a dot (so stuffing has work to do)."""
    head = (f"From: bench@example.com\r\nTo: sink@example.com\r\nSubject: csmail benchmark {tag}\r\n"
            f"Message-ID: <{tag}@bench.example.com>\r\n\r\n").encode()
    line_chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/"
    lines = []
    total = len(head)
    i = 0
    while total < size:
        body = (line_chars * 2)[i % 64: i % 64 + 76]
        if i % 40 == 39:
            body = "." + body[1:]
        line = (body + "\r\n").encode()
        lines.append(line)
        total += len(line)
        i += 1
    data = head + b"".join(lines)
    data = data[:size - 2] + b"\r\n" if len(data) > size else data
    return data


def fill_maildir(maildir, count, data, owner=None):
    """Puts `count` copies of `data` into maildir/new (replacing what was there)."""
    for sub in ("new", "cur", "tmp"):
        d = os.path.join(maildir, sub)
        os.makedirs(d, exist_ok=True)
        for f in os.listdir(d):
            os.unlink(os.path.join(d, f))
    first = None
    for i in range(count):
        path = os.path.join(maildir, "new", f"{1000000000 + i}.bench{i:06d}.csmailbench")
        if first is None:
            with open(path, "wb") as f:
                f.write(data)
            first = path
        else:
            os.link(first, path)  # same bytes, no extra disk; a POP3 server reads it as its own file
        if owner is not None:
            shutil.chown(path, *owner)


def clear_dir(path):
    if os.path.isdir(path):
        for f in os.listdir(path):
            os.unlink(os.path.join(path, f))


# ---------------------------------------------------------------------------------------------
# Servers


def wait_for(path, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        if os.path.exists(path):
            return open(path).read()
        time.sleep(0.05)
    raise SystemExit(f"error: {path} did not appear")


class BundledServer:
    users = ["pop", "many", "del", "big", "sink"]

    def __init__(self, binary, work):
        self.dir = os.path.join(work, "server")
        os.makedirs(self.dir)
        # CHUNKING as Postfix offers it: csmail then sends with BDAT (the peers never do).
        args = ["taskset", "-c", SERVER_CORE, binary, "--dir", self.dir, "--no-fsync", "--max-size", str(400 * MIB),
                "--stdin-lifetime", "--chunking"]
        for p in ("--smtp-port", "--smtps-port", "--pop3-port", "--pop3s-port"):
            args += [p, "0"]
        for u in self.users:
            args += ["--user", f"{u}:{PASSWORD}"]
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
        ready = wait_for(os.path.join(self.dir, "ready"))
        self.ports = dict(line.split("=") for line in ready.split())
        self.ca = os.path.join(self.dir, "ca.pem")

    def maildir(self, user):
        return os.path.join(self.dir, "mail", user)

    def stop(self):
        self.proc.stdin.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def port_open(host, port):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def real_servers():
    """Postfix and Dovecot of scripts/mailservers.sh, when they are running."""
    state = os.environ.get("CSMAIL_MAILSRV_DIR", "/tmp/csmail-mailsrv")
    ca = os.path.join(state, "pki", "ca.pem")
    if not os.path.exists(ca) or not all(port_open("127.0.0.1", p) for p in (1110, 1995, 2525)):
        return None
    return {"ca": ca, "maildir": os.path.join(state, "mail", "bob"), "pop3": 1110, "pop3s": 1995, "smtp": 2525}


def start_relay(target_port, delay_ms):
    proc = subprocess.Popen(["taskset", "-c", SERVER_CORE, sys.executable, os.path.join(BENCH, "relay.py"), "0",
                             str(target_port), str(delay_ms)], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    if not line.startswith("relay="):
        raise SystemExit("error: the relay did not start")
    return proc, int(line.split("=")[1])


# ---------------------------------------------------------------------------------------------
# Clients


def build_c(profile_dir, out):
    """Compiles the two C clients; returns their paths."""
    cc = os.environ.get("CC", "cc")
    flags = ["-O2", "-std=c11", "-D_POSIX_C_SOURCE=200809L", "-Wall", "-Wextra", "-Werror", "-pedantic"]
    csmail = os.path.join(out, "csmail_client")
    curl = os.path.join(out, "curl_client")
    # The program looks for the library's SONAME (libcsmail.so.0.1, say); cargo writes
    # libcsmail.so.
    built = os.path.join(profile_dir, "libcsmail.so")
    lib = os.path.join(out, "lib")
    os.makedirs(lib, exist_ok=True)
    dynamic = subprocess.run(["readelf", "-d", built], check=True, capture_output=True, text=True).stdout
    sonames = [w.strip("[]") for line in dynamic.splitlines() if "(SONAME)" in line for w in line.split()[-1:]]
    for name in {"libcsmail.so", *sonames}:
        os.symlink(built, os.path.join(lib, name))
    subprocess.run([cc, *flags, "-I", os.path.join(ROOT, "include"), os.path.join(BENCH, "clients", "csmail_client.c"),
                    "-o", csmail, "-L", lib, "-lcsmail", f"-Wl,-rpath,{lib}"], check=True)
    subprocess.run([cc, *flags, os.path.join(BENCH, "clients", "curl_client.c"), "-o", curl, "-lcurl"], check=True)
    return csmail, curl


def run_pinned(cmd, cwd=None):
    """Runs cmd on the client core; returns (stdout, wall seconds, rusage, peak RSS KiB).

    The peak RSS comes from /usr/bin/time, not from our own wait4(): a child forked from this
    Python process would inherit the parent's resident size as its ru_maxrss floor."""
    with tempfile.NamedTemporaryFile("r") as rss, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss.name, "taskset", "-c", CLIENT_CORE, *cmd],
                                stdout=subprocess.PIPE, stderr=err, cwd=cwd)
        out = proc.stdout.read()
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            text = err.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {text}")
        # GNU time writes "%M" (KiB); on a rare empty file the sample keeps no RSS (0).
        words = rss.read().split()
        peak = int(words[-1]) if words and words[-1].isdigit() else 0
    return out.decode(), wall, ru, peak


def measured_by_itself(cmd):
    """A client that prints its own JSON line (work only); adds peak RSS."""
    out, _, _, peak = run_pinned(cmd)
    r = json.loads(out.strip().splitlines()[-1])
    r["rss_kib"] = peak
    return r


def measured_from_outside(cmds, units, nbytes=0, cwd=None):
    """The curl command: wall time and CPU of the processes, start-up included."""
    wall = cpu = 0.0
    rss = 0
    for cmd in cmds:
        _, w, ru, peak = run_pinned(cmd, cwd)
        wall += w
        cpu += ru.ru_utime + ru.ru_stime
        rss = max(rss, peak)
    return {"wall": wall, "cpu": cpu, "units": units, "bytes": nbytes, "rss_kib": rss}


class Target:
    """One server set-up as every client addresses it."""

    def __init__(self, name, ca, ports, user, maildirs):
        self.name, self.ca, self.ports, self.user, self.maildirs = name, ca, ports, user, maildirs


def client_args(t, port, mode, user):
    return ["127.0.0.1", str(port), t.ca, mode, user, t.password]


def curl_cli_base(t, user):
    return ["curl", "-sS", "--cacert", t.ca, "-u", f"{user}:{t.password}", "--ssl-reqd", "--max-time", "600"]


def url(scheme, mode, port, path=""):
    return f"{scheme}{'s' if mode == 'tls' else ''}://127.0.0.1:{port}/{path}"


# ---------------------------------------------------------------------------------------------
# Statistics and the report


def summarise(samples, key):
    vals = [s[key] for s in samples]
    return {"median": statistics.median(vals), "min": min(vals), "max": max(vals)}


def metrics(sample, kind):
    w, c, u, b = sample["wall"], sample["cpu"], max(sample["units"], 1), sample["bytes"]
    m = {"rss_mib": sample["rss_kib"] / 1024.0}
    if kind == "mib":
        mib = b / MIB
        m["rate"] = mib / w
        m["cpu_per_unit"] = c * 1000 / mib if mib else 0.0  # ms per MiB
    elif kind == "msg":
        m["rate"] = u / w
        m["cpu_per_unit"] = c * 1e6 / u  # us per message
    elif kind == "session":
        m["rate"] = u / w
        m["cpu_per_unit"] = c * 1000 / u  # ms per session
    elif kind == "big":
        m["rate"] = w  # seconds (lower is better)
        m["cpu_per_unit"] = c * 1000 / (b / MIB)  # ms per MiB
    return m


UNITS = {"mib": ("MiB/s", "ms CPU/MiB"), "msg": ("msg/s", "us CPU/msg"), "session": ("sessions/s", "ms CPU/session"),
         "big": ("seconds", "ms CPU/MiB")}


def fmt(x):
    if x >= 100:
        return f"{x:.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def table(results):
    lines = ["| scenario | client | rate (median, min-max) | CPU per unit | peak RSS MiB | csmail / this client |",
             "|---|---|---|---|---|---|"]
    for sc in results:
        rate_unit, cpu_unit = UNITS[sc["kind"]]
        for r in sc["clients"]:
            if r["samples"]:
                ms = [metrics(s, sc["kind"]) for s in r["samples"]]
                r["summary"] = {k: summarise(ms, k) for k in ("rate", "cpu_per_unit", "rss_mib")}
        ours = [r for r in sc["clients"] if r["client"].startswith("csmail") and r.get("summary")]
        for r in sc["clients"]:
            if not r.get("summary"):
                continue
            rate, cpu, rss = r["summary"]["rate"], r["summary"]["cpu_per_unit"], r["summary"]["rss_mib"]
            ratios = []
            if not r["client"].startswith("csmail"):
                for m in ours:
                    a, b = m["summary"]["rate"]["median"], rate["median"]
                    x = b / a if sc["kind"] == "big" else a / b
                    ratios.append(f"{x:.2f} x" if len(ours) == 1 else f"{m['client']}: {x:.2f} x")
            ratio = ", ".join(ratios)
            label = r["client"]
            if sc["kind"] == "session" and "resumed" in r["samples"][0]:
                label += f" ({r['samples'][0]['resumed']}/{r['samples'][0]['units']} TLS sessions resumed)"
            lines.append(f"| {sc['name']} | {label} | {fmt(rate['median'])} {rate_unit} "
                         f"({fmt(rate['min'])}-{fmt(rate['max'])}) | {fmt(cpu['median'])} {cpu_unit} | "
                         f"{fmt(rss['max'])} | {ratio} |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# The scenarios


def scenarios(args, t, bins, work):
    """Yields (name, kind, [(client, prepare, run)]) for target t."""
    q = args.quick
    csmail, curlc = bins
    py = [sys.executable, os.path.join(BENCH, "clients", "py_client.py")]
    bundled = t.name == "bundled"
    n1 = 3 if q else (200 if bundled else 50)
    n2 = 20 if q else (2000 if bundled else 500)
    n3 = 20 if q else 2000
    n3r = 5 if q else 200
    n4 = 5 if q else 200
    size5 = 1 * MIB if q else 100 * MIB
    size1 = 64 * 1024 if q else MIB
    user = t.user

    # P1: the mailbox is filled once; RETR does not change it.
    pop_user = user("pop")
    msg1 = make_message(size1, "p1")
    fill_maildir(t.maildirs(pop_user), n1, msg1, t.owner)
    for mode, port in (("tls", t.ports["pop3s"]), ("starttls", t.ports["pop3"])):
        def c_run(binary, port=port, mode=mode):
            return lambda: measured_by_itself([binary, "pop3-retr", *client_args(t, port, mode, pop_user), str(n1)])
        clients = [("csmail", None, c_run(csmail)), ("libcurl", None, c_run(curlc)),
                   ("curl command", None, lambda port=port, mode=mode: measured_from_outside(
                       [curl_cli_base(t, pop_user) + [url("pop3", mode, port, f"[1-{n1}]"), "-o", "/dev/null"]],
                       n1, n1 * len(msg1))),
                   ("Python poplib", None, lambda port=port, mode=mode: measured_by_itself(
                       py + ["pop3-retr", *client_args(t, port, mode, pop_user), str(n1)]))]
        yield f"P1 RETR {n1} x {size1 // 1024} KiB, {'POP3S' if mode == 'tls' else 'STLS'}", "mib", clients

    # P2: 10 KiB messages; the delete runs get a fresh mailbox each time.
    msg2 = make_message(10 * 1024, "p2")
    many_user, del_user = user("many"), user("del")
    fill_maildir(t.maildirs(many_user), n2, msg2, t.owner)
    port = t.ports["pop3s"]

    def refill():
        fill_maildir(t.maildirs(del_user), n2, msg2, t.owner)

    for delete in (0, 1):
        u = del_user if delete else many_user
        prep = refill if delete else None
        label = " + DELE" if delete else ""
        yield f"P2 RETR {n2} x 10 KiB one at a time{label}", "mib", [
            ("csmail", prep, lambda u=u, d=delete: measured_by_itself(
                [csmail, "pop3-retr", *client_args(t, port, "tls", u), str(n2), str(d)])),
            ("libcurl", prep, lambda u=u, d=delete: measured_by_itself(
                [curlc, "pop3-many", *client_args(t, port, "tls", u), str(n2), str(d)])),
            ("Python poplib", prep, lambda u=u, d=delete: measured_by_itself(
                py + ["pop3-many", *client_args(t, port, "tls", u), str(n2), str(d)])),
        ]
        yield f"P2 retrieve_many {n2} x 10 KiB{label}", "mib", [
            ("csmail retrieve_many", prep, lambda u=u, d=delete: measured_by_itself(
                [csmail, "pop3-many", *client_args(t, port, "tls", u), str(n2), str(d)])),
        ]

    # P3: SMTP, one STARTTLS + AUTH session, directly and through the 5 ms relay.
    msg3_path = os.path.join(work, "p3.eml")
    with open(msg3_path, "wb") as f:
        f.write(make_message(10 * 1024, "p3"))
    links = os.path.join(work, "p3links")
    os.makedirs(links, exist_ok=True)
    for i in range(1, n3 + 1):
        p = os.path.join(links, f"m{i}.eml")
        if not os.path.exists(p):
            os.link(msg3_path, p)
    rcpt = t.rcpt
    sink_clear = t.clear_sink
    smtp_user = user("sink")
    for relay in (False, True):
        n = n3r if relay else n3
        port = t.relay_port if relay else t.ports["smtp"]
        if relay and port is None:
            continue
        a = client_args(t, port, "starttls", smtp_user)
        yield f"P3 SMTP {n} x 10 KiB{', 5 ms relay' if relay else ''}", "msg", [
            ("csmail", sink_clear, lambda a=a, n=n: measured_by_itself([csmail, "smtp-send", *a, str(n), msg3_path, rcpt])),
            ("csmail send_batch", sink_clear, lambda a=a, n=n: measured_by_itself(
                [csmail, "smtp-batch", *a, str(n), msg3_path, rcpt])),
            ("libcurl", sink_clear, lambda a=a, n=n: measured_by_itself([curlc, "smtp-send", *a, str(n), msg3_path, rcpt])),
            ("curl command", sink_clear, lambda port=port, n=n: measured_from_outside(
                [curl_cli_base(t, smtp_user) + ["--mail-from", "bench@example.com", "--mail-rcpt", rcpt, "-T",
                                                f"m[1-{n}].eml", url("smtp", "starttls", port)]], n, n * 10240, cwd=links)),
            ("Python smtplib", sink_clear, lambda a=a, n=n: measured_by_itself(
                py + ["smtp-send", *a, str(n), msg3_path, rcpt])),
        ]

    # P4: sessions.
    a = client_args(t, t.ports["smtp"], "starttls", smtp_user)
    for fresh in (0, 1):
        label = "a new client object each" if fresh else "one client object"
        nn = n4
        clients = [
            ("csmail", None, lambda f=fresh: measured_by_itself([csmail, "smtp-sessions", *a, str(n4), str(f)])),
            ("libcurl", None, lambda f=fresh: measured_by_itself([curlc, "smtp-sessions", *a, str(n4), str(f)])),
            ("Python smtplib", None, lambda f=fresh: measured_by_itself(py + ["smtp-sessions", *a, str(n4), str(f)])),
        ]
        if fresh:
            nc = max(n4 // 4, 1)
            clients.append(("curl command (a process each)", None, lambda nc=nc: measured_from_outside(
                [curl_cli_base(t, smtp_user) + ["-X", "NOOP", url("smtp", "starttls", t.ports["smtp"])]
                 for _ in range(nc)], nc)))
        yield f"P4 {nn} sessions, {label}", "session", clients

    # P5: one big message each way (bundled server only: Postfix refuses more than 1 MiB).
    if t.big:
        big = os.path.join(work, "p5.eml")
        with open(big, "wb") as f:
            f.write(make_message(size5, "p5"))
        big_user = user("big")
        fill_maildir(t.maildirs(big_user), 1, open(big, "rb").read(), t.owner)
        out = os.path.join(work, "p5-out.eml")
        a = client_args(t, t.ports["smtp"], "starttls", smtp_user)
        yield f"P5 send {size5 // MIB} MiB from a file", "big", [
            ("csmail", sink_clear, lambda: measured_by_itself([csmail, "smtp-file", *a, big, rcpt])),
            ("libcurl", sink_clear, lambda: measured_by_itself([curlc, "smtp-file", *a, big, rcpt])),
            ("curl command", sink_clear, lambda: measured_from_outside(
                [curl_cli_base(t, smtp_user) + ["--mail-from", "bench@example.com", "--mail-rcpt", rcpt, "-T", big,
                                                url("smtp", "starttls", t.ports["smtp"])]], 1, size5)),
            ("Python smtplib", sink_clear, lambda: measured_by_itself(py + ["smtp-file", *a, big, rcpt])),
        ]
        b = client_args(t, t.ports["pop3s"], "tls", big_user)
        yield f"P5 retrieve {size5 // MIB} MiB into a file", "big", [
            ("csmail", None, lambda: measured_by_itself([csmail, "pop3-file", *b, "1", out])),
            ("libcurl", None, lambda: measured_by_itself([curlc, "pop3-file", *b, "1", out])),
            ("curl command", None, lambda: measured_from_outside(
                [curl_cli_base(t, big_user) + [url("pop3", "tls", t.ports["pop3s"], "1"), "-o", out]], 1, size5)),
            ("Python poplib", None, lambda: measured_by_itself(py + ["pop3-file", *b, "1", out])),
        ]


def run_target(args, t, bins, work):
    results = []
    for name, kind, clients in scenarios(args, t, bins, work):
        if args.only is not None and not name.startswith(args.only):
            continue
        log(f"[{t.name}] {name}")
        entry = {"target": t.name, "name": f"{name}" if t.name == "bundled" else f"{name} ({t.name})", "kind": kind,
                 "clients": [{"client": c, "samples": [], "errors": []} for c, _, _ in clients]}
        for rep in range(args.reps):
            order = list(range(len(clients)))
            order = order[rep % len(order):] + order[:rep % len(order)]
            for i in order:
                cname, prepare, run = clients[i]
                if prepare is not None:
                    prepare()
                try:
                    s = run()
                except (RuntimeError, ValueError, OSError) as e:
                    log(f"  {cname}: FAILED: {e}")
                    entry["clients"][i]["errors"].append(str(e))
                    continue
                log(f"  rep {rep + 1} {cname}: {s['wall']:.3f} s, {s['cpu']:.3f} s CPU, {s['rss_kib'] // 1024} MiB")
                entry["clients"][i]["samples"].append(s)
        results.append(entry)
    return results


def check_counts(results):
    """Every client must have moved the bytes the scenario asks for: a benchmark of a failing
    client would be meaningless."""
    problems = []
    for sc in results:
        for c in sc["clients"]:
            problems += [f"{sc['name']} / {c['client']}: {e}" for e in c["errors"]]
            expected = {s["units"] for s in c["samples"]}
            if len(expected) > 1:
                problems.append(f"{sc['name']} / {c['client']}: unit counts differ between repetitions: {expected}")
    # Retrieval: all clients of one scenario report the same byte count.
    for sc in results:
        if sc["kind"] == "mib":
            counts = {c["client"]: c["samples"][0]["bytes"] for c in sc["clients"] if c["samples"]}
            if len(set(counts.values())) > 1:
                problems.append(f"{sc['name']}: clients retrieved different byte counts: {counts}")
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="tiny runs, one repetition (CI: proves the benchmark works)")
    ap.add_argument("--reps", type=int, default=None, help="repetitions (default 3; 1 with --quick)")
    ap.add_argument("--profile", default=None, help="cargo profile directory: release (default) or debug (--quick)")
    ap.add_argument("--out", default=None, help="where bench.md and bench.json go (default target/bench)")
    ap.add_argument("--no-real", action="store_true", help="do not use Postfix/Dovecot even when they run")
    ap.add_argument("--only", default=None, help="run only scenarios whose name starts with this (e.g. P3)")
    args = ap.parse_args()
    args.reps = args.reps or (1 if args.quick else 3)
    profile = args.profile or ("debug" if args.quick else "release")
    target_dir = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    profile_dir = os.path.join(target_dir, profile)
    out = args.out or os.path.join(target_dir, "bench")
    os.makedirs(out, exist_ok=True)
    for tool in ("taskset", "curl"):
        if shutil.which(tool) is None:
            raise SystemExit(f"error: {tool} is needed")
    started = time.time()
    load_before = os.getloadavg()
    work = tempfile.mkdtemp(prefix="csmail-bench-")
    # The bundled server's maildir lives in memory (tmpfs) where there is one: on a disk file
    # system, creating and removing thousands of small files costs the server more CPU than
    # the client spends per message (P3), and the benchmark measures the clients, not the disk.
    # The clients' files (P5's message and its copy) stay on disk: reading a file from tmpfs
    # costs a client more CPU than reading it from a disk file system's page cache.
    shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    server_work = tempfile.mkdtemp(prefix="csmail-bench-server-", dir=shm)
    bins = build_c(profile_dir, work)
    server = BundledServer(os.path.join(profile_dir, "csmail-server"), server_work)
    relay, relay_port = start_relay(int(server.ports["smtp"]), 5)
    results = []
    try:
        t = Target("bundled", server.ca, {k: int(v) for k, v in server.ports.items()}, lambda u: u, server.maildir)
        t.owner, t.rcpt, t.relay_port, t.big = None, "sink@example.com", relay_port, True
        t.clear_sink = lambda: clear_dir(os.path.join(server.maildir("sink"), "new"))
        t.password = PASSWORD
        results += run_target(args, t, bins, work)
        real = None if args.no_real else real_servers()
        if real is not None:
            log("Postfix and Dovecot are running: P1-P4 against them too")
            rt = Target("Postfix/Dovecot", real["ca"], {"pop3": real["pop3"], "pop3s": real["pop3s"],
                                                         "smtp": real["smtp"]}, lambda u: "bob", lambda u: real["maildir"])
            import pwd
            pw = pwd.getpwnam("csmailtest")
            rt.owner, rt.password, rt.rcpt, rt.relay_port, rt.big = (pw.pw_uid, pw.pw_gid), "bobpass", \
                "discard@bench.invalid", None, False
            rt.clear_sink = None
            try:
                results += run_target(args, rt, bins, work)
            finally:
                clear_dir(os.path.join(real["maildir"], "new"))
                clear_dir(os.path.join(real["maildir"], "cur"))
        else:
            log("Postfix/Dovecot not running: the bundled server only")
    finally:
        relay.kill()
        relay.wait()
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(server_work, ignore_errors=True)
    load_after = os.getloadavg()
    md = table(results)
    info = (f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(started))}, {platform.node() and 'this machine'}: "
            f"{os.cpu_count()} cores, load average {load_before[0]:.2f} before / {load_after[0]:.2f} after, "
            f"{args.reps} repetition(s){', QUICK (figures mean nothing)' if args.quick else ''}, "
            f"{profile} build, bundled server's maildir {'on tmpfs' if shm else 'on disk'}, "
            f"run took {time.time() - started:.0f} s")
    report = f"{md}\n\n{info}\n"
    print(report)
    with open(os.path.join(out, "bench.md"), "w") as f:
        f.write(report)
    with open(os.path.join(out, "bench.json"), "w") as f:
        json.dump({"info": info, "load_before": load_before, "load_after": load_after, "results": results}, f, indent=1)
    log(f"written: {out}/bench.md, {out}/bench.json")
    problems = check_counts(results)
    if problems:
        log("FAILED:\n  " + "\n  ".join(problems))
        sys.exit(1)


if __name__ == "__main__":
    main()
