/*
 * interop_mail.c: csmail from C against real mail servers: Debian's Postfix (SMTP) and Dovecot
 * (POP3) on loopback, as scripts/mailservers.sh sets them up. The C side of
 * tests/real_servers.rs.
 *
 *   usage: interop_mail [HOST [CAFILE [NAME=VALUE...]]]
 *
 * HOST defaults to "localhost", CAFILE to $CSMAIL_MAILSRV_DIR/pki/ca.pem (the directory
 * defaults to /tmp/csmail-mailsrv). NAME=VALUE overrides a port or a host:
 *   smtp=2525        SMTP, STARTTLS offered, AUTH only after STARTTLS
 *   smtps=2465       SMTP with implicit TLS
 *   submission=2587  SMTP, STARTTLS required
 *   pop3=1110        POP3, STLS offered
 *   pop3s=1995       POP3 with implicit TLS
 *   strict=127.0.0.2 the POP3 listener (on the pop3 port) that refuses plaintext logins
 *   ipv6=::1         the IPv6 address of the POP3S listener
 * Before them, the ports come from the variables scripts/mailservers.sh reads and writes into
 * its ports.env, when set: CSMAIL_MAILSRV_SMTP_PORT, _SMTPS_PORT, _SUBMISSION_PORT, _POP3_PORT,
 * _POP3S_PORT.
 *
 * It needs the servers running, so it only runs with CSMAIL_REAL=1 in the environment
 * (scripts/test-real-servers.sh sets it); without, it prints "skipped: needs CSMAIL_REAL=1"
 * and exits 77, which ctest counts as skipped (SKIP_RETURN_CODE).
 *
 * What it does, each step printed as "ok" or "FAILED":
 *   1. sends three tagged messages from alice to bob: over 2525 with STARTTLS and AUTH PLAIN
 *      (after a message over the server's SIZE, refused by the client with
 *      CSMAIL_E_REFUSED_LOCALLY, eexMessageTooLarge), over 2465 with implicit TLS and AUTH LOGIN (after a refused
 *      recipient, 550), over 2587 with STARTTLS and AUTH CRAM-MD5;
 *   2. fetches each from bob's mailbox: over 1110 with STLS and USER/PASS, over 1995 with APOP,
 *      over [::1]:1995 with SASL PLAIN; the retrieved bytes must END with exactly the bytes
 *      sent, behind the four header fields the servers prepend (Return-Path, Delivered-To and
 *      two Received); deletes it and disconnects (QUIT must commit: committed = 1);
 *   3. the failures, each with its result code, ErrorInfo number and a text fragment: SMTP
 *      wrong password (535), POP3 wrong password ([AUTH]), 2587 without TLS (530 on MAIL),
 *      USER/PASS in the clear on the strict listener (Plaintext authentication disallowed);
 *   4. checks that none of the tagged messages is left in the mailbox;
 * and, throughout, that no password (plain, base64, or as a SASL PLAIN payload) is logged.
 * Exits 0 when every step passed.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "csmail.h"
#include "interop_util.h"

#define ALICE "alice"
#define ALICE_PASS "alicepass"
#define BOB "bob"
#define BOB_PASS "bobpass"
#define WRONG_PASS "Wr0ng-Pa55"
#define SENDER "alice@example.com"
#define BOB_ADDR "bob@example.com"
#define NOBODY_ADDR "nobody@example.com"
#define SIZE_LIMIT 1048576 /* Postfix's message_size_limit, announced as EHLO SIZE */
#define DELIVERY_WAIT_MS 10000
#define SKIP_CODE 77


/* The servers. */
static struct {
    const char *host, *cafile, *strict_host, *ipv6_host;
    int32_t smtp, smtps, submission, pop3, pop3s;
} cfg = {"localhost", NULL, "127.0.0.2", "::1", 2525, 2465, 2587, 1110, 1995};

enum security { SEC_PLAIN, SEC_STARTTLS, SEC_IMPLICIT };

static const char *security_name(enum security sec)
{
    return sec == SEC_PLAIN ? "no TLS" : sec == SEC_STARTTLS ? "STARTTLS" : "implicit TLS";
}

/* ---- reporting ---- */

/* ---- the log ---- */

/* Every line a LogHandler delivered, each as "\n" LINE "\n" in one string. */
struct log_buf {
    char *text;
    size_t len, cap;
    int oom;
};

static void CSMAIL_CALL on_log(void *userdata, int32_t severity, int32_t facility, const char *message)
{
    struct log_buf *b = userdata;
    size_t n = strlen(message);

    (void)severity;
    (void)facility;
    if (b->len + n + 2 > b->cap) {
        size_t cap = (b->cap == 0 ? 4096 : b->cap * 2) + n;
        char *t = realloc(b->text, cap);

        if (t == NULL) {
            b->oom = 1;
            return;
        }
        b->text = t;
        b->cap = cap;
    }
    if (b->len == 0)
        b->text[b->len++] = '\n';
    memcpy(b->text + b->len, message, n);
    b->len += n;
    b->text[b->len++] = '\n';
    b->text[b->len] = '\0';
}

/* Whether the log has `line` as a whole line (prefix = 0) or a line starting with it. */
static int logged(const struct log_buf *b, const char *line, int prefix)
{
    char pattern[512];

    if (b->text == NULL)
        return 0;
    snprintf(pattern, sizeof pattern, prefix ? "\n%s" : "\n%s\n", line);
    return strstr(b->text, pattern) != NULL;
}

static void print_log(const struct log_buf *b)
{
    printf("        --- the client's log:%s        ---\n", b->text != NULL ? b->text : " (empty)\n");
}

/* Checks that neither `password` nor its base64 nor the SASL PLAIN payload of user+password
 * is in the log. */
