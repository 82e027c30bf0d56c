/*
 * test_sealed.c — unit tests for util/sealed: encrypted files round-trip at every size that
 * matters (empty, one byte, exactly one chunk, several chunks and a remainder), and decryption
 * refuses a wrong key, a changed byte anywhere, a file cut short anywhere (inside a chunk and
 * exactly at a chunk boundary), chunks dropped or swapped, and data after the final chunk —
 * leaving no output and no temporary file behind, and an existing output untouched. Key files:
 * the two accepted forms and the near misses, and a created key's content and mode.
 */
/* cmocka.h needs these first; the blank line keeps include sorting from moving it up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/sealed.h"

#define CHUNK   KG_SEALED_CHUNK
#define HEADER  49 /* magic 8 + version 1 + key check 16 + secretstream header 24 */
#define ABYTES  17
#define CIPHERC (CHUNK + ABYTES)

struct fixture {
    char dir[64];
    char plain[PATH_MAX], sealed[PATH_MAX], out[PATH_MAX], keyfile[PATH_MAX];
    unsigned char key[KG_SEALED_KEYBYTES];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    if (!f)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/kamgar-sealed-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->plain, sizeof(f->plain), "%s/plain.db", f->dir);
    snprintf(f->sealed, sizeof(f->sealed), "%s/backup.kgb", f->dir);
    snprintf(f->out, sizeof(f->out), "%s/restored.db", f->dir);
    snprintf(f->keyfile, sizeof(f->keyfile), "%s/backup.key", f->dir);
    for (size_t i = 0; i < sizeof(f->key); i++)
        f->key[i] = (unsigned char)(0xA5 ^ (i * 7));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    DIR *d = opendir(f->dir);
    if (d) {
        struct dirent *e;
        char p[PATH_MAX];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(p, sizeof(p), "%s/%s", f->dir, e->d_name);
            if (unlink(p) != 0)
                rmdir(p);
        }
        closedir(d);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

/* ---- file helpers ---- */

static void write_file(const char *path, const void *data, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    if (n)
        assert_int_equal(write(fd, data, n), (ssize_t)n);
    assert_int_equal(close(fd), 0);
}

/* The whole file in a malloc'd buffer (+1 byte, so that n == 0 still allocates). */
static unsigned char *read_file(const char *path, size_t *n)
{
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    unsigned char *buf = malloc((size_t)sb.st_size + 1);
    assert_non_null(buf);
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    size_t got = 0;
    while (got < (size_t)sb.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)sb.st_size - got);
        assert_true(r > 0);
        got += (size_t)r;
    }
    close(fd);
    *n = got;
    return buf;
}

static bool file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static unsigned file_mode(const char *path)
{
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    return (unsigned)(sb.st_mode & 07777);
}

/* Number of entries in dir; fails when any of them is a leftover temporary file. */
static int dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (strstr(e->d_name, ".tmp-"))
            fail_msg("a temporary file was left behind: %s", e->d_name);
        n++;
    }
    closedir(d);
    return n;
}

/* Deterministic, non-repeating-looking content. */
static unsigned char *pattern(size_t n)
{
    unsigned char *p = malloc(n + 1);
    assert_non_null(p);
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = (unsigned char)x;
    }
    return p;
}

/* True when needle[0..nn) occurs in hay[0..hn). */
static bool contains(const unsigned char *hay, size_t hn, const unsigned char *needle, size_t nn)
{
    for (size_t i = 0; i + nn <= hn; i++)
        if (memcmp(hay + i, needle, nn) == 0)
            return true;
    return false;
}

/* Writes a plaintext of n bytes and seals it; returns the plaintext (caller frees). */
static unsigned char *make_sealed(struct fixture *f, size_t n)
{
    unsigned char *p = pattern(n);
    char msg[512];
    write_file(f->plain, p, n);
    enum kg_err e = kg_sealed_encrypt_file(f->plain, f->sealed, f->key, msg, sizeof(msg));
    if (e != KG_OK)
        fail_msg("encrypt failed: %s", msg);
    return p;
}

