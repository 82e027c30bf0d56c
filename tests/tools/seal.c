/*
 * seal.c — kamgar-test-seal KEYFILE IN OUT: encrypts the file IN into OUT as `kamgar backup
 * --encrypt` writes a backup (util/sealed.h), with the key in KEYFILE. For the end-to-end
 * tests, which need encrypted backups kamgar backup would not make: of a damaged database,
 * say, which it refuses to copy. Exit 0, or 1 with a line on stderr.
 */
#include <sodium.h>
#include <stdio.h>

#include "util/sealed.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: kamgar-test-seal KEYFILE IN OUT\n");
        return 1;
    }
    unsigned char key[KG_SEALED_KEYBYTES];
    char msg[512];
    enum kg_err e = sodium_init() < 0
                        ? KG_EINTERNAL
                        : kg_sealed_load_key(argv[1], false, key, NULL, msg, sizeof(msg));
    if (e == KG_OK)
        e = kg_sealed_encrypt_file(argv[2], argv[3], key, msg, sizeof(msg));
    sodium_memzero(key, sizeof(key));
    if (e != KG_OK)
        fprintf(stderr, "kamgar-test-seal: %s\n", e == KG_EINTERNAL ? "libsodium" : msg);
    return e == KG_OK ? 0 : 1;
}