static void check_no_secret(const char *what, const struct log_buf *b, const char *user, const char *password)
{
    unsigned char plain[128];
    char plain_b64[200], password_b64[200];
    size_t ul = strlen(user), pl = strlen(password);
    const char *forms[3];
    int i, leaked = 0;

    if (ul + pl + 2 > sizeof plain) {
        check(0, "%s: credentials too long for the check", what);
        return;
    }
    plain[0] = '\0';
    memcpy(plain + 1, user, ul);
    plain[1 + ul] = '\0';
    memcpy(plain + 2 + ul, password, pl);
    base64(plain, ul + pl + 2, plain_b64);
    base64((const unsigned char *)password, pl, password_b64);
    forms[0] = password;
    forms[1] = password_b64;
    forms[2] = plain_b64;
    for (i = 0; i < 3; i++) {
        if (b->text != NULL && strstr(b->text, forms[i]) != NULL) {
            check(0, "%s: the log shows a secret (\"%s\")", what, forms[i]);
            leaked = 1;
        }
    }
    if (b->oom)
        check(0, "%s: the log buffer ran out of memory", what);
    else if (!leaked)
        check(1, "%s: no password of %s in the log (%zu bytes checked)", what, user, b->len);
}

/* ---- clients ---- */

/* A client with its SSLInfo (if any) and a LogHandler collecting into `log`. */
struct client {
    csmail_smtp *smtp;
    csmail_pop3 *pop3;
    csmail_sslinfo *ssl;
    csmail_loghandler *loghandler;
    struct log_buf log;
    char name[160];
};

static void client_free(struct client *c)
{
    if (c->smtp != NULL)
        csmail_smtp_release(c->smtp);
    if (c->pop3 != NULL)
        csmail_pop3_release(c->pop3);
    if (c->ssl != NULL)
        csmail_sslinfo_release(c->ssl);
    if (c->loghandler != NULL)
        csmail_loghandler_release(c->loghandler);
    free(c->log.text);
    memset(c, 0, sizeof *c);
}

/* The SSLInfo and LogHandler of a new client; returns 0, or -1 after reporting. */
static int handlers_new(struct client *c, enum security sec)
{
    int32_t rc;

    c->loghandler = csmail_loghandler_new();
    if ((rc = csmail_loghandler_set_callback(c->loghandler, on_log, &c->log)) != CSMAIL_OK) {
        report_last("LogHandler.OnLogMessage", rc);
        return -1;
    }
    if (sec == SEC_PLAIN)
        return 0;
    c->ssl = csmail_sslinfo_new();
    if ((rc = csmail_sslinfo_set_mode(c->ssl, sec == SEC_STARTTLS ? MODE_STARTTLS : MODE_CHANNEL)) != CSMAIL_OK) {
        report_last("SSLInfo.Mode", rc);
        return -1;
    }
    if ((rc = csmail_sslinfo_set_str(c->ssl, SSLCAFile, cfg.cafile)) != CSMAIL_OK) {
        report_last("SSLInfo.Option(SSLCAFile)", rc);
        return -1;
    }
    if ((rc = csmail_sslinfo_set_int(c->ssl, SSLNoSystemRoots, 1)) != CSMAIL_OK) {
        report_last("SSLInfo.Option(SSLNoSystemRoots)", rc);
        return -1;
    }
    return 0;
}

/* An SMTP client for host:port; user NULL = no AUTH. Returns 0, or -1 after reporting. */
static int smtp_client(struct client *c, const char *host, int32_t port, enum security sec, const char *user,
                       const char *password, int32_t mech)
{
    struct failure f;
    int32_t rc;

    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "SMTP %s:%d (%s%s%s)", host, (int)port, security_name(sec),
             user != NULL ? ", user " : "", user != NULL ? user : "");
    if (handlers_new(c, sec) != 0)
        return -1;
    c->smtp = csmail_smtp_new();
    if ((rc = csmail_smtp_set_str(c->smtp, CSMAIL_PROP_HOST, host)) != CSMAIL_OK ||
        (rc = csmail_smtp_set_int(c->smtp, CSMAIL_PROP_PORT, port)) != CSMAIL_OK ||
        (rc = csmail_smtp_set_int(c->smtp, CSMAIL_PROP_TIMEOUT_MS, 10000)) != CSMAIL_OK ||
        (rc = csmail_smtp_set_int(c->smtp, CSMAIL_PROP_AUTH_MECH, mech)) != CSMAIL_OK ||
        (user != NULL && (rc = csmail_smtp_set_str(c->smtp, CSMAIL_PROP_USER, user)) != CSMAIL_OK) ||
        (user != NULL && (rc = csmail_smtp_set_str(c->smtp, CSMAIL_PROP_PASSWORD, password)) != CSMAIL_OK) ||
        (c->ssl != NULL && (rc = csmail_smtp_set_advanced_handler(c->smtp, c->ssl)) != CSMAIL_OK) ||
        (rc = csmail_smtp_set_advanced_handler(c->smtp, c->loghandler)) != CSMAIL_OK) {
        smtp_failure(c->smtp, rc, &f);
        report_failure("setting up the SMTP client", &f);
        return -1;
    }
    return 0;
}

