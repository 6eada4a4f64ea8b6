/*
 * imap_list_unseen.c: list bob's mailboxes and his unseen messages over IMAPS (implicit TLS,
 * port 993 by default, RFC 8314).
 *
 *   usage: imap_list_unseen HOST PORT CAFILE [SUBJECT-TO-APPEND]
 *
 * With SUBJECT-TO-APPEND, a message with that Subject is first APPENDed to INBOX (so a test
 * finds a known unseen message), and at the end it is marked \Deleted and expunged again,
 * leaving the mailbox as it was found. Then:
 *   1. LIST "" "*": every mailbox name (UTF-8);
 *   2. SELECT INBOX: the message count, UIDVALIDITY and UIDNEXT;
 *   3. UID SEARCH UNSEEN UNDELETED (criteria built with csmail_search, which quotes any
 *      string for us), and for each such message: FETCH BODY.PEEK[] (the \Seen flag stays off)
 *      into a csmail_message, printing its size and Subject.
 * The example fails when SUBJECT-TO-APPEND is given and not found among the unseen messages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csmail.h"
#include "example_util.h"

#define IMAP_USER "bob"
#define IMAP_PASSWORD "bobpass"

/* A string out of a call that reports the size it needs: asks, allocates, reads. */
static char *list_mailboxes(csmail_imap *imap)
{
    size_t needed = 0;
    char *names = NULL;
    int32_t rc;

    if ((rc = csmail_imap_list(imap, "", "*", NULL, 0, &needed)) != CSMAIL_OK &&
        rc != CSMAIL_E_BUFFER_TOO_SMALL) {
        report_imap(imap, "LIST", rc);
        return NULL;
    }
    /* The list may grow between the two calls: ask again until it fits. */
    for (;;) {
        char *grown = realloc(names, needed);

        if (grown == NULL) {
            free(names);
            fprintf(stderr, "error: out of memory\n");
            return NULL;
        }
        names = grown;
        rc = csmail_imap_list(imap, "", "*", names, needed, &needed);
        if (rc == CSMAIL_OK)
            return names;
        if (rc != CSMAIL_E_BUFFER_TOO_SMALL) {
            report_imap(imap, "LIST", rc);
            free(names);
            return NULL;
        }
    }
}

static int append_marker(csmail_imap *imap, const char *subject, uint32_t *uid)
{
    char text[512];
    csmail_message *m = NULL;
    int32_t rc;
    int ok = 0;

    snprintf(text, sizeof text, "From: alice@example.com\r\nTo: bob@example.com\r\nSubject: %s\r\n\r\n"
                                "Appended by imap_list_unseen.\r\n", subject);
    if ((m = csmail_message_new()) == NULL)
        fprintf(stderr, "error: out of memory\n");
    else if ((rc = csmail_message_load_mem(m, (const uint8_t *)text, strlen(text))) != CSMAIL_OK)
        report_last("Message load", rc);
    else if ((rc = csmail_imap_append_message(imap, "INBOX", NULL, m, uid)) != CSMAIL_OK)
        report_imap(imap, "APPEND", rc);
    else
        ok = 1;
    if (m != NULL)
        csmail_message_release(m);
    if (ok)
        printf("APPEND: \"%s\" to INBOX as UID %u\n", subject, (unsigned)*uid);
    return ok;
}

