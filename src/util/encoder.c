/*
 * encoder.c — see encoder.h. A stdio cookie stream (glibc's fopencookie) whose writes go
 * through iconv; a UTF-8 character cut between two writes waits for the rest.
 */
#define _GNU_SOURCE /* fopencookie */
#include "util/encoder.h"

#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"

struct encoder {
    FILE *to;
    iconv_t cd;
    char held[4]; /* the start of a UTF-8 character the next write completes */
    size_t n_held;
};

enum { CHUNK = 4096 };

/* The bytes of the UTF-8 character that starts with c: 1 for a byte that starts none. */
static size_t utf8_len(unsigned char c)
{
    return c >= 0xF0 && c < 0xF5 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 1;
}

/* Converts len bytes at in and writes them to e->to; false when the write failed. With end,
 * a character left incomplete is written "?" and the encoding's state is closed. */
static bool convert(struct encoder *e, char *in, size_t len, bool end)
{
    /* A UTF-8 byte is at most 4 bytes in any encoding iconv writes (UTF-32), and a "?". */
    char out[4 * (CHUNK + sizeof(e->held)) + 16];
    char *op = out;
    size_t room = sizeof(out);
    while (len && iconv(e->cd, &in, &len, &op, &room) == (size_t)-1) {
        int why = errno;
        if (why == EINVAL && !end && len < sizeof(e->held)) {
            memcpy(e->held, in, len);
            e->n_held = len;
            break;
        }
        if (why == E2BIG)
            return false; /* out holds four bytes for each of in's and then some */
        /* No such character in encoding, a byte that starts none, or a character the end
         * cut (EINVAL): one "?" for it. */
        char q[] = "?", *qp = q;
        size_t one = 1;
        (void)iconv(e->cd, &qp, &one, &op, &room);         /* an encoding without "?": nothing */
        size_t skip = 1, n = utf8_len((unsigned char)*in); /* a byte that starts none */
        if (why == EINVAL)
            skip = len;
        else if (n <= len && kg_utf8_valid(in, n))
            skip = n;
        in += skip;
        len -= skip;
    }
    if (end)
        (void)iconv(e->cd, NULL, NULL, &op, &room); /* out has room for a shift back */
    size_t n = (size_t)(op - out);
    return fwrite(out, 1, n, e->to) == n;
}

static ssize_t encoder_write(void *cookie, const char *buf, size_t size)
{
    struct encoder *e = cookie;
    for (size_t done = 0; done < size;) {
        char in[CHUNK + sizeof(e->held)];
        size_t take = size - done < CHUNK ? size - done : CHUNK, held = e->n_held;
        memcpy(in, e->held, held);
        memcpy(in + held, buf + done, take);
        e->n_held = 0;
        done += take;
        if (!convert(e, in, held + take, false))
            return 0; /* stdio's "nothing written": the stream's error flag is set */
    }
    return (ssize_t)size;
}

static int encoder_close(void *cookie)
{
    struct encoder *e = cookie;
    bool ok = convert(e, e->held, e->n_held, true);
    iconv_close(e->cd);
    free(e);
    return ok ? 0 : EOF;
}

FILE *kg_encoder_open(FILE *to, const char *encoding)
{
    struct encoder *e = calloc(1, sizeof(*e));
    if (!e)
        return NULL;
    e->to = to;
    e->cd = iconv_open(encoding, "UTF-8");
    if (e->cd == (iconv_t)-1) {
        free(e);
        return NULL;
    }
    FILE *f = fopencookie(e, "w",
                          (cookie_io_functions_t){.write = encoder_write, .close = encoder_close});
    if (!f) {
        iconv_close(e->cd);
        free(e);
    }
    return f;
}