/* A POP3 client for host:port logging in as user with mech. Returns 0, or -1 after reporting. */
static int pop3_client(struct client *c, const char *host, int32_t port, enum security sec, const char *user,
                       const char *password, int32_t mech)
{
    struct failure f;
    int32_t rc;

    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "POP3 %s:%d (%s, user %s)", host, (int)port, security_name(sec), user);
    if (handlers_new(c, sec) != 0)
        return -1;
    c->pop3 = csmail_pop3_new();
    if ((rc = csmail_pop3_set_str(c->pop3, CSMAIL_PROP_HOST, host)) != CSMAIL_OK ||
        (rc = csmail_pop3_set_int(c->pop3, CSMAIL_PROP_PORT, port)) != CSMAIL_OK ||
        (rc = csmail_pop3_set_int(c->pop3, CSMAIL_PROP_TIMEOUT_MS, 10000)) != CSMAIL_OK ||
        (rc = csmail_pop3_set_int(c->pop3, CSMAIL_PROP_AUTH_MECH, mech)) != CSMAIL_OK ||
        (rc = csmail_pop3_set_str(c->pop3, CSMAIL_PROP_USER, user)) != CSMAIL_OK ||
        (rc = csmail_pop3_set_str(c->pop3, CSMAIL_PROP_PASSWORD, password)) != CSMAIL_OK ||
        (c->ssl != NULL && (rc = csmail_pop3_set_advanced_handler(c->pop3, c->ssl)) != CSMAIL_OK) ||
        (rc = csmail_pop3_set_advanced_handler(c->pop3, c->loghandler)) != CSMAIL_OK) {
        pop3_failure(c->pop3, rc, &f);
        report_failure("setting up the POP3 client", &f);
        return -1;
    }
    return 0;
}

/* Reads an int property of the client (SMTP or POP3); -1 after reporting a failure. */
static int32_t client_int(const struct client *c, int32_t property)
{
    int32_t v = -1, rc;
    struct failure f;

    if (c->smtp != NULL) {
        if ((rc = csmail_smtp_get_int(c->smtp, property, &v)) != CSMAIL_OK) {
            smtp_failure(c->smtp, rc, &f);
            report_failure("reading an int property", &f);
            return -1;
        }
    } else if ((rc = csmail_pop3_get_int(c->pop3, property, &v)) != CSMAIL_OK) {
        pop3_failure(c->pop3, rc, &f);
        report_failure("reading an int property", &f);
        return -1;
    }
    return v;
}

/* Reads a string property of the client into buf; "" after reporting a failure. */
static const char *client_str(const struct client *c, int32_t property, char *buf, size_t size)
{
    int32_t rc;
    struct failure f;

    buf[0] = '\0';
    if (c->smtp != NULL) {
        if ((rc = csmail_smtp_get_str(c->smtp, property, buf, size, NULL)) != CSMAIL_OK) {
            smtp_failure(c->smtp, rc, &f);
            report_failure("reading a string property", &f);
            buf[0] = '\0';
        }
    } else if ((rc = csmail_pop3_get_str(c->pop3, property, buf, size, NULL)) != CSMAIL_OK) {
        pop3_failure(c->pop3, rc, &f);
        report_failure("reading a string property", &f);
        buf[0] = '\0';
    }
    return buf;
}

static int32_t ssl_int(const struct client *c, int32_t index)
{
    int32_t v = -1, rc;

    if ((rc = csmail_sslinfo_get_int(c->ssl, index, &v)) != CSMAIL_OK)
        report_last("SSLInfo.Option (output)", rc);
    return v;
}

/* After a connect with TLS: TLS is on, TLS 1.3, the certificate valid for the test CA. */
static void check_tls(const struct client *c)
{
    int32_t active = client_int(c, CSMAIL_PROP_TLS_ACTIVE);
    int32_t protocol = ssl_int(c, SSLConnectionProtocolOut);
    int32_t status = ssl_int(c, SSLCertificateStatus);

    check(active == 1 && protocol == SSL_TLS13 && status == CERTIFICATE_VALID,
          "%s: TLS active %d, protocol 0x%x (SSL_TLS13 0x%x), certificate status %d (CERTIFICATE_VALID %d)",
          c->name, (int)active, (unsigned)protocol, (unsigned)SSL_TLS13, (int)status, CERTIFICATE_VALID);
}

/* Connects; returns 1 when connected, else 0 after reporting (with the log). */
static int connect_ok(struct client *c)
{
    struct failure f;
    int32_t rc;

    if (c->smtp != NULL) {
        rc = csmail_smtp_connect(c->smtp);
        if (rc != CSMAIL_OK)
            smtp_failure(c->smtp, rc, &f);
    } else {
        rc = csmail_pop3_connect(c->pop3);
        if (rc != CSMAIL_OK)
            pop3_failure(c->pop3, rc, &f);
    }
    if (rc != CSMAIL_OK) {
        char what[320];

        snprintf(what, sizeof what, "%s: Connect", c->name);
        report_failure(what, &f);
        print_log(&c->log);
        return 0;
    }
    return check(client_int(c, CSMAIL_PROP_CONNECTED) == 1, "%s: connected", c->name);
}

static void expect_logged(const struct client *c, const char *line, int prefix)
{
    if (!check(logged(&c->log, line, prefix), "%s: the log has %s\"%s\"", c->name, prefix ? "a line starting with " : "",
               line))
        print_log(&c->log);
}

static void expect_not_logged(const struct client *c, const char *prefix)
{
    if (!check(!logged(&c->log, prefix, 1), "%s: no log line starts with \"%s\"", c->name, prefix))
        print_log(&c->log);
}

static void smtp_disconnect(struct client *c)
{
    struct failure f;
    int32_t rc = csmail_smtp_disconnect(c->smtp);

    if (rc != CSMAIL_OK) {
        smtp_failure(c->smtp, rc, &f);
        report_failure("SMTP Disconnect", &f);
    }
}

/* POP3 Disconnect; returns `committed` (-1 after a failure). */
static int32_t pop3_disconnect(struct client *c)
{
    struct failure f;
    int32_t committed = -1, rc = csmail_pop3_disconnect(c->pop3, &committed);

    if (rc != CSMAIL_OK) {
        pop3_failure(c->pop3, rc, &f);
        report_failure("POP3 Disconnect", &f);
        return -1;
    }
    return committed;
}

