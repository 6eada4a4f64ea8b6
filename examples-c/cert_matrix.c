/*
 * cert_matrix.c: the certificate fixture matrix of tests/certificates.rs, through the C API.
 *
 *   usage: cert_matrix DIR [FILTER]
 *
 * DIR is served by examples/cert_fixtures.rs (examples-c/cert-fixture.sh starts it): badssl-like
 * server certificates (valid, wrong host, expired, self-signed, untrusted root, missing
 * intermediate, revoked, wildcard, IP SAN, CN only, SHA-1, RSA-1024, ...), each on its own
 * servers. DIR/manifest.txt lists the cases, one fixture x policy x transport a line, with what
 * csmail must make of each (the expectations of tests/fixtures/mod.rs; the fields are described
 * at the top of examples/cert_fixtures.rs).
 *
 * Every case connects once with a fresh SSLInfo: SSLCAFile = the fixture's trust file with
 * SSLNoSystemRoots, SSLServerName and SSLCRLFile where the fixture has them, and the policy:
 *   default        nothing more
 *   no_name_check  SSLNoServerNameCheck
 *   no_validation  SSLNoServerCertificateValidation
 *   both           the two
 *   callback       seed 001's validation callback (name mismatch and chain errors are fine,
 *                  expired, revoked and invalid certificates are not)
 *   pin            SSLCertificatePin = the self-signed fixture's fingerprint
 * and checks the connect's result, csmail_last_eex and ErrorInfo.Number, SSLCertificateStatus,
 * SSLCertificatePolicyErrors, the certificate's subject, issuer, dates, fingerprint and count,
 * what the callback saw, and SSLConnectionProtocolOut. An accepted connection must go on (SMTP
 * RSET, POP3 NOOP) and disconnect cleanly; a refused one must leave the client disconnected.
 *
 * FILTER (optional) runs only the cases whose "fixture/policy/transport" contains it. Prints one
 * line per case and "N passed, M failed"; exits 0 only when every case passed.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csmail.h"

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/* ---- names of the header's constants, as the manifest writes them ---------------------- */

struct name {
    const char *name;
    int32_t value;
};

#define NAME(c) {#c, c}
static const struct name results[] = {NAME(CSMAIL_OK), NAME(CSMAIL_E_CONNECT), {NULL, 0}};
static const struct name eexes[] = {{"-", 0},
                                    NAME(eexSSLCertName),
                                    NAME(eexSSLCertificate),
                                    NAME(eexSSLProtocol),
                                    NAME(eexSSLConnected),
                                    NAME(eexSSLLegacyServer),
                                    {NULL, 0}};
static const struct name statuses[] = {NAME(CERTIFICATE_NONE),     NAME(CERTIFICATE_VALID),
                                       NAME(CERTIFICATE_NO_MATCH), NAME(CERTIFICATE_EXPIRED),
                                       NAME(CERTIFICATE_REVOKED),  NAME(CERTIFICATE_UNTRUSTED),
                                       NAME(CERTIFICATE_INVALID),  {NULL, 0}};
static const struct name flag_bits[] = {
    NAME(CERT_POLICY_NOT_AVAILABLE), NAME(CERT_POLICY_NAME_MISMATCH), NAME(CERT_POLICY_CHAIN_ERRORS), {NULL, 0}};
#undef NAME

static int value_of(const struct name *names, const char *name, int32_t *value)
{
    for (; names->name != NULL; names++)
        if (strcmp(names->name, name) == 0) {
            *value = names->value;
            return 0;
        }
    return -1;
}

/* The name of `value`, or its number in `buf`. */
static const char *name_of(const struct name *names, int32_t value, char *buf, size_t len)
{
    for (; names->name != NULL; names++)
        if (names->value == value)
            return names->name;
    snprintf(buf, len, "%d", (int)value);
    return buf;
}

/* "0" or "A|B" into buf. */
static const char *flags_text(int32_t flags, char *buf, size_t len)
{
    const struct name *b;
    size_t used = 0;

    buf[0] = '\0';
    for (b = flag_bits; b->name != NULL; b++)
        if (flags & b->value) {
            used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s", used ? "|" : "", b->name);
            flags &= ~b->value;
        }
    if (flags != 0)
        used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s0x%x", used ? "|" : "", (unsigned)flags);
    if (used == 0)
        snprintf(buf, len, "0");
    return buf;
}

