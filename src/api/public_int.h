/*
 * public_int.h — the state the public pages share (public_petitions.c, static.c): the
 * interface catalogues, the stylesheet, the per-process keys and the signing rate table.
 * Built once by kg_public_new in kg_api_new and read-only afterwards (the rate table locks
 * itself). Not for use outside src/api/.
 */
#pragma once
#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>

#include "api/api_int.h"
#include "html/i18n.h"

struct kg_public {
    struct kg_i18n cat;
    bool cat_ok;
    char err[2048]; /* "" when web_dir loaded */
    char *css;      /* web_dir/style.css, read at start */
    size_t css_len;
    unsigned char form_key[crypto_auth_KEYBYTES];      /* signs form tokens */
    unsigned char ip_key[crypto_generichash_KEYBYTES]; /* keys ip_hash */
    struct kg_throttle *rate;                          /* signatures per IP per minute */
    long min_fill_s;
    unsigned per_min;
};

/* Reads web_dir/style.css into p (p->err filled on failure). */
void kg_public_load_css(struct kg_public *p, const char *web_dir);
