/*
 * fetch_pop3s.c: fetch and delete bob's mail over POP3 with implicit TLS ("POP3S", RFC 8314),
 * with a batch retrieval.
 *
 *   usage: fetch_pop3s HOST PORT CAFILE [EXPECTED-SUBJECT-TEXT...]
 *
 * The whole session is TLS from the first byte (MODE_CHANNEL). After STAT:
 *   1. for each message: UIDL, LIST (its size), RETR into memory (a csmail_message, whose
 *      length must equal the LIST size), print the Subject;
 *   2. csmail_pop3_retrieve_many: RETR + DELE of all of them in one batch (pipelined when the
 *      server offers PIPELINING); each batch copy must equal the message from step 1;
 *   3. Disconnect (QUIT commits the deletions: the server must confirm it), then a second
 *      session checks that none of the deleted UIDs is left.
 *
 * Each EXPECTED-SUBJECT-TEXT must occur in the Subject of some message, else the example
 * fails (the tests use it to check that messages sent earlier arrived).
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
#define UID_SIZE 128 /* a UIDL is at most 70 characters (RFC 1939) */

/* A logged-in POP3S client for bob, or NULL after reporting. */
static csmail_pop3 *connect_pop3(const char *host, int32_t port, const csmail_sslinfo *ssl)
{
    csmail_pop3 *pop3 = new_pop3_client(host, port, POP3_USER, POP3_PASSWORD, ssl);
    int32_t rc;

    if (pop3 == NULL)
        return NULL;
    /* Connect: TCP, TLS handshake, greeting, CAPA, login. */
    if ((rc = csmail_pop3_connect(pop3)) != CSMAIL_OK) {
        report_pop3(pop3, "Connect", rc);
        goto fail;
    }
    return pop3;

fail:
    csmail_pop3_release(pop3);
    return NULL;
}

/* The messages of step 1, to check the batch copies of step 2 against. */
struct batch {
    csmail_message **messages; /* messages[number - 1] */
    uint32_t count;
    uint32_t seen;
};

/* csmail_message_callback: one whole message of the batch (data valid during the call). */
static int32_t CSMAIL_CALL on_batch_message(void *userdata, uint32_t number, const uint8_t *data, size_t len)
{
    struct batch *b = userdata;
    const uint8_t *kept = NULL;
    size_t kept_len = 0;
    int32_t rc;

    if (number < 1 || number > b->count) {
        fprintf(stderr, "error: the batch delivered message %u, which was not asked for\n", (unsigned)number);
        return 1; /* non-zero fails the batch */
    }
    if ((rc = csmail_message_data(b->messages[number - 1], &kept, &kept_len)) != CSMAIL_OK) {
        report_last("Message data", rc);
        return 1;
    }
    if (len != kept_len || memcmp(data, kept, len) != 0) {
        fprintf(stderr, "error: batch copy of message %u (%zu bytes) differs from its RETR (%zu bytes)\n",
                (unsigned)number, len, kept_len);
        return 1;
    }
    b->seen++;
    printf("  batch: message %u, %zu bytes, same as its RETR; deleted\n", (unsigned)number, len);
    return 0;
}

