/*
 * sealed.c — file encryption for backups (see sealed.h for the format and the contract).
 *
 * Output never appears half-written: it goes to "<out>.tmp-XXXXXX" beside out, is fsynced,
 * renamed into place, and the directory is fsynced; any failure unlinks the temporary file.
 * Plaintext and key material are wiped from memory before it is freed.
 */
#include "util/sealed.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/mem.h"

#define VERSION 1
/* magic | version | key check: the associated data of every chunk. */
#define CHECK_LEN  16
#define PREFIX_LEN (KG_SEALED_MAGIC_LEN + 1 + CHECK_LEN)
#define SS_HEADER  crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define HEADER_LEN (PREFIX_LEN + SS_HEADER)
#define ABYTES     crypto_secretstream_xchacha20poly1305_ABYTES
#define CIPHER_LEN (KG_SEALED_CHUNK + ABYTES)

static const char check_label[] = "kamgar sealed backup key check v1";

static enum kg_err fail(char *msg, size_t msglen, enum kg_err e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static enum kg_err fail(char *msg, size_t msglen, enum kg_err e, const char *fmt, ...)
{
    if (msg && msglen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, msglen, fmt, ap);
        va_end(ap);
    }
    return e;
}

bool kg_sealed_looks_sealed(const void *head, size_t n)
{
    return n >= KG_SEALED_MAGIC_LEN && memcmp(head, KG_SEALED_MAGIC, KG_SEALED_MAGIC_LEN) == 0;
}

/* Reads up to n bytes, stopping early only at end of file. Returns the count, or -1. */
static ssize_t read_full(int fd, unsigned char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

static bool write_all(int fd, const unsigned char *buf, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        buf += w;
        n -= (size_t)w;
    }
    return true;
}

/* An output in progress: the temporary file beside the final path. */
struct outfile {
    const char *path;
    char tmp[PATH_MAX];
    int fd;
};

static enum kg_err out_open(struct outfile *o, const char *path, char *msg, size_t msglen)
{
    o->path = path;
    o->fd = -1;
    int n = snprintf(o->tmp, sizeof(o->tmp), "%s.tmp-XXXXXX", path);
    if (n < 0 || (size_t)n >= sizeof(o->tmp))
        return fail(msg, msglen, KG_EINVAL, "the path %s is too long", path);
    /* mkstemp creates the file with mode 0600 (glibc, musl, the BSDs): no fchmod, which
     * fails on file systems without modes such as a FAT-formatted USB drive. */
    o->fd = mkstemp(o->tmp);
    if (o->fd < 0)
        return fail(msg, msglen, KG_EIO, "cannot create a file beside %s: %s", path,
                    strerror(errno));
    (void)kg_cleanup_add(o->tmp); /* a decrypted copy is not left behind by Ctrl-C */
    return KG_OK;
}

/* Flushes and renames into place (ok) or removes the temporary file (!ok). */
static enum kg_err out_finish(struct outfile *o, bool ok, char *msg, size_t msglen)
{
    enum kg_err err = KG_OK;
    if (o->fd < 0)
        return KG_OK;
    if (ok && fsync(o->fd) != 0)
        err = fail(msg, msglen, KG_EIO, "cannot flush %s to disk: %s", o->path, strerror(errno));
    if (close(o->fd) != 0 && ok && !err)
        err = fail(msg, msglen, KG_EIO, "cannot write %s: %s", o->path, strerror(errno));
    o->fd = -1;
    if (ok && !err && rename(o->tmp, o->path) != 0)
        err = fail(msg, msglen, KG_EIO, "cannot rename into %s: %s", o->path, strerror(errno));
    if (!ok || err)
        unlink(o->tmp);
    kg_cleanup_forget(o->tmp);
    if (!ok || err)
        return err;
    kg_fsync_dir_of(o->path);
    return KG_OK;
}

