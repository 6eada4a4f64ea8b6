/*
 * roundtrip.c: the program scripts/test-install.sh builds against an installed csmail (through
 * pkg-config, shared and static, and through CMake's find_package) to prove that the installed
 * files are enough to write a mail client.
 *
 *   usage: roundtrip HOST SMTP-PORT POP3S-PORT CAFILE TAG [EXPECTED-VERSION]
 *
 * Sends one message from alice to bob over SMTP with STARTTLS, then logs in as bob over POP3S
 * (implicit TLS), finds the message by the Subject "csmail roundtrip TAG", checks its body
 * line byte for byte, deletes it and requires QUIT to commit the deletion. With
 * EXPECTED-VERSION, csmail_version() must return exactly that. Exits 0 only if all of it held.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csmail.h>

#define FAIL(...)                                                                                            \
    do {                                                                                                     \
        fprintf(stderr, "roundtrip: " __VA_ARGS__);                                                         \
        fputc('\n', stderr);                                                                                 \
        goto done;                                                                                           \
    } while (0)

/* Checks one csmail call: on failure reports the result code's text and this thread's eex. */
#define CHECK(call)                                                                                          \
    do {                                                                                                     \
        int32_t rc_ = (call);                                                                                \
        if (rc_ != CSMAIL_OK)                                                                                \
            FAIL("%s failed: %s (result %d, eex %d)", #call, csmail_strerror(rc_), (int)rc_,                \
                 (int)csmail_last_eex());                                                                    \
    } while (0)

static int parse_port(const char *s, int32_t *port)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);

    if (end == s || *end != '\0' || v < 1 || v > 65535)
        return -1;
    *port = (int32_t)v;
    return 0;
}

/* Does the NUL-terminated NEEDLE occur in DATA[0..SIZE)? (memmem is not standard C.) */
static int memmem_found(const uint8_t *data, size_t size, const char *needle)
{
    size_t n = strlen(needle), i;

    for (i = 0; n <= size && i <= size - n; i++)
        if (memcmp(data + i, needle, n) == 0)
            return 1;
    return 0;
}

/* An SSLInfo in MODE, trusting only CAFILE; NULL after a report. */
static csmail_sslinfo *tls_settings(int32_t mode, const char *cafile)
{
    csmail_sslinfo *ssl = csmail_sslinfo_new();

    if (ssl == NULL)
        return NULL;
    if (csmail_sslinfo_set_mode(ssl, mode) == CSMAIL_OK && csmail_sslinfo_set_str(ssl, SSLCAFile, cafile) == CSMAIL_OK &&
        csmail_sslinfo_set_int(ssl, SSLNoSystemRoots, 1) == CSMAIL_OK)
        return ssl;
    fprintf(stderr, "roundtrip: SSLInfo settings failed (eex %d)\n", (int)csmail_last_eex());
    csmail_sslinfo_release(ssl);
    return NULL;
}

