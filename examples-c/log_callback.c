/*
 * log_callback.c: watch an SMTP session through a LogHandler.
 *
 *   usage: log_callback HOST PORT CAFILE
 *
 * A LogHandler at level LOG_S_INFORMATION with every facility, whose OnLogMessage callback
 * prints "[severity facility] message" and counts the lines, is attached with
 * SetAdvancedHandler to an SMTP client next to an SSLInfo (STARTTLS, CAFILE only). The client
 * connects and logs in as alice with AUTH PLAIN, then disconnects.
 *
 * Requirements: PROTOCOL and SSL lines were seen, the AUTH PLAIN command was logged, and no
 * line contains a credential: neither the password nor the base64 AUTH PLAIN payload
 * (csmail shows "<redacted>" unless csmail_loghandler_set_log_secrets is on). A second,
 * silent session with log secrets on must show the payload: the check can see a leak.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csmail.h"
#include "base64_util.h"
#include "example_util.h"

#define SMTP_USER "alice"
#define SMTP_PASSWORD "alicepass"

/* What the log callback gathers. */
struct log_state {
    unsigned lines, protocol, ssl, user, proxy, auth_commands, leaks;
    const char *secrets[3]; /* strings that must never appear in the log */
    int quiet;              /* count only, print nothing */
};

static const char *severity_name(int32_t severity)
{
    switch (severity) {
    case LOG_S_FATAL:
        return "FATAL";
    case LOG_S_WARNING:
        return "WARNING";
    case LOG_S_INFORMATION:
        return "INFO";
    default:
        return "?";
    }
}

static const char *facility_name(int32_t facility)
{
    switch (facility) {
    case LOG_F_PROTOCOL:
        return "PROTOCOL";
    case LOG_F_SSL:
        return "SSL";
    case LOG_F_PROXY:
        return "PROXY";
    case LOG_F_USER:
        return "USER";
    default:
        return "?";
    }
}

/* OnLogMessage: runs on the thread of the operation, during the call that logs. */
static void CSMAIL_CALL on_log(void *userdata, int32_t severity, int32_t facility, const char *message)
{
    struct log_state *st = userdata;
    size_t i;

    if (!st->quiet)
        printf("[%s %s] %s\n", severity_name(severity), facility_name(facility), message);
    st->lines++;
    if (facility & LOG_F_PROTOCOL)
        st->protocol++;
    if (facility & LOG_F_SSL)
        st->ssl++;
    if (facility & LOG_F_USER)
        st->user++;
    if (facility & LOG_F_PROXY)
        st->proxy++;
    if (strncmp(message, "C: AUTH PLAIN", 13) == 0) /* a command sent: "C: ...", a reply: "S: ..." */
        st->auth_commands++;
    for (i = 0; i < sizeof st->secrets / sizeof st->secrets[0]; i++) {
        if (strstr(message, st->secrets[i]) != NULL) {
            if (!st->quiet)
                fprintf(stderr, "error: a log line shows a credential (\"%s\"): %s\n", st->secrets[i], message);
            st->leaks++;
        }
    }
}

