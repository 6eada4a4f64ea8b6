/*
 * message_compose_send.c: compose a message with the Message object — a text and an HTML body,
 * an inline image, an attachment streamed from a file and one from memory — and send it with
 * SMTPClient.Send(Message) over STARTTLS.
 *
 *   usage: message_compose_send HOST PORT CAFILE WORKDIR [TAG]
 *
 * Writes WORKDIR/report.bin (300 000 bytes of a known pattern, see message_example.h) and attaches
 * it from the file: csmail reads and base64-encodes it while sending, so memory does not grow
 * with its size. The envelope comes from the message: From bob@example.com, To alice, and a
 * Bcc that never appears in what is sent. message_fetch_attachments reads it back.
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

/* Writes the attachment file: REPORT_SIZE bytes of REPORT_BYTE. */
static int write_report(const char *path)
{
    FILE *f = fopen(path, "wb");
    size_t i;

    if (f == NULL) {
        fprintf(stderr, "error: cannot create %s: %s\n", path, strerror(errno));
        return -1;
    }
    for (i = 0; i < REPORT_SIZE; i++)
        fputc(REPORT_BYTE(i), f);
    if (fclose(f) != 0) {
        fprintf(stderr, "error: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *host, *cafile, *workdir, *tag;
    int32_t port = 0, rc;
    csmail_smtp *smtp = NULL;
    csmail_sslinfo *ssl = NULL;
    csmail_message *msg = NULL;
    csmail_section *att = NULL;
    char path[1024], subject[256], content_type[128];
    static const unsigned char logo[] = {0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00,
                                         0x00, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
                                         0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b};
    static const char notes[] = NOTES_TEXT;
    int status = EXIT_FAILURE;

    if (read_args(argc, argv, "WORKDIR [TAG]", 2, &host, &port, &cafile) != 0)
        return 2;
    if (argc < 5) {
        fprintf(stderr, "usage: %s HOST PORT CAFILE WORKDIR [TAG]\n", argv[0]);
        return 2;
    }
    workdir = argv[4];
    tag = argc > 5 ? argv[5] : "example";
    if (mkdir(workdir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "error: cannot create %s: %s\n", workdir, strerror(errno));
        return EXIT_FAILURE;
    }
    snprintf(path, sizeof path, "%s/report.bin", workdir);
    if (write_report(path) != 0)
        return EXIT_FAILURE;
    snprintf(subject, sizeof subject, "Grüße: the quarterly report " SUBJECT_MARK, tag);

    /* The message: headers, the two bodies, an inline image and two attachments. */
    msg = csmail_message_new();
    CHECK(csmail_message_add_address(msg, "From", "Bob Bäcker", "bob@example.com"), "Message.From");
    CHECK(csmail_message_add_address(msg, "To", "Alice, the Analyst", "alice@example.com"), "Message.To");
    /* A blind copy: alice again here (the envelope names her once); the Bcc line is never sent. */
    CHECK(csmail_message_set_header(msg, "Bcc", "alice@example.com"), "Message.Bcc");
    CHECK(csmail_message_set_header(msg, "Subject", subject), "Message.Subject");
    CHECK(csmail_message_set_priority(msg, 2), "Message.Priority");
    CHECK(csmail_message_set_text_body(msg, "Hello Alice,\n\nthe report is attached.\n\nBob\n"), "Message.TextBody");
    CHECK(csmail_message_set_html_body(msg, "<p>Hello Alice,</p><p>the report is attached. <img src=\"cid:logo@example.com\"></p>"
                                            "<p>Bob</p>"),
          "Message.HTMLBody");
    CHECK(csmail_message_add_inline_mem(msg, "logo@example.com", "logo.gif", logo, sizeof logo, NULL, NULL),
          "Message.AddInline");
    CHECK(csmail_message_add_attachment_file(msg, path, NULL, "Quartalsbericht Q1 — endgültig.bin", &att),
          "Message.AddAttachment(file)");
    CHECK(csmail_section_get_str(att, CSMAIL_SECTION_CONTENT_TYPE, content_type, sizeof content_type, NULL),
          "Section.ContentType");
    printf("attached %s as %s, streamed when sent\n", path, content_type);
    CHECK(csmail_message_add_attachment_mem(msg, "Notizen.txt", (const uint8_t *)notes, sizeof notes - 1, NULL, NULL),
          "Message.AddAttachment(memory)");

    /* A header value with CR/LF cannot start a header of its own: it is refused. */
    rc = csmail_message_set_header(msg, "Subject", "hi\r\nBcc: everyone@example.com");
    if (rc != CSMAIL_E_INVALID_ARGUMENT || csmail_last_eex() != eexForbiddenCharacter) {
        fprintf(stderr, "error: a Subject with CR/LF gave %d (eex %d)\n", (int)rc, (int)csmail_last_eex());
        goto done;
    }

    if ((ssl = new_sslinfo(MODE_STARTTLS, cafile)) == NULL ||
        (smtp = new_smtp_client(host, port, "bob", "bobpass", ssl)) == NULL)
        goto done;
    if ((rc = csmail_smtp_connect(smtp)) != CSMAIL_OK) {
        report_smtp(smtp, "Connect", rc);
        goto done;
    }
    /* SMTPClient.Send(Message): the envelope from From, To, Cc and Bcc. */
    if ((rc = csmail_smtp_send_message(smtp, msg)) != CSMAIL_OK) {
        report_smtp(smtp, "Send(Message)", rc);
        goto done;
    }
    printf("sent \"%s\"\n", subject);
    if ((rc = csmail_smtp_disconnect(smtp)) != CSMAIL_OK) {
        report_smtp(smtp, "Disconnect", rc);
        goto done;
    }
    status = EXIT_SUCCESS;

done:
    if (att != NULL)
        csmail_section_release(att);
    if (msg != NULL)
        csmail_message_release(msg);
    if (smtp != NULL)
        csmail_smtp_release(smtp);
    if (ssl != NULL)
        csmail_sslinfo_release(ssl);
    return status;
}