static size_t sealed_size(size_t n)
{
    size_t chunks = n == 0 ? 1 : (n + CHUNK - 1) / CHUNK;
    return HEADER + n + chunks * ABYTES;
}

/* Decrypting f->sealed must fail with KG_EINVAL, name the reason (want in the message),
 * create no output and leave no temporary file: the directory holds `entries` files. */
static void expect_refused(struct fixture *f, const char *want, int entries, const char *what)
{
    char msg[512] = "";
    enum kg_err e = kg_sealed_decrypt_file(f->sealed, f->out, f->key, msg, sizeof(msg));
    if (e != KG_EINVAL)
        fail_msg("%s: decrypt returned %d (%s), want KG_EINVAL", what, (int)e, msg);
    if (want && !strstr(msg, want))
        fail_msg("%s: message \"%s\" does not say \"%s\"", what, msg, want);
    if (file_exists(f->out))
        fail_msg("%s: an output file was left behind", what);
    assert_int_equal(dir_entries(f->dir), entries);
    /* onto a descriptor: refused the same, the caller's file left to the caller */
    int fd = open(f->out, O_RDWR | O_CREAT | O_EXCL, 0600);
    assert_true(fd >= 0);
    char fmsg[512] = "";
    e = kg_sealed_decrypt_fd(f->sealed, fd, f->out, f->key, fmsg, sizeof(fmsg));
    close(fd);
    unlink(f->out);
    if (e != KG_EINVAL || strcmp(msg, fmsg) != 0)
        fail_msg("%s: onto a descriptor: %d \"%s\", want \"%s\"", what, (int)e, fmsg, msg);
    assert_int_equal(dir_entries(f->dir), entries);
}

/* ---- round trips ---- */

static void round_trip(struct fixture *f, size_t n)
{
    unsigned char *p = make_sealed(f, n);
    int entries = dir_entries(f->dir);
    size_t sn = 0, on = 0;
    unsigned char *s = read_file(f->sealed, &sn);
    assert_int_equal(sn, sealed_size(n));
    assert_memory_equal(s, KG_SEALED_MAGIC "\x01", 9);
    assert_true(kg_sealed_looks_sealed(s, sn));
    /* The plaintext must not appear in the clear. */
    if (n >= 16)
        assert_false(contains(s, sn, p, 16));
    assert_int_equal(file_mode(f->sealed), 0600);

    char msg[512];
    enum kg_err e = kg_sealed_decrypt_file(f->sealed, f->out, f->key, msg, sizeof(msg));
    if (e != KG_OK)
        fail_msg("decrypt of %zu bytes failed: %s", n, msg);
    unsigned char *o = read_file(f->out, &on);
    assert_int_equal(on, n);
    if (n)
        assert_memory_equal(o, p, n);
    assert_int_equal(file_mode(f->out), 0600);
    assert_int_equal(dir_entries(f->dir), entries + 1);
    free(o);
    unlink(f->out);

    /* Onto a descriptor (restore's locked file): written there, nothing made beside it. */
    int fd = open(f->out, O_RDWR | O_CREAT | O_EXCL, 0600);
    assert_true(fd >= 0);
    e = kg_sealed_decrypt_fd(f->sealed, fd, f->out, f->key, msg, sizeof(msg));
    if (e != KG_OK)
        fail_msg("decrypt onto a descriptor of %zu bytes failed: %s", n, msg);
    assert_int_equal(dir_entries(f->dir), entries + 1);
    assert_int_equal(close(fd), 0);
    o = read_file(f->out, &on);
    assert_int_equal(on, n);
    if (n)
        assert_memory_equal(o, p, n);
    free(o);
    free(s);
    free(p);
    unlink(f->out);
}

static void test_round_trip_empty(void **state)
{
    round_trip(*state, 0);
}

static void test_round_trip_one_byte(void **state)
{
    round_trip(*state, 1);
}

static void test_round_trip_exactly_one_chunk(void **state)
{
    round_trip(*state, CHUNK);
}

