/*
 * send_implicit_tls.c: send messages over SMTP with implicit TLS ("SMTPS", RFC 8314).
 *
 *   usage: send_implicit_tls HOST PORT CAFILE [TAG]
 *
 * The whole session is TLS from the first byte (MODE_CHANNEL, the SSLInfo default). Two
 * messages go from alice@example.com to bob@example.com on one connection:
 *   1. from a file (written to a temporary file first) with csmail_smtp_send_file,
 *      with a progress callback;
 *   2. from a read callback that produces the message line by line, with csmail_smtp_send_cb.
 * Subjects: "csmail send_implicit_tls file TAG pid N" and "... callback TAG pid N".
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "csmail.h"
#include "example_util.h"

#define SMTP_USER "alice"
#define SMTP_PASSWORD "alicepass"
#define MAIL_FROM "alice@example.com"
#define MAIL_TO "bob@example.com"
#define BODY_LINES 50

/* Prints the last reply (code and text) after a successful send. */
static int print_reply(const csmail_smtp *smtp)
{
    int32_t code = 0, rc;
    size_t needed = 0;
    char *text;

    if ((rc = csmail_smtp_get_int(smtp, CSMAIL_PROP_REPLY_CODE, &code)) != CSMAIL_OK) {
        report_smtp(smtp, "get ReplyCode", rc);
        return -1;
    }
    if ((rc = csmail_smtp_get_str(smtp, CSMAIL_PROP_REPLY_TEXT, NULL, 0, &needed)) != CSMAIL_OK) {
        report_smtp(smtp, "get ReplyText", rc);
        return -1;
    }
    if ((text = malloc(needed)) == NULL)
        return -1;
    if ((rc = csmail_smtp_get_str(smtp, CSMAIL_PROP_REPLY_TEXT, text, needed, NULL)) != CSMAIL_OK) {
        report_smtp(smtp, "get ReplyText", rc);
        free(text);
        return -1;
    }
    printf("  server replied: %d %s\n", (int)code, text);
    free(text);
    return 0;
}

/* The message headers, both sends share them (only the Subject differs). */
static int format_headers(char *buf, size_t size, const char *subject, const char *id)
{
    char date[64];
    time_t now = time(NULL);
    struct tm tm;
    int n;

    localtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S %z", &tm);
    n = snprintf(buf, size,
                 "From: Alice <" MAIL_FROM ">\r\n"
                 "To: Bob <" MAIL_TO ">\r\n"
                 "Subject: %s\r\n"
                 "Date: %s\r\n"
                 "Message-ID: <%ld.%ld.%s@example.com>\r\n"
                 "MIME-Version: 1.0\r\n"
                 "Content-Type: text/plain; charset=utf-8\r\n"
                 "\r\n",
                 subject, date, (long)now, (long)getpid(), id);
    return n < 0 || (size_t)n >= size ? -1 : n;
}

/* ---- 1. from a file ---------------------------------------------------------------- */

/* Progress of the file send: remembers the last report (the total is the file size). */
struct progress {
    uint64_t done;
    int64_t total;
    unsigned calls;
};

static int32_t CSMAIL_CALL on_progress(void *userdata, uint64_t done, int64_t total)
{
    struct progress *p = userdata;

    p->done = done;
    p->total = total;
    p->calls++;
    return 0; /* non-zero would abort the send (CSMAIL_E_ABORTED) */
}

static int send_from_file(const csmail_smtp *smtp, const char *tag)
{
    const char *recipients[] = {MAIL_TO};
    const char *tmpdir = getenv("TMPDIR");
    char path[512], subject[128], headers[1024];
    struct progress progress = {0, 0, 0};
    FILE *f;
    int fd, i, ok, status = -1;
    int32_t rc;

    snprintf(subject, sizeof subject, "csmail send_implicit_tls file %s pid %ld", tag, (long)getpid());
    if (format_headers(headers, sizeof headers, subject, "file") < 0)
        return -1;

    /* Write the message to a temporary file. */
    snprintf(path, sizeof path, "%s/csmail-example-XXXXXX", tmpdir != NULL && *tmpdir ? tmpdir : "/tmp");
    if ((fd = mkstemp(path)) < 0 || (f = fdopen(fd, "wb")) == NULL) {
        perror("error: cannot create a temporary file");
        if (fd >= 0) {
            close(fd);
            unlink(path);
        }
        return -1;
    }
    ok = fputs(headers, f) >= 0 && fputs("Hello Bob,\r\n\r\nthis message was read from a file.\r\n", f) >= 0;
    for (i = 1; ok && i <= BODY_LINES; i++)
        ok = fprintf(f, "file line %d of %d\r\n", i, BODY_LINES) > 0;
    if (fclose(f) != 0 || !ok) {
        perror("error: cannot write the temporary file");
        unlink(path);
        return -1;
    }

    if ((rc = csmail_smtp_set_progress_callback(smtp, on_progress, &progress)) != CSMAIL_OK) {
        report_smtp(smtp, "set progress callback", rc);
        goto done;
    }
    printf("sending \"%s\" from %s\n", subject, path);
    if ((rc = csmail_smtp_send_file(smtp, MAIL_FROM, recipients, 1, path)) != CSMAIL_OK) {
        report_smtp(smtp, "Send (file)", rc);
        goto done;
    }
    printf("  progress: %d callbacks, last %llu of %lld bytes\n", progress.calls,
           (unsigned long long)progress.done, (long long)progress.total);
    if (progress.calls == 0 || progress.total < 0 || progress.done != (uint64_t)progress.total) {
        fprintf(stderr, "error: the progress callback did not report the whole file\n");
        goto done;
    }
    if (print_reply(smtp) != 0)
        goto done;
    status = 0;

done:
    csmail_smtp_set_progress_callback(smtp, NULL, NULL);
    unlink(path);
    return status;
}

