/*
 * csmail_client: one benchmark run with csmail through its C API (libcsmail.so).
 *
 *   csmail_client SCENARIO HOST PORT CAFILE tls|starttls USER PASSWORD ARGS...
 *     pop3-retr N [DELETE]   RETR 1..N one at a time into a write callback (DELE each when
 *                            DELETE is 1), one session
 *     pop3-many N DELETE     csmail_pop3_retrieve_many(1..N), DELE each when DELETE is 1
 *     smtp-send N FILE RCPT  N sends of FILE (read into memory first) in one session
 *     smtp-batch N FILE RCPT N sends of FILE with csmail_smtp_send_batch, 100 messages a call
 *     smtp-sessions N FRESH  N x (connect + TLS + AUTH + QUIT); FRESH 1 = a new client each time;
 *                            "resumed" in the output counts the TLS sessions that resumed
 *     smtp-file FILE RCPT    one send streamed from FILE
 *     pop3-file N OUTFILE    RETR N into OUTFILE
 *
 * Prints one JSON line (bench_util.h); exits non-zero with the ErrorInfo on failure.
 */
#include <stdint.h>

#include "../../examples-c/example_util.h"
#include "bench_util.h"

static const char *host, *cafile, *user, *password;
static int32_t port, mode;
static unsigned long long bytes_in;
static csmail_sslinfo *last_ssl; /* the SSLInfo of the newest SMTP client, for its outputs */

static int32_t count_bytes(void *userdata, const uint8_t *data, size_t len)
{
    (void)userdata;
    (void)data;
    bytes_in += len;
    return 0;
}

static int32_t count_message(void *userdata, uint32_t number, const uint8_t *data, size_t len)
{
    (void)userdata;
    (void)number;
    (void)data;
    bytes_in += len;
    return 0;
}

static csmail_pop3 *pop3_connected(void)
{
    csmail_sslinfo *ssl = new_sslinfo(mode, cafile);
    csmail_pop3 *pop3;
    int32_t rc;

    if (ssl == NULL)
        exit(1);
    pop3 = new_pop3_client(host, port, user, password, ssl);
    csmail_sslinfo_release(ssl);
    if (pop3 == NULL)
        exit(1);
    if ((rc = csmail_pop3_connect(pop3)) != CSMAIL_OK) {
        report_pop3(pop3, "Connect", rc);
        exit(1);
    }
    return pop3;
}

static csmail_smtp *smtp_client(void)
{
    csmail_sslinfo *ssl = new_sslinfo(mode, cafile);
    csmail_smtp *smtp;

    if (ssl == NULL)
        exit(1);
    smtp = new_smtp_client(host, port, user, password, ssl);
    if (last_ssl != NULL)
        csmail_sslinfo_release(last_ssl);
    last_ssl = ssl;
    if (smtp == NULL)
        exit(1);
    return smtp;
}

static void smtp_check(csmail_smtp *smtp, const char *what, int32_t rc)
{
    if (rc != CSMAIL_OK) {
        report_smtp(smtp, what, rc);
        exit(1);
    }
}

