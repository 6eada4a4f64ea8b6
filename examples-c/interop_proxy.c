/*
 * interop_proxy.c: csmail's proxy handlers from C against REAL proxies from Debian: Dante
 * (SOCKS4, SOCKS5), microsocks (SOCKS5) and tinyproxy (HTTP CONNECT), as scripts/proxies.sh
 * starts them, with the bundled csmail-server as the target. The C side of
 * tests/real_proxies.rs.
 *
 *   usage: interop_proxy SERVER_DIR [PROXY_DIR]
 *
 * SERVER_DIR is where a csmail-server runs (`csmail-server --dir SERVER_DIR`, or the ctest
 * fixture): its ports are in SERVER_DIR/ready (smtp=, smtps=, pop3=, pop3s=), its CA in
 * SERVER_DIR/ca.pem. PROXY_DIR (default $CSMAIL_PROXY_DIR, else /tmp/csmail-proxies) has the
 * proxies' ports in PROXY_DIR/ports (name=port); the credentials are the fixed ones of
 * scripts/proxies.sh.
 *
 * It needs the proxies running, so it only runs with CSMAIL_REAL=1 in the environment
 * (scripts/test-real-proxies.sh sets it); without, it prints "skipped: needs CSMAIL_REAL=1"
 * and exits 77, which ctest counts as skipped (SKIP_RETURN_CODE).
 *
 * Each proxy is a ProxyInfo (csmail_proxyinfo_new) attached with SetAdvancedHandler next to an
 * SSLInfo and a LogHandler. Every step is printed as "ok" or "FAILED":
 *   - round trips: a tagged message from alice to bob over STARTTLS or implicit TLS through the
 *     proxy, fetched back (and deleted) over POP3S through the same proxy; TLS must be on and
 *     the TARGET's certificate valid; the retrieved bytes must equal the bytes sent; through
 *     SOCKS5 (Dante, microsocks; without and with user/password), SOCKS4 (Dante) and HTTP
 *     CONNECT (tinyproxy; without and with Basic authentication);
 *   - failures, each with its result code, ErrorInfo number and a text fragment: a wrong SOCKS5
 *     password (eexProxyAuthfailed), missing credentials (eexProxyAuthrequired), a wrong
 *     tinyproxy password (eexProxyAuthfailed, "401"), a closed target port
 *     (eexProxyRequestfailed), a closed proxy port (eexProxyNoconn, OSError ECONNREFUSED);
 *   - every client's log is collected: no proxy password (nor a Basic token) may be in it,
 *     also with the LogHandler's log secrets switched on.
 * Exits 0 when every step passed.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "csmail.h"
#include "interop_util.h"

/* scripts/proxies.sh: Dante's `socksmethod: username` checks this system user. */
#define DANTE_USER "csproxyuser"
#define DANTE_PASS "csproxy-Pa55"
#define MS_USER "msuser"
#define MS_PASS "ms-Secret-1"
#define TP_USER "tpuser"
#define TP_PASS "tp-Secret-1"
#define WRONG_PASS "wrong-Pa55-xyz" /* a password no proxy accepts */
#define POP3_USER "bob"
#define POP3_PASS "bobpass"
#define SENDER "alice@example.com"
#define BOB_ADDR "bob@example.com"
#define TARGET "localhost" /* the name TLS verifies: the target's, never the proxy's */
#define DELIVERY_WAIT_MS 5000
#define SKIP_CODE 77


/* The bundled server and the proxies. */
static struct {
    char cafile[4096];
    int32_t smtp, smtps, pop3, pop3s;
    int32_t dante, dante_auth, microsocks, microsocks_auth, tinyproxy, tinyproxy_auth;
} cfg;

/* Every string that must never be in a log: filled in main. */
static char basic_ok[64], basic_wrong[64];
static const char *secrets[6];

enum tls { TLS_STARTTLS, TLS_IMPLICIT };

/* ---- reporting ---- */

/* ---- the log ---- */

/* Every line a LogHandler delivered, each as "\n" LINE "\n" in one string; the LOG_F_PROXY
 * lines also in `proxy`. */
struct log_buf {
    char *all, *proxy;
    size_t all_len, all_cap, proxy_len, proxy_cap;
    unsigned lines;
    int oom;
};

static void append_line(char **text, size_t *len, size_t *cap, int *oom, const char *message)
{
    size_t n = strlen(message);

    if (*len + n + 3 > *cap) {
        size_t c = (*cap == 0 ? 4096 : *cap * 2) + n;
        char *t = realloc(*text, c);

        if (t == NULL) {
            *oom = 1;
            return;
        }
        *text = t;
        *cap = c;
    }
    if (*len == 0)
        (*text)[(*len)++] = '\n';
    memcpy(*text + *len, message, n);
    *len += n;
    (*text)[(*len)++] = '\n';
    (*text)[*len] = '\0';
}

