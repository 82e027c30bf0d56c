/*
 * sealed_fuzz.c — libFuzzer target for the readers of encrypted backups and key files
 * (util/sealed.h): what `kamgar restore --decrypt` and `backup --encrypt` read from disk.
 *
 * Nobody can forge a chunk's authentication tag, so feeding raw bytes to the decryptor only
 * ever reaches its header checks. Most inputs are therefore a plan instead: a plaintext, a
 * size to stretch it to (past the 64 KiB chunk size, so that chunk boundaries are crossed) and
 * one change to make to its sealed form. The first byte picks the mode:
 *
 *   0  RAW: the rest is a sealed file, decrypted with the fixed key.
 *   1  PLAN: byte 1 = change (0 none, 1 flip a bit, 2 cut short, 3 append a byte, 4 decrypt
 *      with another key), bytes 2..5 = where (little-endian, taken modulo the sealed size),
 *      byte 6 = how many times the plaintext (the rest) is repeated, 1..40.
 *   2  KEY: the rest is a key file.
 *
 * Checks: a sealed file decrypts, to exactly its plaintext, if and only if nothing was changed;
 * every change is refused as KG_EINVAL with a message; a refused decryption leaves no output
 * and no temporary file behind; decrypting onto a descriptor (kg_sealed_decrypt_fd) answers
 * the same, with the same plaintext; a key file loads if and only if it holds 32 bytes or 64 hex
 * digits with at most one line end, and then to the key they spell. Files live in a directory
 * made once per process under $TMPDIR (or /tmp) and removed at exit.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_check.h"
#include "util/err.h"
#include "util/sealed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_REPEAT 40

static const unsigned char the_key[KG_SEALED_KEYBYTES] = "kamgar sealed_fuzz fixed key 32";
static const unsigned char other_key[KG_SEALED_KEYBYTES] = "kamgar sealed_fuzz other key 32";

static char dir[512];
static char plain_path[600], sealed_path[600], out_path[600], key_path[600], fd_path[600];

static void remove_dir(void)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char p[900];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

static void setup(void)
{
    if (dir[0])
        return;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/kamgar-sealed-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    CHECK(mkdtemp(dir) != NULL);
    snprintf(plain_path, sizeof(plain_path), "%s/plain", dir);
    snprintf(sealed_path, sizeof(sealed_path), "%s/sealed", dir);
    snprintf(out_path, sizeof(out_path), "%s/out", dir);
    snprintf(key_path, sizeof(key_path), "%s/key", dir);
    snprintf(fd_path, sizeof(fd_path), "%s/fd", dir);
    atexit(remove_dir);
}

static void write_file(const char *path, const unsigned char *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    CHECK(n == 0 || fwrite(p, 1, n, f) == n);
    CHECK(fclose(f) == 0);
}

/* The whole file, malloc'ed (NULL when it does not exist); its size in *n. */
static unsigned char *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    CHECK(fseek(f, 0, SEEK_END) == 0);
    long len = ftell(f);
    CHECK(len >= 0 && fseek(f, 0, SEEK_SET) == 0);
    unsigned char *p = malloc((size_t)len + 1);
    CHECK(p != NULL);
    CHECK(fread(p, 1, (size_t)len, f) == (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return p;
}

/* Nothing but the fixture files in the directory: no output, no temporary file. */
static void check_nothing_left(void)
{
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        CHECK(strcmp(e->d_name, "out") != 0 && strncmp(e->d_name, "out.tmp-", 8) != 0);
    closedir(d);
}

/* Decrypting sealed_path onto a descriptor (restore's locked file) answers as decrypting it
 * to a file did: e and msg; what it wrote, when that succeeded, is out_path's content. */
static void check_fd_same(const unsigned char *key, enum kg_err e, const char *msg)
{
    char fmsg[512];
    FILE *f = fopen(fd_path, "w+b");
    CHECK(f != NULL);
    CHECK(kg_sealed_decrypt_fd(sealed_path, fileno(f), out_path, key, fmsg, sizeof(fmsg)) == e);
    CHECK(strcmp(msg, fmsg) == 0);
    CHECK(fclose(f) == 0);
    if (e == KG_OK) {
        size_t a = 0, b = 0;
        unsigned char *x = read_file(out_path, &a), *y = read_file(fd_path, &b);
        CHECK(x && y && a == b && memcmp(x, y, a) == 0);
        free(x);
        free(y);
    }
    unlink(fd_path);
}

/* Decrypts sealed_path into out_path: must be refused as damaged, leaving nothing behind. */
static void check_refused(const unsigned char *key)
{
    char msg[512];
    unlink(out_path);
    enum kg_err e = kg_sealed_decrypt_file(sealed_path, out_path, key, msg, sizeof(msg));
    CHECK(e == KG_EINVAL);
    CHECK(msg[0] != '\0' && strstr(msg, sealed_path) != NULL);
    check_nothing_left();
    check_fd_same(key, e, msg);
}

static void raw(const uint8_t *data, size_t size)
{
    char msg[512];
    write_file(sealed_path, data, size);
    unlink(out_path);
    enum kg_err e = kg_sealed_decrypt_file(sealed_path, out_path, the_key, msg, sizeof(msg));
    CHECK(e == KG_OK || e == KG_EINVAL);
    if (e != KG_OK)
        check_nothing_left();
    check_fd_same(the_key, e, msg);
}

static void plan(const uint8_t *data, size_t size)
{
    if (size < 6)
        return;
    unsigned change = data[0] % 5;
    uint32_t where = (uint32_t)data[1] | (uint32_t)data[2] << 8 | (uint32_t)data[3] << 16 |
                     (uint32_t)data[4] << 24;
    size_t repeat = 1 + data[5] % MAX_REPEAT;
    data += 6;
    size -= 6;

    size_t plen = size * repeat;
    unsigned char *plain = malloc(plen + 1);
    CHECK(plain != NULL);
    for (size_t i = 0; i < repeat; i++)
        memcpy(plain + i * size, data, size);
    write_file(plain_path, plain, plen);

    char msg[512];
    CHECK(kg_sealed_encrypt_file(plain_path, sealed_path, the_key, msg, sizeof(msg)) == KG_OK);
    size_t slen = 0;
    unsigned char *sealed = read_file(sealed_path, &slen);
    CHECK(sealed != NULL);
    /* The header, then a chunk per started 64 KiB; an empty plaintext has one empty chunk. */
    size_t chunks = plen ? (plen + KG_SEALED_CHUNK - 1) / KG_SEALED_CHUNK : 1;
    CHECK(slen == 8 + 1 + 16 + 24 + plen + chunks * 17);
    CHECK(plen < 16 || memcmp(sealed + 8 + 1 + 16 + 24, plain, 16) != 0); /* encrypted */

    switch (change) {
    case 0: {
        unlink(out_path);
        CHECK(kg_sealed_decrypt_file(sealed_path, out_path, the_key, msg, sizeof(msg)) == KG_OK);
        size_t olen = 0;
        unsigned char *out = read_file(out_path, &olen);
        CHECK(out != NULL && olen == plen && memcmp(out, plain, plen) == 0);
        free(out);
        check_fd_same(the_key, KG_OK, msg);
        break;
    }
    case 1:
        sealed[where % slen] ^= (unsigned char)(1u << (where >> 29));
        write_file(sealed_path, sealed, slen);
        check_refused(the_key);
        break;
    case 2:
        write_file(sealed_path, sealed, where % slen);
        check_refused(the_key);
        break;
    case 3:
        sealed[slen] = (unsigned char)where; /* read_file left one byte of room */
        write_file(sealed_path, sealed, slen + 1);
        check_refused(the_key);
        break;
    default: check_refused(other_key); break;
    }
    free(sealed);
    free(plain);
}

/* What kg_sealed_load_key must accept: 32 bytes, or 64 hex digits and at most one line end. */
static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool expected_key(const uint8_t *p, size_t n, unsigned char key[KG_SEALED_KEYBYTES])
{
    if (n == KG_SEALED_KEYBYTES) {
        memcpy(key, p, n);
        return true;
    }
    if (n == 65 && p[64] == '\n')
        n = 64;
    else if (n == 66 && p[64] == '\r' && p[65] == '\n')
        n = 64;
    if (n != 64)
        return false;
    for (size_t i = 0; i < KG_SEALED_KEYBYTES; i++) {
        int hi = hexval(p[2 * i]), lo = hexval(p[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        key[i] = (unsigned char)(hi << 4 | lo);
    }
    return true;
}

static void key_file(const uint8_t *data, size_t size)
{
    unsigned char want[KG_SEALED_KEYBYTES], got[KG_SEALED_KEYBYTES];
    char msg[512];
    bool created = true;
    write_file(key_path, data, size);
    enum kg_err e = kg_sealed_load_key(key_path, false, got, &created, msg, sizeof(msg));
    CHECK(!created);
    if (expected_key(data, size, want)) {
        CHECK(e == KG_OK && memcmp(got, want, sizeof(got)) == 0);
    } else {
        CHECK(e == KG_EINVAL && strstr(msg, key_path) != NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    setup();
    switch (data[0] % 3) {
    case 0: raw(data + 1, size - 1); break;
    case 1: plan(data + 1, size - 1); break;
    default: key_file(data + 1, size - 1); break;
    }
    return 0;
}