static void key_check(const unsigned char key[KG_SEALED_KEYBYTES], unsigned char out[CHECK_LEN])
{
    crypto_generichash(out, CHECK_LEN, (const unsigned char *)check_label, sizeof(check_label) - 1,
                       key, KG_SEALED_KEYBYTES);
}

enum kg_err kg_sealed_encrypt_fd(int in, const char *in_name, int out, const char *out_name,
                                 const unsigned char key[KG_SEALED_KEYBYTES], char *msg,
                                 size_t msglen)
{
    enum kg_err err = KG_OK;
    crypto_secretstream_xchacha20poly1305_state st;
    unsigned char header[HEADER_LEN];
    unsigned char *cur = kg_xmalloc(KG_SEALED_CHUNK), *next = kg_xmalloc(KG_SEALED_CHUNK);
    unsigned char *cbuf = kg_xmalloc(CIPHER_LEN);
    if (msg && msglen)
        msg[0] = '\0';
    if (in < 0 || out < 0 || !key) {
        err = fail(msg, msglen, KG_EINVAL, "encrypting needs an input and an output");
        goto out;
    }
    if (sodium_init() < 0) {
        err = fail(msg, msglen, KG_EINTERNAL, "cannot initialise libsodium");
        goto out;
    }
    memcpy(header, KG_SEALED_MAGIC, KG_SEALED_MAGIC_LEN);
    header[KG_SEALED_MAGIC_LEN] = VERSION;
    key_check(key, header + KG_SEALED_MAGIC_LEN + 1);
    crypto_secretstream_xchacha20poly1305_init_push(&st, header + PREFIX_LEN, key);
    if (!write_all(out, header, sizeof(header))) {
        err = fail(msg, msglen, KG_EIO, "cannot write %s: %s", out_name, strerror(errno));
        goto out;
    }
    /* One chunk of look-ahead: a chunk is FINAL when nothing follows it, so an input of an
     * exact multiple of the chunk size ends in a full FINAL chunk, and an empty input in an
     * empty one. */
    ssize_t n = read_full(in, cur, KG_SEALED_CHUNK);
    for (;;) {
        if (n < 0) {
            err = fail(msg, msglen, KG_EIO, "cannot read %s: %s", in_name, strerror(errno));
            goto out;
        }
        ssize_t m = 0;
        if (n == KG_SEALED_CHUNK)
            m = read_full(in, next, KG_SEALED_CHUNK);
        if (m < 0) {
            err = fail(msg, msglen, KG_EIO, "cannot read %s: %s", in_name, strerror(errno));
            goto out;
        }
        bool final = m == 0;
        unsigned long long clen = 0;
        crypto_secretstream_xchacha20poly1305_push(
            &st, cbuf, &clen, cur, (unsigned long long)n, header, PREFIX_LEN,
            final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                  : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
        if (!write_all(out, cbuf, (size_t)clen)) {
            err = fail(msg, msglen, KG_EIO, "cannot write %s: %s", out_name, strerror(errno));
            goto out;
        }
        if (final)
            break;
        unsigned char *t = cur;
        cur = next;
        next = t;
        n = m;
    }
out:
    sodium_memzero(&st, sizeof(st));
    sodium_memzero(cur, KG_SEALED_CHUNK);
    sodium_memzero(next, KG_SEALED_CHUNK);
    free(cur);
    free(next);
    free(cbuf);
    return err;
}

enum kg_err kg_sealed_encrypt_file(const char *in, const char *out,
                                   const unsigned char key[KG_SEALED_KEYBYTES], char *msg,
                                   size_t msglen)
{
    struct outfile o = {.fd = -1};
    if (msg && msglen)
        msg[0] = '\0';
    if (!in || !out || !key || strcmp(in, out) == 0)
        return fail(msg, msglen, KG_EINVAL, "encrypting needs distinct input and output paths");
    int ifd = open(in, O_RDONLY);
    if (ifd < 0)
        return fail(msg, msglen, KG_EIO, "cannot read %s: %s", in, strerror(errno));
    enum kg_err err = out_open(&o, out, msg, msglen);
    if (!err)
        err = kg_sealed_encrypt_fd(ifd, in, o.fd, out, key, msg, msglen);
    if (o.fd >= 0) {
        enum kg_err ferr = out_finish(&o, !err, msg, msglen);
        if (!err)
            err = ferr;
    }
    close(ifd);
    return err;
}

/*
 * Where the file really ends when a read of n bytes failed authentication: the length of the
 * longest prefix of cbuf that authenticates as the FINAL chunk, or 0 when none does. A final
 * chunk that is not a full 64 KiB reads together with whatever was appended to the file (a
 * whole read's worth, when that is 48 KiB or more, or another backup), and fails as a chunk
 * cut short or tampered with would; this tells them apart. A try that fails costs one Poly1305
 * pass (pull checks the tag before it decrypts): up to 64K tries of up to 64 KiB, about a
 * second on the 2-core machine kamgar is built on, and only for a file that is refused anyway
 * (a damaged chunk too now costs that second). Each try starts from a copy of st, which a
 * successful pull advances.
 */
static size_t final_prefix(const crypto_secretstream_xchacha20poly1305_state *st,
                           unsigned char *pbuf, const unsigned char *cbuf, size_t n,
                           const unsigned char *ad)
{
    size_t found = 0;
    crypto_secretstream_xchacha20poly1305_state t;
    for (size_t len = n; !found && len-- > ABYTES;) {
        unsigned long long plen = 0;
        unsigned char tag = 0;
        t = *st;
        if (crypto_secretstream_xchacha20poly1305_pull(&t, pbuf, &plen, &tag, cbuf, len, ad,
                                                       PREFIX_LEN) == 0 &&
            tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL)
            found = len;
    }
    sodium_memzero(&t, sizeof(t));
    return found;
}

/* How many bytes of the file at fd lie past where it was read to (0 when that is unknown). */
static long long bytes_left(int fd)
{
    struct stat sb;
    off_t at = lseek(fd, 0, SEEK_CUR);
    return fstat(fd, &sb) == 0 && at >= 0 && sb.st_size >= at ? (long long)(sb.st_size - at) : 0;
}

/* The message for a sealed file whose FINAL chunk authenticated and that goes on after it:
 * nothing in the format may follow, so the file was appended to or damaged. */
static enum kg_err trailing(char *msg, size_t msglen, const char *in, long long extra)
{
    return fail(msg, msglen, KG_EINVAL,
                "%s has data after its end (%lld byte%s after the final chunk): it was changed "
                "or damaged",
                in, extra, extra == 1 ? "" : "s");
}

/* Decrypts in onto out_fd, or, when out_fd is -1, onto a temporary file beside out made once
 * the header is good and renamed to out when everything is (out_open, out_finish). */
static enum kg_err decrypt(const char *in, const char *out, int out_fd,
                           const unsigned char key[KG_SEALED_KEYBYTES], char *msg, size_t msglen)
{
    enum kg_err err = KG_OK;
    struct outfile o = {.fd = -1};
    crypto_secretstream_xchacha20poly1305_state st;
    unsigned char header[HEADER_LEN], check[CHECK_LEN];
    unsigned char *pbuf = kg_xmalloc(KG_SEALED_CHUNK), *cbuf = kg_xmalloc(CIPHER_LEN);
    bool ok = false;
    int ifd = -1;
    if (msg && msglen)
        msg[0] = '\0';
    if (!in || !out || !key || (out_fd < 0 && strcmp(in, out) == 0)) {
        err = fail(msg, msglen, KG_EINVAL, "decrypting needs distinct input and output paths");
        goto out;
    }
    if (sodium_init() < 0) {
        err = fail(msg, msglen, KG_EINTERNAL, "cannot initialise libsodium");
        goto out;
    }
    ifd = open(in, O_RDONLY);
    if (ifd < 0) {
        err = fail(msg, msglen, KG_EIO, "cannot read %s: %s", in, strerror(errno));
        goto out;
    }
    /* Everything about the header is checked before the output file is created. */
    ssize_t n = read_full(ifd, header, sizeof(header));
    if (n < 0) {
        err = fail(msg, msglen, KG_EIO, "cannot read %s: %s", in, strerror(errno));
        goto out;
    }
    if (!kg_sealed_looks_sealed(header, (size_t)n)) {
        err = fail(msg, msglen, KG_EINVAL, "%s is not an encrypted kamgar backup", in);
        goto out;
    }
    if (n > KG_SEALED_MAGIC_LEN && header[KG_SEALED_MAGIC_LEN] != VERSION) {
        err = fail(msg, msglen, KG_EINVAL,
                   "%s is an encrypted backup of version %u, which this kamgar cannot read", in,
                   (unsigned)header[KG_SEALED_MAGIC_LEN]);
        goto out;
    }
    if ((size_t)n < sizeof(header)) {
        err = fail(msg, msglen, KG_EINVAL, "%s is truncated: it ends inside its header", in);
        goto out;
    }
    key_check(key, check);
    if (sodium_memcmp(check, header + KG_SEALED_MAGIC_LEN + 1, CHECK_LEN) != 0) {
        err = fail(msg, msglen, KG_EINVAL,
                   "%s was encrypted with a different key (or its header is damaged)", in);
        goto out;
    }
    if (crypto_secretstream_xchacha20poly1305_init_pull(&st, header + PREFIX_LEN, key) != 0) {
        err = fail(msg, msglen, KG_EINVAL, "%s has a damaged header", in);
        goto out;
    }
    if (out_fd < 0 && (err = out_open(&o, out, msg, msglen)) != KG_OK)
        goto out;
    int wfd = out_fd < 0 ? o.fd : out_fd;
    for (unsigned long chunk = 1;; chunk++) {
        n = read_full(ifd, cbuf, CIPHER_LEN);
        if (n < 0) {
            err = fail(msg, msglen, KG_EIO, "cannot read %s: %s", in, strerror(errno));
            goto out;
        }
        if (n == 0) {
            err = fail(msg, msglen, KG_EINVAL,
                       "%s is truncated: it ends after chunk %lu, before its final chunk", in,
                       chunk - 1);
            goto out;
        }
        unsigned long long plen = 0;
        unsigned char tag = 0;
        if (n < (ssize_t)ABYTES ||
            crypto_secretstream_xchacha20poly1305_pull(
                &st, pbuf, &plen, &tag, cbuf, (unsigned long long)n, header, PREFIX_LEN) != 0) {
            size_t end = final_prefix(&st, pbuf, cbuf, (size_t)n, header);
            if (end) {
                err = trailing(msg, msglen, in, (long long)((size_t)n - end) + bytes_left(ifd));
                goto out;
            }
            err = fail(msg, msglen, KG_EINVAL,
                       (size_t)n < CIPHER_LEN
                           ? "%s is cut short or damaged (chunk %lu fails authentication)"
                           : "%s is damaged or has been tampered with (chunk %lu fails "
                             "authentication)",
                       in, chunk);
            goto out;
        }
        if (tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL &&
            tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) {
            err = fail(msg, msglen, KG_EINVAL, "%s has an unexpected chunk %lu", in, chunk);
            goto out;
        }
        /* Only the last chunk may be short; a short one without FINAL was cut. */
        if (tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL && (size_t)n < CIPHER_LEN) {
            err = fail(msg, msglen, KG_EINVAL, "%s is truncated (in chunk %lu)", in, chunk);
            goto out;
        }
        if (!write_all(wfd, pbuf, (size_t)plen)) {
            err = fail(msg, msglen, KG_EIO, "cannot write %s: %s", out, strerror(errno));
            goto out;
        }
        if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL)
            break;
    }
    unsigned char extra;
    n = read_full(ifd, &extra, 1);
    if (n != 0) {
        err = n < 0 ? fail(msg, msglen, KG_EIO, "cannot read %s: %s", in, strerror(errno))
                    : trailing(msg, msglen, in, 1 + bytes_left(ifd));
        goto out;
    }
    ok = true;
out:
    if (o.fd >= 0) {
        enum kg_err ferr = out_finish(&o, ok, msg, msglen);
        if (!err)
            err = ferr;
    }
    if (ifd >= 0)
        close(ifd);
    sodium_memzero(&st, sizeof(st));
    sodium_memzero(pbuf, KG_SEALED_CHUNK);
    free(pbuf);
    free(cbuf);
    return err;
}