/* OnLogMessage: runs on the thread of the operation, during the call that logs. */
static void CSMAIL_CALL on_log(void *userdata, int32_t severity, int32_t facility, const char *message)
{
    struct log_buf *b = userdata;

    (void)severity;
    b->lines++;
    append_line(&b->all, &b->all_len, &b->all_cap, &b->oom, message);
    if (facility & LOG_F_PROXY)
        append_line(&b->proxy, &b->proxy_len, &b->proxy_cap, &b->oom, message);
}

static void log_free(struct log_buf *b)
{
    free(b->all);
    free(b->proxy);
    memset(b, 0, sizeof *b);
}

/* Whether `text` (a log_buf string) has `line` as a whole line. */
static int has_line(const char *text, const char *line)
{
    char pattern[512];

    if (text == NULL)
        return 0;
    snprintf(pattern, sizeof pattern, "\n%s\n", line);
    return strstr(text, pattern) != NULL;
}

static void print_log(const struct log_buf *b)
{
    printf("        --- the client's log:%s        ---\n", b->all != NULL ? b->all : " (empty)\n");
}

/* Checks that no secret (proxy passwords, Basic tokens) is in the log, and that there is a log. */
static void check_no_secrets(const char *what, const struct log_buf *b)
{
    size_t i;
    int leaked = 0;

    for (i = 0; i < sizeof secrets / sizeof secrets[0]; i++) {
        if (b->all != NULL && strstr(b->all, secrets[i]) != NULL) {
            check(0, "%s: the log shows a secret (\"%s\")", what, secrets[i]);
            leaked = 1;
        }
    }
    if (leaked)
        print_log(b);
    else if (b->oom)
        check(0, "%s: the log buffer ran out of memory", what);
    else
        check(b->lines > 0, "%s: no proxy password or Basic token in the log (%u lines)", what, b->lines);
}

static void expect_logged(const char *what, const struct log_buf *b, const char *line)
{
    if (!check(has_line(b->all, line), "%s: the log has \"%s\"", what, line))
        print_log(b);
}

/* ---- handlers and clients ---- */

/* A ProxyInfo of `kind` for host:port with optional credentials; NULL after reporting. */
static csmail_proxyinfo *proxy_new(int32_t kind, const char *host, int32_t port, const char *user,
                                   const char *password)
{
    static int password_checked;
    csmail_proxyinfo *p = csmail_proxyinfo_new(kind);
    char buf[64];
    size_t needed = 0;
    int32_t rc;

    if (p == NULL) {
        report_last("csmail_proxyinfo_new", CSMAIL_E_INVALID_ARGUMENT);
        return NULL;
    }
    if ((rc = csmail_proxyinfo_set_str(p, CSMAIL_PROP_HOST, host)) != CSMAIL_OK ||
        (rc = csmail_proxyinfo_set_int(p, CSMAIL_PROP_PORT, port)) != CSMAIL_OK ||
        (user != NULL && (rc = csmail_proxyinfo_set_str(p, CSMAIL_PROP_USER, user)) != CSMAIL_OK) ||
        (password != NULL && (rc = csmail_proxyinfo_set_str(p, CSMAIL_PROP_PASSWORD, password)) != CSMAIL_OK)) {
        report_last("setting up the ProxyInfo", rc);
        csmail_proxyinfo_release(p);
        return NULL;
    }
    if (password != NULL && !password_checked) {
        /* The password is write-only: it cannot be read back. */
        password_checked = 1;
        rc = csmail_proxyinfo_get_str(p, CSMAIL_PROP_PASSWORD, buf, sizeof buf, &needed);
        check(rc != CSMAIL_OK, "ProxyInfo password is write-only: reading it gives %s (%d)", csmail_strerror(rc),
              (int)rc);
    }
    return p;
}

static csmail_sslinfo *ssl_new(int32_t mode)
{
    csmail_sslinfo *ssl = csmail_sslinfo_new();
    int32_t rc;

    if ((rc = csmail_sslinfo_set_mode(ssl, mode)) != CSMAIL_OK ||
        (rc = csmail_sslinfo_set_str(ssl, SSLCAFile, cfg.cafile)) != CSMAIL_OK ||
        (rc = csmail_sslinfo_set_int(ssl, SSLNoSystemRoots, 1)) != CSMAIL_OK) {
        report_last("setting up the SSLInfo", rc);
        csmail_sslinfo_release(ssl);
        return NULL;
    }
    return ssl;
}

/* A LogHandler (everything, INFORMATION) collecting into b; NULL after reporting. */
static csmail_loghandler *log_new(struct log_buf *b, int secrets_on)
{
    csmail_loghandler *log = csmail_loghandler_new();
    int32_t rc;

    if ((rc = csmail_loghandler_set_level(log, LOG_S_INFORMATION)) != CSMAIL_OK ||
        (rc = csmail_loghandler_set_facility(log, LOG_F_ALL)) != CSMAIL_OK ||
        (rc = csmail_loghandler_set_callback(log, on_log, b)) != CSMAIL_OK ||
        (rc = csmail_loghandler_set_log_secrets(log, secrets_on)) != CSMAIL_OK) {
        report_last("setting up the LogHandler", rc);
        csmail_loghandler_release(log);
        return NULL;
    }
    return log;
}

