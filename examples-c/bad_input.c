/*
 * bad_input.c: how csmail reports misuse, checked one case at a time.
 *
 *   usage: bad_input HOST PORT CAFILE
 *
 * PORT must be a port nothing listens on (the tests pass a port that was just bound and
 * closed): the last case connects there and expects "connection refused".
 *
 * Every csmail call returns a result code (CSMAIL_E_*); the detail is the eex number of this
 * thread's last error (csmail_last_eex, csmail_last_error_text), and for client operations
 * also the client's ErrorInfo. Each case prints "ok" or "FAILED" with what came back; the
 * example exits non-zero if any case failed.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csmail.h"

static int failures;

/* Checks a result and this thread's last eex against what is expected. Call it directly
 * on the result of the csmail call: any other csmail call in between changes the last error. */
static void expect(const char *what, int32_t rc, int32_t want_rc, int32_t want_eex)
{
    int32_t eex = csmail_last_eex();
    char text[256] = "";
    size_t needed = 0;

    if (csmail_last_error_text(text, sizeof text, &needed) != CSMAIL_OK)
        snprintf(text, sizeof text, "(%zu bytes of text)", needed);
    if (rc == want_rc && eex == want_eex) {
        printf("ok      %-44s %s (%d), eex %d: %s\n", what, csmail_strerror(rc), (int)rc, (int)eex, text);
    } else {
        printf("FAILED  %-44s got %s (%d) with eex %d: %s\n"
               "        %-44s want %s (%d) with eex %d\n",
               what, csmail_strerror(rc), (int)rc, (int)eex, text, "", csmail_strerror(want_rc), (int)want_rc,
               (int)want_eex);
        failures++;
    }
}

/* Checks the Number of a client's ErrorInfo (what ExtendedError reports for its last operation). */
static void expect_smtp_errorinfo(const char *what, const csmail_smtp *smtp, int32_t want_number)
{
    csmail_errorinfo *info = NULL;
    int32_t number = 0, os_error = 0, rc;
    char text[256] = "";

    if ((rc = csmail_smtp_extended_error(smtp, &info)) != CSMAIL_OK) {
        printf("FAILED  %-44s ExtendedError: %s (%d)\n", what, csmail_strerror(rc), (int)rc);
        failures++;
        return;
    }
    if ((rc = csmail_errorinfo_number(info, &number)) != CSMAIL_OK ||
        (rc = csmail_errorinfo_os_error(info, &os_error)) != CSMAIL_OK ||
        (rc = csmail_errorinfo_text(info, text, sizeof text, NULL)) != CSMAIL_OK) {
        printf("FAILED  %-44s reading the ErrorInfo: %s (%d)\n", what, csmail_strerror(rc), (int)rc);
        failures++;
    } else if (number == want_number) {
        printf("ok      %-44s ErrorInfo %d: %s (OS error %d)\n", what, (int)number, text, (int)os_error);
    } else {
        printf("FAILED  %-44s ErrorInfo %d: %s (OS error %d); want %d\n", what, (int)number, text, (int)os_error,
               (int)want_number);
        failures++;
    }
    csmail_errorinfo_release(info);
}

