/*
 * interop_util.h: the checks and failure reports shared by the interoperability programs
 * (interop_mail.c, interop_proxy.c). Each program is one translation unit, so the failure
 * counter and the helpers are static here. Also the time helpers both use to wait for a
 * delivery.
 */
#ifndef CSMAIL_INTEROP_UTIL_H
#define CSMAIL_INTEROP_UTIL_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base64_util.h"
#include "csmail.h"

/* How many checks failed; the program's exit status. */
static int failures;

/* One check: prints "ok" or "FAILED" and the description; counts failures. */
static inline int check(int ok, const char *fmt, ...)
{
    va_list ap;

    fputs(ok ? "ok      " : "FAILED  ", stdout);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    if (!ok)
        failures++;
    return ok;
}

/* Prints a failed call without a client at hand: the result and this thread's last error. */
static inline void report_last(const char *what, int32_t rc)
{
    int32_t eex = csmail_last_eex();
    size_t needed = 0;
    char *text = NULL;

    printf("FAILED  %s: %s (result %d)\n", what, csmail_strerror(rc), (int)rc);
    if (csmail_last_error_text(NULL, 0, &needed) == CSMAIL_OK && (text = malloc(needed)) != NULL &&
        csmail_last_error_text(text, needed, NULL) == CSMAIL_OK)
        printf("        error %d: %s\n", (int)eex, text);
    free(text);
    failures++;
}

/* What a failed client operation left: the result, this thread's last eex, and the client's
 * ErrorInfo (Number, Text, OSError). */
struct failure {
    int32_t rc, last_eex, number, os_error;
    char text[2048];
};

/* Reads an ErrorInfo into f (and releases it). */
static inline void read_errorinfo(csmail_errorinfo *info, struct failure *f)
{
    int32_t r;

    if ((r = csmail_errorinfo_number(info, &f->number)) != CSMAIL_OK)
        report_last("ErrorInfo.Number", r);
    if ((r = csmail_errorinfo_os_error(info, &f->os_error)) != CSMAIL_OK)
        report_last("ErrorInfo.OSError", r);
    if ((r = csmail_errorinfo_text(info, f->text, sizeof f->text, NULL)) != CSMAIL_OK) {
        report_last("ErrorInfo.Text", r);
        snprintf(f->text, sizeof f->text, "(no text)");
    }
    csmail_errorinfo_release(info);
}

/* Call directly after the operation: the last eex is the calling thread's last error. */
static inline void smtp_failure(const csmail_smtp *smtp, int32_t rc, struct failure *f)
{
    csmail_errorinfo *info = NULL;
    int32_t r;

    memset(f, 0, sizeof *f);
    f->rc = rc;
    f->last_eex = csmail_last_eex();
    if ((r = csmail_smtp_extended_error(smtp, &info)) != CSMAIL_OK) {
        report_last("SMTPClient.ExtendedError", r);
        return;
    }
    read_errorinfo(info, f);
}

static inline void pop3_failure(const csmail_pop3 *pop3, int32_t rc, struct failure *f)
{
    csmail_errorinfo *info = NULL;
    int32_t r;

    memset(f, 0, sizeof *f);
    f->rc = rc;
    f->last_eex = csmail_last_eex();
    if ((r = csmail_pop3_extended_error(pop3, &info)) != CSMAIL_OK) {
        report_last("POP3Client.ExtendedError", r);
        return;
    }
    read_errorinfo(info, f);
}

/* Prints a failed operation that should have worked. */
static inline void report_failure(const char *what, const struct failure *f)
{
    printf("FAILED  %s: %s (result %d)\n        ErrorInfo %d: %s", what, csmail_strerror(f->rc), (int)f->rc,
           (int)f->number, f->text);
    if (f->os_error != 0)
        printf(" (OS error %d)", (int)f->os_error);
    fputc('\n', stdout);
    failures++;
}

/* A failure as expected: result code, ErrorInfo number (and the same last eex), a text fragment. */
static inline int expect_failure(const char *what, const struct failure *f, int32_t want_rc, int32_t want_eex,
                          const char *fragment)
{
    int ok = f->rc == want_rc && f->number == want_eex && f->last_eex == want_eex &&
             strstr(f->text, fragment) != NULL;

    if (ok)
        return check(1, "%s: %s (%d), ErrorInfo %d: %s", what, csmail_strerror(f->rc), (int)f->rc, (int)f->number,
                     f->text);
    return check(0,
                 "%s\n        got  %s (%d), ErrorInfo %d (last eex %d): %s\n"
                 "        want %s (%d), ErrorInfo %d, text containing \"%s\"",
                 what, csmail_strerror(f->rc), (int)f->rc, (int)f->number, (int)f->last_eex, f->text,
                 csmail_strerror(want_rc), (int)want_rc, (int)want_eex, fragment);
}

/* ---- time and bytes: waiting for a delivery, finding a message ---- */

/* Sleeps ms milliseconds (needs _POSIX_C_SOURCE >= 199309L, as each program defines). */
static inline void sleep_ms(long ms)
{
    struct timespec ts;

    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

/* A monotonic clock in milliseconds, for deadlines. */
static inline long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Does hay (len bytes, not NUL-terminated) contain the string needle? */
static inline int mem_contains(const uint8_t *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle), i;

    for (i = 0; n <= len && i <= len - n; i++)
        if (memcmp(hay + i, needle, n) == 0)
            return 1;
    return 0;
}

/* The number of the message whose header section has `subject` (TOP n 0) in a connected
 * session, 0 when none, -1 after a failure. */
static inline long find_message(const csmail_pop3 *pop3, const char *subject)
{
    uint32_t count = 0, n;
    struct failure f;
    int32_t rc;

    if ((rc = csmail_pop3_stat(pop3, &count, NULL)) != CSMAIL_OK) {
        pop3_failure(pop3, rc, &f);
        report_failure("STAT", &f);
        return -1;
    }
    for (n = 1; n <= count; n++) {
        csmail_message *head = NULL;
        const uint8_t *data = NULL;
        size_t len = 0;
        int found;

        if ((rc = csmail_pop3_top(pop3, n, 0, &head)) != CSMAIL_OK) {
            pop3_failure(pop3, rc, &f);
            report_failure("TOP n 0", &f);
            return -1;
        }
        if ((rc = csmail_message_data(head, &data, &len)) != CSMAIL_OK) {
            report_last("Message data", rc);
            csmail_message_release(head);
            return -1;
        }
        found = mem_contains(data, len, subject);
        csmail_message_release(head);
        if (found)
            return (long)n;
    }
    return 0;
}

#endif
