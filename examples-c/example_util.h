/*
 * example_util.h: what every example needs to report a failure and read its arguments.
 *
 * A failed csmail call is reported as csmail_strerror(result), then the detail: the client's
 * ErrorInfo (Number = an eex* value, Text, OSError) when a client is at hand, else this
 * thread's last error (csmail_last_eex, csmail_last_error_text). The functions are static
 * inline so that each example includes only this header and stays one file to compile.
 */
#ifndef CSMAIL_EXAMPLE_UTIL_H
#define CSMAIL_EXAMPLE_UTIL_H

#include <stdio.h>
#include <stdlib.h>

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

#endif
