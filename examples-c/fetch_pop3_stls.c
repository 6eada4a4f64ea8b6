/*
 * fetch_pop3_stls.c: fetch and delete bob's mail over POP3 upgraded with STLS (RFC 2595).
 *
 *   usage: fetch_pop3_stls HOST PORT CAFILE [EXPECTED-SUBJECT-TEXT...]
 *
 * Connects in plaintext, upgrades with STLS (required: no silent downgrade), verifies the
 * server certificate against CAFILE only and logs in as bob. Then STAT, and for each message:
 * UIDL, LIST (its size), RETR into memory (a csmail_message, whose length must equal the LIST
 * size), print the Subject, DELE. Disconnect sends QUIT, which commits the deletions: the
 * example requires that the server confirmed it.
 *
 * Each EXPECTED-SUBJECT-TEXT must occur in the Subject of some message, else the example
 * fails (the tests use it to check that a message sent earlier arrived).
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csmail.h"
#include "example_util.h"

#define POP3_USER "bob"
#define POP3_PASSWORD "bobpass"

int main(int argc, char **argv)
{
    const char *host, *cafile;
    int32_t port = 0, rc, committed = 0;
    csmail_pop3 *pop3 = NULL;
    csmail_sslinfo *ssl = NULL;
    uint32_t count = 0, i;
    uint64_t total = 0;
    int status = EXIT_FAILURE, expected, e, *found = NULL;

    if (read_args(argc, argv, "[EXPECTED-SUBJECT-TEXT...]", -1, &host, &port, &cafile) != 0)
        return 2;
    expected = argc - 4;
    if ((found = calloc((size_t)expected + 1, sizeof *found)) == NULL)
        return EXIT_FAILURE;
    printf("csmail %s: fetching %s's mail over POP3 + STLS from %s:%d\n", csmail_version(), POP3_USER, host,
           (int)port);

    /* SSLInfo: STLS, trusting only the given CA file; the client with it as its advanced
     * handler. */
    if ((ssl = new_sslinfo(MODE_STARTTLS, cafile)) == NULL)
        goto done;
    if ((pop3 = new_pop3_client(host, port, POP3_USER, POP3_PASSWORD, ssl)) == NULL)
        goto done;

    /* Connect: TCP, greeting, CAPA, STLS, TLS handshake, CAPA again, login. */
    if ((rc = csmail_pop3_connect(pop3)) != CSMAIL_OK) {
        report_pop3(pop3, "Connect", rc);
        goto done;
    }
    if ((rc = csmail_pop3_stat(pop3, &count, &total)) != CSMAIL_OK) {
        report_pop3(pop3, "STAT", rc);
        goto done;
    }
    printf("STAT: %u message(s), %llu bytes\n", (unsigned)count, (unsigned long long)total);

    for (i = 1; i <= count; i++) {
        char uid[128], subject[256];
        size_t uid_needed = 0, len = 0;
        uint64_t size = 0;
        csmail_message *message = NULL;
        const uint8_t *data = NULL;

        /* UIDL n: the buffer here is large enough for any UID (at most 70 characters). */
        if ((rc = csmail_pop3_uid(pop3, i, uid, sizeof uid, &uid_needed)) != CSMAIL_OK) {
            report_pop3(pop3, "UIDL", rc);
            goto done;
        }
        if ((rc = csmail_pop3_message_size(pop3, i, &size)) != CSMAIL_OK) {
            report_pop3(pop3, "LIST", rc);
            goto done;
        }
        if ((rc = csmail_pop3_retrieve(pop3, i, &message)) != CSMAIL_OK) {
            report_pop3(pop3, "RETR", rc);
            goto done;
        }
        if ((rc = csmail_message_data(message, &data, &len)) != CSMAIL_OK) {
            report_last("Message data", rc);
            csmail_message_release(message);
            goto done;
        }
        find_subject(data, len, subject, sizeof subject);
        printf("message %u: UID %s, LIST size %llu, retrieved %zu bytes, Subject: %s\n", (unsigned)i, uid,
               (unsigned long long)size, len, subject);
        for (e = 0; e < expected; e++)
            if (strstr(subject, argv[4 + e]) != NULL)
                found[e] = 1;
        csmail_message_release(message);
        if ((uint64_t)len != size) {
            fprintf(stderr, "error: message %u: retrieved %zu bytes but LIST said %llu\n", (unsigned)i, len,
                    (unsigned long long)size);
            goto done;
        }

        if ((rc = csmail_pop3_delete(pop3, i)) != CSMAIL_OK) {
            report_pop3(pop3, "DELE", rc);
            goto done;
        }
    }

    /* QUIT: the server commits the deletions only when it confirms QUIT. */
    if ((rc = csmail_pop3_disconnect(pop3, &committed)) != CSMAIL_OK) {
        report_pop3(pop3, "Disconnect", rc);
        goto done;
    }
    if (committed != 1) {
        fprintf(stderr, "error: the server did not confirm QUIT: the deletions were not committed\n");
        goto done;
    }
    printf("disconnected; %u deletion(s) committed\n", (unsigned)count);

    status = EXIT_SUCCESS;
    for (e = 0; e < expected; e++) {
        if (!found[e]) {
            fprintf(stderr, "error: no message with \"%s\" in its Subject\n", argv[4 + e]);
            status = EXIT_FAILURE;
        } else {
            printf("found the expected message \"%s\"\n", argv[4 + e]);
        }
    }

done:
    free(found);
    if (pop3 != NULL)
        csmail_pop3_release(pop3);
    if (ssl != NULL)
        csmail_sslinfo_release(ssl);
    return status;
}
