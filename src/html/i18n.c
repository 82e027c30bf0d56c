/*
 * i18n.c — loading message catalogues, looking texts up, and choosing a page's language.
 *
 * A catalogue is parsed strictly: a translator's typo must stop the server at start with
 * the file and line named, not show a broken page later. Entries are sorted by key once and
 * looked up by binary search. Nothing here writes HTML except kg_i18n_format, which goes
 * through html.h.
 */
#include "html/i18n.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html/html.h"
#include "util/mem.h"
#include "util/str.h"

struct kg_i18n_entry {
    char *key, *text;
};

struct kg_i18n_lang {
    char code[4];
    struct kg_i18n_entry *e;
    size_t n;
};

/* Formats an error message into errmsg, truncating it rather than failing. */
static void errf(char *errmsg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void errf(char *errmsg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errmsg, KG_I18N_ERRMSG_MAX, fmt, ap);
    va_end(ap);
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const struct kg_i18n_entry *)a)->key, ((const struct kg_i18n_entry *)b)->key);
}

static const char *lookup(const struct kg_i18n_lang *l, const char *key)
{
    struct kg_i18n_entry probe = {(char *)key, NULL};
    const struct kg_i18n_entry *hit =
        l->n ? bsearch(&probe, l->e, l->n, sizeof *l->e, entry_cmp) : NULL;
    return hit ? hit->text : NULL;
}

static void lang_free(struct kg_i18n_lang *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->e[i].key);
        free(l->e[i].text);
    }
    free(l->e);
    l->e = NULL;
    l->n = 0;
}

void kg_i18n_free(struct kg_i18n *cat)
{
    for (size_t i = 0; i < cat->nlangs; i++)
        lang_free(&cat->langs[i]);
    free(cat->langs);
    cat->langs = NULL;
    cat->nlangs = 0;
}

static bool key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Reads the whole file into a malloc'd NUL-terminated string. */
static enum kg_err read_file(const char *path, char **out, size_t *outlen,
                             char errmsg[KG_I18N_ERRMSG_MAX])
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        errf(errmsg, "%s: cannot open: %s", path, strerror(errno));
        return KG_EIO;
    }
    char *data = kg_xmalloc(KG_I18N_MAX_FILE + 1);
    size_t n = fread(data, 1, KG_I18N_MAX_FILE + 1, f);
    bool err = ferror(f);
    fclose(f);
    if (err) {
        errf(errmsg, "%s: read error", path);
        free(data);
        return KG_EIO;
    }
    if (n > KG_I18N_MAX_FILE) {
        errf(errmsg, "%s: larger than %d bytes", path, KG_I18N_MAX_FILE);
        free(data);
        return KG_ETOOBIG;
    }
    data[n] = '\0';
    *out = data;
    *outlen = n;
    return KG_OK;
}