static void test_round_trip_around_chunk(void **state)
{
    round_trip(*state, CHUNK - 1);
    round_trip(*state, CHUNK + 1);
    round_trip(*state, 2 * CHUNK);
}

static void test_round_trip_several_chunks(void **state)
{
    round_trip(*state, 3 * CHUNK + 12345);
}

static void test_encryption_is_randomised(void **state)
{
    struct fixture *f = *state;
    free(make_sealed(f, 1000));
    size_t n1, n2;
    unsigned char *a = read_file(f->sealed, &n1);
    char msg[512];
    assert_int_equal(kg_sealed_encrypt_file(f->plain, f->sealed, f->key, msg, sizeof(msg)), KG_OK);
    unsigned char *b = read_file(f->sealed, &n2);
    assert_int_equal(n1, n2);
    /* Same magic, version and key check; different stream header and ciphertext. */
    assert_memory_equal(a, b, 25);
    assert_memory_not_equal(a + 25, b + 25, n1 - 25);
    free(a);
    free(b);
}

static void test_encrypt_errors(void **state)
{
    struct fixture *f = *state;
    char msg[512] = "";
    char missing[PATH_MAX], nodir[PATH_MAX];
    snprintf(missing, sizeof(missing), "%s/missing", f->dir);
    snprintf(nodir, sizeof(nodir), "%s/no/such/dir/x.kgb", f->dir);
    assert_int_equal(kg_sealed_encrypt_file(missing, f->sealed, f->key, msg, sizeof(msg)), KG_EIO);
    assert_non_null(strstr(msg, "missing"));
    assert_false(file_exists(f->sealed));
    write_file(f->plain, "x", 1);
    assert_int_equal(kg_sealed_encrypt_file(f->plain, f->plain, f->key, msg, sizeof(msg)),
                     KG_EINVAL);
    assert_int_equal(kg_sealed_encrypt_file(f->plain, nodir, f->key, msg, sizeof(msg)), KG_EIO);
    assert_int_equal(dir_entries(f->dir), 1);
}

/* Between descriptors: from where the input stands to its end, onto an output left open;
 * a failed write names the output. */
