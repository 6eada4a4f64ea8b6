/*
 * example_util.h: what every example needs to report a failure, read its arguments and set up
 * its SSLInfo and client the same way.
 *
 * A failed csmail call is reported as csmail_strerror(result), then the detail: the client's
 * ErrorInfo (Number = an eex* value, Text, OSError) when a client is at hand, else this
 * thread's last error (csmail_last_eex, csmail_last_error_text). The functions are static
 * inline so that each example includes only this header and stays one file to compile.
 */
#ifndef CSMAIL_EXAMPLE_UTIL_H
#define CSMAIL_EXAMPLE_UTIL_H

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csmail.h"

/* A failed call without a client: this thread's last eex number and text. */
static inline void report_last(const char *what, int32_t rc)
{
    int32_t eex = csmail_last_eex();
    size_t needed = 0;
    char *text = NULL;

    fprintf(stderr, "error: %s failed: %s (result %d)\n", what, csmail_strerror(rc), (int)rc);
    if (csmail_last_error_text(NULL, 0, &needed) == CSMAIL_OK && (text = malloc(needed)) != NULL &&
        csmail_last_error_text(text, needed, NULL) == CSMAIL_OK)
        fprintf(stderr, "       error %d: %s\n", (int)eex, text);
    free(text);
}

/* Prints an ErrorInfo (Number, Text, OSError) and releases it. */
static inline void report_errorinfo(csmail_errorinfo *info)
{
    int32_t number = 0, os_error = 0;
    size_t needed = 0;
    char *text = NULL;

    csmail_errorinfo_number(info, &number);
    csmail_errorinfo_os_error(info, &os_error);
    if (csmail_errorinfo_text(info, NULL, 0, &needed) == CSMAIL_OK && (text = malloc(needed)) != NULL)
        csmail_errorinfo_text(info, text, needed, NULL);
    fprintf(stderr, "       ErrorInfo %d: %s", (int)number, text != NULL ? text : "");
    if (os_error != 0)
        fprintf(stderr, " (OS error %d)", (int)os_error);
    fputc('\n', stderr);
    free(text);
    csmail_errorinfo_release(info);
}

/* A failed SMTPClient call: the result, then smtp.ExtendedError. */
static inline void report_smtp(const csmail_smtp *smtp, const char *what, int32_t rc)
{
    csmail_errorinfo *info = NULL;

    fprintf(stderr, "error: %s failed: %s (result %d)\n", what, csmail_strerror(rc), (int)rc);
    if ((rc = csmail_smtp_extended_error(smtp, &info)) != CSMAIL_OK)
        report_last("ExtendedError", rc);
    else
        report_errorinfo(info);
}

/* A failed POP3Client call: the result, then pop3.ExtendedError. */
static inline void report_pop3(const csmail_pop3 *pop3, const char *what, int32_t rc)
{
    csmail_errorinfo *info = NULL;

    fprintf(stderr, "error: %s failed: %s (result %d)\n", what, csmail_strerror(rc), (int)rc);
    if ((rc = csmail_pop3_extended_error(pop3, &info)) != CSMAIL_OK)
        report_last("ExtendedError", rc);
    else
        report_errorinfo(info);
}

/* A failed IMAPClient call: the result, then imap.ExtendedError. */
static inline void report_imap(const csmail_imap *imap, const char *what, int32_t rc)
{
    csmail_errorinfo *info = NULL;

    fprintf(stderr, "error: %s failed: %s (result %d)\n", what, csmail_strerror(rc), (int)rc);
    if ((rc = csmail_imap_extended_error(imap, &info)) != CSMAIL_OK)
        report_last("ExtendedError", rc);
    else
        report_errorinfo(info);
}

/* A port number 1..65535; -1 (with a message) otherwise. */
static inline int parse_port(const char *s, int32_t *port)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);

    if (end == s || *end != '\0' || v < 1 || v > 65535) {
        fprintf(stderr, "error: bad port '%s'\n", s);
        return -1;
    }
    *port = (int32_t)v;
    return 0;
}

/*
 * The arguments every example against the bundled server starts with: HOST PORT CAFILE, then
 * at most max_extra more (-1: any number), which `extra` names in the usage line. Also makes
 * stdout line-buffered, so that progress and error messages stay in order in logs.
 * Returns 0, or -1 after printing the usage or a bad port.
 */
static inline int read_args(int argc, char **argv, const char *extra, int max_extra, const char **host,
                            int32_t *port, const char **cafile)
{
    setvbuf(stdout, NULL, _IOLBF, BUFSIZ);
    if (argc < 4 || (max_extra >= 0 && argc > 4 + max_extra)) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE%s%s\n", argv[0], *extra != '\0' ? " " : "", extra);
        return -1;
    }
    *host = argv[1];
    *cafile = argv[3];
    return parse_port(argv[2], port);
}

/* The timeout of each network step the examples use, in milliseconds. */
#define EXAMPLE_TIMEOUT_MS 10000

/*
 * A new SSLInfo as every example against the bundled server makes it: MODE_CHANNEL (implicit
 * TLS, ports 465/995) or MODE_STARTTLS (STARTTLS/STLS), trusting only CAFILE, the server's
 * CA (SSLCAFile with SSLNoSystemRoots). In VB:
 *     Dim ssl As New CSMailLib.SSLInfo: ssl.Mode = mode: ssl.Option(SSLCAFile) = cafile ...
 * Returns the SSLInfo (release it) or NULL after reporting.
 */
