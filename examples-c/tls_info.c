/*
 * tls_info.c: connect over TLS and print what was negotiated (the SSLInfo output options).
 *
 *   usage: tls_info HOST PORT CAFILE [smtp|smtps|pop3|pop3s] [tls12|tls13]
 *
 * smtp and pop3 upgrade a plaintext session with STARTTLS/STLS (MODE_STARTTLS); smtps and
 * pop3s are implicit TLS (MODE_CHANNEL, the default: smtps). POP3 logs in as alice (the
 * protocol needs a login); SMTP only says EHLO. tls12/tls13 restricts
 * SSLConnectionProtocolIn to that version.
 *
 * After Connect the example prints every output option with its legacy name and requires:
 * protocol TLS 1.2 or 1.3, SSLCertificateStatus = CERTIFICATE_VALID, every output set, and the
 * certificate's properties (subject, issuer, dates, SHA-256 fingerprint) present.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csmail.h"
#include "example_util.h"

/* ---- names of the output values ----------------------------------------------------- */

struct name {
    int32_t value;
    const char *name;
};

static const struct name protocols[] = {
    {SSL_TLS13, "TLS 1.3"}, {SSL_TLS12, "TLS 1.2"}, {SSL_TLS11, "TLS 1.1"}, {SSL_TLS1, "TLS 1.0"}, {0, NULL}};
static const struct name ciphers[] = {{SSL_AES128_GCM, "AES-128-GCM"},
                                      {SSL_AES256_GCM, "AES-256-GCM"},
                                      {SSL_CHACHA20_POLY1305, "ChaCha20-Poly1305"},
                                      {0, NULL}};
static const struct name hashes[] = {
    {SSL_SHA256, "SHA-256"}, {SSL_SHA384, "SHA-384"}, {SSL_SHA, "SHA-1"}, {SSL_MD5, "MD5"}, {0, NULL}};
static const struct name exchanges[] = {{SSL_ECDHE, "ECDHE"}, {SSL_DH, "DH"}, {SSL_RSA, "RSA"}, {0, NULL}};
static const struct name groups[] = {{SSL_GROUP_X25519, "X25519"},
                                     {SSL_GROUP_X448, "X448"},
                                     {SSL_GROUP_SECP256R1, "secp256r1"},
                                     {SSL_GROUP_SECP384R1, "secp384r1"},
                                     {SSL_GROUP_SECP521R1, "secp521r1"},
                                     {SSL_GROUP_X25519MLKEM768, "X25519MLKEM768"},
                                     {0, NULL}};
