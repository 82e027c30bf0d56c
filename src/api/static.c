/*
 * static.c — GET /static/style.css: the public pages' one stylesheet, read from the web
 * directory once at start (kg_api_config.web_dir) and served from memory, so a request never
 * touches the file system and no other path under /static exists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/public_int.h"

#define CSS_MAX (256 * 1024)

void kg_public_load_css(struct kg_public *p, const char *web_dir)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/style.css", web_dir);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(p->err, sizeof(p->err), "cannot read %s (set --web-dir or KAMGAR_WEB)", path);
        return;
    }
    p->css = malloc(CSS_MAX);
    size_t n = p->css ? fread(p->css, 1, CSS_MAX, f) : 0;
    bool bad = ferror(f) || n == 0 || n == CSS_MAX;
    fclose(f);
    if (bad) {
        free(p->css);
        p->css = NULL;
        snprintf(p->err, sizeof(p->err), "%s is empty, unreadable or larger than %d bytes", path,
                 CSS_MAX);
        return;
    }
    p->css_len = n;
}

static enum kg_err get_css(struct kg_ctx *c)
{
    struct kg_public *p = c->api->pub;
    if (!p->css)
        return kg_api_fail(c, KG_ENOTFOUND, NULL, "no stylesheet was loaded");
    kg_resp_set(c->resp, 200, "text/css; charset=utf-8", p->css, p->css_len);
    kg_resp_header(c->resp, "Cache-Control", "public, max-age=3600");
    return KG_OK;
}

void kg_api_static_routes(struct kg_api *api)
{
    kg_api_route(api, "GET", "/static/style.css", get_css, R_PUBLIC, KG_ROLE_NONE, 0);
}