/* Parses one catalogue file into l. en is the English catalogue, or NULL while loading it. */
static enum kg_err parse(const char *path, const char *data, size_t n, struct kg_i18n_lang *l,
                         const struct kg_i18n_lang *en, char errmsg[KG_I18N_ERRMSG_MAX])
{
    size_t cap = 0, lineno = 0, pos = 0;
    if (n >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        pos = 3; /* a byte-order mark some editors add */
    while (pos < n) {
        const char *line = data + pos;
        const char *nl = memchr(line, '\n', n - pos);
        size_t len = nl ? (size_t)(nl - line) : n - pos;
        pos += len + (nl ? 1 : 0);
        lineno++;
        if (len > 0 && line[len - 1] == '\r')
            len--;
        if (len > KG_I18N_MAX_LINE) {
            errf(errmsg, "%s:%zu: line longer than %d bytes", path, lineno, KG_I18N_MAX_LINE);
            return KG_ETOOBIG;
        }
        if (!kg_utf8_valid(line, len)) {
            errf(errmsg, "%s:%zu: not valid UTF-8", path, lineno);
            return KG_EINVAL;
        }
        size_t i = 0;
        while (i < len && is_space(line[i]))
            i++;
        if (i == len || line[i] == '#')
            continue;
        size_t k0 = i;
        while (i < len && key_char(line[i]))
            i++;
        size_t k1 = i;
        while (i < len && is_space(line[i]))
            i++;
        if (k1 == k0 || i == len || line[i] != '=') {
            errf(errmsg, "%s:%zu: expected `key = text` (key: a-z 0-9 _ . -)", path, lineno);
            return KG_EINVAL;
        }
        i++;
        while (i < len && is_space(line[i]))
            i++;
        size_t t1 = len;
        while (t1 > i && is_space(line[t1 - 1]))
            t1--;
        char *key = kg_xstrndup(line + k0, k1 - k0);
        if (en && !lookup(en, key)) {
            errf(errmsg, "%s:%zu: key '%s' is not in en.txt", path, lineno, key);
            free(key);
            return KG_EINVAL;
        }
        for (size_t j = 0; j < l->n; j++) {
            if (strcmp(l->e[j].key, key) == 0) {
                errf(errmsg, "%s:%zu: key '%s' given twice", path, lineno, key);
                free(key);
                return KG_EINVAL;
            }
        }
        if (t1 == i) {
            free(key); /* left empty: not translated yet, English is used */
            continue;
        }
        if (l->n == cap) {
            cap = cap ? cap * 2 : 32;
            l->e = kg_xrealloc(l->e, cap * sizeof *l->e);
        }
        l->e[l->n].key = key;
        l->e[l->n].text = kg_xstrndup(line + i, t1 - i);
        l->n++;
    }
    if (l->n)
        qsort(l->e, l->n, sizeof *l->e, entry_cmp);
    return KG_OK;
}

static bool code_ok(const char *name, char code[4])
{
    size_t n = strlen(name);
    if (n < 6 || n > 7 || strcmp(name + n - 4, ".txt") != 0)
        return false;
    for (size_t i = 0; i < n - 4; i++) {
        if (name[i] < 'a' || name[i] > 'z')
            return false;
        code[i] = name[i];
    }
    code[n - 4] = '\0';
    return true;
}

static enum kg_err load_one(const char *dir, const char *code, struct kg_i18n_lang *l,
                            const struct kg_i18n_lang *en, char errmsg[KG_I18N_ERRMSG_MAX])
{
    char path[4096];
    int w = snprintf(path, sizeof path, "%s/%s.txt", dir, code);
    if (w < 0 || (size_t)w >= sizeof path) {
        errf(errmsg, "i18n: directory name too long");
        return KG_EINVAL;
    }
    char *data;
    size_t n;
    enum kg_err e = read_file(path, &data, &n, errmsg);
    if (e != KG_OK)
        return e;
    memcpy(l->code, code, strlen(code) + 1);
    e = parse(path, data, n, l, en, errmsg);
    free(data);
    if (e != KG_OK)
        lang_free(l);
    return e;
}

static int code_cmp(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

enum kg_err kg_i18n_load(const char *dir, struct kg_i18n *cat, char errmsg[KG_I18N_ERRMSG_MAX])
{
    cat->langs = NULL;
    cat->nlangs = 0;
    errmsg[0] = '\0';
    DIR *d = opendir(dir);
    if (!d) {
        errf(errmsg, "%s: cannot open directory: %s", dir, strerror(errno));
        return KG_EIO;
    }
    char codes[KG_I18N_MAX_LANGS][4];
    size_t ncodes = 0;
    enum kg_err e = KG_OK;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        char code[4];
        if (!code_ok(ent->d_name, code) || strcmp(code, "en") == 0)
            continue;
        if (ncodes == KG_I18N_MAX_LANGS - 1) {
            errf(errmsg, "%s: more than %d catalogues", dir, KG_I18N_MAX_LANGS);
            e = KG_ETOOBIG;
            break;
        }
        memcpy(codes[ncodes++], code, sizeof code);
    }
    closedir(d);
    if (e != KG_OK)
        return e;
    qsort(codes, ncodes, sizeof codes[0], code_cmp);

    struct kg_i18n_lang *langs = kg_xcalloc(ncodes + 1, sizeof *langs);
    e = load_one(dir, "en", &langs[0], NULL, errmsg);
    for (size_t i = 0; e == KG_OK && i < ncodes; i++)
        e = load_one(dir, codes[i], &langs[i + 1], &langs[0], errmsg);
    cat->langs = langs;
    cat->nlangs = ncodes + 1;
    if (e != KG_OK)
        kg_i18n_free(cat);
    return e;
}

bool kg_i18n_has(const struct kg_i18n *cat, const char *lang)
{
    for (size_t i = 0; lang && i < cat->nlangs; i++)
        if (strcmp(cat->langs[i].code, lang) == 0)
            return true;
    return false;
}

const char *kg_i18n_get(const struct kg_i18n *cat, const char *lang, const char *key)
{
    const char *t = NULL;
    for (size_t i = 1; lang && i < cat->nlangs && !t; i++)
        if (strcmp(cat->langs[i].code, lang) == 0)
            t = lookup(&cat->langs[i], key);
    if (!t && cat->nlangs)
        t = lookup(&cat->langs[0], key);
    return t ? t : key;
}

/*
 * The code cat has for the language range s[0..n) (case-insensitive, its primary subtag
 * when the full range is not there), or NULL.
 */
static const char *match(const struct kg_i18n *cat, const char *s, size_t n)
{
    size_t primary = 0;
    while (primary < n && s[primary] != '-' && s[primary] != '_')
        primary++;
    if (primary < 2 || primary > 3)
        return NULL;
    for (size_t i = 0; i < cat->nlangs; i++) {
        const char *c = cat->langs[i].code;
        if (strlen(c) != primary)
            continue;
        struct kg_str range = {s, primary};
        if (kg_str_ieq(range, c))
            return c;
    }
    return NULL;
}

/* Parses a q-value ("1", "0.5", "1.000") into thousandths; -1 when malformed. */
static int parse_q(const char *s, size_t n)
{
    if (n == 0 || n > 5 || (s[0] != '0' && s[0] != '1'))
        return -1;
    int q = (s[0] - '0') * 1000, scale = 100;
    if (n > 1) {
        if (s[1] != '.')
            return -1;
        for (size_t i = 2; i < n; i++, scale /= 10) {
            if (s[i] < '0' || s[i] > '9')
                return -1;
            q += (s[i] - '0') * scale;
        }
    }
    return q > 1000 ? -1 : q;
}

const char *kg_i18n_pick(const struct kg_i18n *cat, const char *query_lang,
                         const char *accept_language)
{
    const char *best = NULL;
    if (query_lang && (best = match(cat, query_lang, strlen(query_lang))) != NULL)
        return best;
    int best_q = 0;
    const char *p = accept_language;
    while (p && *p) {
        size_t n = strcspn(p, ",");
        const char *item = p, *end = p + n;
        p = *end ? end + 1 : end;
        while (item < end && is_space(*item))
            item++;
        size_t rlen = strcspn(item, ";, \t");
        if (item + rlen > end)
            rlen = (size_t)(end - item);
        int q = 1000;
        const char *params = item + rlen;
        while (params < end) {
            while (params < end && (*params == ';' || is_space(*params)))
                params++;
            size_t plen = strcspn(params, ";,");
            if (params + plen > end)
                plen = (size_t)(end - params);
            while (plen > 0 && is_space(params[plen - 1]))
                plen--;
            if (plen >= 2 && (params[0] == 'q' || params[0] == 'Q') && params[1] == '=')
                q = parse_q(params + 2, plen - 2);
            params += plen;
            while (params < end && *params != ';')
                params++;
        }
        if (q <= best_q)
            continue; /* malformed (-1), refused (0) or no better than what we have */
        const char *c = match(cat, item, rlen);
        if (c) {
            best = c;
            best_q = q;
        }
    }
    return best ? best : "en";
}

const char *kg_i18n_dir(const char *lang)
{
    static const char *const rtl[] = {"ar", "arc", "ckb", "dv", "fa", "he", "ks",
                                      "ku", "ps",  "sd",  "ug", "ur", "yi"};
    if (!lang)
        return "ltr";
    size_t n = strcspn(lang, "-_");
    for (size_t i = 0; i < sizeof rtl / sizeof rtl[0]; i++) {
        struct kg_str primary = {lang, n};
        if (kg_str_ieq(primary, rtl[i]))
            return "rtl";
    }
    return "ltr";
}

static enum kg_err format(struct kg_buf *b, const char *tmpl, const struct kg_i18n_arg *args,
                          size_t nargs, bool isolate)
{
    size_t start = b->len;
    const char *s = tmpl ? tmpl : "";
    enum kg_err e = KG_OK;
    while (*s && e == KG_OK) {
        const char *open = strchr(s, '{');
        if (!open) {
            e = kg_html_text(b, s);
            break;
        }
        const char *close = strchr(open + 1, '}');
        const struct kg_i18n_arg *arg = NULL;
        if (close) {
            size_t n = (size_t)(close - open - 1);
            for (size_t i = 0; i < nargs && !arg; i++)
                if (args[i].name && strlen(args[i].name) == n &&
                    memcmp(args[i].name, open + 1, n) == 0)
                    arg = &args[i];
        }
        if (!arg) { /* not a placeholder we know: write up to and including the '{' */
            e = kg_html_textn(b, s, (size_t)(open - s) + 1);
            s = open + 1;
            continue;
        }
        if ((e = kg_html_textn(b, s, (size_t)(open - s))) == KG_OK && isolate)
            e = kg_html_raw(b, "<bdi>");
        if (e == KG_OK)
            e = kg_html_text(b, arg->value);
        if (e == KG_OK && isolate)
            e = kg_html_raw(b, "</bdi>");
        s = close + 1;
    }
    if (e != KG_OK) {
        b->len = start;
        if (b->p)
            b->p[start] = '\0';
    }
    return e;
}

enum kg_err kg_i18n_format(struct kg_buf *b, const char *tmpl, const struct kg_i18n_arg *args,
                           size_t nargs)
{
    return format(b, tmpl, args, nargs, false);
}

enum kg_err kg_i18n_format_isolated(struct kg_buf *b, const char *tmpl,
                                    const struct kg_i18n_arg *args, size_t nargs)
{
    return format(b, tmpl, args, nargs, true);
}