static const struct name suites[] = {{0x1301, "TLS_AES_128_GCM_SHA256"},
                                     {0x1302, "TLS_AES_256_GCM_SHA384"},
                                     {0x1303, "TLS_CHACHA20_POLY1305_SHA256"},
                                     {0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"},
                                     {0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"},
                                     {0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
                                     {0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"},
                                     {0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"},
                                     {0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"},
                                     {0, NULL}};
static const struct name statuses[] = {{CERTIFICATE_NONE, "CERTIFICATE_NONE"},
                                       {CERTIFICATE_VALID, "CERTIFICATE_VALID"},
                                       {CERTIFICATE_NO_MATCH, "CERTIFICATE_NO_MATCH"},
                                       {CERTIFICATE_EXPIRED, "CERTIFICATE_EXPIRED"},
                                       {CERTIFICATE_REVOKED, "CERTIFICATE_REVOKED"},
                                       {CERTIFICATE_UNTRUSTED, "CERTIFICATE_UNTRUSTED"},
                                       {CERTIFICATE_INVALID, "CERTIFICATE_INVALID"},
                                       {0, NULL}};

static const char *name_of(const struct name *names, int32_t value)
{
    for (; names->name != NULL; names++)
        if (names->value == value)
            return names->name;
    return "unknown";
}

/* The output options and how to name their values (NULL: a number of bits). */
static const struct output {
    int32_t index;
    const struct name *names;
} outputs[] = {
    {SSLConnectionProtocolOut, protocols},
    {SSLConnectionCipherOut, ciphers},
    {SSLCipherStrength, NULL},
    {SSLHash, hashes},
    {SSLHashStrength, NULL},
    {SSLExchange, exchanges},
    {SSLExchangeStrength, NULL},
    {SSLExchangeGroup, groups},
    {SSLCipherSuite, suites},
    {SSLCertificateStatus, statuses},
};

/* Prints every output option; returns 0 when the connection is acceptable. */
static int print_outputs(const csmail_sslinfo *ssl)
{
    size_t i;
    int32_t protocol = 0, status = 0, rc;
    int ok = 1;

    for (i = 0; i < sizeof outputs / sizeof outputs[0]; i++) {
        const struct output *o = &outputs[i];
        const char *option = csmail_sslinfo_option_name(o->index);
        int32_t value = 0;

        if (option == NULL) {
            fprintf(stderr, "error: option %d has no name\n", (int)o->index);
            return -1;
        }
        if ((rc = csmail_sslinfo_get_int(ssl, o->index, &value)) != CSMAIL_OK) {
            report_last(option, rc);
            return -1;
        }
        if (o->index == SSLCipherSuite)
            printf("  %-26s 0x%04X %s\n", option, (unsigned)value, name_of(o->names, value));
        else if (o->names != NULL)
            printf("  %-26s %s (%d)\n", option, name_of(o->names, value), (int)value);
        else
            printf("  %-26s %d bits\n", option, (int)value);

        if (o->index == SSLConnectionProtocolOut)
            protocol = value;
        else if (o->index == SSLCertificateStatus)
            status = value;
        else if (value == 0) {
            fprintf(stderr, "error: %s is not set after a TLS connect\n", option);
            ok = 0;
        }
    }
    /* The certificate's properties (CertificateSubject, ...), strings. */
    {
        static const int32_t strings[] = {SSLCertificateSubject, SSLCertificateIssuer, SSLCertificateIssued,
                                          SSLCertificateExpires, SSLCertificateFingerprint};
        char text[1024];
        int32_t errors = -1, count = 0;

        for (i = 0; i < sizeof strings / sizeof strings[0]; i++) {
            const char *option = csmail_sslinfo_option_name(strings[i]);
            if ((rc = csmail_sslinfo_get_str(ssl, strings[i], text, sizeof text, NULL)) != CSMAIL_OK) {
                report_last(option, rc);
                return -1;
            }
            printf("  %-26s %s\n", option, text);
            if (text[0] == '\0') {
                fprintf(stderr, "error: %s is empty after a TLS connect\n", option);
                ok = 0;
            }
        }
        csmail_sslinfo_get_int(ssl, SSLCertificatePolicyErrors, &errors);
        csmail_sslinfo_get_int(ssl, SSLCertificateCount, &count);
        printf("  %-26s %d\n  %-26s %d\n", "SSLCertificatePolicyErrors", (int)errors, "SSLCertificateCount",
               (int)count);
        if (errors != 0 || count < 1) {
            fprintf(stderr, "error: policy errors %d, %d certificates\n", (int)errors, (int)count);
            ok = 0;
        }
    }
    if (protocol != SSL_TLS12 && protocol != SSL_TLS13) {
        fprintf(stderr, "error: negotiated protocol is %s (%d), not TLS 1.2 or TLS 1.3\n",
                name_of(protocols, protocol), (int)protocol);
        ok = 0;
    }
    if (status != CERTIFICATE_VALID) {
        fprintf(stderr, "error: certificate status is %s (%d), not CERTIFICATE_VALID\n", name_of(statuses, status),
                (int)status);
        ok = 0;
    }
    return ok ? 0 : -1;
}

/* ---- the connections ---------------------------------------------------------------- */

static int connect_smtp(const char *host, int32_t port, const csmail_sslinfo *ssl)
{
    csmail_smtp *smtp = new_smtp_client(host, port, NULL, NULL, ssl); /* no login */
    int32_t rc, tls = 0;
    int status = -1;

    if (smtp == NULL)
        return -1;
    if ((rc = csmail_smtp_connect(smtp)) != CSMAIL_OK) {
        report_smtp(smtp, "Connect", rc);
        goto done;
    }
    if ((rc = csmail_smtp_get_int(smtp, CSMAIL_PROP_TLS_ACTIVE, &tls)) != CSMAIL_OK) {
        report_smtp(smtp, "get TlsActive", rc);
        goto done;
    }
    printf("SMTP connected, TlsActive = %d\n", (int)tls);
    if ((rc = csmail_smtp_disconnect(smtp)) != CSMAIL_OK) {
        report_smtp(smtp, "Disconnect", rc);
        goto done;
    }
    status = tls == 1 ? 0 : -1;

done:
    csmail_smtp_release(smtp);
    return status;
}

static int connect_pop3(const char *host, int32_t port, const csmail_sslinfo *ssl)
{
    csmail_pop3 *pop3 = new_pop3_client(host, port, "alice", "alicepass", ssl); /* POP3 logs in */
    int32_t rc, tls = 0;
    int status = -1;

    if (pop3 == NULL)
        return -1;
    if ((rc = csmail_pop3_connect(pop3)) != CSMAIL_OK) {
        report_pop3(pop3, "Connect", rc);
        goto done;
    }
    if ((rc = csmail_pop3_get_int(pop3, CSMAIL_PROP_TLS_ACTIVE, &tls)) != CSMAIL_OK) {
        report_pop3(pop3, "get TlsActive", rc);
        goto done;
    }
    printf("POP3 connected, TlsActive = %d\n", (int)tls);
    if ((rc = csmail_pop3_disconnect(pop3, NULL)) != CSMAIL_OK) {
        report_pop3(pop3, "Disconnect", rc);
        goto done;
    }
    status = tls == 1 ? 0 : -1;

done:
    csmail_pop3_release(pop3);
    return status;
}

int main(int argc, char **argv)
{
    const char *host, *cafile, *service = "smtps", *version = NULL;
    int32_t port = 0, rc, mode;
    csmail_sslinfo *ssl = NULL;
    int status = EXIT_FAILURE, is_pop3;

    if (read_args(argc, argv, "[smtp|smtps|pop3|pop3s] [tls12|tls13]", 2, &host, &port, &cafile) != 0)
        return 2;
    if (argc > 4)
        service = argv[4];
    if (argc > 5)
        version = argv[5];
    if (strcmp(service, "smtp") == 0 || strcmp(service, "pop3") == 0)
        mode = MODE_STARTTLS;
    else if (strcmp(service, "smtps") == 0 || strcmp(service, "pop3s") == 0)
        mode = MODE_CHANNEL;
    else {
        fprintf(stderr, "error: unknown service '%s' (smtp, smtps, pop3 or pop3s)\n", service);
        return 2;
    }
    is_pop3 = strncmp(service, "pop3", 4) == 0;
    printf("csmail %s: %s %s to %s:%d\n", csmail_version(), is_pop3 ? "POP3" : "SMTP",
           mode == MODE_STARTTLS ? (is_pop3 ? "with STLS" : "with STARTTLS") : "with implicit TLS", host, (int)port);

    if ((ssl = new_sslinfo(mode, cafile)) == NULL)
        goto done;
    if (version != NULL) {
        int32_t only;

        if (strcmp(version, "tls12") == 0)
            only = SSL_TLS12;
        else if (strcmp(version, "tls13") == 0)
            only = SSL_TLS13;
        else {
            fprintf(stderr, "error: unknown version '%s' (tls12 or tls13)\n", version);
            goto done;
        }
        if ((rc = csmail_sslinfo_set_int_array(ssl, SSLConnectionProtocolIn, &only, 1)) != CSMAIL_OK) {
            report_last("SSLInfo.Option(SSLConnectionProtocolIn)", rc);
            goto done;
        }
        printf("SSLConnectionProtocolIn = { %s }\n", name_of(protocols, only));
    }

    if ((is_pop3 ? connect_pop3(host, port, ssl) : connect_smtp(host, port, ssl)) != 0)
        goto done;

    /* The outputs stay readable after Disconnect: they describe the last handshake. */
    printf("negotiated:\n");
    if (print_outputs(ssl) != 0)
        goto done;
    if (version != NULL) {
        int32_t protocol = 0;

        if ((rc = csmail_sslinfo_get_int(ssl, SSLConnectionProtocolOut, &protocol)) != CSMAIL_OK) {
            report_last("SSLInfo.Option(SSLConnectionProtocolOut)", rc);
            goto done;
        }
        if (protocol != (strcmp(version, "tls12") == 0 ? SSL_TLS12 : SSL_TLS13)) {
            fprintf(stderr, "error: asked for %s only, but %s was negotiated\n", version,
                    name_of(protocols, protocol));
            goto done;
        }
    }
    status = EXIT_SUCCESS;

done:
    if (ssl != NULL)
        csmail_sslinfo_release(ssl);
    return status;
}
