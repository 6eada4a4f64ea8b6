"""Threads: the GIL is released while csmail waits on the network, abort() works from another
thread, a second operation on a busy client is refused. No timing is asserted: each test
waits for an event the operation itself signals (through its log), and joins with a generous
bound only so that a broken build fails instead of hanging."""

import threading

import pytest

import csmail

STALLED_RETR = """S: +OK ready
C: CAPA
S: +OK
S: USER
S: .
C: USER alice
S: +OK
C: PASS alicepass
S: +OK logged in
C: RETR 1
S: +OK 120 octets
S: Subject: stalled
S:
S: first line of the body
HANG
"""

BOUND = 60  # seconds; a bound for a broken build, never reached by a working one


def run_in_thread(fn):
    outcome = {}

    def body():
        try:
            outcome["value"] = fn()
        except BaseException as e:  # noqa: B902 - handed to the test
            outcome["error"] = e

    thread = threading.Thread(target=body)
    thread.start()
    return thread, outcome


def test_other_threads_run_while_a_retrieval_waits_and_abort_ends_it(scripted):
    s = scripted(STALLED_RETR)
    waiting = threading.Event()
    log = csmail.LogHandler(lambda sev, fac, msg: waiting.set() if msg.startswith("C: RETR") else None)
    pop3 = csmail.POP3Client("127.0.0.1", s.port, "alice", "alicepass", log=log, timeout_ms=600_000)
    pop3.Connect()
    thread, outcome = run_in_thread(lambda: pop3.GetMessage(1))
    assert waiting.wait(BOUND), "the retrieval never started"
    # The retrieving thread is inside csmail, blocked on the socket. This thread runs Python
    # code meanwhile (it could not if the GIL were held) ...
    counted = sum(range(100_000))
    # ... a second operation on the same client is refused ...
    with pytest.raises(csmail.BusyError) as busy:
        pop3.Noop()
    assert busy.value.number == csmail.eexBusy
    # ... and abort() from this thread ends the retrieval.
    pop3.Abort()
    thread.join(BOUND)
    assert not thread.is_alive()
    assert isinstance(outcome.get("error"), csmail.AbortedError), outcome
    assert outcome["error"].number == csmail.eexAborted
    assert counted == 4999950000
    pop3.close()


def test_abort_a_connect_waiting_for_the_greeting(scripted):
    s = scripted("HANG\n")
    connected = threading.Event()
    log = csmail.LogHandler(lambda sev, fac, msg: connected.set() if msg.startswith("connected to") else None)
    smtp = csmail.SMTPClient("127.0.0.1", s.port, log=log, timeout_ms=600_000)
    thread, outcome = run_in_thread(smtp.Connect)
    assert connected.wait(BOUND)
    # "connected to" is logged just before the library registers the new socket for abort; an
    # abort in that window is only seen at the next network step (here: when the server's
    # 30 s HANG ends). So abort until the connect has ended.
    for _ in range(BOUND * 20):
        smtp.abort()
        thread.join(0.05)
        if not thread.is_alive():
            break
    assert isinstance(outcome.get("error"), csmail.AbortedError), outcome
    smtp.close()


def test_clients_in_threads_work_independently(server):
    from conftest import ssl_info

    def send(i):
        with csmail.SMTPClient("localhost", server.smtp, "alice", "alicepass", ssl=ssl_info(server, csmail.MODE_STARTTLS)) as smtp:
            for j in range(5):
                smtp.send("alice@example.com", "bob@example.com", f"Subject: thread {i} mail {j}\r\n\r\nx\r\n")
        return i

    threads = [run_in_thread(lambda i=i: send(i)) for i in range(4)]
    for thread, outcome in threads:
        thread.join(BOUND)
    assert sorted(outcome.get("value", outcome.get("error")) for _, outcome in threads) == [0, 1, 2, 3]
