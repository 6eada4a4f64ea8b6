/*
 * curl_client: the same runs as csmail_client, with libcurl (easy interface), so that the
 * peer is measured without the curl command's process start-up. Same arguments and output.
 *
 * libcurl keeps one connection per easy handle and reuses it between transfers; with
 * "smtp-sessions" every session is connect + TLS + EHLO + AUTH + NOOP + QUIT (libcurl has
 * no transfer without a command; NOOP is that command), FRESH 1 turns off its TLS session
 * cache. "pop3-many" is RETR (and DELE) one at a time: libcurl has no pipelined batch.
 */
#include <curl/curl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"

static const char *host, *port, *cafile, *user, *password, *mode;
static unsigned long long bytes_in;

struct mem_source {
    const unsigned char *data;
    size_t len, pos;
};

static size_t count_bytes(char *data, size_t size, size_t nmemb, void *userdata)
{
    (void)data;
    (void)userdata;
    bytes_in += size * nmemb;
    return size * nmemb;
}

static size_t read_mem(char *buf, size_t size, size_t nmemb, void *userdata)
{
    struct mem_source *src = userdata;
    size_t n = size * nmemb;
    if (n > src->len - src->pos)
        n = src->len - src->pos;
    memcpy(buf, src->data + src->pos, n);
    src->pos += n;
    return n;
}

static void url(char *out, size_t cap, const char *scheme, const char *path)
{
    int implicit = strcmp(mode, "tls") == 0;
    snprintf(out, cap, "%s%s://%s:%s/%s", scheme, implicit ? "s" : "", host, port, path);
}

static CURL *handle(void)
{
    CURL *c = curl_easy_init();
    if (c == NULL)
        exit(1);
    curl_easy_setopt(c, CURLOPT_CAINFO, cafile);
    curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
    curl_easy_setopt(c, CURLOPT_USERNAME, user);
    curl_easy_setopt(c, CURLOPT_PASSWORD, password);
    curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 600L);
    return c;
}

static void perform(CURL *c, const char *what)
{
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
        fprintf(stderr, "error: %s: %s\n", what, curl_easy_strerror(rc));
        exit(1);
    }
}

static void pop3_retr(CURL *c, unsigned long i, FILE *out)
{
    char u[512], path[32];
    snprintf(path, sizeof path, "%lu", i);
    url(u, sizeof u, "pop3", path);
    curl_easy_setopt(c, CURLOPT_URL, u);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, NULL);
    curl_easy_setopt(c, CURLOPT_NOBODY, 0L);
    if (out != NULL)
        curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    else
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, count_bytes);
    perform(c, "RETR");
}

static void pop3_dele(CURL *c, unsigned long i)
{
    char u[512], path[32];
    snprintf(path, sizeof path, "%lu", i);
    url(u, sizeof u, "pop3", path);
    curl_easy_setopt(c, CURLOPT_URL, u);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "DELE");
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    perform(c, "DELE");
}

static void smtp_setup(CURL *c, struct curl_slist *rcpt)
{
    char u[512];
    url(u, sizeof u, "smtp", "bench.example.com");
    curl_easy_setopt(c, CURLOPT_URL, u);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, "<bench@example.com>");
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
}

int main(int argc, char **argv)
{
    struct bench_args a;
    const char *scenario;
    double t0, c0;
    unsigned long units = 0;
    unsigned long long bytes = 0;

    if (read_bench_args(argc, argv, &a) != 0)
        return 2;
    scenario = a.scenario;
    host = a.host;
    port = a.port;
    cafile = a.cafile;
    mode = a.mode;
    user = a.user;
    password = a.password;
    argc = a.argc;
    argv = a.argv;
    curl_global_init(CURL_GLOBAL_DEFAULT);

    t0 = wall_now();
    c0 = cpu_now();
    if ((strcmp(scenario, "pop3-retr") == 0 && argc == 1) || (strcmp(scenario, "pop3-many") == 0 && argc == 2)) {
        unsigned long i, n = strtoul(argv[0], NULL, 10);
        int del = argc == 2 && atoi(argv[1]) != 0;
        CURL *c = handle();
        for (i = 1; i <= n; i++) {
            pop3_retr(c, i, NULL);
            if (del)
                pop3_dele(c, i);
        }
        curl_easy_cleanup(c); /* QUIT: commits the deletions */
        units = n;
        bytes = bytes_in;
    } else if (strcmp(scenario, "smtp-send") == 0 && argc == 3) {
        unsigned long i, n = strtoul(argv[0], NULL, 10);
        struct mem_source src;
        struct curl_slist *rcpt = curl_slist_append(NULL, argv[2]);
        CURL *c = handle();
        src.data = read_file(argv[1], &src.len);
        t0 = wall_now();
        c0 = cpu_now();
        smtp_setup(c, rcpt);
        curl_easy_setopt(c, CURLOPT_READFUNCTION, read_mem);
        curl_easy_setopt(c, CURLOPT_READDATA, &src);
        curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)src.len);
        for (i = 0; i < n; i++) {
            src.pos = 0;
            perform(c, "send");
        }
        curl_easy_cleanup(c);
        curl_slist_free_all(rcpt);
        units = n;
        bytes = (unsigned long long)src.len * n;
    } else if (strcmp(scenario, "smtp-sessions") == 0 && argc == 2) {
        unsigned long i, n = strtoul(argv[0], NULL, 10);
        char u[512];
        CURL *c = handle();
        url(u, sizeof u, "smtp", "bench.example.com");
        curl_easy_setopt(c, CURLOPT_URL, u);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "NOOP");
        curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
        curl_easy_setopt(c, CURLOPT_SSL_SESSIONID_CACHE, atoi(argv[1]) ? 0L : 1L);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, count_bytes);
        for (i = 0; i < n; i++)
            perform(c, "session");
        curl_easy_cleanup(c);
        units = n;
    } else if (strcmp(scenario, "smtp-file") == 0 && argc == 2) {
        struct curl_slist *rcpt = curl_slist_append(NULL, argv[1]);
        FILE *f = fopen(argv[0], "rb");
        CURL *c = handle();
        if (f == NULL || fseek(f, 0, SEEK_END) != 0)
            return 2;
        bytes = (unsigned long long)ftell(f);
        rewind(f);
        smtp_setup(c, rcpt);
        curl_easy_setopt(c, CURLOPT_READDATA, f);
        curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)bytes);
        perform(c, "send");
        curl_easy_cleanup(c);
        fclose(f);
        curl_slist_free_all(rcpt);
        units = 1;
    } else if (strcmp(scenario, "pop3-file") == 0 && argc == 2) {
        FILE *f = fopen(argv[1], "wb");
        CURL *c = handle();
        if (f == NULL)
            return 2;
        pop3_retr(c, strtoul(argv[0], NULL, 10), f);
        curl_easy_cleanup(c);
        fclose(f);
        bytes = file_size(argv[1]);
        units = 1;
    } else {
        fprintf(stderr, "error: unknown scenario or wrong arguments: %s\n", scenario);
        return 2;
    }
    print_result(wall_now() - t0, cpu_now() - c0, units, bytes);
    curl_global_cleanup();
    return 0;
}