/* ---- messages ---- */

struct sent {
    char tag[96];
    char *data;
    size_t len;
};

static void make_tag(char *tag, size_t size)
{
    static unsigned counter;
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    snprintf(tag, size, "%ld-%u-%ld.%09ld", (long)getpid(), counter++, (long)ts.tv_sec, ts.tv_nsec);
}

/* "\r\nSubject: csmail interop_mail TAG\r\n": how the tagged message is found. */
static void subject_line(const char *tag, char *out, size_t size)
{
    snprintf(out, size, "\r\nSubject: csmail interop_mail %s\r\n", tag);
}

/* A new tagged message to `to` with Date and Message-ID (so Postfix adds nothing to the
 * header section) and a body that exercises dot-stuffing both ways and 8-bit text; `extra`
 * more bytes of 76-character lines make it larger. Returns 0, or -1 when out of memory. */
static int make_message(struct sent *m, const char *to, size_t extra)
{
    char subject[160];
    size_t cap;
    int n;

    make_tag(m->tag, sizeof m->tag);
    subject_line(m->tag, subject, sizeof subject);
    cap = 2048 + extra + 80;
    if ((m->data = malloc(cap)) == NULL) {
        check(0, "out of memory");
        return -1;
    }
    n = snprintf(m->data, cap,
                 "From: Alice <" SENDER ">\r\n"
                 "To: <%s>%s"
                 "Date: Sun, 22 Nov 2026 06:00:00 +0000\r\n"
                 "Message-ID: <%s.interop_mail@csmail.test>\r\n"
                 "MIME-Version: 1.0\r\n"
                 "Content-Type: text/plain; charset=utf-8\r\n"
                 "Content-Transfer-Encoding: 8bit\r\n"
                 "\r\n"
                 "Hello, %s.\r\n"
                 ".leading dot\r\n"
                 "..two dots\r\n"
                 ".\r\n"
                 ". dot space\r\n"
                 "Gr\xc3\xbc\xc3\x9f"
                 "e aus K\xc3\xb6"
                 "ln \xe2\x80\x94 from C\r\n"
                 "\tindented, trailing spaces  \r\n"
                 "\r\n"
                 "last line\r\n",
                 to, subject, m->tag, m->tag);
    if (n < 0 || (size_t)n >= cap) {
        check(0, "message buffer too small");
        return -1;
    }
    m->len = (size_t)n;
    while (m->len < (size_t)n + extra) {
        memset(m->data + m->len, 'x', 76);
        memcpy(m->data + m->len + 76, "\r\n", 2);
        m->len += 78;
    }
    return 0;
}

static void sent_free(struct sent *m)
{
    free(m->data);
    m->data = NULL;
}

/* Whether a final reply says "queued": "2.0.0 Ok: queued as X" after DATA, and
 * "2.0.0 Ok: 456 bytes queued as X" after BDAT (Postfix offers CHUNKING). */
static int queued_reply(const char *text)
{
    const char *p = text + 10;

    if (strncmp(text, "2.0.0 Ok: ", 10) != 0)
        return 0;
    if (*p >= '0' && *p <= '9') {
        while (*p >= '0' && *p <= '9')
            p++;
        if (strncmp(p, " bytes ", 7) != 0)
            return 0;
        p += 7;
    }
    return strncmp(p, "queued as ", 10) == 0;
}

/* Sends m from alice to rcpt; checks the final reply (250, 2.0.0, "Ok: queued as"). */
static int send_ok(struct client *c, const struct sent *m, const char *rcpt)
{
    const char *recipients[1];
    char text[512], enhanced[32];
    struct failure f;
    int32_t rc, code;

    recipients[0] = rcpt;
    rc = csmail_smtp_send_mem(c->smtp, SENDER, recipients, 1, (const uint8_t *)m->data, m->len);
    if (rc != CSMAIL_OK) {
        char what[320];

        smtp_failure(c->smtp, rc, &f);
        snprintf(what, sizeof what, "%s: Send %s", c->name, m->tag);
        report_failure(what, &f);
        print_log(&c->log);
        return 0;
    }
    code = client_int(c, CSMAIL_PROP_REPLY_CODE);
    client_str(c, CSMAIL_PROP_REPLY_ENHANCED, enhanced, sizeof enhanced);
    client_str(c, CSMAIL_PROP_REPLY_TEXT, text, sizeof text);
    return check(code == 250 && strcmp(enhanced, "2.0.0") == 0 && queued_reply(text),
                 "%s: sent %s (%zu bytes) to %s: %d %s", c->name, m->tag, m->len, rcpt, (int)code, text);
}

/* ---- mailboxes ---- */

/* The number of the message tagged `tag` in a connected session (TOP n 0), 0 when none, or
 * -1 after a failure. */
static long find_tagged(struct client *c, const char *tag)
{
    char subject[160];

    subject_line(tag, subject, sizeof subject);
    return find_message(c->pop3, subject);
}

/* Appends n bytes of a header line to a field value, whitespace runs folded to one space. */
static void fold_append(char *value, size_t size, const char *s, size_t n)
{
    size_t len = strlen(value), i;

    for (i = 0; i < n && len + 1 < size; i++) {
        int space = s[i] == ' ' || s[i] == '\t';

        if (space && (len == 0 || value[len - 1] == ' '))
            continue;
        value[len++] = space ? ' ' : s[i];
    }
    value[len] = '\0';
}

/* Checks the prefix the servers added: whole header lines, exactly the fields Return-Path,
 * Delivered-To, Received (Dovecot's LMTP), Received (Postfix: ESMTPSA = ESMTP with TLS and
 * AUTH), with the envelope's values. */
