/*
 * imap_idle.c: wait with IDLE until a message arrives in bob's INBOX over IMAPS, then fetch it.
 *
 *   usage: imap_idle HOST PORT CAFILE [SUBJECT]
 *
 * The main thread selects INBOX and IDLEs (csmail_imap_idle, up to 30 s at a time). So that the
 * example is complete on its own, a second thread plays "another mail client": a second
 * IMAPClient that APPENDs a message with SUBJECT to INBOX once the IDLE has begun (an SMTP
 * delivery works the same way). When IDLE reports the change, the example searches the new
 * UIDs, fetches the message (BODY.PEEK[]) and prints its Subject; it fails unless that is
 * SUBJECT. At the end the message is expunged again.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csmail.h"
#include "example_util.h"

#define IMAP_USER "bob"
#define IMAP_PASSWORD "bobpass"

/* A connected IMAPS client for bob, or NULL after reporting. */
static csmail_imap *connect_imap(const char *host, int32_t port, const csmail_sslinfo *ssl)
{
    csmail_imap *imap = csmail_imap_new();
    int32_t rc;

    if (imap == NULL)
        return NULL;
    if ((rc = csmail_imap_set_str(imap, CSMAIL_PROP_HOST, host)) != CSMAIL_OK ||
        (rc = csmail_imap_set_int(imap, CSMAIL_PROP_PORT, port)) != CSMAIL_OK ||
        (rc = csmail_imap_set_int(imap, CSMAIL_PROP_TIMEOUT_MS, EXAMPLE_TIMEOUT_MS)) != CSMAIL_OK ||
        (rc = csmail_imap_set_str(imap, CSMAIL_PROP_USER, IMAP_USER)) != CSMAIL_OK ||
        (rc = csmail_imap_set_str(imap, CSMAIL_PROP_PASSWORD, IMAP_PASSWORD)) != CSMAIL_OK ||
        (rc = csmail_imap_set_advanced_handler(imap, ssl)) != CSMAIL_OK ||
        (rc = csmail_imap_connect(imap)) != CSMAIL_OK) {
        report_imap(imap, "Connect", rc);
        csmail_imap_release(imap);
        return NULL;
    }
    return imap;
}

struct other_client {
    const char *host;
    int32_t port;
    const csmail_sslinfo *ssl;
    const char *subject;
    int ok;
};

/* The second thread: after a moment (the IDLE has begun by then; if not, the change is seen
 * in the next IDLE's wait all the same), APPEND a message. */
static void *other_client(void *arg)
{
    struct other_client *o = arg;
    struct timespec pause = {0, 300 * 1000 * 1000};
    char text[512];
    csmail_imap *imap;
    csmail_message *m;
    int32_t rc;

    nanosleep(&pause, NULL);
    if ((imap = connect_imap(o->host, o->port, o->ssl)) == NULL)
        return NULL;
    snprintf(text, sizeof text, "From: alice@example.com\r\nTo: bob@example.com\r\nSubject: %s\r\n\r\nNew mail.\r\n",
             o->subject);
    if ((m = csmail_message_new()) == NULL)
        fprintf(stderr, "error: out of memory\n");
    else if ((rc = csmail_message_load_mem(m, (const uint8_t *)text, strlen(text))) != CSMAIL_OK)
        report_last("Message load", rc);
    else if ((rc = csmail_imap_append_message(imap, "INBOX", NULL, m, NULL)) != CSMAIL_OK)
        report_imap(imap, "APPEND", rc);
    else
        o->ok = 1;
    if (m != NULL)
        csmail_message_release(m);
    csmail_imap_disconnect(imap);
    csmail_imap_release(imap);
    return NULL;
}