int main(int argc, char **argv)
{
    const char *host, *cafile, *marker = NULL;
    int32_t port = 0, rc;
    csmail_sslinfo *ssl = NULL;
    csmail_imap *imap = NULL;
    csmail_search *unseen = NULL;
    char *names = NULL, *line, *uids = NULL, *p;
    size_t needed = 0;
    uint32_t exists = 0, validity = 0, next = 0, marker_uid = 0;
    int status = EXIT_FAILURE, found = 0;

    if (read_args(argc, argv, "[SUBJECT-TO-APPEND]", 1, &host, &port, &cafile) != 0)
        return 2;
    if (argc > 4)
        marker = argv[4];
    printf("csmail %s: %s's mailboxes and unseen mail over IMAPS at %s:%d\n", csmail_version(), IMAP_USER, host,
           (int)port);

    /* SSLInfo: implicit TLS, trusting only the given CA file. */
    if ((ssl = new_sslinfo(MODE_CHANNEL, cafile)) == NULL)
        goto done;
    if ((imap = csmail_imap_new()) == NULL)
        goto done;
    if ((rc = csmail_imap_set_str(imap, CSMAIL_PROP_HOST, host)) != CSMAIL_OK ||
        (rc = csmail_imap_set_int(imap, CSMAIL_PROP_PORT, port)) != CSMAIL_OK ||
        (rc = csmail_imap_set_int(imap, CSMAIL_PROP_TIMEOUT_MS, EXAMPLE_TIMEOUT_MS)) != CSMAIL_OK ||
        (rc = csmail_imap_set_str(imap, CSMAIL_PROP_USER, IMAP_USER)) != CSMAIL_OK ||
        (rc = csmail_imap_set_str(imap, CSMAIL_PROP_PASSWORD, IMAP_PASSWORD)) != CSMAIL_OK ||
        (rc = csmail_imap_set_advanced_handler(imap, ssl)) != CSMAIL_OK) {
        report_imap(imap, "setting up the IMAPClient", rc);
        goto done;
    }
    /* Connect: TCP, TLS handshake, greeting, login (AUTHENTICATE PLAIN over TLS). */
    if ((rc = csmail_imap_connect(imap)) != CSMAIL_OK) {
        report_imap(imap, "Connect", rc);
        goto done;
    }
    if (marker != NULL && !append_marker(imap, marker, &marker_uid))
        goto done;

    /* 1. LIST. */
    if ((names = list_mailboxes(imap)) == NULL)
        goto done;
    printf("LIST:\n");
    for (line = strtok(names, "\n"); line != NULL; line = strtok(NULL, "\n"))
        printf("  %s\n", line);

    /* 2. SELECT INBOX. */
    if ((rc = csmail_imap_select(imap, "INBOX", 0, &exists, NULL, &validity, &next)) != CSMAIL_OK) {
        report_imap(imap, "SELECT", rc);
        goto done;
    }
    printf("SELECT INBOX: %u message(s), UIDVALIDITY %u, UIDNEXT %u\n", (unsigned)exists, (unsigned)validity,
           (unsigned)next);

    /* 3. UID SEARCH UNSEEN UNDELETED, then each of those messages. */
    if ((unseen = csmail_search_new()) == NULL ||
        (rc = csmail_search_add(unseen, CSMAIL_SEARCH_UNSEEN)) != CSMAIL_OK ||
        (rc = csmail_search_add(unseen, CSMAIL_SEARCH_UNDELETED)) != CSMAIL_OK) {
        report_last("building the search criteria", unseen == NULL ? CSMAIL_E_INVALID_ARGUMENT : rc);
        goto done;
    }
    if ((rc = csmail_imap_search_criteria(imap, unseen, 1, NULL, 0, &needed)) != CSMAIL_OK &&
        rc != CSMAIL_E_BUFFER_TOO_SMALL) {
        report_imap(imap, "UID SEARCH", rc);
        goto done;
    }
    if ((uids = malloc(needed)) == NULL ||
        (rc = csmail_imap_search_criteria(imap, unseen, 1, uids, needed, NULL)) != CSMAIL_OK) {
        report_imap(imap, "UID SEARCH", uids == NULL ? CSMAIL_E_INVALID_ARGUMENT : rc);
        goto done;
    }
    printf("UNSEEN: %s\n", uids[0] != '\0' ? uids : "(none)");
    for (p = strtok(uids, " "); p != NULL; p = strtok(NULL, " ")) {
        uint32_t uid = (uint32_t)strtoul(p, NULL, 10);
        csmail_message *m = NULL;
        const uint8_t *data = NULL;
        size_t len = 0;
        char subject[256];

        if ((rc = csmail_imap_fetch(imap, uid, 1, &m)) != CSMAIL_OK) {
            report_imap(imap, "UID FETCH", rc);
            goto done;
        }
        if ((rc = csmail_message_data(m, &data, &len)) != CSMAIL_OK) {
            report_last("Message data", rc);
            csmail_message_release(m);
            goto done;
        }
        find_subject(data, len, subject, sizeof subject);
        printf("  UID %u: %zu bytes, Subject: %s\n", (unsigned)uid, len, subject);
        if (marker != NULL && uid == marker_uid && strcmp(subject, marker) == 0)
            found = 1;
        csmail_message_release(m);
    }
    if (marker != NULL) {
        char set[16];

        if (!found) {
            fprintf(stderr, "error: the appended message (UID %u) is not among the unseen ones\n",
                    (unsigned)marker_uid);
            goto done;
        }
        /* Leave the mailbox as it was: \Deleted, then UID EXPUNGE of just that message. */
        snprintf(set, sizeof set, "%u", (unsigned)marker_uid);
        if ((rc = csmail_imap_store_flags(imap, set, 1, 1, "\\Deleted")) != CSMAIL_OK) {
            report_imap(imap, "STORE", rc);
            goto done;
        }
        if ((rc = csmail_imap_expunge(imap, set)) != CSMAIL_OK) {
            report_imap(imap, "UID EXPUNGE", rc);
            goto done;
        }
        printf("UID EXPUNGE %s: the appended message is gone again\n", set);
    }
    if ((rc = csmail_imap_disconnect(imap)) != CSMAIL_OK) {
        report_imap(imap, "Disconnect", rc);
        goto done;
    }
    status = EXIT_SUCCESS;

done:
    free(uids);
    free(names);
    if (unseen != NULL)
        csmail_search_release(unseen);
    if (imap != NULL)
        csmail_imap_release(imap);
    if (ssl != NULL)
        csmail_sslinfo_release(ssl);
    return status;
}