#define LMTP_RECEIVED "from mail.example.test ([127.0.0.1]) by pop.example.test with LMTP id "

static void check_prefix(const char *what, const uint8_t *prefix, size_t len, const char *rcpt)
{
    static const char *want[] = {"Return-Path", "Delivered-To", "Received", "Received"};
    char names[8][32], values[8][600], shown[400], for_rcpt[128];
    size_t nfields = 0, pos = 0, i;
    int ok = len >= 2 && prefix[len - 2] == '\r' && prefix[len - 1] == '\n';

    while (ok && pos < len) {
        const uint8_t *eol = memchr(prefix + pos, '\n', len - pos);
        size_t n = (size_t)(eol - (prefix + pos)); /* eol exists: the prefix ends with CRLF */
        const char *line = (const char *)prefix + pos;
        const char *colon;

        if (n == 0 || line[n - 1] != '\r') {
            ok = 0;
            break;
        }
        n--;
        if (line[0] != ' ' && line[0] != '\t') {
            colon = memchr(line, ':', n);
            if (colon == NULL || nfields == 8 || (size_t)(colon - line) >= sizeof names[0]) {
                ok = 0;
                break;
            }
            memcpy(names[nfields], line, (size_t)(colon - line));
            names[nfields][colon - line] = '\0';
            values[nfields][0] = '\0';
            fold_append(values[nfields], sizeof values[0], colon + 1, n - (size_t)(colon + 1 - line));
            nfields++;
        } else if (nfields == 0) {
            ok = 0;
            break;
        } else {
            fold_append(values[nfields - 1], sizeof values[0], " ", 1);
            fold_append(values[nfields - 1], sizeof values[0], line, n);
        }
        pos += n + 2;
    }
    snprintf(shown, sizeof shown, "%.*s", (int)(len < 300 ? len : 300), (const char *)prefix);
    for (i = 0; shown[i] != '\0'; i++)
        if (shown[i] == '\r' || shown[i] == '\n')
            shown[i] = shown[i] == '\r' ? '|' : ' ';
    if (!check(ok && nfields == 4, "%s: the servers prepended 4 header fields (%zu bytes: %s...)", what, len, shown))
        return;
    for (i = 0; i < 4 && strcmp(names[i], want[i]) == 0; i++)
        ;
    if (!check(i == 4, "%s: the fields are %s, %s, %s, %s", what, names[0], names[1], names[2], names[3]))
        return;
    snprintf(for_rcpt, sizeof for_rcpt, "for <%s>;", rcpt);
    check(strcmp(values[0], "<" SENDER ">") == 0, "%s: Return-Path: %s", what, values[0]);
    check(strcmp(values[1], rcpt) == 0, "%s: Delivered-To: %s", what, values[1]);
    check(strncmp(values[2], LMTP_RECEIVED, strlen(LMTP_RECEIVED)) == 0 &&
              strstr(values[2], for_rcpt) != NULL,
          "%s: Received (Dovecot LMTP): %s", what, values[2]);
    check(strstr(values[3], " by mail.example.test (Postfix) with ESMTPSA id ") != NULL &&
              strstr(values[3], for_rcpt) != NULL,
          "%s: Received (Postfix, ESMTPSA: TLS and AUTH): %s", what, values[3]);
}

/* How to read bob's mailbox. */
struct via {
    const char *host;
    int32_t port;
    enum security sec;
    int32_t mech;
    const char *login_line; /* the login command as logged */
};

/* Waits (reconnecting: a POP3 session sees the mailbox as it was at login) until m is in bob's
 * mailbox, then checks TLS, retrieves it (RETR; LIST gives its size), checks its bytes, deletes
 * it and disconnects: QUIT must commit the deletion. */
static void take_tagged(const struct via *v, const struct sent *m)
{
    long deadline = now_ms() + DELIVERY_WAIT_MS, n = 0;
    struct client c;
    struct failure f;
    int32_t rc;

    for (;;) {
        if (pop3_client(&c, v->host, v->port, v->sec, BOB, BOB_PASS, v->mech) != 0) {
            client_free(&c);
            return;
        }
        if (!connect_ok(&c)) {
            client_free(&c);
            return;
        }
        n = find_tagged(&c, m->tag);
        if (n != 0)
            break;
        pop3_disconnect(&c);
        client_free(&c);
        if (now_ms() > deadline) {
            check(0, "POP3 %s:%d: %s did not reach bob's mailbox within %d ms", v->host, (int)v->port, m->tag,
                  DELIVERY_WAIT_MS);
            return;
        }
        sleep_ms(100);
    }
    if (n > 0) {
        csmail_message *msg = NULL;
        const uint8_t *data = NULL;
        size_t len = 0;
        uint64_t size = 0;

        check(1, "%s: %s arrived as message %ld", c.name, m->tag, n);
        if (v->sec != SEC_PLAIN)
            check_tls(&c);
        expect_logged(&c, v->login_line, 0);
        if (v->sec == SEC_STARTTLS)
            expect_logged(&c, "C: STLS", 0);
        else
            expect_not_logged(&c, "C: STLS");
        if ((rc = csmail_pop3_retrieve(c.pop3, (uint32_t)n, &msg)) != CSMAIL_OK) {
            pop3_failure(c.pop3, rc, &f);
            report_failure("RETR", &f);
        } else if ((rc = csmail_message_data(msg, &data, &len)) != CSMAIL_OK) {
            report_last("Message data", rc);
        } else {
            int ends = len >= m->len && memcmp(data + len - m->len, m->data, m->len) == 0;

            check(ends, "%s: the %zu bytes retrieved end with exactly the %zu bytes sent", c.name, len, m->len);
            if (ends)
                check_prefix(c.name, data, len - m->len, BOB_ADDR);
            if ((rc = csmail_pop3_message_size(c.pop3, (uint32_t)n, &size)) != CSMAIL_OK) {
                pop3_failure(c.pop3, rc, &f);
                report_failure("LIST n", &f);
            } else {
                check(size == len, "%s: LIST %ld = %llu, the size retrieved", c.name, n, (unsigned long long)size);
            }
        }
        if (msg != NULL)
            csmail_message_release(msg);
        if ((rc = csmail_pop3_delete(c.pop3, (uint32_t)n)) != CSMAIL_OK) {
            pop3_failure(c.pop3, rc, &f);
            report_failure("DELE", &f);
        }
        rc = pop3_disconnect(&c);
        check(rc == 1, "%s: Disconnect, committed = %d (QUIT confirmed: the deletion is committed)", c.name, (int)rc);
        check_no_secret(c.name, &c.log, BOB, BOB_PASS);
    }
    client_free(&c);
}