/* "A|B" or "0" -> flags. */
static int flags_value(const char *text, int32_t *flags)
{
    char copy[256], *tok, *save = NULL;

    *flags = 0;
    if (strcmp(text, "0") == 0)
        return 0;
    if (strlen(text) >= sizeof copy)
        return -1;
    strcpy(copy, text);
    for (tok = strtok_r(copy, "|", &save); tok != NULL; tok = strtok_r(NULL, "|", &save)) {
        int32_t bit;

        if (value_of(flag_bits, tok, &bit) != 0)
            return -1;
        *flags |= bit;
    }
    return 0;
}

/* ---- the manifest ------------------------------------------------------------------------ */

enum {
    F_FIXTURE,
    F_TRANSPORT,
    F_POLICY,
    F_HOST,
    F_PORT,
    F_SERVER_NAME,
    F_TRUST,
    F_CRL,
    F_PIN,
    F_RESULT,
    F_EEX,
    F_STATUS,
    F_FLAGS,
    F_COUNT,
    F_SUBJECT,
    F_ISSUER,
    F_ISSUED,
    F_EXPIRES,
    F_FINGERPRINT,
    F_SEEN_STATUS,
    F_SEEN_FLAGS,
    NFIELDS
};

enum policy { P_DEFAULT, P_NO_NAME_CHECK, P_NO_VALIDATION, P_BOTH, P_CALLBACK, P_PIN };

struct kase {
    const char *field[NFIELDS]; /* into the line; NULL for "-" */
    char label[256];            /* fixture/policy/transport */
    int pop3;
    int32_t mode;
    enum policy policy;
    int32_t port, result, eex, status, flags, count, seen_status, seen_flags;
};

/* Splits `line` into fields in place: space-separated, a field in double quotes may hold spaces
 * with \" and \\ as escapes. Returns the number of fields, or -1 for a bad quote. */
static int split_fields(char *line, char **fields, int max)
{
    char *p = line;
    int n = 0;

    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0' || *p == '\n' || *p == '\r')
            return n;
        if (n == max)
            return max + 1;
        if (*p == '"') {
            char *out = ++p;

            fields[n++] = out;
            while (*p != '"') {
                if (*p == '\0' || *p == '\n')
                    return -1;
                if (*p == '\\') {
                    p++;
                    if (*p != '"' && *p != '\\')
                        return -1;
                }
                *out++ = *p++;
            }
            p++;
            if (*p != ' ' && *p != '\t' && *p != '\0' && *p != '\n' && *p != '\r')
                return -1;
            *out = '\0';
        } else {
            fields[n++] = p;
            while (*p != ' ' && *p != '\t' && *p != '\0' && *p != '\n' && *p != '\r')
                p++;
            if (*p == '\0') {
                continue;
            }
            *p++ = '\0';
        }
    }
}

static int parse_int(const char *s, long lo, long hi, int32_t *out)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);

    if (end == s || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = (int32_t)v;
    return 0;
}

