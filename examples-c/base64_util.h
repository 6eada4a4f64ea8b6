/*
 * base64_util.h: Base64 (RFC 4648) of a few bytes, for the programs that check that no
 * credential reaches the log in any encoding (log_callback.c, the interop programs).
 */
#ifndef CSMAIL_BASE64_UTIL_H
#define CSMAIL_BASE64_UTIL_H

#include <stddef.h>

/* Base64 of len bytes into out (size at least 4 * ((len + 2) / 3) + 1). */
static inline void base64(const unsigned char *in, size_t len, char *out)
{
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i;

    for (i = 0; i + 2 < len; i += 3) {
        *out++ = digits[in[i] >> 2];
        *out++ = digits[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
        *out++ = digits[((in[i + 1] & 15) << 2) | (in[i + 2] >> 6)];
        *out++ = digits[in[i + 2] & 63];
    }
    if (i < len) {
        *out++ = digits[in[i] >> 2];
        if (i + 1 < len) {
            *out++ = digits[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
            *out++ = digits[(in[i + 1] & 15) << 2];
        } else {
            *out++ = digits[(in[i] & 3) << 4];
            *out++ = '=';
        }
        *out++ = '=';
    }
    *out = '\0';
}

#endif
