/*
 * validate_callback.c: seed 001's example — a certificate validation callback that accepts a
 * self-signed (untrusted) certificate and a name mismatch, and refuses anything else.
 *
 *   usage: validate_callback HOST PORT CAFILE [smtps|pop3]
 *
 * The server's CA is deliberately NOT trusted and the name asked for is wrong, so the
 * certificate has both policy errors:
 *   1. without a callback the connect is refused (CSMAIL_E_CONNECT, eexSSLCertificate);
 *   2. with the callback it is accepted; the status stays CERTIFICATE_UNTRUSTED with
 *      CERT_POLICY_CHAIN_ERRORS | CERT_POLICY_NAME_MISMATCH, readable afterwards.
 * CAFILE is used only for a third, clean connect: trusted CA and right name, status VALID.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csmail.h"

/* The callback of seed 001: self-signed and wrong-host certificates are fine here (a test
 * server), expired, revoked or broken ones are not. Return non-zero to accept. */
static int32_t CSMAIL_CALL accept_self_signed(void *userdata, const csmail_certificate_info *info)
{
    int *calls = userdata;
    const int32_t ignorable = CERT_POLICY_NAME_MISMATCH | CERT_POLICY_CHAIN_ERRORS;

    ++*calls;
    printf("callback: status %d, policy errors %d, subject \"%s\", issuer \"%s\", expires %s\n",
           (int)info->status, (int)info->policy_errors, info->subject, info->issuer, info->expires);
    if ((info->policy_errors & ~ignorable) != 0)
        return 0;
    return info->status == CERTIFICATE_VALID || info->status == CERTIFICATE_NO_MATCH ||
           info->status == CERTIFICATE_UNTRUSTED;
}

static int fail(const char *what, int32_t got, int32_t want)
{
    fprintf(stderr, "error: %s: got %d, expected %d (last eex %d)\n", what, (int)got, (int)want,
            (int)csmail_last_eex());
    return 1;
}

/* Connects once with the given SSLInfo; returns the result, fills the eex of a failure. */
static int32_t try_connect(const char *host, int32_t port, int pop3, csmail_sslinfo *ssl, int32_t *eex)
{
    int32_t rc;
    csmail_errorinfo *info = NULL;

    if (pop3) {
        csmail_pop3 *c = csmail_pop3_new();
        csmail_pop3_set_str(c, CSMAIL_PROP_HOST, host);
        csmail_pop3_set_int(c, CSMAIL_PROP_PORT, port);
        csmail_pop3_set_str(c, CSMAIL_PROP_USER, "alice");
        csmail_pop3_set_str(c, CSMAIL_PROP_PASSWORD, "alicepass");
        csmail_pop3_set_advanced_handler(c, ssl);
        rc = csmail_pop3_connect(c);
        csmail_pop3_extended_error(c, &info);
        csmail_pop3_disconnect(c, NULL);
        csmail_pop3_release(c);
    } else {
        csmail_smtp *c = csmail_smtp_new();
        csmail_smtp_set_str(c, CSMAIL_PROP_HOST, host);
        csmail_smtp_set_int(c, CSMAIL_PROP_PORT, port);
        csmail_smtp_set_advanced_handler(c, ssl);
        rc = csmail_smtp_connect(c);
        csmail_smtp_extended_error(c, &info);
        csmail_smtp_disconnect(c);
        csmail_smtp_release(c);
    }
    *eex = 0;
    csmail_errorinfo_number(info, eex);
    csmail_errorinfo_release(info);
    return rc;
}

int main(int argc, char **argv)
{
    int calls = 0, pop3;
    int32_t port, rc, eex, status = -1, errors = -1;
    char subject[512];
    csmail_sslinfo *ssl;

    if (argc < 4) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE [smtps|pop3]\n", argv[0]);
        return 2;
    }
    port = (int32_t)atoi(argv[2]);
    pop3 = argc > 4 && strcmp(argv[4], "pop3") == 0;

    ssl = csmail_sslinfo_new();
    csmail_sslinfo_set_mode(ssl, pop3 ? MODE_STARTTLS : MODE_CHANNEL);
    csmail_sslinfo_set_int(ssl, SSLNoSystemRoots, 1);              /* trust nothing */
    csmail_sslinfo_set_str(ssl, SSLServerName, "mail.wrong.example"); /* and ask for another name */

    /* 1. The default policy refuses it. */
    rc = try_connect(argv[1], port, pop3, ssl, &eex);
    if (rc != CSMAIL_E_CONNECT)
        return fail("connect without a callback", rc, CSMAIL_E_CONNECT);
    if (eex != eexSSLCertificate)
        return fail("ErrorInfo number without a callback", eex, eexSSLCertificate);
    csmail_sslinfo_get_int(ssl, SSLCertificateStatus, &status);
    csmail_sslinfo_get_int(ssl, SSLCertificatePolicyErrors, &errors);
    printf("refused by default: status %d, policy errors %d\n", (int)status, (int)errors);
    if (status != CERTIFICATE_UNTRUSTED)
        return fail("status after the refusal", status, CERTIFICATE_UNTRUSTED);

    /* 2. The callback accepts it; the facts stay readable. */
    csmail_sslinfo_set_validation_callback(ssl, accept_self_signed, &calls);
    rc = try_connect(argv[1], port, pop3, ssl, &eex);
    if (rc != CSMAIL_OK)
        return fail("connect with the callback", rc, CSMAIL_OK);
    csmail_sslinfo_get_int(ssl, SSLCertificateStatus, &status);
    csmail_sslinfo_get_int(ssl, SSLCertificatePolicyErrors, &errors);
    csmail_sslinfo_get_str(ssl, SSLCertificateSubject, subject, sizeof subject, NULL);
    printf("accepted by the callback: status %d, policy errors %d, subject \"%s\"\n", (int)status, (int)errors,
           subject);
    if (calls != 1)
        return fail("callback calls", calls, 1);
    if (status != CERTIFICATE_UNTRUSTED)
        return fail("status", status, CERTIFICATE_UNTRUSTED);
    if (errors != (CERT_POLICY_CHAIN_ERRORS | CERT_POLICY_NAME_MISMATCH))
        return fail("policy errors", errors, CERT_POLICY_CHAIN_ERRORS | CERT_POLICY_NAME_MISMATCH);

    /* 3. Trusted CA, right name: the callback sees a valid certificate. */
    csmail_sslinfo_set_str(ssl, SSLCAFile, argv[3]);
    csmail_sslinfo_set_str(ssl, SSLServerName, "localhost");
    rc = try_connect(argv[1], port, pop3, ssl, &eex);
    csmail_sslinfo_get_int(ssl, SSLCertificateStatus, &status);
    csmail_sslinfo_get_int(ssl, SSLCertificatePolicyErrors, &errors);
    csmail_sslinfo_release(ssl);
    if (rc != CSMAIL_OK)
        return fail("clean connect", rc, CSMAIL_OK);
    if (status != CERTIFICATE_VALID || errors != 0)
        return fail("clean status", status, CERTIFICATE_VALID);
    printf("validate_callback: OK (%d callback calls)\n", calls);
    return 0;
}