int main(int argc, char **argv)
{
    const char *host, *cafile;
    char *end = NULL;
    long port;
    csmail_smtp *smtp, *released;
    csmail_sslinfo *ssl;
    csmail_errorinfo *info = NULL;
    char small[4];
    size_t needed = 0;
    int32_t rc, ssl3 = SSL_SSL3;

    /* Line-buffered stdout: progress and error messages stay in order in logs. */
    setvbuf(stdout, NULL, _IOLBF, BUFSIZ);

    if (argc != 4) {
        fprintf(stderr, "usage: %s HOST CLOSED-PORT CAFILE\n", argv[0]);
        return 2;
    }
    host = argv[1];
    cafile = argv[3];
    port = strtol(argv[2], &end, 10);
    if (end == argv[2] || *end != '\0' || port < 1 || port > 65535) {
        fprintf(stderr, "error: bad port '%s'\n", argv[2]);
        return 2;
    }
    printf("csmail %s: bad input\n", csmail_version());

    smtp = csmail_smtp_new();
    ssl = csmail_sslinfo_new();

    /* Handles: NULL, released, of another type. */
    expect("NULL handle", csmail_smtp_connect(NULL), CSMAIL_E_INVALID_HANDLE, eexInvalidHandle);
    expect("NULL POP3 handle", csmail_pop3_stat(NULL, NULL, NULL), CSMAIL_E_INVALID_HANDLE, eexInvalidHandle);
    released = csmail_smtp_new();
    expect("release", csmail_smtp_release(released), CSMAIL_OK, 0);
    expect("released handle", csmail_smtp_set_int(released, CSMAIL_PROP_PORT, 25), CSMAIL_E_INVALID_HANDLE,
           eexInvalidHandle);
    expect("released handle, released again", csmail_smtp_release(released), CSMAIL_E_INVALID_HANDLE,
           eexInvalidHandle);
    expect("SSLInfo passed as an SMTPClient", csmail_smtp_connect((const csmail_smtp *)(const void *)ssl),
           CSMAIL_E_INVALID_HANDLE, eexInvalidHandle);

    /* An ErrorInfo is a valid handle, but not an advanced handler. */
    if ((rc = csmail_smtp_extended_error(smtp, &info)) != CSMAIL_OK) {
        printf("FAILED  ExtendedError: %s (%d)\n", csmail_strerror(rc), (int)rc);
        failures++;
    } else {
        expect("SetAdvancedHandler(ErrorInfo)", csmail_smtp_set_advanced_handler(smtp, info), CSMAIL_E_NOT_SUPPORTED,
               eexNotSupported);
        csmail_errorinfo_release(info);
    }

    /* Strings: bad UTF-8, CR/LF that would inject a command line. */
    expect("host \"\\xff\\xfe\" (invalid UTF-8)", csmail_smtp_set_str(smtp, CSMAIL_PROP_HOST, "\xff\xfe"),
           CSMAIL_E_INVALID_ARGUMENT, eexInvalidUtf8);
    expect("user \"a\\r\\nb\"", csmail_smtp_set_str(smtp, CSMAIL_PROP_USER, "a\r\nb"), CSMAIL_E_INVALID_ARGUMENT,
           eexForbiddenCharacter);
    expect("NULL string", csmail_smtp_set_str(smtp, CSMAIL_PROP_HOST, NULL), CSMAIL_E_INVALID_ARGUMENT,
           eexInvalidArgument);
    expect("unknown property 999", csmail_smtp_set_int(smtp, 999, 1), CSMAIL_E_INVALID_ARGUMENT, eexUnknownOption);

    /* A buffer too small: nothing is written, the size needed is reported. */
    expect("set host", csmail_smtp_set_str(smtp, CSMAIL_PROP_HOST, "mail.example.com"), CSMAIL_OK, 0);
    expect("get host into 4 bytes", csmail_smtp_get_str(smtp, CSMAIL_PROP_HOST, small, sizeof small, &needed),
           CSMAIL_E_BUFFER_TOO_SMALL, eexBufferTooSmall);
    if (needed == strlen("mail.example.com") + 1) {
        printf("ok      %-44s needed = %zu (with the NUL)\n", "size reported", needed);
    } else {
        printf("FAILED  %-44s needed = %zu, want %zu\n", "size reported", needed, strlen("mail.example.com") + 1);
        failures++;
    }

    /* SSLInfo options: a legacy protocol, an output option. */
    expect("SSLConnectionProtocolIn = { SSL_SSL3 }",
           csmail_sslinfo_set_int_array(ssl, SSLConnectionProtocolIn, &ssl3, 1), CSMAIL_E_INVALID_ARGUMENT,
           eexLegacyValue);
    expect("SSLConnectionProtocolOut = SSL_TLS13", csmail_sslinfo_set_int(ssl, SSLConnectionProtocolOut, SSL_TLS13),
           CSMAIL_E_INVALID_ARGUMENT, eexReadOnlyOption);

    /* Connecting to a port nothing listens on. */
    if (csmail_smtp_set_str(smtp, CSMAIL_PROP_HOST, host) != CSMAIL_OK ||
        csmail_smtp_set_int(smtp, CSMAIL_PROP_PORT, (int32_t)port) != CSMAIL_OK ||
        csmail_sslinfo_set_str(ssl, SSLCAFile, cafile) != CSMAIL_OK ||
        csmail_smtp_set_advanced_handler(smtp, ssl) != CSMAIL_OK) {
        printf("FAILED  setting up the connect case\n");
        failures++;
    } else {
        expect("connect to a closed port", csmail_smtp_connect(smtp), CSMAIL_E_CONNECT, eexTCPConnect);
        expect_smtp_errorinfo("ExtendedError after the refused connect", smtp, eexTCPConnect);
    }

    csmail_sslinfo_release(ssl);
    csmail_smtp_release(smtp);
    if (failures != 0) {
        fprintf(stderr, "error: %d case(s) failed\n", failures);
        return EXIT_FAILURE;
    }
    printf("all cases behaved as documented\n");
    return EXIT_SUCCESS;
}