int main(int argc, char **argv)
{
    const char *host, *cafile, *tag, *recipients[] = {"bob@example.com"};
    int32_t smtp_port = 0, pop3s_port = 0, code = 0, committed = 0;
    csmail_sslinfo *starttls = NULL, *implicit = NULL;
    csmail_smtp *smtp = NULL;
    csmail_pop3 *pop3 = NULL;
    csmail_message *message = NULL;
    char subject[160], body_line[160], text[1024];
    uint32_t count = 0, i, found = 0;
    uint64_t total = 0;
    int len, status = EXIT_FAILURE;

    if (argc < 6 || argc > 7 || parse_port(argv[2], &smtp_port) != 0 || parse_port(argv[3], &pop3s_port) != 0) {
        fprintf(stderr, "usage: %s HOST SMTP-PORT POP3S-PORT CAFILE TAG [EXPECTED-VERSION]\n", argv[0]);
        return 2;
    }
    host = argv[1];
    cafile = argv[4];
    tag = argv[5];
    printf("roundtrip: csmail %s\n", csmail_version());
    if (argc == 7 && strcmp(csmail_version(), argv[6]) != 0)
        FAIL("csmail_version() is \"%s\", expected \"%s\"", csmail_version(), argv[6]);

    snprintf(subject, sizeof subject, "csmail roundtrip %s", tag);
    snprintf(body_line, sizeof body_line, "Body of the %s round trip.", tag);
    len = snprintf(text, sizeof text,
                   "From: alice@example.com\r\nTo: bob@example.com\r\nSubject: %s\r\n"
                   "Message-ID: <%s@roundtrip.example.com>\r\n\r\n%s\r\n",
                   subject, tag, body_line);
    if (len < 0 || (size_t)len >= sizeof text)
        FAIL("message buffer too small");

    /* Send over SMTP + STARTTLS as alice. */
    if ((starttls = tls_settings(MODE_STARTTLS, cafile)) == NULL || (smtp = csmail_smtp_new()) == NULL)
        goto done;
    CHECK(csmail_smtp_set_str(smtp, CSMAIL_PROP_HOST, host));
    CHECK(csmail_smtp_set_int(smtp, CSMAIL_PROP_PORT, smtp_port));
    CHECK(csmail_smtp_set_int(smtp, CSMAIL_PROP_TIMEOUT_MS, 20000));
    CHECK(csmail_smtp_set_str(smtp, CSMAIL_PROP_USER, "alice"));
    CHECK(csmail_smtp_set_str(smtp, CSMAIL_PROP_PASSWORD, "alicepass"));
    CHECK(csmail_smtp_set_advanced_handler(smtp, starttls));
    CHECK(csmail_smtp_connect(smtp));
    CHECK(csmail_smtp_send_mem(smtp, "alice@example.com", recipients, 1, (const uint8_t *)text, (size_t)len));
    CHECK(csmail_smtp_get_int(smtp, CSMAIL_PROP_REPLY_CODE, &code));
    if (code != 250)
        FAIL("the reply to the end of DATA was %d, expected 250", (int)code);
    CHECK(csmail_smtp_disconnect(smtp));
    printf("roundtrip: sent \"%s\" over STARTTLS (250)\n", subject);

    /* Fetch over POP3S as bob: exactly one message has our Subject, with our body line. */
    if ((implicit = tls_settings(MODE_CHANNEL, cafile)) == NULL || (pop3 = csmail_pop3_new()) == NULL)
        goto done;
    CHECK(csmail_pop3_set_str(pop3, CSMAIL_PROP_HOST, host));
    CHECK(csmail_pop3_set_int(pop3, CSMAIL_PROP_PORT, pop3s_port));
    CHECK(csmail_pop3_set_int(pop3, CSMAIL_PROP_TIMEOUT_MS, 20000));
    CHECK(csmail_pop3_set_str(pop3, CSMAIL_PROP_USER, "bob"));
    CHECK(csmail_pop3_set_str(pop3, CSMAIL_PROP_PASSWORD, "bobpass"));
    CHECK(csmail_pop3_set_advanced_handler(pop3, implicit));
    CHECK(csmail_pop3_connect(pop3));
    CHECK(csmail_pop3_stat(pop3, &count, &total));
    for (i = 1; i <= count; i++) {
        const uint8_t *data = NULL;
        size_t size = 0;
        char wanted[200];

        CHECK(csmail_pop3_retrieve(pop3, i, &message));
        CHECK(csmail_message_data(message, &data, &size));
        snprintf(wanted, sizeof wanted, "Subject: %s\r\n", subject);
        /* The server adds headers in front; ours follow unchanged. */
        if (memmem_found(data, size, wanted)) {
            char body[200];
            snprintf(body, sizeof body, "\r\n\r\n%s\r\n", body_line);
            if (!memmem_found(data, size, body))
                FAIL("message %u has our Subject but not the body line \"%s\"", (unsigned)i, body_line);
            found++;
            CHECK(csmail_pop3_delete(pop3, i));
        }
        csmail_message_release(message);
        message = NULL;
    }
    if (found != 1)
        FAIL("%u messages with the Subject \"%s\" in bob's mailbox, expected 1", (unsigned)found, subject);
    CHECK(csmail_pop3_disconnect(pop3, &committed));
    if (committed != 1)
        FAIL("QUIT did not commit the deletion");
    printf("roundtrip: fetched \"%s\" over POP3S and deleted it\n", subject);
    status = EXIT_SUCCESS;

done:
    if (message != NULL)
        csmail_message_release(message);
    if (pop3 != NULL)
        csmail_pop3_release(pop3);
    if (smtp != NULL)
        csmail_smtp_release(smtp);
    if (implicit != NULL)
        csmail_sslinfo_release(implicit);
    if (starttls != NULL)
        csmail_sslinfo_release(starttls);
    return status;
}