/* An SMTP client for TARGET:port with the three handlers; NULL after reporting. */
static csmail_smtp *smtp_new(int32_t port, int32_t timeout_ms, csmail_sslinfo *ssl, csmail_proxyinfo *proxy,
                             csmail_loghandler *log)
{
    csmail_smtp *smtp = csmail_smtp_new();
    struct failure f;
    int32_t rc;

    if ((rc = csmail_smtp_set_str(smtp, CSMAIL_PROP_HOST, TARGET)) != CSMAIL_OK ||
        (rc = csmail_smtp_set_int(smtp, CSMAIL_PROP_PORT, port)) != CSMAIL_OK ||
        (rc = csmail_smtp_set_int(smtp, CSMAIL_PROP_TIMEOUT_MS, timeout_ms)) != CSMAIL_OK ||
        (rc = csmail_smtp_set_advanced_handler(smtp, ssl)) != CSMAIL_OK ||
        (rc = csmail_smtp_set_advanced_handler(smtp, proxy)) != CSMAIL_OK ||
        (rc = csmail_smtp_set_advanced_handler(smtp, log)) != CSMAIL_OK) {
        smtp_failure(smtp, rc, &f);
        report_failure("setting up the SMTP client", &f);
        csmail_smtp_release(smtp);
        return NULL;
    }
    return smtp;
}

/* A POP3 client for TARGET's POP3S port as bob with the three handlers; NULL after reporting. */
static csmail_pop3 *pop3_new(csmail_sslinfo *ssl, csmail_proxyinfo *proxy, csmail_loghandler *log)
{
    csmail_pop3 *pop3 = csmail_pop3_new();
    struct failure f;
    int32_t rc;

    if ((rc = csmail_pop3_set_str(pop3, CSMAIL_PROP_HOST, TARGET)) != CSMAIL_OK ||
        (rc = csmail_pop3_set_int(pop3, CSMAIL_PROP_PORT, cfg.pop3s)) != CSMAIL_OK ||
        (rc = csmail_pop3_set_int(pop3, CSMAIL_PROP_TIMEOUT_MS, 10000)) != CSMAIL_OK ||
        (rc = csmail_pop3_set_str(pop3, CSMAIL_PROP_USER, POP3_USER)) != CSMAIL_OK ||
        (rc = csmail_pop3_set_str(pop3, CSMAIL_PROP_PASSWORD, POP3_PASS)) != CSMAIL_OK ||
        (rc = csmail_pop3_set_advanced_handler(pop3, ssl)) != CSMAIL_OK ||
        (rc = csmail_pop3_set_advanced_handler(pop3, proxy)) != CSMAIL_OK ||
        (rc = csmail_pop3_set_advanced_handler(pop3, log)) != CSMAIL_OK) {
        pop3_failure(pop3, rc, &f);
        report_failure("setting up the POP3 client", &f);
        csmail_pop3_release(pop3);
        return NULL;
    }
    return pop3;
}

/* TLS on, the target's certificate valid for the test CA (as the SSLInfo outputs say). */
static void check_tls(const char *what, int32_t active, const csmail_sslinfo *ssl)
{
    int32_t status = -1, rc;

    if ((rc = csmail_sslinfo_get_int(ssl, SSLCertificateStatus, &status)) != CSMAIL_OK)
        report_last("SSLInfo.Option(SSLCertificateStatus)", rc);
    check(active == 1 && status == CERTIFICATE_VALID,
          "%s: TLS active %d, certificate of " TARGET " status %d (CERTIFICATE_VALID %d)", what, (int)active,
          (int)status, CERTIFICATE_VALID);
}

/* ---- round trips ---- */

/* Sends a tagged message to bob through `proxy` over `tls`, fetches it back over POP3S through
 * `proxy`, checks TLS, the bytes, the tunnels in the log and the absence of secrets; deletes
 * it. `expect_line`, when not NULL, must be a line of the log. `secrets_on` switches the
 * LogHandler's log secrets on: proxy passwords must stay out of the log even then. */