/* ---- 2. from a read callback ------------------------------------------------------- */

/* A message produced on the fly: the headers, then numbered body lines. */
struct generator {
    char pending[1024]; /* text not yet handed to csmail */
    size_t pending_len, pending_pos;
    int next_line; /* 0: headers not yet produced; 1..BODY_LINES: body; beyond: end */
    const char *subject;
};

/* Produces the next piece of the message into g->pending; returns 0 at the end. */
static int generate(struct generator *g)
{
    int n;

    if (g->next_line == 0)
        n = format_headers(g->pending, sizeof g->pending, g->subject, "callback");
    else if (g->next_line <= BODY_LINES)
        n = snprintf(g->pending, sizeof g->pending, "callback line %d of %d\r\n", g->next_line, BODY_LINES);
    else
        return 0;
    g->next_line++;
    g->pending_len = n < 0 ? 0 : (size_t)n;
    g->pending_pos = 0;
    return n > 0;
}

/* csmail_read_callback: fill buf with up to capacity bytes, *n_out = 0 at the end. */
static int32_t CSMAIL_CALL on_read(void *userdata, uint8_t *buf, size_t capacity, size_t *n_out)
{
    struct generator *g = userdata;
    size_t n;

    if (g->pending_pos == g->pending_len && !generate(g)) {
        *n_out = 0; /* end of message */
        return 0;
    }
    n = g->pending_len - g->pending_pos;
    if (n > capacity)
        n = capacity;
    memcpy(buf, g->pending + g->pending_pos, n);
    g->pending_pos += n;
    *n_out = n;
    return 0; /* non-zero would fail the send (CSMAIL_E_IO) and close the connection */
}

static int send_from_callback(const csmail_smtp *smtp, const char *tag)
{
    const char *recipients[] = {MAIL_TO};
    char subject[128];
    struct generator g;
    int32_t rc;

    snprintf(subject, sizeof subject, "csmail send_implicit_tls callback %s pid %ld", tag, (long)getpid());
    memset(&g, 0, sizeof g);
    g.subject = subject;

    printf("sending \"%s\" from a read callback\n", subject);
    if ((rc = csmail_smtp_send_cb(smtp, MAIL_FROM, recipients, 1, on_read, &g)) != CSMAIL_OK) {
        report_smtp(smtp, "Send (callback)", rc);
        return -1;
    }
    if (g.next_line <= BODY_LINES) {
        fprintf(stderr, "error: Send returned before the callback reached the end of the message\n");
        return -1;
    }
    return print_reply(smtp);
}

int main(int argc, char **argv)
{
    const char *host, *cafile, *tag;
    int32_t port = 0, rc, tls = 0;
    csmail_smtp *smtp = NULL;
    csmail_sslinfo *ssl = NULL;
    int status = EXIT_FAILURE;

    if (read_args(argc, argv, "[TAG]", 1, &host, &port, &cafile) != 0)
        return 2;
    tag = argc > 4 ? argv[4] : "example";
    printf("csmail %s: sending over SMTP with implicit TLS to %s:%d\n", csmail_version(), host, (int)port);

    /* SSLInfo: implicit TLS (MODE_CHANNEL), trusting only the given CA file; the client with
     * it as its advanced handler. */
    if ((ssl = new_sslinfo(MODE_CHANNEL, cafile)) == NULL)
        goto done;
    if ((smtp = new_smtp_client(host, port, SMTP_USER, SMTP_PASSWORD, ssl)) == NULL)
        goto done;

    if ((rc = csmail_smtp_connect(smtp)) != CSMAIL_OK) {
        report_smtp(smtp, "Connect", rc);
        goto done;
    }
    if ((rc = csmail_smtp_get_int(smtp, CSMAIL_PROP_TLS_ACTIVE, &tls)) != CSMAIL_OK) {
        report_smtp(smtp, "get TlsActive", rc);
        goto done;
    }
    if (tls != 1) {
        fprintf(stderr, "error: connected, but TlsActive is %d\n", (int)tls);
        goto done;
    }
    printf("connected over TLS and logged in as %s\n", SMTP_USER);

    if (send_from_file(smtp, tag) != 0 || send_from_callback(smtp, tag) != 0)
        goto done;

    if ((rc = csmail_smtp_disconnect(smtp)) != CSMAIL_OK) {
        report_smtp(smtp, "Disconnect", rc);
        goto done;
    }
    printf("disconnected\n");
    status = EXIT_SUCCESS;

done:
    if (smtp != NULL)
        csmail_smtp_release(smtp);
    if (ssl != NULL)
        csmail_sslinfo_release(ssl);
    return status;
}