static void test_encrypt_fd(void **state)
{
    struct fixture *f = *state;
    size_t n = CHUNK + 777, got = 0;
    unsigned char *p = pattern(n);
    write_file(f->plain, p, n);
    int in = open(f->plain, O_RDONLY), out = open(f->sealed, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(in >= 0 && out >= 0);
    assert_int_equal(lseek(in, 100, SEEK_SET), 100);
    char msg[512] = "x";
    assert_int_equal(
        kg_sealed_encrypt_fd(in, "the snapshot", out, "b.kgb", f->key, msg, sizeof(msg)), KG_OK);
    assert_string_equal(msg, "");
    assert_int_equal(write(out, "", 0), 0); /* still open */
    close(out);
    assert_int_equal(kg_sealed_decrypt_file(f->sealed, f->out, f->key, msg, sizeof(msg)), KG_OK);
    unsigned char *back = read_file(f->out, &got);
    assert_int_equal(got, n - 100);
    assert_memory_equal(back, p + 100, n - 100);
    free(back);
    assert_int_equal(lseek(in, 0, SEEK_SET), 0);
    out = open(f->sealed, O_RDONLY);
    assert_int_equal(
        kg_sealed_encrypt_fd(in, "the snapshot", out, "b.kgb", f->key, msg, sizeof(msg)), KG_EIO);
    assert_non_null(strstr(msg, "cannot write b.kgb"));
    close(out);
    out = open(f->sealed, O_WRONLY);
    assert_int_equal(
        kg_sealed_encrypt_fd(out, "the snapshot", out, "b.kgb", f->key, msg, sizeof(msg)), KG_EIO);
    assert_non_null(strstr(msg, "cannot read the snapshot"));
    assert_int_equal(
        kg_sealed_encrypt_fd(-1, "the snapshot", out, "b.kgb", f->key, msg, sizeof(msg)),
        KG_EINVAL);
    close(out);
    close(in);
    free(p);
}

/* ---- refusals ---- */

static void test_wrong_key(void **state)
{
    struct fixture *f = *state;
    free(make_sealed(f, 5000));
    f->key[0] ^= 1;
    expect_refused(f, "different key", 2, "wrong key");
    /* The right key still works. */
    f->key[0] ^= 1;
    char msg[512];
    assert_int_equal(kg_sealed_decrypt_file(f->sealed, f->out, f->key, msg, sizeof(msg)), KG_OK);
}

static void test_not_sealed(void **state)
{
    struct fixture *f = *state;
    write_file(f->sealed, "SQLite format 3\0 and the rest of a database", 44);
    expect_refused(f, "not an encrypted kamgar backup", 1, "plain database");
    write_file(f->sealed, "", 0);
    expect_refused(f, "not an encrypted kamgar backup", 1, "empty file");
    write_file(f->sealed, "KAMGAR", 6);
    expect_refused(f, "not an encrypted kamgar backup", 1, "half a magic");
}

/* Flips one bit at off and expects a refusal. */
static void flip_and_refuse(struct fixture *f, size_t off, const char *want, const char *what)
{
    size_t n;
    unsigned char *s = read_file(f->sealed, &n);
    assert_true(off < n);
    s[off] ^= 0x10;
    write_file(f->sealed, s, n);
    expect_refused(f, want, 2, what);
    s[off] ^= 0x10;
    write_file(f->sealed, s, n);
    free(s);
}

static void test_flipped_bytes(void **state)
{
    struct fixture *f = *state;
    size_t n = 3 * CHUNK + 999;
    free(make_sealed(f, n));
    size_t total = sealed_size(n);
    flip_and_refuse(f, 0, "not an encrypted", "magic");
    flip_and_refuse(f, 8, "version", "version byte");
    flip_and_refuse(f, 9, "different key", "key check, first byte");
    flip_and_refuse(f, 24, "different key", "key check, last byte");
    flip_and_refuse(f, 25, "chunk 1", "secretstream header, first byte");
    flip_and_refuse(f, 48, "chunk 1", "secretstream header, last byte");
    flip_and_refuse(f, HEADER, "chunk 1", "first chunk, first byte");
    flip_and_refuse(f, HEADER + CIPHERC + CHUNK / 2, "chunk 2", "middle chunk");
    flip_and_refuse(f, HEADER + 2 * CIPHERC - 1, "chunk 2", "middle chunk's tag");
    flip_and_refuse(f, HEADER + 3 * CIPHERC + 500, "chunk 4", "last chunk");
    flip_and_refuse(f, total - 1, "chunk 4", "last byte of the file");
    /* Untouched again, it still decrypts. */
    char msg[512];
    assert_int_equal(kg_sealed_decrypt_file(f->sealed, f->out, f->key, msg, sizeof(msg)), KG_OK);
}

/* Keeps only the first len bytes of the sealed file and expects a refusal. */
static void truncate_and_refuse(struct fixture *f, size_t len, const char *want, const char *what)
{
    size_t n;
    unsigned char *s = read_file(f->sealed, &n);
    assert_true(len < n);
    write_file(f->sealed, s, len);
    expect_refused(f, want, 2, what);
    write_file(f->sealed, s, n);
    free(s);
}

static void test_truncated(void **state)
{
    struct fixture *f = *state;
    size_t n = 3 * CHUNK + 999;
    free(make_sealed(f, n));
    size_t total = sealed_size(n);
    truncate_and_refuse(f, 0, "not an encrypted", "empty");
    truncate_and_refuse(f, 5, "not an encrypted", "inside the magic");
    truncate_and_refuse(f, 20, "truncated", "inside the key check");
    truncate_and_refuse(f, HEADER - 1, "truncated", "inside the stream header");
    truncate_and_refuse(f, HEADER, "truncated", "right after the header");
    truncate_and_refuse(f, HEADER + 10, "chunk 1", "inside the first chunk (short of a tag)");
    truncate_and_refuse(f, HEADER + CHUNK / 2, "cut short", "in the middle of the first chunk");
    truncate_and_refuse(f, HEADER + CIPHERC, "before its final chunk", "at a chunk boundary");
    truncate_and_refuse(f, HEADER + 2 * CIPHERC, "before its final chunk", "at a later boundary");
    truncate_and_refuse(f, HEADER + 3 * CIPHERC, "before its final chunk", "before the last");
    truncate_and_refuse(f, HEADER + 2 * CIPHERC + 7, "cut short", "just past a boundary");
    truncate_and_refuse(f, total - 1, "cut short", "last byte missing");
}

static void test_truncated_exact_multiple(void **state)
{
    /* Plaintext of exactly two chunks: the second (full) chunk is the FINAL one, so cutting
     * it off leaves a file that ends cleanly at a boundary — and must still be refused. */
    struct fixture *f = *state;
    free(make_sealed(f, 2 * CHUNK));
    truncate_and_refuse(f, HEADER + CIPHERC, "before its final chunk", "final full chunk cut");
    truncate_and_refuse(f, HEADER + 2 * CIPHERC - 1, "cut short", "final full chunk short");
}

static void test_chunks_dropped_or_swapped(void **state)
{
    struct fixture *f = *state;
    size_t n = 3 * CHUNK + 999, sn;
    free(make_sealed(f, n));
    unsigned char *s = read_file(f->sealed, &sn);
    unsigned char *t = malloc(sn);
    assert_non_null(t);
    /* Chunk 2 dropped. */
    memcpy(t, s, HEADER + CIPHERC);
    memcpy(t + HEADER + CIPHERC, s + HEADER + 2 * CIPHERC, sn - HEADER - 2 * CIPHERC);
    write_file(f->sealed, t, sn - CIPHERC);
    expect_refused(f, "chunk 2", 2, "middle chunk dropped");
    /* Chunks 2 and 3 swapped. */
    memcpy(t, s, sn);
    memcpy(t + HEADER + CIPHERC, s + HEADER + 2 * CIPHERC, CIPHERC);
    memcpy(t + HEADER + 2 * CIPHERC, s + HEADER + CIPHERC, CIPHERC);
    write_file(f->sealed, t, sn);
    expect_refused(f, "chunk 2", 2, "chunks swapped");
    /* Chunk 1 repeated in place of chunk 2. */
    memcpy(t, s, sn);
    memcpy(t + HEADER + CIPHERC, s + HEADER, CIPHERC);
    write_file(f->sealed, t, sn);
    expect_refused(f, "chunk 2", 2, "chunk replayed");
    free(t);
    free(s);
}

/* Appends data to the sealed file and expects a refusal. */
static void append_and_refuse(struct fixture *f, const void *extra, size_t xn, const char *want,
                              const char *what)
{
    size_t n;
    unsigned char *s = read_file(f->sealed, &n);
    unsigned char *t = malloc(n + xn);
    assert_non_null(t);
    memcpy(t, s, n);
    memcpy(t + n, extra, xn);
    write_file(f->sealed, t, n + xn);
    expect_refused(f, want, 2, what);
    write_file(f->sealed, s, n);
    free(t);
    free(s);
}

static void test_trailing_garbage(void **state)
{
    struct fixture *f = *state;
    /* A full final chunk: the garbage is seen after FINAL. */
    free(make_sealed(f, 2 * CHUNK));
    append_and_refuse(f, "\n", 1, "has data after its end (1 byte after the final chunk)",
                      "one byte after a full final chunk");
    unsigned char more[300];
    memset(more, 0, sizeof(more));
    append_and_refuse(f, more, sizeof(more), "(300 bytes after the final chunk): it was changed",
                      "300 zero bytes");
    /* A copy of the file's own first chunk appended. */
    size_t n;
    unsigned char *s = read_file(f->sealed, &n);
    append_and_refuse(f, s + HEADER, CIPHERC, "after its end", "a chunk appended");
    free(s);
    /* A short final chunk: the garbage is read with it and fails its tag, yet it is told
     * apart from a chunk cut short (which used to be the message). */
    free(make_sealed(f, CHUNK + 10));
    append_and_refuse(f, "x", 1, "has data after its end (1 byte after the final chunk)",
                      "one byte after a short final chunk");
    append_and_refuse(f, more, sizeof(more), "(300 bytes after the final chunk)",
                      "300 bytes after a short final chunk");
    /* Enough after a short final chunk to fill the read (48 KiB or more), or the whole file
     * again (a backup written onto the end of an old one): "chunk 2 fails authentication"
     * (as if tampered with) it used to say. */
    size_t big = CIPHERC;
    unsigned char *lots = calloc(1, big);
    assert_non_null(lots);
    char want[80];
    snprintf(want, sizeof(want), "(%zu bytes after the final chunk)", big);
    append_and_refuse(f, lots, big, want, "a chunk's worth");
    s = read_file(f->sealed, &n);
    snprintf(want, sizeof(want), "(%zu bytes after the final chunk)", n);
    append_and_refuse(f, s, n, want, "the file twice");
    free(s);
    free(lots);
    free(make_sealed(f, 0));
    append_and_refuse(f, "xyz", 3, "(3 bytes after the final chunk)",
                      "bytes after an empty file's chunk");
    /* Cut short, or changed, the same short chunk is still said to be so. */
    size_t total = sealed_size(CHUNK + 10);
    free(make_sealed(f, CHUNK + 10));
    truncate_and_refuse(f, total - 1, "is cut short or damaged (chunk 2", "last byte missing");
    flip_and_refuse(f, total - 1, "is cut short or damaged (chunk 2", "last byte changed");
}

static void test_failure_keeps_existing_output(void **state)
{
    struct fixture *f = *state;
    free(make_sealed(f, 4000));
    write_file(f->out, "the old file", 12);
    size_t n;
    unsigned char *s = read_file(f->sealed, &n);
    write_file(f->sealed, s, n - 3);
    char msg[512];
    assert_int_equal(kg_sealed_decrypt_file(f->sealed, f->out, f->key, msg, sizeof(msg)),
                     KG_EINVAL);
    unsigned char *o = read_file(f->out, &n);
    assert_int_equal(n, 12);
    assert_memory_equal(o, "the old file", 12);
    assert_int_equal(dir_entries(f->dir), 3);
    free(o);
    free(s);
}

/* ---- key files ---- */

static const char hex_key[] = "00112233445566778899aabbccddeeff0f1e2d3c4b5a69788796a5b4c3d2e1f0";

static enum kg_err load(struct fixture *f, const void *content, size_t n, unsigned char *key,
                        char *msg, size_t msglen)
{
    write_file(f->keyfile, content, n);
    bool created = true;
    enum kg_err e = kg_sealed_load_key(f->keyfile, true, key, &created, msg, msglen);
    assert_false(created);
    return e;
}

/* Refused, saying what a key file holds and what this one does ("(it holds 63 hex digits)"). */
static void expect_key_refused(struct fixture *f, const void *content, size_t n, const char *what,
                               const char *holds)
{
    unsigned char key[KG_SEALED_KEYBYTES];
    char msg[512] = "", want[100];
    enum kg_err e = load(f, content, n, key, msg, sizeof(msg));
    if (e != KG_EINVAL)
        fail_msg("key file %s: got %d, want KG_EINVAL", what, (int)e);
    if (!strstr(msg, "32 raw bytes or 64 hex digits"))
        fail_msg("key file %s: message \"%s\" does not say what a key file holds", what, msg);
    snprintf(want, sizeof(want), "(it holds %s)", holds);
    if (!strstr(msg, want))
        fail_msg("key file %s: message \"%s\" does not say %s", what, msg, want);
}

static void test_key_formats(void **state)
{
    struct fixture *f = *state;
    unsigned char key[KG_SEALED_KEYBYTES];
    char msg[512], buf[80];
    static const unsigned char hex_want[KG_SEALED_KEYBYTES] = {
        0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa,
        0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x0f, 0x1e, 0x2d, 0x3c, 0x4b, 0x5a,
        0x69, 0x78, 0x87, 0x96, 0xa5, 0xb4, 0xc3, 0xd2, 0xe1, 0xf0};

    /* 32 raw bytes, even ones that look like text or hold newlines and NULs. */
    unsigned char raw[KG_SEALED_KEYBYTES];
    for (size_t i = 0; i < sizeof(raw); i++)
        raw[i] = (unsigned char)(i % 3 == 0 ? '\n' : i % 3 == 1 ? 0 : 'a' + i);
    assert_int_equal(load(f, raw, sizeof(raw), key, msg, sizeof(msg)), KG_OK);
    assert_memory_equal(key, raw, sizeof(raw));

    assert_int_equal(load(f, hex_key, 64, key, msg, sizeof(msg)), KG_OK);
    assert_memory_equal(key, hex_want, sizeof(key));
    snprintf(buf, sizeof(buf), "%s\n", hex_key);
    assert_int_equal(load(f, buf, 65, key, msg, sizeof(msg)), KG_OK);
    assert_memory_equal(key, hex_want, sizeof(key));
    snprintf(buf, sizeof(buf), "%s\r\n", hex_key);
    assert_int_equal(load(f, buf, 66, key, msg, sizeof(msg)), KG_OK);
    assert_memory_equal(key, hex_want, sizeof(key));
    /* Upper case is hex too. */
    for (size_t i = 0; i < 64; i++)
        buf[i] = (char)(hex_key[i] >= 'a' ? hex_key[i] - 32 : hex_key[i]);
    assert_int_equal(load(f, buf, 64, key, msg, sizeof(msg)), KG_OK);
    assert_memory_equal(key, hex_want, sizeof(key));

    expect_key_refused(f, "", 0, "empty", "0 bytes");
    expect_key_refused(f, raw, 31, "31 raw bytes", "31 bytes");
    /* half a hex key is told so, not to drop its line end (helper-82: that made a key of
     * 128 bits); 32 other characters and a line end are told to drop it */
    expect_key_refused(f, "0123456789abcdef0123456789abcdef\n", 33, "33 bytes",
                       "32 hex digits and a line end");
    expect_key_refused(f, "0123456789abcdef0123456789abcdeg\n", 33, "text and a line end",
                       "32 characters and a line end; a key of 32 characters, read as raw "
                       "bytes, has no line end: remove it");
    expect_key_refused(f, "correct horse battery staple 123\r\n", 34, "a password and CRLF",
                       "32 characters and a line end; a key of 32 characters, read as raw "
                       "bytes, has no line end: remove it");
    expect_key_refused(f, hex_key, 63, "63 hex digits", "63 hex digits");
    /* 32 bytes of text (half a hex key, a typed password) are read as the raw key they have
     * always been read as, so that backups made with them restore, with a warning: they
     * were taken silently, as a key that matched nothing written down (helper-78, 79) */
    static const char *const typed[] = {"0123456789abcdef0123456789abcdef",
                                        "0123456789abcdef0123456789abcde\n",
                                        "correct horse battery staple 12\n"};
    for (size_t i = 0; i < sizeof(typed) / sizeof(typed[0]); i++) {
        assert_int_equal(load(f, typed[i], 32, key, msg, sizeof(msg)), KG_OK);
        assert_memory_equal(key, typed[i], 32);
        assert_non_null(strstr(msg, "holds 32 characters of text, read as a raw key"));
    }
    assert_int_equal(load(f, raw, sizeof(raw), key, msg, sizeof(msg)), KG_OK);
    assert_string_equal(msg, ""); /* random bytes: no warning */
    snprintf(buf, sizeof(buf), "%.63s\n", hex_key);
    expect_key_refused(f, buf, 64, "63 hex digits and a newline", "63 hex digits and a line end");
    snprintf(buf, sizeof(buf), "%s0", hex_key);
    expect_key_refused(f, buf, 65, "65 hex digits", "65 hex digits");
    snprintf(buf, sizeof(buf), "%s\n\n", hex_key);
    expect_key_refused(f, buf, 66, "64 hex digits and two newlines",
                       "66 bytes; byte 65 is not a hex digit");
    snprintf(buf, sizeof(buf), " %s", hex_key);
    expect_key_refused(f, buf, 65, "a leading space", "65 bytes; byte 1 is a space");
    snprintf(buf, sizeof(buf), "%.20s\t%s", hex_key, hex_key + 20);
    expect_key_refused(f, buf, 65, "a tab inside", "65 bytes; byte 21 is a tab");
    memcpy(buf, hex_key, 64);
    buf[10] = 'g';
    expect_key_refused(f, buf, 64, "a non-hex digit", "64 bytes; byte 11 is not a hex digit");
    memcpy(buf, hex_key, 64);
    buf[63] = ' ';
    expect_key_refused(f, buf, 64, "a trailing space instead of a digit",
                       "64 bytes; byte 64 is a space");
    char big[4096];
    memset(big, 'a', sizeof(big));
    expect_key_refused(f, big, sizeof(big), "4 KiB of hex", "67 bytes or more");
}

static void test_key_missing_and_not_a_file(void **state)
{
    struct fixture *f = *state;
    unsigned char key[KG_SEALED_KEYBYTES];
    char msg[512];
    bool created = true;
    assert_int_equal(kg_sealed_load_key(f->keyfile, false, key, &created, msg, sizeof(msg)),
                     KG_ENOTFOUND);
    assert_false(created);
    assert_non_null(strstr(msg, f->keyfile));
    assert_false(file_exists(f->keyfile));
    /* A directory is not a key file. */
    assert_int_equal(kg_sealed_load_key(f->dir, true, key, &created, msg, sizeof(msg)), KG_EINVAL);
    assert_false(created);
    /* Nor is a missing directory creatable. */
    char deep[PATH_MAX];
    snprintf(deep, sizeof(deep), "%s/nope/backup.key", f->dir);
    assert_int_equal(kg_sealed_load_key(deep, true, key, &created, msg, sizeof(msg)), KG_EIO);
    assert_false(created);
    assert_int_equal(dir_entries(f->dir), 0);
}

static void test_key_created(void **state)
{
    struct fixture *f = *state;
    unsigned char key[KG_SEALED_KEYBYTES], again[KG_SEALED_KEYBYTES];
    char msg[512];
    bool created = false;
    mode_t old = umask(0);
    enum kg_err e = kg_sealed_load_key(f->keyfile, true, key, &created, msg, sizeof(msg));
    umask(old);
    assert_int_equal(e, KG_OK);
    assert_true(created);
    assert_int_equal(file_mode(f->keyfile), 0600);
    size_t n;
    unsigned char *content = read_file(f->keyfile, &n);
    assert_int_equal(n, 65);
    assert_int_equal(content[64], '\n');
    for (size_t i = 0; i < 64; i++)
        assert_non_null(strchr("0123456789abcdef", content[i]));
    /* Loading it again gives the same key, and does not create anything. */
    assert_int_equal(kg_sealed_load_key(f->keyfile, true, again, &created, msg, sizeof(msg)),
                     KG_OK);
    assert_false(created);
    assert_memory_equal(key, again, sizeof(key));
    /* A second created key is a different one. */
    char other[PATH_MAX];
    snprintf(other, sizeof(other), "%s/other.key", f->dir);
    assert_int_equal(kg_sealed_load_key(other, true, again, NULL, msg, sizeof(msg)), KG_OK);
    assert_memory_not_equal(key, again, sizeof(key));
    /* And a created key encrypts and decrypts. */
    memcpy(f->key, key, sizeof(key));
    round_trip(f, 777);
    free(content);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_one_byte, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_exactly_one_chunk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_around_chunk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_several_chunks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_encryption_is_randomised, setup, teardown),
        cmocka_unit_test_setup_teardown(test_encrypt_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_encrypt_fd, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_sealed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flipped_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_exact_multiple, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chunks_dropped_or_swapped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trailing_garbage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failure_keeps_existing_output, setup, teardown),
        cmocka_unit_test_setup_teardown(test_key_formats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_key_missing_and_not_a_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_key_created, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