/* ---- the steps ---- */

/* 2525, STARTTLS, AUTH PLAIN: a message over SIZE is refused by the client (the session stays
 * usable), then m goes out. */
static void send_2525_starttls_plain(struct sent *m, struct sent *too_big)
{
    struct client c;
    struct failure f;
    const char *recipients[] = {BOB_ADDR};
    char size_line[64], fragment[64];
    int32_t rc;

    if (smtp_client(&c, cfg.host, cfg.smtp, SEC_STARTTLS, ALICE, ALICE_PASS, CSMAIL_AUTH_PLAIN) == 0 &&
        connect_ok(&c)) {
        check_tls(&c);
        check(client_int(&c, CSMAIL_PROP_REPLY_CODE) == 235, "%s: AUTH answered 235", c.name);
        expect_logged(&c, "C: STARTTLS", 0);
        expect_logged(&c, "C: AUTH PLAIN <redacted>", 0);
        snprintf(size_line, sizeof size_line, "S: 250-SIZE %d", SIZE_LIMIT);
        expect_logged(&c, size_line, 0);

        rc = csmail_smtp_send_mem(c.smtp, SENDER, recipients, 1, (const uint8_t *)too_big->data, too_big->len);
        smtp_failure(c.smtp, rc, &f);
        snprintf(fragment, sizeof fragment, "at most %d (SIZE)", SIZE_LIMIT);
        expect_failure("a message of more than SIZE bytes", &f, CSMAIL_E_REFUSED_LOCALLY, eexMessageTooLarge, fragment);
        check(client_int(&c, CSMAIL_PROP_REPLY_CODE) == 0, "%s: no reply belongs to a local refusal", c.name);
        expect_not_logged(&c, "C: MAIL");
        check(client_int(&c, CSMAIL_PROP_CONNECTED) == 1, "%s: still connected after the refused message", c.name);

        send_ok(&c, m, BOB_ADDR);
        smtp_disconnect(&c);
        check(client_int(&c, CSMAIL_PROP_CONNECTED) == 0, "%s: disconnected", c.name);
        check_no_secret(c.name, &c.log, ALICE, ALICE_PASS);
    }
    client_free(&c);
}

/* 2465, implicit TLS, AUTH LOGIN: a refused recipient (550; DATA is refused too, the session
 * stays usable), then m goes out. */
static void send_2465_implicit_login(struct sent *m, struct sent *to_nobody)
{
    struct client c;
    struct failure f;
    const char *recipients[] = {NOBODY_ADDR};
    char enhanced[32];
    int32_t rc;

    if (smtp_client(&c, cfg.host, cfg.smtps, SEC_IMPLICIT, ALICE, ALICE_PASS, CSMAIL_AUTH_LOGIN) == 0 &&
        connect_ok(&c)) {
        check_tls(&c);
        expect_not_logged(&c, "C: STARTTLS");
        expect_logged(&c, "C: AUTH LOGIN", 0);

        rc = csmail_smtp_send_mem(c.smtp, SENDER, recipients, 1, (const uint8_t *)to_nobody->data, to_nobody->len);
        smtp_failure(c.smtp, rc, &f);
        expect_failure("recipient " NOBODY_ADDR, &f, CSMAIL_E_SERVER, eexSmtpServer, "550");
        check(strstr(f.text, "User unknown") != NULL, "the refusal names the reason: %s", f.text);
        check(client_int(&c, CSMAIL_PROP_REPLY_CODE) == 550 &&
                  strcmp(client_str(&c, CSMAIL_PROP_REPLY_ENHANCED, enhanced, sizeof enhanced), "5.1.1") == 0,
              "%s: last reply 550 5.1.1", c.name);
        check(client_int(&c, CSMAIL_PROP_CONNECTED) == 1, "%s: still connected after the refused recipient", c.name);

        send_ok(&c, m, BOB_ADDR);
        smtp_disconnect(&c);
        check_no_secret(c.name, &c.log, ALICE, ALICE_PASS);
    }
    client_free(&c);
}

/* 2587 (STARTTLS required), STARTTLS, AUTH CRAM-MD5. */
static void send_2587_starttls_cram(struct sent *m)
{
    struct client c;

    if (smtp_client(&c, cfg.host, cfg.submission, SEC_STARTTLS, ALICE, ALICE_PASS, CSMAIL_AUTH_CRAM_MD5) == 0 &&
        connect_ok(&c)) {
        check_tls(&c);
        expect_logged(&c, "C: STARTTLS", 0);
        expect_logged(&c, "C: AUTH CRAM-MD5", 0);
        send_ok(&c, m, BOB_ADDR);
        smtp_disconnect(&c);
        check_no_secret(c.name, &c.log, ALICE, ALICE_PASS);
    }
    client_free(&c);
}