static void round_trip(const char *name, csmail_proxyinfo *proxy, enum tls tls, const char *expect_line,
                       int secrets_on)
{
    static unsigned seq;
    struct log_buf log = {NULL, NULL, 0, 0, 0, 0, 0, 0};
    csmail_loghandler *loghandler = NULL;
    csmail_sslinfo *ssl = NULL, *pssl = NULL;
    csmail_smtp *smtp = NULL;
    csmail_pop3 *pop3 = NULL;
    struct failure f;
    const char *recipients[] = {BOB_ADDR};
    int32_t port = tls == TLS_STARTTLS ? cfg.smtp : cfg.smtps, rc, v = -1, committed = -1;
    char what[160], subject[160], message[1024], tunnel[128];
    int len;
    long n = 0, deadline;
    size_t i;

    printf("\n-- %s: SMTP %s to " TARGET ":%d, then POP3S to " TARGET ":%d%s --\n", name,
           tls == TLS_STARTTLS ? "STARTTLS" : "implicit TLS", (int)port, (int)cfg.pop3s,
           secrets_on ? ", log secrets ON" : "");
    snprintf(subject, sizeof subject, "\r\nSubject: csmail interop_proxy %ld-%u %s\r\n", (long)getpid(), seq++, name);
    len = snprintf(message, sizeof message,
                   "From: Alice <" SENDER ">\r\n"
                   "To: Bob <" BOB_ADDR ">%s"
                   "Date: Sun, 22 Nov 2026 06:00:00 +0000\r\n"
                   "Message-ID: <%ld.%u.interop_proxy@csmail.test>\r\n"
                   "\r\n"
                   "through a real proxy (%s)\r\n"
                   ".a line with a leading dot\r\n"
                   "last line\r\n",
                   subject, (long)getpid(), seq, name);
    if (len < 0 || (size_t)len >= sizeof message) {
        check(0, "%s: message buffer too small", name);
        return;
    }

    loghandler = log_new(&log, secrets_on);
    ssl = ssl_new(tls == TLS_STARTTLS ? MODE_STARTTLS : MODE_CHANNEL);
    pssl = ssl_new(MODE_CHANNEL);
    if (loghandler == NULL || ssl == NULL || pssl == NULL ||
        (smtp = smtp_new(port, 10000, ssl, proxy, loghandler)) == NULL ||
        (pop3 = pop3_new(pssl, proxy, loghandler)) == NULL)
        goto done;

    /* SMTP through the proxy. */
    snprintf(what, sizeof what, "%s: SMTP", name);
    if ((rc = csmail_smtp_connect(smtp)) != CSMAIL_OK) {
        smtp_failure(smtp, rc, &f);
        report_failure("SMTP Connect through the proxy", &f);
        print_log(&log);
        goto done;
    }
    if ((rc = csmail_smtp_get_int(smtp, CSMAIL_PROP_TLS_ACTIVE, &v)) != CSMAIL_OK) {
        smtp_failure(smtp, rc, &f);
        report_failure("SMTP TLS_ACTIVE", &f);
    }
    check_tls(what, v, ssl);
    if ((rc = csmail_smtp_send_mem(smtp, SENDER, recipients, 1, (const uint8_t *)message, (size_t)len)) !=
        CSMAIL_OK) {
        smtp_failure(smtp, rc, &f);
        report_failure("Send through the proxy", &f);
        print_log(&log);
        goto done;
    }
    check(1, "%s: sent %d bytes to " BOB_ADDR, what, len);
    if ((rc = csmail_smtp_disconnect(smtp)) != CSMAIL_OK) {
        smtp_failure(smtp, rc, &f);
        report_failure("SMTP Disconnect", &f);
    }

    /* POP3S through the proxy: wait for the message (reconnecting: a session sees the mailbox
     * as it was at login), retrieve, compare, delete. */
    snprintf(what, sizeof what, "%s: POP3S", name);
    deadline = now_ms() + DELIVERY_WAIT_MS;
    for (;;) {
        if ((rc = csmail_pop3_connect(pop3)) != CSMAIL_OK) {
            pop3_failure(pop3, rc, &f);
            report_failure("POP3 Connect through the proxy", &f);
            print_log(&log);
            goto done;
        }
        if ((n = find_message(pop3, subject)) != 0)
            break;
        if ((rc = csmail_pop3_disconnect(pop3, &committed)) != CSMAIL_OK) {
            pop3_failure(pop3, rc, &f);
            report_failure("POP3 Disconnect", &f);
            goto done;
        }
        if (now_ms() > deadline) {
            check(0, "%s: the message did not reach bob's mailbox within %d ms", what, DELIVERY_WAIT_MS);
            goto done;
        }
        sleep_ms(100);
    }
    if (n > 0) {
        csmail_message *msg = NULL;
        const uint8_t *data = NULL;
        size_t got = 0;

        if ((rc = csmail_pop3_get_int(pop3, CSMAIL_PROP_TLS_ACTIVE, &v)) != CSMAIL_OK) {
            pop3_failure(pop3, rc, &f);
            report_failure("POP3 TLS_ACTIVE", &f);
        }
        check_tls(what, v, pssl);
        if ((rc = csmail_pop3_retrieve(pop3, (uint32_t)n, &msg)) != CSMAIL_OK) {
            pop3_failure(pop3, rc, &f);
            report_failure("RETR", &f);
        } else if ((rc = csmail_message_data(msg, &data, &got)) != CSMAIL_OK) {
            report_last("Message data", rc);
        } else {
            check(got == (size_t)len && memcmp(data, message, got) == 0,
                  "%s: message %ld is exactly the %d bytes sent (got %zu)", what, n, len, got);
        }
        if (msg != NULL)
            csmail_message_release(msg);
        if ((rc = csmail_pop3_delete(pop3, (uint32_t)n)) != CSMAIL_OK) {
            pop3_failure(pop3, rc, &f);
            report_failure("DELE", &f);
        }
        committed = -1;
        if ((rc = csmail_pop3_disconnect(pop3, &committed)) != CSMAIL_OK) {
            pop3_failure(pop3, rc, &f);
            report_failure("POP3 Disconnect", &f);
        }
        check(committed == 1, "%s: Disconnect, committed = %d (the deletion is committed)", what, (int)committed);
    }

    /* The log: both tunnels (LOG_F_PROXY), the expected line, no secrets. */
    {
        int32_t ports[2];

        ports[0] = port;
        ports[1] = cfg.pop3s;
        for (i = 0; i < 2; i++) {
            snprintf(tunnel, sizeof tunnel, "tunnel to " TARGET ":%d open", (int)ports[i]);
            if (!check(has_line(log.proxy, tunnel), "%s: the log has \"%s\" (LOG_F_PROXY)", name, tunnel))
                print_log(&log);
        }
    }
    if (expect_line != NULL)
        expect_logged(name, &log, expect_line);
    check_no_secrets(name, &log);
    if (secrets_on) {
        /* The control: log secrets are on, so bob's SASL PLAIN response (AUTO over TLS) is
         * shown; the proxy's password still is not (checked above). */
        static const unsigned char plain[] = "\0" POP3_USER "\0" POP3_PASS;
        char plain_b64[64];

        base64(plain, sizeof plain - 1, plain_b64);
        if (!check(log.all != NULL && strstr(log.all, plain_b64) != NULL,
                   "%s: control: with log secrets on, the log shows bob's AUTH PLAIN payload %s", name, plain_b64))
            print_log(&log);
    }

done:
    if (smtp != NULL)
        csmail_smtp_release(smtp);
    if (pop3 != NULL)
        csmail_pop3_release(pop3);
    if (ssl != NULL)
        csmail_sslinfo_release(ssl);
    if (pssl != NULL)
        csmail_sslinfo_release(pssl);
    if (loghandler != NULL)
        csmail_loghandler_release(loghandler);
    log_free(&log);
}

