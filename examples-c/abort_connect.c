/*
 * abort_connect.c: csmail_smtp_abort from another thread ends a connect that is still waiting
 * for the server's TCP answer.
 *
 *   usage: abort_connect HOST PORT [CAFILE]
 *
 * PORT must be a listener whose backlog is full, so that the connection request is never
 * answered and a connect waits for its timeout (set to 30 s here). The connect runs in a
 * worker thread (CreateThread on Windows, pthreads elsewhere); the main thread calls
 * csmail_smtp_abort every 100 ms until the worker has returned, so it does not matter whether
 * the first abort comes before the connect has started. The connect must return
 * CSMAIL_E_ABORTED, and the client's ErrorInfo must say eexAborted. A connect that ignores the
 * abort ends with CSMAIL_E_TIMEOUT after 30 s instead, and the example fails.
 *
 * Then the same with csmail_smtp_release instead of abort: releasing the last reference while
 * the other thread's connect runs aborts it, so that thread returns CSMAIL_E_ABORTED at once
 * (under the sanitizers: without touching freed memory). A release that comes before the
 * worker's call reached the client makes that call CSMAIL_E_INVALID_HANDLE; that round is
 * repeated. CAFILE is not
 * used (run-example.sh passes it to every example). ctest runs it through
 * unanswered-listener.py (run-example.sh's service `unanswered`), as scripts/test-windows.sh
 * does under wine.
 */
#ifndef _WIN32
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef _WIN32
#include <windows.h>
#else
#include <pthread.h>
#include <time.h>
#endif

#include "csmail.h"
#include "example_util.h"

static csmail_smtp *smtp;
static atomic_int connect_done;
static int32_t connect_rc = -1;

static void connect_now(void)
{
    connect_rc = csmail_smtp_connect(smtp);
    atomic_store(&connect_done, 1);
}

#ifdef _WIN32
typedef HANDLE worker_thread;
#else
typedef pthread_t worker_thread;
#endif

#ifdef _WIN32
static DWORD WINAPI worker(LPVOID arg)
{
    (void)arg;
    connect_now();
    return 0;
}
#else
static void *worker(void *arg)
{
    (void)arg;
    connect_now();
    return NULL;
}
#endif

static void sleep_100ms(void)
{
#ifdef _WIN32
    Sleep(100);
#else
    struct timespec ts = {0, 100 * 1000 * 1000};
    nanosleep(&ts, NULL);
#endif
}

static int start_worker(worker_thread *thread)
{
    atomic_store(&connect_done, 0);
#ifdef _WIN32
    if ((*thread = CreateThread(NULL, 0, worker, NULL, 0, NULL)) == NULL) {
        fprintf(stderr, "error: CreateThread failed (%lu)\n", (unsigned long)GetLastError());
        return -1;
    }
#else
    if (pthread_create(thread, NULL, worker, NULL) != 0) {
        fprintf(stderr, "error: pthread_create failed\n");
        return -1;
    }
#endif
    return 0;
}

static void join_worker(worker_thread thread)
{
#ifdef _WIN32
    WaitForSingleObject(thread, INFINITE);
    CloseHandle(thread);
#else
    pthread_join(thread, NULL);
#endif
}

/* Releases the only reference while the worker's connect runs; returns 0 when the connect
 * came back CSMAIL_E_ABORTED, 1 when the release came first (retry), -1 on failure. */
static int release_during_connect(const char *host, int32_t port)
{
    worker_thread thread;
    int32_t rc;

    smtp = csmail_smtp_new();
    if ((rc = csmail_smtp_set_str(smtp, CSMAIL_PROP_HOST, host)) != CSMAIL_OK ||
        (rc = csmail_smtp_set_int(smtp, CSMAIL_PROP_PORT, port)) != CSMAIL_OK ||
        (rc = csmail_smtp_set_int(smtp, CSMAIL_PROP_TIMEOUT_MS, 30000)) != CSMAIL_OK) {
        report_smtp(smtp, "set Host/Port/Timeout", rc);
        csmail_smtp_release(smtp);
        return -1;
    }
    if (start_worker(&thread) != 0) {
        csmail_smtp_release(smtp);
        return -1;
    }
    sleep_100ms();
    sleep_100ms();
    sleep_100ms();
    if ((rc = csmail_smtp_release(smtp)) != CSMAIL_OK) {
        fprintf(stderr, "error: release returned %d\n", (int)rc);
        return -1;
    }
    join_worker(thread);
    printf("release during connect: connect returned %d (%s)\n", (int)connect_rc, csmail_strerror(connect_rc));
    if (connect_rc == CSMAIL_E_INVALID_HANDLE)
        return 1;
    return connect_rc == CSMAIL_E_ABORTED ? 0 : -1;
}

int main(int argc, char **argv)
{
    int32_t port = 0, rc, number = 0;
    csmail_errorinfo *info = NULL;
    unsigned aborts = 0;
    int status = EXIT_FAILURE;
    worker_thread thread;
    int round, released = -1;

    setvbuf(stdout, NULL, _IOLBF, BUFSIZ);
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: %s HOST PORT [CAFILE]\n", argv[0]);
        return 2;
    }
    if (parse_port(argv[2], &port) != 0)
        return 2;
    printf("csmail %s: connect to %s:%d (never answered), abort from another thread\n", csmail_version(), argv[1],
           (int)port);

    smtp = csmail_smtp_new();
    if ((rc = csmail_smtp_set_str(smtp, CSMAIL_PROP_HOST, argv[1])) != CSMAIL_OK ||
        (rc = csmail_smtp_set_int(smtp, CSMAIL_PROP_PORT, port)) != CSMAIL_OK ||
        (rc = csmail_smtp_set_int(smtp, CSMAIL_PROP_TIMEOUT_MS, 30000)) != CSMAIL_OK) {
        report_smtp(smtp, "set Host/Port/Timeout", rc);
        goto done;
    }

    if (start_worker(&thread) != 0)
        goto done;
    while (!atomic_load(&connect_done)) {
        csmail_smtp_abort(smtp);
        aborts++;
        sleep_100ms();
    }
    join_worker(thread);

    printf("connect returned %d (%s) after %u abort call(s)\n", (int)connect_rc, csmail_strerror(connect_rc), aborts);
    if (connect_rc != CSMAIL_E_ABORTED) {
        report_smtp(smtp, "Connect (expected CSMAIL_E_ABORTED)", connect_rc);
        goto done;
    }
    if ((rc = csmail_smtp_extended_error(smtp, &info)) != CSMAIL_OK) {
        report_last("ExtendedError", rc);
        goto done;
    }
    csmail_errorinfo_number(info, &number);
    csmail_errorinfo_release(info);
    if (number != eexAborted) {
        fprintf(stderr, "error: ErrorInfo.Number is %d, expected eexAborted (%d)\n", (int)number, eexAborted);
        goto done;
    }
    printf("ok: the connect was aborted (ErrorInfo.Number = eexAborted)\n");
    csmail_smtp_release(smtp);
    smtp = NULL;

    for (round = 0; round < 5 && (released = release_during_connect(argv[1], port)) == 1; round++)
        ;
    if (released != 0) {
        fprintf(stderr, "error: releasing the last reference did not abort the running connect\n");
        return EXIT_FAILURE;
    }
    printf("ok: releasing the last reference aborted the running connect\n");
    return EXIT_SUCCESS;

done:
    csmail_smtp_release(smtp);
    return status;
}