static void pop3_check(csmail_pop3 *pop3, const char *what, int32_t rc)
{
    if (rc != CSMAIL_OK) {
        report_pop3(pop3, what, rc);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    struct bench_args a;
    const char *scenario;
    double t0, c0, wall, cpu;
    unsigned long units = 0, resumed_count = 0;
    unsigned long long bytes = 0;

    if (read_bench_args(argc, argv, &a) != 0 || parse_port(a.port, &port) != 0)
        return 2;
    scenario = a.scenario;
    host = a.host;
    cafile = a.cafile;
    mode = strcmp(a.mode, "tls") == 0 ? MODE_CHANNEL : MODE_STARTTLS;
    user = a.user;
    password = a.password;
    argc = a.argc;
    argv = a.argv;

    t0 = wall_now();
    c0 = cpu_now();
    if (strcmp(scenario, "pop3-retr") == 0 && (argc == 1 || argc == 2)) {
        unsigned long i, n = strtoul(argv[0], NULL, 10);
        int32_t committed = 0, del = argc == 2 && atoi(argv[1]) != 0;
        csmail_pop3 *pop3 = pop3_connected();
        for (i = 1; i <= n; i++) {
            pop3_check(pop3, "Retrieve", csmail_pop3_retrieve_cb(pop3, (uint32_t)i, count_bytes, NULL));
            if (del)
                pop3_check(pop3, "Delete", csmail_pop3_delete(pop3, (uint32_t)i));
        }
        pop3_check(pop3, "Disconnect", csmail_pop3_disconnect(pop3, &committed));
        if (del && !committed) {
            fprintf(stderr, "error: QUIT did not commit the deletions\n");
            return 1;
        }
        csmail_pop3_release(pop3);
        units = n;
        bytes = bytes_in;
    } else if (strcmp(scenario, "pop3-many") == 0 && argc == 2) {
        unsigned long i, n = strtoul(argv[0], NULL, 10);
        int32_t committed = 0, del = atoi(argv[1]);
        uint32_t *numbers = malloc(n * sizeof *numbers);
        csmail_pop3 *pop3 = pop3_connected();
        for (i = 0; i < n; i++)
            numbers[i] = (uint32_t)(i + 1);
        pop3_check(pop3, "RetrieveMany", csmail_pop3_retrieve_many(pop3, numbers, n, del, count_message, NULL));
        pop3_check(pop3, "Disconnect", csmail_pop3_disconnect(pop3, &committed));
        if (del && !committed) {
            fprintf(stderr, "error: QUIT did not commit the deletions\n");
            return 1;
        }
        csmail_pop3_release(pop3);
        free(numbers);
        units = n;
        bytes = bytes_in;
    } else if (strcmp(scenario, "smtp-send") == 0 && argc == 3) {
        unsigned long i, n = strtoul(argv[0], NULL, 10);
        size_t len;
        unsigned char *msg = read_file(argv[1], &len);
        const char *to[1];
        csmail_smtp *smtp = smtp_client();
        to[0] = argv[2];
        t0 = wall_now();
        c0 = cpu_now();
        smtp_check(smtp, "Connect", csmail_smtp_connect(smtp));
        for (i = 0; i < n; i++)
            smtp_check(smtp, "Send", csmail_smtp_send_mem(smtp, "bench@example.com", to, 1, msg, len));
        smtp_check(smtp, "Disconnect", csmail_smtp_disconnect(smtp));
        csmail_smtp_release(smtp);
        free(msg);
        units = n;
        bytes = (unsigned long long)len * n;
    } else if (strcmp(scenario, "smtp-batch") == 0 && argc == 3) {
        enum { GROUP = 100 };
        unsigned long i, sent, n = strtoul(argv[0], NULL, 10);
        size_t len, k;
        unsigned char *msg = read_file(argv[1], &len);
        const char *to[1];
        csmail_batch_message batch[GROUP];
        int32_t results[GROUP];
        csmail_smtp *smtp = smtp_client();
        to[0] = argv[2];
        for (k = 0; k < GROUP; k++) {
            batch[k].from = "bench@example.com";
            batch[k].recipients = to;
            batch[k].recipient_count = 1;
            batch[k].data = msg;
            batch[k].len = len;
        }
        t0 = wall_now();
        c0 = cpu_now();
        smtp_check(smtp, "Connect", csmail_smtp_connect(smtp));
        for (sent = 0; sent < n; sent += i) {
            i = n - sent < GROUP ? n - sent : GROUP;
            smtp_check(smtp, "SendBatch", csmail_smtp_send_batch(smtp, batch, i, results));
        }
        smtp_check(smtp, "Disconnect", csmail_smtp_disconnect(smtp));
        csmail_smtp_release(smtp);
        free(msg);
        units = n;
        bytes = (unsigned long long)len * n;
    } else if (strcmp(scenario, "smtp-sessions") == 0 && argc == 2) {
        unsigned long i, n = strtoul(argv[0], NULL, 10);
        int fresh = atoi(argv[1]);
        int32_t resumed = 0;
        csmail_smtp *smtp = smtp_client();
        for (i = 0; i < n; i++) {
            if (fresh && i > 0) {
                csmail_smtp_release(smtp);
                smtp = smtp_client();
            }
            smtp_check(smtp, "Connect", csmail_smtp_connect(smtp));
            if (csmail_sslinfo_get_int(last_ssl, SSLSessionResumed, &resumed) == CSMAIL_OK && resumed)
                resumed_count++;
            smtp_check(smtp, "Disconnect", csmail_smtp_disconnect(smtp));
        }
        csmail_smtp_release(smtp);
        units = n;
    } else if (strcmp(scenario, "smtp-file") == 0 && argc == 2) {
        const char *to[1];
        csmail_smtp *smtp = smtp_client();
        to[0] = argv[1];
        bytes = file_size(argv[0]);
        smtp_check(smtp, "Connect", csmail_smtp_connect(smtp));
        smtp_check(smtp, "SendFile", csmail_smtp_send_file(smtp, "bench@example.com", to, 1, argv[0]));
        smtp_check(smtp, "Disconnect", csmail_smtp_disconnect(smtp));
        csmail_smtp_release(smtp);
        units = 1;
    } else if (strcmp(scenario, "pop3-file") == 0 && argc == 2) {
        csmail_pop3 *pop3 = pop3_connected();
        pop3_check(pop3, "RetrieveFile", csmail_pop3_retrieve_file(pop3, (uint32_t)atoi(argv[0]), argv[1]));
        pop3_check(pop3, "Disconnect", csmail_pop3_disconnect(pop3, NULL));
        csmail_pop3_release(pop3);
        bytes = file_size(argv[1]);
        units = 1;
    } else {
        fprintf(stderr, "error: unknown scenario or wrong arguments: %s\n", scenario);
        return 2;
    }
    wall = wall_now() - t0;
    cpu = cpu_now() - c0;
    printf("{\"wall\": %.6f, \"cpu\": %.6f, \"units\": %lu, \"bytes\": %llu, \"resumed\": %lu}\n", wall, cpu, units,
           bytes, resumed_count);
    return 0;
}