/* An SMTP (STARTTLS) connect to TARGET:port through `proxy` that must fail with want_rc,
 * want_eex and a text containing `fragment`; returns the OSError of the failure. */
static int32_t connect_fails(const char *name, csmail_proxyinfo *proxy, int32_t port, int32_t want_rc,
                             int32_t want_eex, const char *fragment)
{
    struct log_buf log = {NULL, NULL, 0, 0, 0, 0, 0, 0};
    csmail_loghandler *loghandler = NULL;
    csmail_sslinfo *ssl = NULL;
    csmail_smtp *smtp = NULL;
    struct failure f;
    int32_t v = -1, rc, os_error = 0;

    if (proxy == NULL) {
        check(0, "%s: no ProxyInfo", name);
        return 0;
    }
    if ((loghandler = log_new(&log, 0)) != NULL && (ssl = ssl_new(MODE_STARTTLS)) != NULL &&
        (smtp = smtp_new(port, 5000, ssl, proxy, loghandler)) != NULL) {
        smtp_failure(smtp, csmail_smtp_connect(smtp), &f);
        if (!expect_failure(name, &f, want_rc, want_eex, fragment))
            print_log(&log);
        os_error = f.os_error;
        if ((rc = csmail_smtp_get_int(smtp, CSMAIL_PROP_CONNECTED, &v)) != CSMAIL_OK)
            report_last("SMTP CONNECTED", rc);
        check(v == 0, "%s: not connected", name);
        check_no_secrets(name, &log);
    }
    if (smtp != NULL)
        csmail_smtp_release(smtp);
    if (ssl != NULL)
        csmail_sslinfo_release(ssl);
    if (loghandler != NULL)
        csmail_loghandler_release(loghandler);
    csmail_proxyinfo_release(proxy);
    log_free(&log);
    return os_error;
}

/* ---- set-up ---- */

/* A loopback port nobody listens on: bound, then closed. 0 after a failure. */
static int32_t closed_port(void)
{
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int32_t port = 0;

    if (s < 0)
        return 0;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    if (bind(s, (struct sockaddr *)&a, sizeof a) == 0 && getsockname(s, (struct sockaddr *)&a, &alen) == 0)
        port = ntohs(a.sin_port);
    close(s);
    return port;
}