/* Parses one manifest line into `k`; on error prints why and returns -1. */
static int parse_case(char *line, const char *where, struct kase *k)
{
    static const char *const policies[] = {"default", "no_name_check", "no_validation", "both", "callback", "pin"};
    char *fields[NFIELDS];
    const char *bad = NULL;
    int n = split_fields(line, fields, NFIELDS), i;

    if (n != NFIELDS) {
        if (n < 0)
            fprintf(stderr, "error: %s: unbalanced quotes or a bad escape\n", where);
        else
            fprintf(stderr, "error: %s: %d fields, expected %d\n", where, n > NFIELDS ? n - 1 : n, NFIELDS);
        return -1;
    }
    memset(k, 0, sizeof *k);
    for (i = 0; i < NFIELDS; i++)
        k->field[i] = strcmp(fields[i], "-") == 0 ? NULL : fields[i];
    if (k->field[F_FIXTURE] == NULL || k->field[F_TRANSPORT] == NULL || k->field[F_POLICY] == NULL ||
        k->field[F_HOST] == NULL || k->field[F_TRUST] == NULL || k->field[F_STATUS] == NULL ||
        k->field[F_SUBJECT] == NULL || k->field[F_FINGERPRINT] == NULL) {
        fprintf(stderr, "error: %s: a required field is '-'\n", where);
        return -1;
    }
    snprintf(k->label, sizeof k->label, "%s/%s/%s", fields[F_FIXTURE], fields[F_POLICY], fields[F_TRANSPORT]);

    if (strcmp(fields[F_TRANSPORT], "smtps") == 0)
        k->pop3 = 0, k->mode = MODE_CHANNEL;
    else if (strcmp(fields[F_TRANSPORT], "smtp+starttls") == 0)
        k->pop3 = 0, k->mode = MODE_STARTTLS;
    else if (strcmp(fields[F_TRANSPORT], "pop3s") == 0)
        k->pop3 = 1, k->mode = MODE_CHANNEL;
    else if (strcmp(fields[F_TRANSPORT], "pop3+stls") == 0)
        k->pop3 = 1, k->mode = MODE_STARTTLS;
    else
        bad = "transport";

    for (i = 0; i < (int)(sizeof policies / sizeof policies[0]); i++)
        if (strcmp(fields[F_POLICY], policies[i]) == 0)
            break;
    if (i == (int)(sizeof policies / sizeof policies[0]))
        bad = "policy";
    k->policy = (enum policy)i;
    if (k->policy == P_PIN && k->field[F_PIN] == NULL)
        bad = "pin";

    if (parse_int(fields[F_PORT], 1, 65535, &k->port) != 0)
        bad = "port";
    if (value_of(results, fields[F_RESULT], &k->result) != 0)
        bad = "result";
    if (value_of(eexes, fields[F_EEX], &k->eex) != 0)
        bad = "eex";
    if (value_of(statuses, fields[F_STATUS], &k->status) != 0)
        bad = "status";
    if (flags_value(fields[F_FLAGS], &k->flags) != 0)
        bad = "policy_errors";
    if (value_of(statuses, fields[F_SEEN_STATUS], &k->seen_status) != 0)
        bad = "seen_status";
    if (flags_value(fields[F_SEEN_FLAGS], &k->seen_flags) != 0)
        bad = "seen_flags";
    if (parse_int(fields[F_COUNT], 0, 100, &k->count) != 0)
        bad = "count";
    if (bad != NULL) {
        fprintf(stderr, "error: %s: bad %s field\n", where, bad);
        return -1;
    }
    return 0;
}

/* ---- one case ------------------------------------------------------------------------------ */

/* What went wrong in a case, "; "-separated. */
struct problems {
    char text[4096];
    size_t used;
    int count;
};