int main(int argc, char **argv)
{
    const char *host, *cafile;
    int32_t port = 0, rc, committed = 0;
    csmail_pop3 *pop3 = NULL;
    csmail_sslinfo *ssl = NULL;
    uint32_t count = 0, left = 0, i, j;
    uint64_t total = 0;
    uint32_t *numbers = NULL;
    char (*uids)[UID_SIZE] = NULL;
    struct batch batch = {NULL, 0, 0};
    int status = EXIT_FAILURE, expected, e, *found = NULL;

    if (read_args(argc, argv, "[EXPECTED-SUBJECT-TEXT...]", -1, &host, &port, &cafile) != 0)
        return 2;
    expected = argc - 4;
    if ((found = calloc((size_t)expected + 1, sizeof *found)) == NULL)
        return EXIT_FAILURE;
    printf("csmail %s: fetching %s's mail over POP3 with implicit TLS from %s:%d\n", csmail_version(), POP3_USER,
           host, (int)port);

    /* SSLInfo: implicit TLS, trusting only the given CA file. */
    if ((ssl = new_sslinfo(MODE_CHANNEL, cafile)) == NULL)
        goto done;

    if ((pop3 = connect_pop3(host, port, ssl)) == NULL)
        goto done;
    if ((rc = csmail_pop3_stat(pop3, &count, &total)) != CSMAIL_OK) {
        report_pop3(pop3, "STAT", rc);
        goto done;
    }
    printf("STAT: %u message(s), %llu bytes\n", (unsigned)count, (unsigned long long)total);

    batch.messages = calloc((size_t)count + 1, sizeof *batch.messages);
    numbers = calloc((size_t)count + 1, sizeof *numbers);
    uids = calloc((size_t)count + 1, sizeof *uids);
    if (batch.messages == NULL || numbers == NULL || uids == NULL) {
        fprintf(stderr, "error: out of memory\n");
        goto done;
    }
    batch.count = count;

    /* 1. UIDL, LIST and RETR of each message. */
    for (i = 1; i <= count; i++) {
        char subject[256];
        size_t len = 0;
        uint64_t size = 0;
        const uint8_t *data = NULL;

        if ((rc = csmail_pop3_uid(pop3, i, uids[i - 1], UID_SIZE, NULL)) != CSMAIL_OK) {
            report_pop3(pop3, "UIDL", rc);
            goto done;
        }
        if ((rc = csmail_pop3_message_size(pop3, i, &size)) != CSMAIL_OK) {
            report_pop3(pop3, "LIST", rc);
            goto done;
        }
        if ((rc = csmail_pop3_retrieve(pop3, i, &batch.messages[i - 1])) != CSMAIL_OK) {
            report_pop3(pop3, "RETR", rc);
            goto done;
        }
        if ((rc = csmail_message_data(batch.messages[i - 1], &data, &len)) != CSMAIL_OK) {
            report_last("Message data", rc);
            goto done;
        }
        find_subject(data, len, subject, sizeof subject);
        printf("message %u: UID %s, LIST size %llu, retrieved %zu bytes, Subject: %s\n", (unsigned)i, uids[i - 1],
               (unsigned long long)size, len, subject);
        for (e = 0; e < expected; e++)
            if (strstr(subject, argv[4 + e]) != NULL)
                found[e] = 1;
        if ((uint64_t)len != size) {
            fprintf(stderr, "error: message %u: retrieved %zu bytes but LIST said %llu\n", (unsigned)i, len,
                    (unsigned long long)size);
            goto done;
        }
        numbers[i - 1] = i;
    }

    /* 2. The batch: RETR and DELE of every message, each checked by on_batch_message. */
    if (count > 0) {
        printf("retrieve_many: %u message(s), deleting each\n", (unsigned)count);
        if ((rc = csmail_pop3_retrieve_many(pop3, numbers, count, 1, on_batch_message, &batch)) != CSMAIL_OK) {
            report_pop3(pop3, "retrieve_many", rc);
            goto done;
        }
        if (batch.seen != count) {
            fprintf(stderr, "error: retrieve_many delivered %u of %u messages\n", (unsigned)batch.seen,
                    (unsigned)count);
            goto done;
        }
    }

    /* 3. QUIT commits the deletions, when the server confirms it. */
    if ((rc = csmail_pop3_disconnect(pop3, &committed)) != CSMAIL_OK) {
        report_pop3(pop3, "Disconnect", rc);
        goto done;
    }
    if (committed != 1) {
        fprintf(stderr, "error: the server did not confirm QUIT: the deletions were not committed\n");
        goto done;
    }
    printf("disconnected; %u deletion(s) committed\n", (unsigned)count);
    csmail_pop3_release(pop3);

    /* A second session: none of the deleted messages may be left. */
    if ((pop3 = connect_pop3(host, port, ssl)) == NULL)
        goto done;
    if ((rc = csmail_pop3_stat(pop3, &left, NULL)) != CSMAIL_OK) {
        report_pop3(pop3, "STAT", rc);
        goto done;
    }
    for (j = 1; j <= left; j++) {
        char uid[UID_SIZE];

        if ((rc = csmail_pop3_uid(pop3, j, uid, sizeof uid, NULL)) != CSMAIL_OK) {
            report_pop3(pop3, "UIDL", rc);
            goto done;
        }
        for (i = 0; i < count; i++) {
            if (strcmp(uid, uids[i]) == 0) {
                fprintf(stderr, "error: message UID %s was deleted but is still there\n", uid);
                goto done;
            }
        }
    }
    if ((rc = csmail_pop3_disconnect(pop3, NULL)) != CSMAIL_OK) {
        report_pop3(pop3, "Disconnect", rc);
        goto done;
    }
    printf("checked: the deleted messages are gone (%u other message(s) in the mailbox)\n", (unsigned)left);

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
    if (batch.messages != NULL)
        for (i = 0; i < batch.count; i++)
            if (batch.messages[i] != NULL)
                csmail_message_release(batch.messages[i]);
    free(batch.messages);
    free(numbers);
    free(uids);
    free(found);
    if (pop3 != NULL)
        csmail_pop3_release(pop3);
    if (ssl != NULL)
        csmail_sslinfo_release(ssl);
    return status;
}