enum kg_err kg_sealed_decrypt_file(const char *in, const char *out,
                                   const unsigned char key[KG_SEALED_KEYBYTES], char *msg,
                                   size_t msglen)
{
    return decrypt(in, out, -1, key, msg, msglen);
}

enum kg_err kg_sealed_decrypt_fd(const char *in, int out, const char *out_name,
                                 const unsigned char key[KG_SEALED_KEYBYTES], char *msg,
                                 size_t msglen)
{
    if (out < 0)
        return fail(msg, msglen, KG_EINVAL, "decrypting needs an open output");
    return decrypt(in, out_name, out, key, msg, msglen);
}

/* ------------------------------------------------------------------------------------ */
/* key files                                                                            */

static bool is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Whether buf[0..n) is all printable ASCII, tabs and line ends: typed, not random. */
static bool is_text(const unsigned char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(buf[i] >= 0x20 && buf[i] < 0x7f) && buf[i] != '\t' && buf[i] != '\r' &&
            buf[i] != '\n')
            return false;
    return true;
}

/* Parses what a key file holds; false when it is neither form. */
static bool parse_key(const unsigned char *buf, size_t n, unsigned char key[KG_SEALED_KEYBYTES])
{
    if (n == KG_SEALED_KEYBYTES) {
        memcpy(key, buf, KG_SEALED_KEYBYTES);
        return true;
    }
    size_t hex = 2 * KG_SEALED_KEYBYTES;
    if (n == hex + 1 && buf[hex] == '\n')
        n = hex;
    else if (n == hex + 2 && buf[hex] == '\r' && buf[hex + 1] == '\n')
        n = hex;
    if (n != hex)
        return false;
    for (size_t i = 0; i < hex; i++)
        if (!is_hex(buf[i]))
            return false;
    size_t bin_len = 0;
    return sodium_hex2bin(key, KG_SEALED_KEYBYTES, (const char *)buf, hex, NULL, &bin_len, NULL) ==
               0 &&
           bin_len == KG_SEALED_KEYBYTES;
}