int main(int argc, char **argv)
{
    const char *host, *cafile;
    int32_t port = 0, rc;
    csmail_smtp *smtp = NULL;
    csmail_sslinfo *ssl = NULL;
    csmail_loghandler *log = NULL;
    struct log_state st;
    static const unsigned char plain[] = "\0" SMTP_USER "\0" SMTP_PASSWORD; /* SASL PLAIN message */
    char plain_b64[64], password_b64[32];
    int status = EXIT_FAILURE;

    if (read_args(argc, argv, "", 0, &host, &port, &cafile) != 0)
        return 2;

    memset(&st, 0, sizeof st);
    base64(plain, sizeof plain - 1, plain_b64); /* without the string's own NUL */
    base64((const unsigned char *)SMTP_PASSWORD, strlen(SMTP_PASSWORD), password_b64);
    st.secrets[0] = SMTP_PASSWORD;
    st.secrets[1] = plain_b64;
    st.secrets[2] = password_b64;
    printf("csmail %s: logging an SMTP session with STARTTLS and AUTH PLAIN to %s:%d\n", csmail_version(), host,
           (int)port);

    /* The LogHandler: everything (level INFORMATION, all facilities) to on_log. */
    log = csmail_loghandler_new();
    if ((rc = csmail_loghandler_set_level(log, LOG_S_INFORMATION)) != CSMAIL_OK) {
        report_last("LogHandler.Level", rc);
        goto done;
    }
    if ((rc = csmail_loghandler_set_facility(log, LOG_F_ALL)) != CSMAIL_OK) {
        report_last("LogHandler.Facility", rc);
        goto done;
    }
    if ((rc = csmail_loghandler_set_callback(log, on_log, &st)) != CSMAIL_OK) {
        report_last("LogHandler.OnLogMessage", rc);
        goto done;
    }

    /* SSLInfo (STARTTLS, trusting the given CA file) and the client, from example_util.h. */
    if ((ssl = new_sslinfo(MODE_STARTTLS, cafile)) == NULL)
        goto done;
    if ((smtp = new_smtp_client(host, port, SMTP_USER, SMTP_PASSWORD, ssl)) == NULL)
        goto done;
    if ((rc = csmail_smtp_set_int(smtp, CSMAIL_PROP_AUTH_MECH, CSMAIL_AUTH_PLAIN)) != CSMAIL_OK) {
        report_smtp(smtp, "set AuthMechanism", rc);
        goto done;
    }
    /* The second advanced handler: the client keeps its own reference to each. */
    if ((rc = csmail_smtp_set_advanced_handler(smtp, log)) != CSMAIL_OK) {
        report_smtp(smtp, "SetAdvancedHandler(LogHandler)", rc);
        goto done;
    }

    if ((rc = csmail_smtp_connect(smtp)) != CSMAIL_OK) {
        report_smtp(smtp, "Connect", rc);
        goto done;
    }
    if ((rc = csmail_smtp_disconnect(smtp)) != CSMAIL_OK) {
        report_smtp(smtp, "Disconnect", rc);
        goto done;
    }

    printf("\n%u log lines: %u PROTOCOL, %u SSL, %u USER, %u PROXY; %u AUTH PLAIN command(s)\n", st.lines,
           st.protocol, st.ssl, st.user, st.proxy, st.auth_commands);
    status = EXIT_SUCCESS;
    if (st.protocol == 0 || st.ssl == 0) {
        fprintf(stderr, "error: expected both PROTOCOL and SSL log lines\n");
        status = EXIT_FAILURE;
    }
    if (st.auth_commands == 0) {
        fprintf(stderr, "error: the AUTH PLAIN command was not logged\n");
        status = EXIT_FAILURE;
    }
    if (st.leaks != 0) {
        fprintf(stderr, "error: %u log line(s) show credentials\n", st.leaks);
        status = EXIT_FAILURE;
    } else {
        printf("no credentials in the log (checked the password, its base64 and the AUTH PLAIN payload %s)\n",
               plain_b64);
    }

    /* A control run: with log secrets on, the same session must show the AUTH PLAIN payload,
     * which proves that the check above can see it. Never do this outside a test setup. */
    st.lines = st.protocol = st.ssl = st.user = st.proxy = st.auth_commands = st.leaks = 0;
    st.quiet = 1;
    if ((rc = csmail_loghandler_set_log_secrets(log, 1)) != CSMAIL_OK) {
        report_last("LogHandler log secrets", rc);
        status = EXIT_FAILURE;
        goto done;
    }
    if ((rc = csmail_smtp_connect(smtp)) != CSMAIL_OK) {
        report_smtp(smtp, "Connect (control run)", rc);
        status = EXIT_FAILURE;
        goto done;
    }
    if ((rc = csmail_smtp_disconnect(smtp)) != CSMAIL_OK) {
        report_smtp(smtp, "Disconnect (control run)", rc);
        status = EXIT_FAILURE;
        goto done;
    }
    if (st.leaks == 0) {
        fprintf(stderr, "error: control run: with log secrets on, the AUTH PLAIN payload was not logged\n");
        status = EXIT_FAILURE;
    } else {
        printf("control run with log secrets on: %u of %u line(s) show the credentials, as they should\n",
               st.leaks, st.lines);
    }

done:
    if (smtp != NULL)
        csmail_smtp_release(smtp);
    if (ssl != NULL)
        csmail_sslinfo_release(ssl);
    if (log != NULL)
        csmail_loghandler_release(log);
    return status;
}
