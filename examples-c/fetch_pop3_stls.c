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

/* Is this header line "Subject:..." (any case)? */
static int is_subject(const char *line, size_t len)
{
    const char *name = "subject:";
    size_t i;

    if (len < 8)
        return 0;
    for (i = 0; i < 8; i++)
        if (tolower((unsigned char)line[i]) != name[i])
            return 0;
    return 1;
}

/* Copies the Subject header of a raw message (its first line) into out. */
static void find_subject(const uint8_t *data, size_t len, char *out, size_t size)
{
    const char *p = (const char *)data, *end = p + len;

    snprintf(out, size, "(no Subject)");
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *next = eol != NULL ? eol + 1 : end;
        size_t n = (size_t)((eol != NULL ? eol : end) - p);

        if (n > 0 && p[n - 1] == '\r')
            n--;
        if (n == 0)
            return; /* a blank line ends the header section */
        if (is_subject(p, n)) {
            p += 8;
            n -= 8;
            while (n > 0 && (*p == ' ' || *p == '\t')) {
                p++;
                n--;
            }
            if (n >= size)
                n = size - 1;
            memcpy(out, p, n);
            out[n] = '\0';
            return;
        }
        p = next;
    }
}

int main(int argc, char **argv)
{
    const char *host, *cafile;
    int32_t port = 0, rc, committed = 0;
    csmail_pop3 *pop3 = NULL;
    csmail_sslinfo *ssl = NULL;
    uint32_t count = 0, i;
    uint64_t total = 0;
    int status = EXIT_FAILURE, expected, e, *found = NULL;

    /* Line-buffered stdout: progress and error messages stay in order in logs. */
    setvbuf(stdout, NULL, _IOLBF, BUFSIZ);

    if (argc < 4) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE [EXPECTED-SUBJECT-TEXT...]\n", argv[0]);
        return 2;
    }
    host = argv[1];
    cafile = argv[3];
    if (parse_port(argv[2], &port) != 0)
        return 2;
    expected = argc - 4;
    if ((found = calloc((size_t)expected + 1, sizeof *found)) == NULL)
        return EXIT_FAILURE;
    printf("csmail %s: fetching %s's mail over POP3 + STLS from %s:%d\n", csmail_version(), POP3_USER, host,
           (int)port);

    /* SSLInfo: STLS, trusting only the given CA file. */
    ssl = csmail_sslinfo_new();
    if ((rc = csmail_sslinfo_set_mode(ssl, MODE_STARTTLS)) != CSMAIL_OK) {
        report_last("SSLInfo.Mode = MODE_STARTTLS", rc);
        goto done;
    }
    if ((rc = csmail_sslinfo_set_str(ssl, SSLCAFile, cafile)) != CSMAIL_OK) {
        report_last("SSLInfo.Option(SSLCAFile)", rc);
        goto done;
    }
    if ((rc = csmail_sslinfo_set_int(ssl, SSLNoSystemRoots, 1)) != CSMAIL_OK) {
        report_last("SSLInfo.Option(SSLNoSystemRoots)", rc);
        goto done;
    }

    pop3 = csmail_pop3_new();
    if ((rc = csmail_pop3_set_str(pop3, CSMAIL_PROP_HOST, host)) != CSMAIL_OK) {
        report_pop3(pop3, "set Host", rc);
        goto done;
    }
    if ((rc = csmail_pop3_set_int(pop3, CSMAIL_PROP_PORT, port)) != CSMAIL_OK) {
        report_pop3(pop3, "set Port", rc);
        goto done;
    }
    if ((rc = csmail_pop3_set_int(pop3, CSMAIL_PROP_TIMEOUT_MS, 10000)) != CSMAIL_OK) {
        report_pop3(pop3, "set Timeout", rc);
        goto done;
    }
    if ((rc = csmail_pop3_set_str(pop3, CSMAIL_PROP_USER, POP3_USER)) != CSMAIL_OK) {
        report_pop3(pop3, "set User", rc);
        goto done;
    }
    if ((rc = csmail_pop3_set_str(pop3, CSMAIL_PROP_PASSWORD, POP3_PASSWORD)) != CSMAIL_OK) {
        report_pop3(pop3, "set Password", rc);
        goto done;
    }
    if ((rc = csmail_pop3_set_advanced_handler(pop3, ssl)) != CSMAIL_OK) {
        report_pop3(pop3, "SetAdvancedHandler(SSLInfo)", rc);
        goto done;
    }

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