int main(int argc, char **argv)
{
    const char *host, *cafile, *subject = "imap_idle example";
    int32_t port = 0, rc, changed = 0;
    csmail_sslinfo *ssl = NULL;
    csmail_imap *imap = NULL;
    uint32_t exists = 0, next = 0, rounds;
    char query[64], uids[256], got[256];
    struct other_client other = {NULL, 0, NULL, NULL, 0};
    pthread_t thread;
    int started = 0, status = EXIT_FAILURE;

    if (read_args(argc, argv, "[SUBJECT]", 1, &host, &port, &cafile) != 0)
        return 2;
    if (argc > 4)
        subject = argv[4];
    printf("csmail %s: IDLE on %s's INBOX over IMAPS at %s:%d\n", csmail_version(), IMAP_USER, host, (int)port);
    if ((ssl = new_sslinfo(MODE_CHANNEL, cafile)) == NULL || (imap = connect_imap(host, port, ssl)) == NULL)
        goto done;
    if ((rc = csmail_imap_select(imap, "INBOX", 0, &exists, NULL, NULL, &next)) != CSMAIL_OK) {
        report_imap(imap, "SELECT", rc);
        goto done;
    }
    printf("SELECT INBOX: %u message(s); new mail gets UID %u or above\n", (unsigned)exists, (unsigned)next);

    other = (struct other_client){host, port, ssl, subject, 0};
    if (pthread_create(&thread, NULL, other_client, &other) != 0) {
        fprintf(stderr, "error: cannot start the second thread\n");
        goto done;
    }
    started = 1;
    /* IDLE until the server reports a change (a few rounds of 30 s at most). */
    for (rounds = 0; rounds < 4 && !changed; rounds++) {
        if ((rc = csmail_imap_idle(imap, 30000, &exists, &changed)) != CSMAIL_OK) {
            report_imap(imap, "IDLE", rc);
            goto done;
        }
    }
    if (!changed) {
        fprintf(stderr, "error: no new mail arrived during IDLE\n");
        goto done;
    }
    printf("IDLE: the server reports %u message(s)\n", (unsigned)exists);

    /* The new mail: UIDs from the UIDNEXT seen at SELECT on. */
    snprintf(query, sizeof query, "UID %u:*", (unsigned)next);
    if ((rc = csmail_imap_search(imap, query, 1, uids, sizeof uids, NULL)) != CSMAIL_OK) {
        report_imap(imap, "UID SEARCH", rc);
        goto done;
    }
    printf("new UIDs: %s\n", uids);
    {
        uint32_t uid = (uint32_t)strtoul(uids, NULL, 10);
        csmail_message *m = NULL;
        const uint8_t *data = NULL;
        size_t len = 0;
        char set[16];

        if ((rc = csmail_imap_fetch(imap, uid, 1, &m)) != CSMAIL_OK) {
            report_imap(imap, "UID FETCH", rc);
            goto done;
        }
        if ((rc = csmail_message_data(m, &data, &len)) != CSMAIL_OK) {
            report_last("Message data", rc);
            csmail_message_release(m);
            goto done;
        }
        find_subject(data, len, got, sizeof got);
        csmail_message_release(m);
        printf("UID %u: %zu bytes, Subject: %s\n", (unsigned)uid, len, got);
        if (strcmp(got, subject) != 0) {
            fprintf(stderr, "error: expected the Subject \"%s\"\n", subject);
            goto done;
        }
        snprintf(set, sizeof set, "%u", (unsigned)uid);
        if ((rc = csmail_imap_store_flags(imap, set, 1, 1, "\\Deleted")) != CSMAIL_OK ||
            (rc = csmail_imap_expunge(imap, set)) != CSMAIL_OK) {
            report_imap(imap, "STORE/UID EXPUNGE", rc);
            goto done;
        }
    }
    if ((rc = csmail_imap_disconnect(imap)) != CSMAIL_OK) {
        report_imap(imap, "Disconnect", rc);
        goto done;
    }
    status = EXIT_SUCCESS;

done:
    if (started) {
        pthread_join(thread, NULL);
        if (!other.ok)
            status = EXIT_FAILURE;
    }
    if (imap != NULL)
        csmail_imap_release(imap);
    if (ssl != NULL)
        csmail_sslinfo_release(ssl);
    return status;
}