/* What a key file that is no key holds, for its message, without a byte of it: "63 hex
 * digits and a line end", "65 bytes; byte 17 is not a hex digit", "65 bytes; byte 1 is a
 * space", "200 bytes or more". */
static void describe_key(const unsigned char *buf, size_t n, bool more, char *out, size_t cap)
{
    size_t text = n, bad = 0;
    if (text && buf[text - 1] == '\n')
        text -= text > 1 && buf[text - 2] == '\r' ? 2 : 1;
    while (bad < text && is_hex(buf[bad]))
        bad++;
    if (more)
        snprintf(out, cap, "%zu bytes or more", n);
    else if (text == KG_SEALED_KEYBYTES && text < n && bad < text && is_text(buf, text))
        snprintf(out, cap,
                 "32 characters and a line end; a key of 32 characters, read as raw bytes, "
                 "has no line end: remove it");
    else if (text && bad == text)
        snprintf(out, cap, "%zu hex digit%s%s", text, text == 1 ? "" : "s",
                 text < n ? " and a line end" : "");
    else if (bad >= 8 || (bad < text && (buf[bad] == ' ' || buf[bad] == '\t'))) /* mistyped */
        snprintf(out, cap, "%zu bytes; byte %zu is %s", n, bad + 1,
                 buf[bad] == ' '    ? "a space"
                 : buf[bad] == '\t' ? "a tab"
                                    : "not a hex digit");
    else
        snprintf(out, cap, "%zu byte%s", n, n == 1 ? "" : "s");
}