static void problem(struct problems *p, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void problem(struct problems *p, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (p->used + 3 >= sizeof p->text) {
        p->count++;
        return;
    }
    if (p->count++ > 0) {
        memcpy(p->text + p->used, "; ", 3);
        p->used += 2;
    }
    va_start(ap, fmt);
    n = vsnprintf(p->text + p->used, sizeof p->text - p->used, fmt, ap);
    va_end(ap);
    if (n > 0)
        p->used += (size_t)n < sizeof p->text - p->used ? (size_t)n : sizeof p->text - p->used - 1;
}

/* A csmail call that must succeed: records the failure and returns -1. */
static int must(struct problems *p, const char *what, int32_t rc)
{
    if (rc == CSMAIL_OK)
        return 0;
    problem(p, "%s failed: %s (result %d, eex %d)", what, csmail_strerror(rc), (int)rc, (int)csmail_last_eex());
    return -1;
}

/* What the validation callback saw. */
struct seen {
    int calls;
    int32_t status, flags;
    char subject[512];
    char fingerprint[128];
};

/* Seed 001's callback: a self-signed certificate and a name mismatch are acceptable, expired,
 * revoked or broken certificates are not. Records what it was shown. */
static int32_t CSMAIL_CALL seed001_callback(void *userdata, const csmail_certificate_info *info)
{
    struct seen *seen = userdata;
    const int32_t ignorable = CERT_POLICY_NAME_MISMATCH | CERT_POLICY_CHAIN_ERRORS;

    seen->calls++;
    seen->status = info->status;
    seen->flags = info->policy_errors;
    snprintf(seen->subject, sizeof seen->subject, "%s", info->subject != NULL ? info->subject : "(null)");
    snprintf(seen->fingerprint, sizeof seen->fingerprint, "%s",
             info->fingerprint != NULL ? info->fingerprint : "(null)");
    return (info->policy_errors & ~ignorable) == 0 && info->status != CERTIFICATE_REVOKED &&
           info->status != CERTIFICATE_EXPIRED && info->status != CERTIFICATE_INVALID;
}

/* The client of a case: SMTP or POP3 behind one face. */
struct client {
    csmail_smtp *smtp;
    csmail_pop3 *pop3;
};

static int32_t client_set_str(const struct client *c, int32_t prop, const char *v)
{
    return c->pop3 ? csmail_pop3_set_str(c->pop3, prop, v) : csmail_smtp_set_str(c->smtp, prop, v);
}

static int32_t client_set_int(const struct client *c, int32_t prop, int32_t v)
{
    return c->pop3 ? csmail_pop3_set_int(c->pop3, prop, v) : csmail_smtp_set_int(c->smtp, prop, v);
}

static int32_t client_get_int(const struct client *c, int32_t prop, int32_t *v)
{
    return c->pop3 ? csmail_pop3_get_int(c->pop3, prop, v) : csmail_smtp_get_int(c->smtp, prop, v);
}

/* Checks a string output of the SSLInfo. */
static void check_str(struct problems *p, const csmail_sslinfo *ssl, int32_t index, const char *want)
{
    char got[1024];
    const char *name = csmail_sslinfo_option_name(index);
    int32_t rc = csmail_sslinfo_get_str(ssl, index, got, sizeof got, NULL);

    if (rc != CSMAIL_OK)
        problem(p, "reading %s failed: %s (result %d)", name, csmail_strerror(rc), (int)rc);
    else if (strcmp(got, want) != 0)
        problem(p, "%s is \"%s\", want \"%s\"", name, got, want);
}

static int32_t get_output(struct problems *p, const csmail_sslinfo *ssl, int32_t index)
{
    int32_t v = -1, rc = csmail_sslinfo_get_int(ssl, index, &v);

    if (rc != CSMAIL_OK)
        problem(p, "reading %s failed: %s (result %d)", csmail_sslinfo_option_name(index), csmail_strerror(rc),
                (int)rc);
    return v;
}

/* Runs one case; fills `p` with what went wrong and `outcome` with a short description. */
static void run_case(const struct kase *k, struct problems *p, char *outcome, size_t outcome_len)
{
    struct client c = {NULL, NULL};
    struct seen seen;
    csmail_sslinfo *ssl = csmail_sslinfo_new();
    csmail_errorinfo *info = NULL;
    int32_t rc, last_eex, number = -1, status, flags, count, protocol, v;
    char text[1024] = "", b1[128], b2[128], b3[128];

    memset(&seen, 0, sizeof seen);
    snprintf(outcome, outcome_len, "not run");

    /* The SSLInfo: trust, name, CRLs, policy. */
    if (must(p, "SSLInfo.Mode", csmail_sslinfo_set_mode(ssl, k->mode)) ||
        must(p, "SSLInfo.Option(SSLCAFile)", csmail_sslinfo_set_str(ssl, SSLCAFile, k->field[F_TRUST])) ||
        must(p, "SSLInfo.Option(SSLNoSystemRoots)", csmail_sslinfo_set_int(ssl, SSLNoSystemRoots, 1)))
        goto done;
    if (k->field[F_SERVER_NAME] != NULL &&
        must(p, "SSLInfo.Option(SSLServerName)", csmail_sslinfo_set_str(ssl, SSLServerName, k->field[F_SERVER_NAME])))
        goto done;
    if (k->field[F_CRL] != NULL &&
        must(p, "SSLInfo.Option(SSLCRLFile)", csmail_sslinfo_set_str(ssl, SSLCRLFile, k->field[F_CRL])))
        goto done;
    if ((k->policy == P_NO_NAME_CHECK || k->policy == P_BOTH) &&
        must(p, "SSLInfo.Option(SSLNoServerNameCheck)", csmail_sslinfo_set_int(ssl, SSLNoServerNameCheck, 1)))
        goto done;
    if ((k->policy == P_NO_VALIDATION || k->policy == P_BOTH) &&
        must(p, "SSLInfo.Option(SSLNoServerCertificateValidation)",
             csmail_sslinfo_set_int(ssl, SSLNoServerCertificateValidation, 1)))
        goto done;
    if (k->policy == P_CALLBACK &&
        must(p, "csmail_sslinfo_set_validation_callback",
             csmail_sslinfo_set_validation_callback(ssl, seed001_callback, &seen)))
        goto done;
    if (k->policy == P_PIN &&
        must(p, "SSLInfo.Option(SSLCertificatePin)", csmail_sslinfo_set_str(ssl, SSLCertificatePin, k->field[F_PIN])))
        goto done;

    /* The client. */
    if (k->pop3) {
        c.pop3 = csmail_pop3_new();
        if (must(p, "set User", client_set_str(&c, CSMAIL_PROP_USER, "alice")) ||
            must(p, "set Password", client_set_str(&c, CSMAIL_PROP_PASSWORD, "alicepass")) ||
            must(p, "SetAdvancedHandler(SSLInfo)", csmail_pop3_set_advanced_handler(c.pop3, ssl)))
            goto done;
    } else {
        c.smtp = csmail_smtp_new();
        if (must(p, "SetAdvancedHandler(SSLInfo)", csmail_smtp_set_advanced_handler(c.smtp, ssl)))
            goto done;
    }
    if (must(p, "set Host", client_set_str(&c, CSMAIL_PROP_HOST, k->field[F_HOST])) ||
        must(p, "set Port", client_set_int(&c, CSMAIL_PROP_PORT, k->port)) ||
        must(p, "set Timeout", client_set_int(&c, CSMAIL_PROP_TIMEOUT_MS, 10000)))
        goto done;

    /* Connect, and what it says. */
    rc = c.pop3 ? csmail_pop3_connect(c.pop3) : csmail_smtp_connect(c.smtp);
    last_eex = csmail_last_eex();
    if (must(p, "ExtendedError",
             c.pop3 ? csmail_pop3_extended_error(c.pop3, &info) : csmail_smtp_extended_error(c.smtp, &info)) ||
        must(p, "ErrorInfo.Number", csmail_errorinfo_number(info, &number)) ||
        must(p, "ErrorInfo.Text", csmail_errorinfo_text(info, text, sizeof text, NULL)))
        goto done;

    if (rc != k->result) {
        if (rc == CSMAIL_OK)
            problem(p, "accepted, want refusal (%s, %s)", k->field[F_RESULT], k->field[F_EEX]);
        else
            problem(p, "connect gave %s (result %d, eex %s: %s), want %s", csmail_strerror(rc), (int)rc,
                    name_of(eexes, number, b1, sizeof b1), text, k->field[F_RESULT]);
    } else if (rc != CSMAIL_OK && last_eex != k->eex) {
        problem(p, "csmail_last_eex() is %s, want %s", name_of(eexes, last_eex, b1, sizeof b1),
                name_of(eexes, k->eex, b2, sizeof b2));
    }
    if (number != (rc == CSMAIL_OK ? 0 : last_eex))
        problem(p, "ErrorInfo.Number %s differs from the connect's eex %s", name_of(eexes, number, b1, sizeof b1),
                name_of(eexes, rc == CSMAIL_OK ? 0 : last_eex, b2, sizeof b2));
    else if (rc == k->result && number != k->eex)
        problem(p, "ErrorInfo.Number %s, want %s", name_of(eexes, number, b1, sizeof b1),
                name_of(eexes, k->eex, b2, sizeof b2));

    /* The certificate, accepted or refused. */
    status = get_output(p, ssl, SSLCertificateStatus);
    flags = get_output(p, ssl, SSLCertificatePolicyErrors);
    count = get_output(p, ssl, SSLCertificateCount);
    protocol = get_output(p, ssl, SSLConnectionProtocolOut);
    if (status != k->status)
        problem(p, "SSLCertificateStatus %s, want %s", name_of(statuses, status, b1, sizeof b1), k->field[F_STATUS]);
    if (flags != k->flags)
        problem(p, "SSLCertificatePolicyErrors %s, want %s", flags_text(flags, b1, sizeof b1), k->field[F_FLAGS]);
    if (count != k->count)
        problem(p, "SSLCertificateCount %d, want %d", (int)count, (int)k->count);
    check_str(p, ssl, SSLCertificateSubject, k->field[F_SUBJECT]);
    check_str(p, ssl, SSLCertificateFingerprint, k->field[F_FINGERPRINT]);
    if (k->field[F_ISSUER] != NULL)
        check_str(p, ssl, SSLCertificateIssuer, k->field[F_ISSUER]);
    if (k->field[F_ISSUED] != NULL)
        check_str(p, ssl, SSLCertificateIssued, k->field[F_ISSUED]);
    if (k->field[F_EXPIRES] != NULL)
        check_str(p, ssl, SSLCertificateExpires, k->field[F_EXPIRES]);

    if (k->policy == P_CALLBACK) {
        if (seen.calls != 1)
            problem(p, "the callback was called %d times, want once", seen.calls);
        else if (seen.status != k->seen_status || seen.flags != k->seen_flags ||
                 strcmp(seen.subject, k->field[F_SUBJECT]) != 0 ||
                 strcmp(seen.fingerprint, k->field[F_FINGERPRINT]) != 0)
            problem(p, "the callback saw (%s, %s, \"%s\", %s), want (%s, %s, \"%s\", %s)",
                    name_of(statuses, seen.status, b1, sizeof b1), flags_text(seen.flags, b2, sizeof b2),
                    seen.subject, seen.fingerprint, k->field[F_SEEN_STATUS], k->field[F_SEEN_FLAGS], k->field[F_SUBJECT],
                    k->field[F_FINGERPRINT]);
    } else if (seen.calls != 0) {
        problem(p, "a callback that was never set was called");
    }

    if (rc == CSMAIL_OK) {
        int32_t committed = -1;

        if (protocol != SSL_TLS12 && protocol != SSL_TLS13)
            problem(p, "SSLConnectionProtocolOut 0x%x after an accepted connect", (unsigned)protocol);
        if (client_get_int(&c, CSMAIL_PROP_TLS_ACTIVE, &v) != CSMAIL_OK || v != 1)
            problem(p, "TLS not active after an accepted connect");
        /* The session goes on after the handshake. */
        if (c.pop3) {
            if (must(p, "NOOP after the handshake", csmail_pop3_noop(c.pop3)) == 0 &&
                must(p, "Disconnect (QUIT)", csmail_pop3_disconnect(c.pop3, &committed)) == 0 && committed != 1)
                problem(p, "the server did not confirm QUIT");
        } else {
            if (must(p, "RSET after the handshake", csmail_smtp_reset(c.smtp)) == 0)
                must(p, "Disconnect (QUIT)", csmail_smtp_disconnect(c.smtp));
        }
        snprintf(outcome, outcome_len, "accepted, %s, %s, %s", name_of(statuses, status, b1, sizeof b1),
                 flags_text(flags, b2, sizeof b2), c.pop3 ? "NOOP ok" : "RSET ok");
    } else {
        if (protocol != 0)
            problem(p, "SSLConnectionProtocolOut 0x%x after a refused connect", (unsigned)protocol);
        if (client_get_int(&c, CSMAIL_PROP_CONNECTED, &v) != CSMAIL_OK || v != 0)
            problem(p, "still connected after a refused connect");
        snprintf(outcome, outcome_len, "refused, %s, %s, %s", name_of(eexes, number, b1, sizeof b1),
                 name_of(statuses, status, b2, sizeof b2), flags_text(flags, b3, sizeof b3));
    }
    if (p->count > 0 && text[0] != '\0')
        problem(p, "ErrorInfo.Text: %s", text);

done:
    if (info != NULL)
        csmail_errorinfo_release(info);
    if (c.pop3 != NULL)
        csmail_pop3_release(c.pop3);
    if (c.smtp != NULL)
        csmail_smtp_release(c.smtp);
    csmail_sslinfo_release(ssl);
}

/* ---- main ---------------------------------------------------------------------------------- */

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The cases= line of DIR/ready, or -1. */
static long ready_cases(const char *dir)
{
    char path[4096], line[256];
    long cases = -1;
    FILE *f;

    snprintf(path, sizeof path, "%s/ready", dir);
    if ((f = fopen(path, "r")) == NULL) {
        perror(path);
        fprintf(stderr, "error: is the fixture server running (examples-c/cert-fixture.sh start %s)?\n", dir);
        return -1;
    }
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, "cases=", 6) == 0)
            cases = strtol(line + 6, NULL, 10);
    fclose(f);
    if (cases < 0)
        fprintf(stderr, "error: %s has no cases= line\n", path);
    return cases;
}