/* Reads NAME=PORT lines of `path` into the ports named in `names`; every name must be found. */
static int read_ports(const char *path, const char *const *names, int32_t *const *ports, size_t count)
{
    FILE *fp = fopen(path, "r");
    char line[256];
    size_t i, found = 0;

    if (fp == NULL) {
        fprintf(stderr, "error: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    for (i = 0; i < count; i++)
        *ports[i] = 0;
    while (fgets(line, sizeof line, fp) != NULL) {
        char *eq = strchr(line, '='), *end = NULL;
        long v;

        if (eq == NULL)
            continue;
        *eq = '\0';
        v = strtol(eq + 1, &end, 10);
        if (end == eq + 1 || (*end != '\n' && *end != '\0') || v < 1 || v > 65535)
            continue;
        for (i = 0; i < count; i++) {
            if (strcmp(line, names[i]) == 0 && *ports[i] == 0) {
                *ports[i] = (int32_t)v;
                found++;
            }
        }
    }
    fclose(fp);
    for (i = 0; i < count; i++)
        if (*ports[i] == 0)
            fprintf(stderr, "error: no %s=PORT line in %s\n", names[i], path);
    return found == count ? 0 : -1;
}

int main(int argc, char **argv)
{
    static const char *server_names[] = {"smtp", "smtps", "pop3", "pop3s"};
    static const char *proxy_names[] = {"dante",      "dante_auth", "microsocks", "microsocks_auth",
                                        "tinyproxy", "tinyproxy_auth"};
    int32_t *server_ports[] = {&cfg.smtp, &cfg.smtps, &cfg.pop3, &cfg.pop3s};
    int32_t *proxy_ports[] = {&cfg.dante,     &cfg.dante_auth, &cfg.microsocks, &cfg.microsocks_auth,
                              &cfg.tinyproxy, &cfg.tinyproxy_auth};
    static const int32_t kinds[] = {CSMAIL_PROXY_SOCKS4, CSMAIL_PROXY_SOCKS4A, CSMAIL_PROXY_SOCKS5, CSMAIL_PROXY_HTTP};
    static const char *kind_names[] = {"SOCKS4", "SOCKS4a", "SOCKS5", "HTTP"};
    const char *real = getenv("CSMAIL_REAL"), *env_dir = getenv("CSMAIL_PROXY_DIR"), *server_dir, *proxy_dir;
    char path[4096], line[256], fragment[160], name[128];
    csmail_proxyinfo *p;
    int32_t dead, os_error;
    size_t i;

    /* Line-buffered stdout: progress and error messages stay in order in logs. */
    setvbuf(stdout, NULL, _IOLBF, BUFSIZ);

    if (argc < 2 || argc > 3 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        fprintf(stderr, "usage: %s SERVER_DIR [PROXY_DIR]\n", argv[0]);
        return 2;
    }
    if (real == NULL || strcmp(real, "1") != 0) {
        printf("skipped: needs CSMAIL_REAL=1 (and the proxies of scripts/proxies.sh start; "
               "scripts/test-real-proxies.sh does both)\n");
        return SKIP_CODE;
    }
    server_dir = argv[1];
    proxy_dir = argc > 2 ? argv[2] : env_dir != NULL && env_dir[0] != '\0' ? env_dir : "/tmp/csmail-proxies";
    snprintf(path, sizeof path, "%s/ready", server_dir);
    if (read_ports(path, server_names, server_ports, 4) != 0) {
        fprintf(stderr, "error: is csmail-server running in %s?\n", server_dir);
        return EXIT_FAILURE;
    }
    snprintf(path, sizeof path, "%s/ports", proxy_dir);
    if (read_ports(path, proxy_names, proxy_ports, 6) != 0) {
        fprintf(stderr, "error: run scripts/proxies.sh install && scripts/proxies.sh start first\n");
        return EXIT_FAILURE;
    }
    snprintf(cfg.cafile, sizeof cfg.cafile, "%s/ca.pem", server_dir);
    if (access(cfg.cafile, R_OK) != 0) {
        fprintf(stderr, "error: %s is not readable\n", cfg.cafile);
        return EXIT_FAILURE;
    }
    base64((const unsigned char *)TP_USER ":" TP_PASS, strlen(TP_USER ":" TP_PASS), basic_ok);
    base64((const unsigned char *)TP_USER ":" WRONG_PASS, strlen(TP_USER ":" WRONG_PASS), basic_wrong);
    secrets[0] = DANTE_PASS;
    secrets[1] = MS_PASS;
    secrets[2] = TP_PASS;
    secrets[3] = WRONG_PASS;
    secrets[4] = basic_ok;
    secrets[5] = basic_wrong;
    printf("csmail %s through real proxies (dante %d, dante_auth %d, microsocks %d, microsocks_auth %d, "
           "tinyproxy %d, tinyproxy_auth %d) to csmail-server on " TARGET " (smtp %d, smtps %d, pop3s %d)\n",
           csmail_version(), (int)cfg.dante, (int)cfg.dante_auth, (int)cfg.microsocks, (int)cfg.microsocks_auth,
           (int)cfg.tinyproxy, (int)cfg.tinyproxy_auth, (int)cfg.smtp, (int)cfg.smtps, (int)cfg.pop3s);

    printf("\n== working tunnels ==\n");
    /* SOCKS5, no authentication. */
    if ((p = proxy_new(CSMAIL_PROXY_SOCKS5, "127.0.0.1", cfg.dante, NULL, NULL)) != NULL) {
        round_trip("SOCKS5 dante", p, TLS_STARTTLS, "SOCKS5 reply code 0", 0);
        csmail_proxyinfo_release(p);
    }
    if ((p = proxy_new(CSMAIL_PROXY_SOCKS5, "127.0.0.1", cfg.microsocks, NULL, NULL)) != NULL) {
        round_trip("SOCKS5 microsocks", p, TLS_IMPLICIT, "SOCKS5 reply code 0", 0);
        csmail_proxyinfo_release(p);
    }
    /* SOCKS5 with user/password (RFC 1929). */
    if ((p = proxy_new(CSMAIL_PROXY_SOCKS5, "127.0.0.1", cfg.dante_auth, DANTE_USER, DANTE_PASS)) != NULL) {
        round_trip("SOCKS5 dante_auth", p, TLS_STARTTLS,
                   "SOCKS5 user/password authentication as " DANTE_USER " (password <redacted>)", 0);
        round_trip("SOCKS5 dante_auth", p, TLS_IMPLICIT,
                   "SOCKS5 user/password authentication as " DANTE_USER " (password <redacted>)", 1);
        csmail_proxyinfo_release(p);
    }
    if ((p = proxy_new(CSMAIL_PROXY_SOCKS5, "127.0.0.1", cfg.microsocks_auth, MS_USER, MS_PASS)) != NULL) {
        round_trip("SOCKS5 microsocks_auth", p, TLS_IMPLICIT,
                   "SOCKS5 user/password authentication as " MS_USER " (password <redacted>)", 0);
        csmail_proxyinfo_release(p);
    }
    /* microsocks listening on [::1]; it resolves "localhost" itself. */
    if ((p = proxy_new(CSMAIL_PROXY_SOCKS5, "::1", cfg.microsocks, NULL, NULL)) != NULL) {
        round_trip("SOCKS5 microsocks on [::1]", p, TLS_STARTTLS, NULL, 0);
        csmail_proxyinfo_release(p);
    }
    /* SOCKS4: "localhost" is resolved here; USER is the SOCKS4 user id (Dante does no identd). */
    if ((p = proxy_new(CSMAIL_PROXY_SOCKS4, "127.0.0.1", cfg.dante, "ident-user", NULL)) != NULL) {
        round_trip("SOCKS4 dante", p, TLS_IMPLICIT, NULL, 0);
        round_trip("SOCKS4 dante", p, TLS_STARTTLS, NULL, 0);
        csmail_proxyinfo_release(p);
    }
    /* HTTP CONNECT, without and with Basic authentication. */
    if ((p = proxy_new(CSMAIL_PROXY_HTTP, "127.0.0.1", cfg.tinyproxy, NULL, NULL)) != NULL) {
        round_trip("HTTP tinyproxy", p, TLS_STARTTLS, "S: HTTP/1.0 200 Connection established", 0);
        csmail_proxyinfo_release(p);
    }
    if ((p = proxy_new(CSMAIL_PROXY_HTTP, "127.0.0.1", cfg.tinyproxy_auth, TP_USER, TP_PASS)) != NULL) {
        snprintf(line, sizeof line, "C: CONNECT " TARGET ":%d HTTP/1.1 (Proxy-Authorization: Basic <redacted>)",
                 (int)cfg.smtps);
        round_trip("HTTP tinyproxy_auth", p, TLS_IMPLICIT, line, 0);
        snprintf(line, sizeof line, "C: CONNECT " TARGET ":%d HTTP/1.1 (Proxy-Authorization: Basic <redacted>)",
                 (int)cfg.smtp);
        round_trip("HTTP tinyproxy_auth", p, TLS_STARTTLS, line, 1);
        csmail_proxyinfo_release(p);
    }

    printf("\n== failures ==\n");
    /* A wrong SOCKS5 password: Dante answers status 1, microsocks status 2. */
    connect_fails("SOCKS5 dante_auth, wrong password",
                  proxy_new(CSMAIL_PROXY_SOCKS5, "127.0.0.1", cfg.dante_auth, DANTE_USER, WRONG_PASS), cfg.smtp,
                  CSMAIL_E_CONNECT, eexProxyAuthfailed,
                  "the SOCKS5 proxy rejected the credentials of " DANTE_USER " (status 1)");
    connect_fails("SOCKS5 microsocks_auth, wrong password",
                  proxy_new(CSMAIL_PROXY_SOCKS5, "127.0.0.1", cfg.microsocks_auth, MS_USER, WRONG_PASS), cfg.smtp,
                  CSMAIL_E_CONNECT, eexProxyAuthfailed,
                  "the SOCKS5 proxy rejected the credentials of " MS_USER " (status 2)");
    /* Missing credentials: no acceptable SOCKS5 method (05 FF); HTTP 407. */
    connect_fails("SOCKS5 dante_auth, no credentials",
                  proxy_new(CSMAIL_PROXY_SOCKS5, "127.0.0.1", cfg.dante_auth, NULL, NULL), cfg.smtp, CSMAIL_E_CONNECT,
                  eexProxyAuthrequired, "the SOCKS5 proxy requires authentication");
    connect_fails("SOCKS5 microsocks_auth, no credentials",
                  proxy_new(CSMAIL_PROXY_SOCKS5, "127.0.0.1", cfg.microsocks_auth, NULL, NULL), cfg.smtp,
                  CSMAIL_E_CONNECT, eexProxyAuthrequired, "the SOCKS5 proxy requires authentication");
    connect_fails("HTTP tinyproxy_auth, no credentials",
                  proxy_new(CSMAIL_PROXY_HTTP, "127.0.0.1", cfg.tinyproxy_auth, NULL, NULL), cfg.smtp,
                  CSMAIL_E_CONNECT, eexProxyAuthrequired, "407");
    /* SOCKS4 has no authentication: Dante's username-only listener refuses the request (0x5B). */
    connect_fails("SOCKS4 dante_auth", proxy_new(CSMAIL_PROXY_SOCKS4, "127.0.0.1", cfg.dante_auth, NULL, NULL),
                  cfg.smtp, CSMAIL_E_CONNECT, eexProxyRequestfailed, "the SOCKS4 proxy rejected the request (0x5B)");
    /* tinyproxy answers WRONG credentials with "401 Unauthorized". */
    connect_fails("HTTP tinyproxy_auth, wrong password",
                  proxy_new(CSMAIL_PROXY_HTTP, "127.0.0.1", cfg.tinyproxy_auth, TP_USER, WRONG_PASS), cfg.smtp,
                  CSMAIL_E_CONNECT, eexProxyAuthfailed, "401");
    /* Dante has no SOCKS4a: it takes the 0.0.0.1 marker for the address and answers 0x5B. */
    connect_fails("SOCKS4a dante (Dante has no SOCKS4a)",
                  proxy_new(CSMAIL_PROXY_SOCKS4A, "127.0.0.1", cfg.dante, NULL, NULL), cfg.smtps, CSMAIL_E_CONNECT,
                  eexProxyRequestfailed, "the SOCKS4 proxy rejected the request (0x5B)");

    /* The target's port is closed: SOCKS5 reply 5, SOCKS4 0x5B, HTTP 500. */
    if ((dead = closed_port()) == 0) {
        check(0, "finding a closed port: %s", strerror(errno));
    } else {
        snprintf(fragment, sizeof fragment, "refused the connection to " TARGET ":%d: connection refused (5)",
                 (int)dead);
        connect_fails("SOCKS5 dante, target port closed",
                      proxy_new(CSMAIL_PROXY_SOCKS5, "127.0.0.1", cfg.dante, NULL, NULL), dead, CSMAIL_E_CONNECT,
                      eexProxyRequestfailed, fragment);
        connect_fails("SOCKS5 dante_auth, target port closed",
                      proxy_new(CSMAIL_PROXY_SOCKS5, "127.0.0.1", cfg.dante_auth, DANTE_USER, DANTE_PASS), dead,
                      CSMAIL_E_CONNECT, eexProxyRequestfailed, fragment);
        connect_fails("SOCKS5 microsocks, target port closed",
                      proxy_new(CSMAIL_PROXY_SOCKS5, "127.0.0.1", cfg.microsocks, NULL, NULL), dead, CSMAIL_E_CONNECT,
                      eexProxyRequestfailed, fragment);
        connect_fails("SOCKS5 microsocks_auth, target port closed",
                      proxy_new(CSMAIL_PROXY_SOCKS5, "127.0.0.1", cfg.microsocks_auth, MS_USER, MS_PASS), dead,
                      CSMAIL_E_CONNECT, eexProxyRequestfailed, fragment);
        connect_fails("SOCKS4 dante, target port closed",
                      proxy_new(CSMAIL_PROXY_SOCKS4, "127.0.0.1", cfg.dante, NULL, NULL), dead, CSMAIL_E_CONNECT,
                      eexProxyRequestfailed, "the SOCKS4 proxy rejected the request (0x5B)");
        connect_fails("HTTP tinyproxy, target port closed",
                      proxy_new(CSMAIL_PROXY_HTTP, "127.0.0.1", cfg.tinyproxy, NULL, NULL), dead, CSMAIL_E_CONNECT,
                      eexProxyRequestfailed, "500 Unable to connect");
        connect_fails("HTTP tinyproxy_auth, target port closed",
                      proxy_new(CSMAIL_PROXY_HTTP, "127.0.0.1", cfg.tinyproxy_auth, TP_USER, TP_PASS), dead,
                      CSMAIL_E_CONNECT, eexProxyRequestfailed, "500 Unable to connect");
    }

    /* The proxy's port is closed: eexProxyNoconn with ECONNREFUSED, for every tunnel kind. */
    if ((dead = closed_port()) == 0) {
        check(0, "finding a closed port: %s", strerror(errno));
    } else {
        snprintf(fragment, sizeof fragment, "proxy: cannot connect to 127.0.0.1:%d: ", (int)dead);
        for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
            snprintf(name, sizeof name, "%s, proxy port %d closed", kind_names[i], (int)dead);
            os_error = connect_fails(name, proxy_new(kinds[i], "127.0.0.1", dead, NULL, NULL), cfg.smtp,
                                     CSMAIL_E_CONNECT, eexProxyNoconn, fragment);
            check(os_error == ECONNREFUSED, "%s: OSError %d (ECONNREFUSED %d)", name, (int)os_error, ECONNREFUSED);
        }
    }

    if (failures != 0) {
        printf("\n%d check(s) FAILED\n", failures);
        return EXIT_FAILURE;
    }
    printf("\nall checks passed\n");
    return EXIT_SUCCESS;
}