static enum kg_err create_key(const char *path, unsigned char key[KG_SEALED_KEYBYTES], char *msg,
                              size_t msglen)
{
    char hex[2 * KG_SEALED_KEYBYTES + 2];
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        return fail(msg, msglen, errno == EEXIST ? KG_ECONFLICT : KG_EIO,
                    "cannot create the key file %s: %s", path, strerror(errno));
    randombytes_buf(key, KG_SEALED_KEYBYTES);
    sodium_bin2hex(hex, sizeof(hex) - 1, key, KG_SEALED_KEYBYTES);
    hex[2 * KG_SEALED_KEYBYTES] = '\n';
    bool ok = write_all(fd, (const unsigned char *)hex, sizeof(hex) - 1) && fsync(fd) == 0;
    int e = errno;
    ok = close(fd) == 0 && ok;
    sodium_memzero(hex, sizeof(hex));
    if (!ok) {
        unlink(path);
        sodium_memzero(key, KG_SEALED_KEYBYTES);
        return fail(msg, msglen, KG_EIO, "cannot write the key file %s: %s", path, strerror(e));
    }
    kg_fsync_dir_of(path);
    return KG_OK;
}

enum kg_err kg_sealed_load_key(const char *path, bool create, unsigned char key[KG_SEALED_KEYBYTES],
                               bool *created, char *msg, size_t msglen)
{
    /* Room for the longest valid form and one byte more, to notice a longer file. */
    unsigned char buf[2 * KG_SEALED_KEYBYTES + 3];
    enum kg_err err = KG_OK;
    if (created)
        *created = false;
    if (msg && msglen)
        msg[0] = '\0';
    if (!path || !*path)
        return fail(msg, msglen, KG_EINVAL, "no key file given");
    if (sodium_init() < 0)
        return fail(msg, msglen, KG_EINTERNAL, "cannot initialise libsodium");
    /* O_NONBLOCK: a fifo is refused below, not waited on forever (a regular file ignores it) */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && create) {
        err = create_key(path, key, msg, msglen);
        if (err != KG_ECONFLICT) {
            if (!err && created)
                *created = true;
            return err;
        }
        /* Someone else created it meanwhile: use theirs. */
        fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    }
    if (fd < 0)
        return fail(msg, msglen, errno == ENOENT ? KG_ENOTFOUND : KG_EIO,
                    "cannot read the key file %s: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return fail(msg, msglen, KG_EINVAL, "the key file %s is not a regular file", path);
    }
    ssize_t n = read_full(fd, buf, sizeof(buf));
    int e = errno;
    close(fd);
    if (n < 0)
        return fail(msg, msglen, KG_EIO, "cannot read the key file %s: %s", path, strerror(e));
    if (!parse_key(buf, (size_t)n, key)) {
        sodium_memzero(key, KG_SEALED_KEYBYTES);
        char holds[160];
        describe_key(buf, (size_t)n, (size_t)n == sizeof(buf), holds, sizeof(holds));
        err = fail(msg, msglen, KG_EINVAL,
                   "the key file %s must hold 32 raw bytes or 64 hex digits (it holds %s)", path,
                   holds);
    } else if ((size_t)n == KG_SEALED_KEYBYTES && is_text(buf, (size_t)n) && msg && msglen) {
        /* Read as the raw key it has always been read as (backups made with it must still
         * restore), but said: 32 random bytes are text once in 10^14, so this is half a hex
         * key or a typed password, which a key written on paper will not match. */
        snprintf(msg, msglen,
                 "the key file %s holds 32 characters of text, read as a raw key; a key kept on "
                 "paper is 64 hex digits: check that this is the key you mean",
                 path);
    }
    sodium_memzero(buf, sizeof(buf));
    return err;
}
