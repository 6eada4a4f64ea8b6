/*
 * message_fetch_attachments.c: retrieve the message message_compose_send sent, read it through
 * the Message object — headers decoded, sections and attachments listed — and save its
 * attachments into a folder with Section.SaveToFile.
 *
 *   usage: message_fetch_attachments HOST PORT CAFILE WORKDIR [TAG]
 *
 * Connects to POP3 over implicit TLS as alice, finds the message whose Subject ends with
 * "(csmail message TAG)", lists every section, saves the attachments into WORKDIR/saved under
 * their own (checked) file names, verifies their bytes, shows that a name leaving the folder
 * is refused, and deletes the message.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csmail.h"
#include "example_util.h"
#include "message_example.h"

/* A Message header into a new buffer (free it), NULL on failure. */
static char *header(const csmail_message *msg, const char *name)
{
    size_t needed = 0;
    char *buf;
    int32_t rc = csmail_message_get_header(msg, name, NULL, 0, &needed);

    if (rc != CSMAIL_OK || (buf = malloc(needed)) == NULL) {
        report_last("Message.Header", rc);
        return NULL;
    }
    if ((rc = csmail_message_get_header(msg, name, buf, needed, NULL)) != CSMAIL_OK) {
        report_last("Message.Header", rc);
        free(buf);
        return NULL;
    }
    return buf;
}

