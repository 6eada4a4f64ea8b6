/*
 * message_example.h: what message_compose_send.c and message_fetch_attachments.c agree on —
 * the attachments' contents, so the second can check what the first sent — and the check of a
 * Message or Section call, whose detail is this thread's last error.
 */
#ifndef CSMAIL_MESSAGE_EXAMPLE_H
#define CSMAIL_MESSAGE_EXAMPLE_H

/* The attachment streamed from a file: REPORT_SIZE bytes, byte i being REPORT_BYTE(i). */
#define REPORT_SIZE 300000
#define REPORT_BYTE(i) ((unsigned char)(((i) * 31u + 7u) % 251u))

/* The attachment from memory (UTF-8 text). */
#define NOTES_TEXT "Notizen: Umsätze +5 %, Kosten −2 %\n"

/* The end of the Subject that marks the message of a run: "(csmail message TAG)". */
#define SUBJECT_MARK "(csmail message %s)"

/* Runs a Message/Section call; on failure reports this thread's last error and leaves. */
#define CHECK(call, what)                                                                                          \
    do {                                                                                                           \
        if ((rc = (call)) != CSMAIL_OK) {                                                                          \
            report_last(what, rc);                                                                                 \
            goto done;                                                                                             \
        }                                                                                                          \
    } while (0)

#endif