int main(int argc, char **argv)
{
    const char *dir, *filter = NULL;
    char path[4096], where[4200], outcome[256], slowest[256] = "";
    char *line = NULL;
    size_t cap = 0;
    long expected_cases, lineno = 0, passed = 0, failed = 0, skipped = 0;
    double slowest_s = 0;
    struct timespec t0;
    FILE *manifest;

    setvbuf(stdout, NULL, _IOLBF, BUFSIZ);
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s DIR [FILTER]\n", argv[0]);
        return 2;
    }
    dir = argv[1];
    if (argc > 2)
        filter = argv[2];
    if ((expected_cases = ready_cases(dir)) < 0)
        return 2;
    snprintf(path, sizeof path, "%s/manifest.txt", dir);
    if ((manifest = fopen(path, "r")) == NULL) {
        perror(path);
        return 2;
    }
    printf("cert_matrix: csmail %s, %ld cases in %s%s%s\n", csmail_version(), expected_cases, path,
           filter ? ", filter " : "", filter ? filter : "");

    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (getline(&line, &cap, manifest) != -1) {
        struct kase k;
        struct problems p;
        struct timespec c0;
        double took;

        lineno++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        snprintf(where, sizeof where, "%s:%ld", path, lineno);
        if (parse_case(line, where, &k) != 0) {
            free(line);
            fclose(manifest);
            return 2;
        }
        if (filter != NULL && strstr(k.label, filter) == NULL) {
            skipped++;
            continue;
        }
        memset(&p, 0, sizeof p);
        clock_gettime(CLOCK_MONOTONIC, &c0);
        run_case(&k, &p, outcome, sizeof outcome);
        took = seconds_since(&c0);
        if (took > slowest_s) {
            slowest_s = took;
            snprintf(slowest, sizeof slowest, "%s", k.label);
        }
        if (p.count == 0) {
            passed++;
            printf("PASS %-48s %s\n", k.label, outcome);
        } else {
            failed++;
            printf("FAIL %-48s %s\n", k.label, outcome);
            printf("     %s\n", p.text);
        }
    }
    free(line);
    if (ferror(manifest)) {
        perror(path);
        fclose(manifest);
        return 2;
    }
    fclose(manifest);

    printf("cert_matrix: %ld passed, %ld failed in %.2f s (slowest: %s, %.3f s)\n", passed, failed,
           seconds_since(&t0), slowest[0] ? slowest : "-", slowest_s);
    if (filter == NULL && passed + failed != expected_cases) {
        fprintf(stderr, "error: %s promised %ld cases, the manifest has %ld\n", dir, expected_cases, passed + failed);
        return 1;
    }
    if (passed + failed == 0) {
        fprintf(stderr, "error: no case ran%s%s (%ld skipped)\n", filter ? " with filter " : "", filter ? filter : "",
                skipped);
        return 1;
    }
    return failed == 0 ? 0 : 1;
}