/* Checks a saved file against the bytes expected: the report's, or `expected`. */
static int check_file(const char *path, const char *expected, size_t expected_len, int is_report)
{
    FILE *f = fopen(path, "rb");
    size_t i = 0;
    int c, ok = 1;

    if (f == NULL) {
        fprintf(stderr, "error: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    while ((c = fgetc(f)) != EOF) {
        unsigned char want = is_report ? REPORT_BYTE(i) : (i < expected_len ? (unsigned char)expected[i] : 0);
        if ((is_report ? i >= REPORT_SIZE : i >= expected_len) || (unsigned char)c != want)
            ok = 0;
        i++;
    }
    fclose(f);
    if (!ok || i != (is_report ? REPORT_SIZE : expected_len)) {
        fprintf(stderr, "error: %s does not hold the bytes that were attached (%zu bytes)\n", path, i);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *host, *cafile, *workdir, *tag;
    int32_t port = 0, rc, eex;
    uint32_t count = 0, n, found = 0;
    uint64_t mailbox_size = 0;
    csmail_pop3 *pop3 = NULL;
    csmail_sslinfo *ssl = NULL;
    csmail_message *msg = NULL;
    char folder[1024], path[2048], suffix[256], *subject = NULL, *from = NULL, *bcc = NULL;
    static const char notes[] = NOTES_TEXT;
    int32_t committed = 0;
    int status = EXIT_FAILURE;

    if (read_args(argc, argv, "WORKDIR [TAG]", 2, &host, &port, &cafile) != 0)
        return 2;
    if (argc < 5) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE WORKDIR [TAG]\n", argv[0]);
        return 2;
    }
    workdir = argv[4];
    tag = argc > 5 ? argv[5] : "example";
    snprintf(folder, sizeof folder, "%s/saved", workdir);
    if ((mkdir(workdir, 0700) != 0 && errno != EEXIST) || (mkdir(folder, 0700) != 0 && errno != EEXIST)) {
        fprintf(stderr, "error: cannot create %s: %s\n", folder, strerror(errno));
        return EXIT_FAILURE;
    }
    snprintf(suffix, sizeof suffix, SUBJECT_MARK, tag);

    if ((ssl = new_sslinfo(MODE_CHANNEL, cafile)) == NULL ||
        (pop3 = new_pop3_client(host, port, "alice", "alicepass", ssl)) == NULL)
        goto done;
    if ((rc = csmail_pop3_connect(pop3)) != CSMAIL_OK || (rc = csmail_pop3_stat(pop3, &count, &mailbox_size)) != CSMAIL_OK) {
        report_pop3(pop3, "Connect/STAT", rc);
        goto done;
    }
    printf("%u message(s) for alice\n", (unsigned)count);

    for (n = 1; n <= count && !found; n++) {
        size_t sections = 0, attachments = 0, i, len;
        if ((rc = csmail_pop3_retrieve(pop3, n, &msg)) != CSMAIL_OK) {
            report_pop3(pop3, "GetMessage", rc);
            goto done;
        }
        free(subject);
        if ((subject = header(msg, "Subject")) == NULL)
            goto done;
        len = strlen(subject);
        if (len < strlen(suffix) || strcmp(subject + len - strlen(suffix), suffix) != 0) {
            csmail_message_release(msg);
            msg = NULL;
            continue;
        }
        found = n;
        if ((from = header(msg, "From")) == NULL || (bcc = header(msg, "Bcc")) == NULL)
            goto done;
        printf("message %u: \"%s\" from %s\n", (unsigned)n, subject, from);
        if (strcmp(from, "Bob Bäcker <bob@example.com>") != 0 || bcc[0] != '\0') {
            fprintf(stderr, "error: unexpected From (%s) or a Bcc header (%s)\n", from, bcc);
            goto done;
        }
        CHECK(csmail_message_section_count(msg, &sections), "Message.Sections.Count");
        for (i = 0; i < sections; i++) {
            csmail_section *s = NULL;
            char type[128], name[512];
            uint64_t size = 0;
            int32_t is_att = 0;
            CHECK(csmail_message_section(msg, i, &s), "Message.Sections(i)");
            rc = csmail_section_get_str(s, CSMAIL_SECTION_CONTENT_TYPE, type, sizeof type, NULL);
            if (rc == CSMAIL_OK)
                rc = csmail_section_get_str(s, CSMAIL_SECTION_FILE_NAME, name, sizeof name, NULL);
            if (rc == CSMAIL_OK)
                rc = csmail_section_size(s, &size);
            if (rc == CSMAIL_OK)
                rc = csmail_section_is_attachment(s, &is_att);
            csmail_section_release(s);
            if (rc != CSMAIL_OK) {
                report_last("Section properties", rc);
                goto done;
            }
            printf("  section %zu: %s%s%s, %llu bytes%s\n", i, type, name[0] ? " " : "", name,
                   (unsigned long long)size, is_att ? ", attachment" : "");
        }
        CHECK(csmail_message_attachment_count(msg, &attachments), "Message.Attachments.Count");
        if (attachments != 2) {
            fprintf(stderr, "error: %zu attachments, 2 expected\n", attachments);
            goto done;
        }
        for (i = 0; i < attachments; i++) {
            csmail_section *a = NULL;
            char name[512];
            CHECK(csmail_message_attachment(msg, i, &a), "Message.Attachments(i)");
            rc = csmail_section_get_str(a, CSMAIL_SECTION_FILE_NAME, name, sizeof name, NULL);
            if (rc == CSMAIL_OK)
                rc = csmail_section_save_to_file(a, folder, NULL);
            if (rc != CSMAIL_OK) {
                report_last("Section.SaveToFile", rc);
                csmail_section_release(a);
                goto done;
            }
            /* A name that would leave the folder is refused, whatever the message says. */
            rc = csmail_section_save_to_file(a, folder, "../escaped.bin");
            eex = csmail_last_eex(); /* before the next call replaces it */
            csmail_section_release(a);
            if (rc != CSMAIL_E_INVALID_ARGUMENT || eex != eexUnsafeFileName) {
                fprintf(stderr, "error: saving as ../escaped.bin gave %d (eex %d)\n", (int)rc, (int)eex);
                goto done;
            }
            snprintf(path, sizeof path, "%s/%s", folder, name);
            if (check_file(path, notes, sizeof notes - 1, i == 0) != 0)
                goto done;
            printf("saved %s\n", path);
        }
        if ((rc = csmail_pop3_delete(pop3, n)) != CSMAIL_OK) {
            report_pop3(pop3, "Delete", rc);
            goto done;
        }
    }
    if (!found) {
        fprintf(stderr, "error: no message with a Subject ending in \"%s\"\n", suffix);
        goto done;
    }
    if ((rc = csmail_pop3_disconnect(pop3, &committed)) != CSMAIL_OK || !committed) {
        report_pop3(pop3, "Disconnect", rc);
        goto done;
    }
    status = EXIT_SUCCESS;

done:
    free(subject);
    free(from);
    free(bcc);
    if (msg != NULL)
        csmail_message_release(msg);
    if (pop3 != NULL)
        csmail_pop3_release(pop3);
    if (ssl != NULL)
        csmail_sslinfo_release(ssl);
    return status;
}
