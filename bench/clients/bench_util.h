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

/* The result line bench.py reads: work seconds, CPU seconds, units done, bytes moved. */
static inline void print_result(double wall, double cpu, unsigned long units, unsigned long long bytes)
{
    printf("{\"wall\": %.6f, \"cpu\": %.6f, \"units\": %lu, \"bytes\": %llu}\n", wall, cpu, units, bytes);
}

#endif
