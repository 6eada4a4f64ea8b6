/*
 * header_with_openssl: csmail.h beside OpenSSL's headers, with CSMAIL_NO_LEGACY_NAMES.
 *
 * A program that also uses OpenSSL (or another library with SSL_* or LOG_* names) defines
 * CSMAIL_NO_LEGACY_NAMES before including csmail.h: the legacy names (SSL_TLS12, MODE_STARTTLS,
 * eexSSLCertName, mailCertificateNone, ...) are left out and the CSMAIL_-prefixed names remain.
 * The test checks that the legacy names are really absent, that the prefixed ones have the
 * legacy values, and that the header's CSMAIL_VERSION is the library's csmail_version().
 *
 *   header_with_openssl        (no arguments; exit status 0 on success)
 */
#define CSMAIL_NO_LEGACY_NAMES
#include "csmail.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <stdio.h>
#include <string.h>

#if defined(MODE_STARTTLS) || defined(SSL_TLS12) || defined(eexSSLCertName) || \
    defined(mailCertificateNone) || defined(CERTIFICATE_NONE) || defined(LOG_S_FATAL) || \
    defined(SSLNoServerNameCheck) || defined(errConnect)
#error "CSMAIL_NO_LEGACY_NAMES must leave the legacy names out"
#endif

/* The prefixed names carry the legacy values (seed 002, seed 000). */
_Static_assert(CSMAIL_MODE_STARTTLS == 1, "MODE_STARTTLS");
_Static_assert(CSMAIL_SSL_TLS1 == 0x80, "SSL_TLS1 is SP_PROT_TLS1_CLIENT");
_Static_assert(CSMAIL_eexSSLCertName == 1405, "eexSSLCertName");
_Static_assert(CSMAIL_CERTIFICATE_INVALID == 6, "mailCertificateInvalid");
_Static_assert(CSMAIL_LOG_F_ALL == 15, "LOG_F_ALL");

int main(void) {
    /* Both libraries are linked and callable side by side. */
    const char *openssl = OpenSSL_version(OPENSSL_VERSION);
    const char *csmail = csmail_version();
    CSMAIL_SSL_MODE mode = CSMAIL_MODE_CHANNEL;

    printf("%s; csmail %s (header %s), mode %d\n", openssl, csmail, CSMAIL_VERSION, (int)mode);
    if (strcmp(csmail, CSMAIL_VERSION) != 0) {
        fprintf(stderr, "FAIL: the header is of csmail %s but the library is %s\n", CSMAIL_VERSION, csmail);
        return 1;
    }
    if (strcmp(csmail_strerror(CSMAIL_E_CONNECT), "connect failed") != 0) {
        fprintf(stderr, "FAIL: csmail_strerror(CSMAIL_E_CONNECT) = \"%s\"\n", csmail_strerror(CSMAIL_E_CONNECT));
        return 1;
    }
    return 0;
}