static void smtp_wrong_password(void)
{
    struct client c;
    struct failure f;

    if (smtp_client(&c, cfg.host, cfg.smtp, SEC_STARTTLS, ALICE, WRONG_PASS, CSMAIL_AUTH_PLAIN) == 0) {
        smtp_failure(c.smtp, csmail_smtp_connect(c.smtp), &f);
        expect_failure("SMTP wrong password", &f, CSMAIL_E_AUTH, eexSmtpServer, "535");
        check(client_int(&c, CSMAIL_PROP_CONNECTED) == 0, "%s: not connected after the refused login", c.name);
        check(client_int(&c, CSMAIL_PROP_REPLY_CODE) == 535, "%s: last reply 535", c.name);
        check_no_secret(c.name, &c.log, ALICE, WRONG_PASS);
    }
    client_free(&c);
}

static void pop3_wrong_password(void)
{
    struct client c;
    struct failure f;
    char text[256];

    if (pop3_client(&c, cfg.host, cfg.pop3s, SEC_IMPLICIT, BOB, WRONG_PASS, CSMAIL_AUTH_USER_PASS) == 0) {
        pop3_failure(c.pop3, csmail_pop3_connect(c.pop3), &f);
        expect_failure("POP3 wrong password", &f, CSMAIL_E_AUTH, eexPopServer, "[AUTH]");
        check(client_int(&c, CSMAIL_PROP_CONNECTED) == 0, "%s: not connected after the refused login", c.name);
        client_str(&c, CSMAIL_PROP_REPLY_TEXT, text, sizeof text);
        check(strncmp(text, "-ERR [AUTH]", 11) == 0, "%s: last reply \"%s\"", c.name, text);
        check_no_secret(c.name, &c.log, BOB, WRONG_PASS);
    }
    client_free(&c);
}

/* 2587 without SSLInfo and without a user: the connect works, MAIL gets 530. */
static void submission_without_tls(struct sent *m)
{
    struct client c;
    struct failure f;
    const char *recipients[] = {BOB_ADDR};
    int32_t rc;

    if (smtp_client(&c, cfg.host, cfg.submission, SEC_PLAIN, NULL, NULL, CSMAIL_AUTH_AUTO) == 0 && connect_ok(&c)) {
        check(client_int(&c, CSMAIL_PROP_TLS_ACTIVE) == 0, "%s: no TLS", c.name);
        rc = csmail_smtp_send_mem(c.smtp, SENDER, recipients, 1, (const uint8_t *)m->data, m->len);
        smtp_failure(c.smtp, rc, &f);
        expect_failure("send on 2587 without STARTTLS", &f, CSMAIL_E_SERVER, eexSmtpServer, "530");
        check(client_int(&c, CSMAIL_PROP_REPLY_CODE) == 530, "%s: last reply 530", c.name);
        expect_not_logged(&c, "C: <message data");
        check(client_int(&c, CSMAIL_PROP_CONNECTED) == 1, "%s: still connected after the refused MAIL", c.name);
        smtp_disconnect(&c);
    }
    client_free(&c);
}

/* The strict listener refuses USER/PASS before TLS; PASS is never sent. */
static void strict_pop3_plaintext_login(void)
{
    struct client c;
    struct failure f;

    if (pop3_client(&c, cfg.strict_host, cfg.pop3, SEC_PLAIN, BOB, BOB_PASS, CSMAIL_AUTH_USER_PASS) == 0) {
        pop3_failure(c.pop3, csmail_pop3_connect(c.pop3), &f);
        expect_failure("POP3 USER/PASS in the clear on the strict listener", &f, CSMAIL_E_AUTH, eexPopServer,
                       "Plaintext authentication disallowed");
        expect_not_logged(&c, "C: PASS");
        check(client_int(&c, CSMAIL_PROP_CONNECTED) == 0, "%s: not connected", c.name);
    }
    client_free(&c);
}

/* None of the tagged messages is left in bob's mailbox. */
static void check_absent(struct sent *const *msgs, size_t count)
{
    struct client c;
    size_t i;

    if (pop3_client(&c, cfg.host, cfg.pop3s, SEC_IMPLICIT, BOB, BOB_PASS, CSMAIL_AUTH_AUTO) == 0 && connect_ok(&c)) {
        for (i = 0; i < count; i++) {
            long n = find_tagged(&c, msgs[i]->tag);

            check(n == 0, "%s: %s is not in bob's mailbox", c.name, msgs[i]->tag);
        }
        check(pop3_disconnect(&c) == 1, "%s: Disconnect, committed = 1", c.name);
    }
    client_free(&c);
}

/* NAME=VALUE overrides; returns 0, or -1 for a bad argument. */
static int parse_override(const char *arg)
{
    static const struct {
        const char *name;
        int32_t *port;
        const char **host;
    } names[] = {
        {"smtp", &cfg.smtp, NULL},   {"smtps", &cfg.smtps, NULL}, {"submission", &cfg.submission, NULL},
        {"pop3", &cfg.pop3, NULL},   {"pop3s", &cfg.pop3s, NULL}, {"strict", NULL, &cfg.strict_host},
        {"ipv6", NULL, &cfg.ipv6_host},
    };
    const char *eq = strchr(arg, '=');
    size_t i;

    if (eq == NULL)
        return -1;
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strlen(names[i].name) != (size_t)(eq - arg) || strncmp(arg, names[i].name, (size_t)(eq - arg)) != 0)
            continue;
        if (names[i].host != NULL) {
            *names[i].host = eq + 1;
        } else {
            char *end = NULL;
            long v = strtol(eq + 1, &end, 10);

            if (end == eq + 1 || *end != '\0' || v < 1 || v > 65535)
                return -1;
            *names[i].port = (int32_t)v;
        }
        return 0;
    }
    return -1;
}