static inline csmail_sslinfo *new_sslinfo(int32_t mode, const char *cafile)
{
    csmail_sslinfo *ssl = csmail_sslinfo_new();
    int32_t rc;

    if (ssl == NULL) {
        fprintf(stderr, "error: out of memory\n");
        return NULL;
    }
    if ((rc = csmail_sslinfo_set_mode(ssl, mode)) != CSMAIL_OK)
        report_last("SSLInfo.Mode", rc);
    else if ((rc = csmail_sslinfo_set_str(ssl, SSLCAFile, cafile)) != CSMAIL_OK)
        report_last("SSLInfo.Option(SSLCAFile)", rc);
    else if ((rc = csmail_sslinfo_set_int(ssl, SSLNoSystemRoots, 1)) != CSMAIL_OK)
        report_last("SSLInfo.Option(SSLNoSystemRoots)", rc);
    else
        return ssl;
    csmail_sslinfo_release(ssl);
    return NULL;
}

/*
 * A new SMTPClient for HOST:PORT with the examples' timeout, logging in as USER with
 * PASSWORD (USER NULL: no login), with SSL as its advanced handler (the client keeps its own
 * reference). Not connected yet. Returns the client (release it) or NULL after reporting.
 */
static inline csmail_smtp *new_smtp_client(const char *host, int32_t port, const char *user, const char *password,
                                           const csmail_sslinfo *ssl)
{
    csmail_smtp *smtp = csmail_smtp_new();
    int32_t rc;

    if (smtp == NULL) {
        fprintf(stderr, "error: out of memory\n");
        return NULL;
    }
    if ((rc = csmail_smtp_set_str(smtp, CSMAIL_PROP_HOST, host)) != CSMAIL_OK)
        report_smtp(smtp, "set Host", rc);
    else if ((rc = csmail_smtp_set_int(smtp, CSMAIL_PROP_PORT, port)) != CSMAIL_OK)
        report_smtp(smtp, "set Port", rc);
    else if ((rc = csmail_smtp_set_int(smtp, CSMAIL_PROP_TIMEOUT_MS, EXAMPLE_TIMEOUT_MS)) != CSMAIL_OK)
        report_smtp(smtp, "set Timeout", rc);
    else if (user != NULL && (rc = csmail_smtp_set_str(smtp, CSMAIL_PROP_USER, user)) != CSMAIL_OK)
        report_smtp(smtp, "set User", rc);
    else if (user != NULL && (rc = csmail_smtp_set_str(smtp, CSMAIL_PROP_PASSWORD, password)) != CSMAIL_OK)
        report_smtp(smtp, "set Password", rc);
    else if ((rc = csmail_smtp_set_advanced_handler(smtp, ssl)) != CSMAIL_OK)
        report_smtp(smtp, "SetAdvancedHandler(SSLInfo)", rc);
    else
        return smtp;
    csmail_smtp_release(smtp);
    return NULL;
}

/* The same for a POP3Client. */
static inline csmail_pop3 *new_pop3_client(const char *host, int32_t port, const char *user, const char *password,
                                           const csmail_sslinfo *ssl)
{
    csmail_pop3 *pop3 = csmail_pop3_new();
    int32_t rc;

    if (pop3 == NULL) {
        fprintf(stderr, "error: out of memory\n");
        return NULL;
    }
    if ((rc = csmail_pop3_set_str(pop3, CSMAIL_PROP_HOST, host)) != CSMAIL_OK)
        report_pop3(pop3, "set Host", rc);
    else if ((rc = csmail_pop3_set_int(pop3, CSMAIL_PROP_PORT, port)) != CSMAIL_OK)
        report_pop3(pop3, "set Port", rc);
    else if ((rc = csmail_pop3_set_int(pop3, CSMAIL_PROP_TIMEOUT_MS, EXAMPLE_TIMEOUT_MS)) != CSMAIL_OK)
        report_pop3(pop3, "set Timeout", rc);
    else if (user != NULL && (rc = csmail_pop3_set_str(pop3, CSMAIL_PROP_USER, user)) != CSMAIL_OK)
        report_pop3(pop3, "set User", rc);
    else if (user != NULL && (rc = csmail_pop3_set_str(pop3, CSMAIL_PROP_PASSWORD, password)) != CSMAIL_OK)
        report_pop3(pop3, "set Password", rc);
    else if ((rc = csmail_pop3_set_advanced_handler(pop3, ssl)) != CSMAIL_OK)
        report_pop3(pop3, "SetAdvancedHandler(SSLInfo)", rc);
    else
        return pop3;
    csmail_pop3_release(pop3);
    return NULL;
}

/* Copies the Subject header of a raw message into out ("(no Subject)" when it has none). */
static inline void find_subject(const uint8_t *data, size_t len, char *out, size_t size)
{
    const char *p = (const char *)data, *end = p + len;

    snprintf(out, size, "(no Subject)");
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *next = eol != NULL ? eol + 1 : end;
        size_t n = (size_t)((eol != NULL ? eol : end) - p), i;

        if (n > 0 && p[n - 1] == '\r')
            n--;
        if (n == 0)
            return; /* a blank line ends the header section */
        for (i = 0; i < 8 && i < n && tolower((unsigned char)p[i]) == "subject:"[i]; i++)
            ;
        if (i == 8) {
            p += 8;
            n -= 8;
            while (n > 0 && (*p == ' ' || *p == '\t')) {
                p++;
                n--;
            }
            if (n >= size)
                n = size - 1;
            memcpy(out, p, n);
            out[n] = '\0';
            return;
        }
        p = next;
    }
}

#endif
