/*
 * sealed.h — whole files encrypted and authenticated with a 32-byte key, for backups that
 * leave the machine (a USB drive, a second computer) and must be useless to whoever finds
 * them, and refused when anything in them has been changed, cut short or appended to.
 *
 * A sealed file is libsodium's crypto_secretstream_xchacha20poly1305 behind a short header:
 *
 *   "KAMGARB1" | version (1 byte, 1) | key check (16 bytes) | secretstream header (24 bytes)
 *   then chunks of 64 KiB plaintext + 17 bytes each; the last one (possibly shorter, possibly
 *   empty) carries TAG_FINAL, and nothing may follow it.
 *
 * The key check is BLAKE2b keyed with the key over a fixed label, so a wrong key is told apart
 * from a damaged file without revealing anything about the key. The first 25 bytes are the
 * associated data of every chunk. Chunks are never reordered, dropped or truncated unnoticed:
 * that is what secretstream guarantees, plus the FINAL tag and the end-of-file check here.
 *
 * This module knows nothing of databases or the command line; it must not print. Every
 * function reports through enum kg_err and a message (one English sentence naming the file,
 * without a "kamgar:" prefix) in msg[msglen].
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

#define KG_SEALED_MAGIC     "KAMGARB1"
#define KG_SEALED_MAGIC_LEN 8
#define KG_SEALED_KEYBYTES  32
/* Plaintext bytes per chunk. */
#define KG_SEALED_CHUNK (64 * 1024)

/* True when the first n bytes of a file start with the sealed-file magic. */
bool kg_sealed_looks_sealed(const void *head, size_t n);

/*
 * Encrypts the file in into out. out is written through a temporary file in its directory
 * (mode 0600), flushed to disk and renamed over out only when everything succeeded; on
 * failure out is untouched and the temporary file removed. in and out must differ.
 * Returns KG_OK, KG_EIO (cannot read in / write out), or KG_EINVAL (bad arguments).
 */
enum kg_err kg_sealed_encrypt_file(const char *in, const char *out,
                                   const unsigned char key[KG_SEALED_KEYBYTES], char *msg,
                                   size_t msglen) KG_MUST_CHECK;

/*
 * Encrypts everything read from the descriptor in (from where it stands to its end) onto the
 * descriptor out, which is left open and not flushed: for a caller that makes its own output
 * (one that has no name until it is complete). in_name and out_name only name the two in msg.
 * Returns KG_OK, KG_EIO or KG_EINVAL.
 */
enum kg_err kg_sealed_encrypt_fd(int in, const char *in_name, int out, const char *out_name,
                                 const unsigned char key[KG_SEALED_KEYBYTES], char *msg,
                                 size_t msglen) KG_MUST_CHECK;

/*
 * Decrypts the sealed file in into out, with the same temporary-file discipline as
 * kg_sealed_encrypt_file: out appears (mode 0600) only when the whole file authenticated,
 * ended with its FINAL chunk and had nothing after it. Returns KG_OK, KG_EINVAL (not a sealed
 * file, unknown version, wrong key, damaged, truncated or with trailing data; msg says which)
 * or KG_EIO.
 */
enum kg_err kg_sealed_decrypt_file(const char *in, const char *out,
                                   const unsigned char key[KG_SEALED_KEYBYTES], char *msg,
                                   size_t msglen) KG_MUST_CHECK;

/*
 * Decrypts the sealed file in onto the descriptor out (an empty file the caller made and
 * keeps, such as one it holds a lock on), checked as kg_sealed_decrypt_file checks; out is
 * left open and not flushed, and on failure holds part of the plaintext: the caller removes
 * it. out_name only names it in msg.
 */
enum kg_err kg_sealed_decrypt_fd(const char *in, int out, const char *out_name,
                                 const unsigned char key[KG_SEALED_KEYBYTES], char *msg,
                                 size_t msglen) KG_MUST_CHECK;

/*
 * Loads a key file: exactly 32 raw bytes, or 64 hex digits optionally followed by one newline
 * ("\n" or "\r\n"). Anything else is KG_EINVAL with a message that says what a key file must
 * hold. When the file does not exist: KG_ENOTFOUND, unless create is set, in which case a new
 * random key is written there as 64 hex digits and a newline (O_EXCL, mode 0600, flushed to
 * disk) and *created is set. created may be NULL. The caller wipes key with sodium_memzero.
 * KG_OK with msg not empty: a warning to show (32 bytes of text, read as a raw key).
 */
enum kg_err kg_sealed_load_key(const char *path, bool create, unsigned char key[KG_SEALED_KEYBYTES],
                               bool *created, char *msg, size_t msglen) KG_MUST_CHECK;
