/*
 * send_starttls.c: send one message over SMTP with STARTTLS (RFC 3207).
 *
 *   usage: send_starttls HOST PORT CAFILE [TAG]
 *
 * Connects in plaintext, upgrades with STARTTLS (TLS stays required: a server without
 * STARTTLS is an error, never a silent downgrade), verifies the server certificate against
 * CAFILE only, logs in as alice and sends a message from alice@example.com to bob@example.com
 * from memory. The Subject is "csmail send_starttls TAG pid N" so that a reader can find it.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "csmail.h"
#include "example_util.h"

#define SMTP_USER "alice"
#define SMTP_PASSWORD "alicepass"
#define MAIL_FROM "alice@example.com"
#define MAIL_TO "bob@example.com"

/* Reads a string property into a new buffer (free it), or NULL after reporting. */
static char *smtp_string(const csmail_smtp *smtp, int32_t property, const char *name)
{
    size_t needed = 0;
    char *buf;
    int32_t rc = csmail_smtp_get_str(smtp, property, NULL, 0, &needed);

    if (rc != CSMAIL_OK) {
        report_smtp(smtp, name, rc);
        return NULL;
    }
    if ((buf = malloc(needed)) == NULL) {
        fprintf(stderr, "error: out of memory\n");
        return NULL;
    }
    rc = csmail_smtp_get_str(smtp, property, buf, needed, NULL);
    if (rc != CSMAIL_OK) {
        report_smtp(smtp, name, rc);
        free(buf);
        return NULL;
    }
    return buf;
}

int main(int argc, char **argv)
{
    const char *host, *cafile, *tag;
    const char *recipients[] = {MAIL_TO};
    int32_t port = 0, rc, code = 0;
    csmail_smtp *smtp = NULL;
    csmail_sslinfo *ssl = NULL;
    char subject[128], date[64], message[1024], *reply = NULL;
    time_t now = time(NULL);
    struct tm tm;
    int len, status = EXIT_FAILURE;

    if (read_args(argc, argv, "[TAG]", 1, &host, &port, &cafile) != 0)
        return 2;
    tag = argc > 4 ? argv[4] : "example";
    printf("csmail %s: sending over SMTP + STARTTLS to %s:%d\n", csmail_version(), host, (int)port);

    /* The message: RFC 5322 text. Bare LF would also do: csmail sends every line end as CRLF
     * and dot-stuffs lines that start with '.'. */
    snprintf(subject, sizeof subject, "csmail send_starttls %s pid %ld", tag, (long)getpid());
    localtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S %z", &tm);
    len = snprintf(message, sizeof message,
                   "From: Alice <" MAIL_FROM ">\r\n"
                   "To: Bob <" MAIL_TO ">\r\n"
                   "Subject: %s\r\n"
                   "Date: %s\r\n"
                   "Message-ID: <%ld.%ld.send_starttls@example.com>\r\n"
                   "MIME-Version: 1.0\r\n"
                   "Content-Type: text/plain; charset=utf-8\r\n"
                   "\r\n"
                   "Hello Bob,\r\n"
                   "\r\n"
                   "this message travelled over SMTP upgraded with STARTTLS.\r\n"
                   ".A line starting with a dot survives dot-stuffing.\r\n"
                   "\r\n"
                   "Alice\r\n",
                   subject, date, (long)now, (long)getpid());
    if (len < 0 || (size_t)len >= sizeof message) {
        fprintf(stderr, "error: message buffer too small\n");
        return EXIT_FAILURE;
    }

    /* SSLInfo: STARTTLS, trusting only the given CA file; the client: server, credentials,
     * and the SSLInfo as its advanced handler (example_util.h shows each call). */
    if ((ssl = new_sslinfo(MODE_STARTTLS, cafile)) == NULL)
        goto done;
    if ((smtp = new_smtp_client(host, port, SMTP_USER, SMTP_PASSWORD, ssl)) == NULL)
        goto done;

    /* Connect: TCP, greeting, EHLO, STARTTLS, TLS handshake, EHLO again, AUTH. */
    if ((rc = csmail_smtp_connect(smtp)) != CSMAIL_OK) {
        report_smtp(smtp, "Connect", rc);
        goto done;
    }
    printf("connected and logged in as %s\n", SMTP_USER);

    if ((rc = csmail_smtp_send_mem(smtp, MAIL_FROM, recipients, 1, (const uint8_t *)message, (size_t)len)) !=
        CSMAIL_OK) {
        report_smtp(smtp, "Send", rc);
        goto done;
    }

    /* The server's reply to the end of DATA, e.g. "250 2.0.0 Ok: queued as ...". */
    if ((rc = csmail_smtp_get_int(smtp, CSMAIL_PROP_REPLY_CODE, &code)) != CSMAIL_OK) {
        report_smtp(smtp, "get ReplyCode", rc);
        goto done;
    }
    if ((reply = smtp_string(smtp, CSMAIL_PROP_REPLY_TEXT, "get ReplyText")) == NULL)
        goto done;
    printf("sent \"%s\"\nserver replied: %d %s\n", subject, (int)code, reply);

    if ((rc = csmail_smtp_disconnect(smtp)) != CSMAIL_OK) {
        report_smtp(smtp, "Disconnect", rc);
        goto done;
    }
    printf("disconnected\n");
    status = EXIT_SUCCESS;

done:
    free(reply);
    if (smtp != NULL)
        csmail_smtp_release(smtp);
    if (ssl != NULL)
        csmail_sslinfo_release(ssl);
    return status;
}
