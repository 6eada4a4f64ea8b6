/*
 * bench_util.h: what the benchmark's C clients share: the clock, the process's own CPU time,
 * reading a message file into memory, and the one JSON line each run prints.
 *
 * A client measures only its work (after start-up, before exit), so that process start-up is
 * not charged to a library; bench/bench.py adds the peak RSS from wait4().
 */
#ifndef CSMAIL_BENCH_UTIL_H
#define CSMAIL_BENCH_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static inline double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* User + system CPU seconds of this process (every thread). */
static inline double cpu_now(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* The whole file in a malloc'd buffer; exits on failure. */
static inline unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    long n;
    unsigned char *buf;

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "error: cannot read %s\n", path);
        exit(2);
    }
    buf = malloc((size_t)n + 1);
    if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "error: cannot read %s\n", path);
        exit(2);
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* A file's size in bytes; exits on failure. */
static inline unsigned long long file_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    long n;

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
        fprintf(stderr, "error: cannot read %s\n", path);
        exit(2);
    }
    fclose(f);
    return (unsigned long long)n;
}

/* The arguments every run starts with, then the scenario's own (argc/argv). */
struct bench_args {
    const char *scenario, *host, *port, *cafile, *mode, *user, *password;
    int argc;
    char **argv;
};

/* SCENARIO HOST PORT CAFILE tls|starttls USER PASSWORD ARGS...; 0, or -1 after the usage. */
static inline int read_bench_args(int argc, char **argv, struct bench_args *a)
{
    if (argc < 8) {
        fprintf(stderr, "usage: %s SCENARIO HOST PORT CAFILE tls|starttls USER PASSWORD ARGS...\n", argv[0]);
        return -1;
    }
    a->scenario = argv[1];
    a->host = argv[2];
    a->port = argv[3];
    a->cafile = argv[4];
    a->mode = argv[5];
    a->user = argv[6];
    a->password = argv[7];
    a->argc = argc - 8;
    a->argv = argv + 8;
    return 0;
}

/* The result line bench.py reads: work seconds, CPU seconds, units done, bytes moved. */
static inline void print_result(double wall, double cpu, unsigned long units, unsigned long long bytes)
{
    printf("{\"wall\": %.6f, \"cpu\": %.6f, \"units\": %lu, \"bytes\": %llu}\n", wall, cpu, units, bytes);
}

#endif