/* The ports scripts/mailservers.sh was told to use (the variables of its ports.env), when set;
 * NAME=VALUE arguments override them. Returns 0, or -1 for a value that is not a port. */
static int env_overrides(void)
{
    static const char *const vars[][2] = {
        {"smtp", "CSMAIL_MAILSRV_SMTP_PORT"}, {"smtps", "CSMAIL_MAILSRV_SMTPS_PORT"},
        {"submission", "CSMAIL_MAILSRV_SUBMISSION_PORT"}, {"pop3", "CSMAIL_MAILSRV_POP3_PORT"},
        {"pop3s", "CSMAIL_MAILSRV_POP3S_PORT"},
    };
    char arg[64];
    size_t i;

    for (i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i][1]);

        if (v == NULL || v[0] == '\0')
            continue;
        snprintf(arg, sizeof arg, "%s=%s", vars[i][0], v);
        if (parse_override(arg) != 0) {
            fprintf(stderr, "error: %s=%s is not a port\n", vars[i][1], v);
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    static char cafile[4096];
    const char *real = getenv("CSMAIL_REAL"), *dir = getenv("CSMAIL_MAILSRV_DIR");
    struct sent a = {"", NULL, 0}, b = {"", NULL, 0}, c = {"", NULL, 0}, too_big = {"", NULL, 0},
                to_nobody = {"", NULL, 0}, refused = {"", NULL, 0};
    struct sent *all[] = {&a, &b, &c, &too_big, &to_nobody, &refused};
    struct via via;
    int i;

    /* Line-buffered stdout: progress and error messages stay in order in logs. */
    setvbuf(stdout, NULL, _IOLBF, BUFSIZ);

    if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        printf("usage: %s [HOST [CAFILE [NAME=VALUE...]]]\n"
               "  NAME: smtp, smtps, submission, pop3, pop3s (ports), strict, ipv6 (hosts)\n",
               argv[0]);
        return 0;
    }
    if (real == NULL || strcmp(real, "1") != 0) {
        printf("skipped: needs CSMAIL_REAL=1 (and the servers of scripts/mailservers.sh start; "
               "scripts/test-real-servers.sh does both)\n");
        return SKIP_CODE;
    }
    if (argc > 1 && argv[1][0] != '\0')
        cfg.host = argv[1];
    if (argc > 2 && argv[2][0] != '\0') {
        cfg.cafile = argv[2];
    } else {
        snprintf(cafile, sizeof cafile, "%s/pki/ca.pem", dir != NULL && dir[0] != '\0' ? dir : "/tmp/csmail-mailsrv");
        cfg.cafile = cafile;
    }
    if (env_overrides() != 0)
        return 2;
    for (i = 3; i < argc; i++) {
        if (parse_override(argv[i]) != 0) {
            fprintf(stderr, "error: bad argument '%s' (NAME=VALUE: smtp, smtps, submission, pop3, pop3s, strict, "
                            "ipv6)\n",
                    argv[i]);
            return 2;
        }
    }
    if (access(cfg.cafile, R_OK) != 0) {
        fprintf(stderr, "error: %s is not readable: run scripts/mailservers.sh start first\n", cfg.cafile);
        return EXIT_FAILURE;
    }
    printf("csmail %s against Postfix and Dovecot on %s (SMTP %d/%d/%d, POP3 %d/%d, strict %s, IPv6 %s), CA %s\n",
           csmail_version(), cfg.host, (int)cfg.smtp, (int)cfg.smtps, (int)cfg.submission, (int)cfg.pop3,
           (int)cfg.pop3s, cfg.strict_host, cfg.ipv6_host, cfg.cafile);

    if (make_message(&a, BOB_ADDR, 0) != 0 || make_message(&b, BOB_ADDR, 0) != 0 ||
        make_message(&c, BOB_ADDR, 0) != 0 || make_message(&too_big, BOB_ADDR, SIZE_LIMIT) != 0 ||
        make_message(&to_nobody, NOBODY_ADDR, 0) != 0 || make_message(&refused, BOB_ADDR, 0) != 0)
        goto done;

    printf("\n== sending: alice -> bob ==\n");
    send_2525_starttls_plain(&a, &too_big);
    send_2465_implicit_login(&b, &to_nobody);
    send_2587_starttls_cram(&c);

    printf("\n== fetching: bob's mailbox ==\n");
    via.host = cfg.host;
    via.port = cfg.pop3;
    via.sec = SEC_STARTTLS;
    via.mech = CSMAIL_AUTH_USER_PASS;
    via.login_line = "C: PASS <redacted>";
    take_tagged(&via, &a);
    via.port = cfg.pop3s;
    via.sec = SEC_IMPLICIT;
    via.mech = CSMAIL_AUTH_APOP;
    via.login_line = "C: APOP bob <redacted>";
    take_tagged(&via, &b);
    via.host = cfg.ipv6_host; /* IPv6: the certificate has the IP SAN ::1 */
    via.mech = CSMAIL_AUTH_PLAIN;
    via.login_line = "C: AUTH PLAIN <redacted>";
    take_tagged(&via, &c);

    printf("\n== failures ==\n");
    smtp_wrong_password();
    pop3_wrong_password();
    submission_without_tls(&refused);
    strict_pop3_plaintext_login();

    printf("\n== nothing left behind ==\n");
    sleep_ms(500); /* a message refused by Postfix would have been delivered by now */
    check_absent(all, sizeof all / sizeof all[0]);

done:
    for (i = 0; i < (int)(sizeof all / sizeof all[0]); i++)
        sent_free(all[i]);
    if (failures != 0) {
        printf("\n%d check(s) FAILED\n", failures);
        return EXIT_FAILURE;
    }
    printf("\nall checks passed\n");
    return EXIT_SUCCESS;
}
