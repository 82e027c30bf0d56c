/*
 * registration.c — the HTTP API of the registration of an organisation (the solidarity
 * issue): /api/v1/orgs/{org}/registration (one per org) with its checklist steps, documents
 * (by reference: name, date, SHA-256), status history, the templates the checklists come
 * from, and the members' list for the registrar as CSV. See docs/registration.md.
 *
 * Templates are data files, web_dir/registration/<CC>-<form>.json, read when asked for (a
 * lawyer's correction needs no restart; a registration keeps the steps it was started with).
 * Only a name that passes kg_reg_template_id_valid ever becomes a path. Every role reads the
 * record; admins write, and only admins get the members' list (audit-logged with its count).
 * Must not: log a body, or put anything but counts in an audit entry.
 */
#include "api/organizing_int.h"

#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "api/export.h"
#include "domain/registration.h"
#include "store/store_registration.h"
#include "util/log.h"

#define TEMPLATE_MAX_BYTES (256 * 1024)

/* --- specs --- */

#define J_STR(T, name, field, bit)                                                                 \
    {                                                                                              \
        name, KG_J_STR, offsetof(T, field), bit, 0, 0, 0, 0, NULL                                  \
    }
#define J_STR_NN(T, name, field, bit)                                                              \
    {                                                                                              \
        name, KG_J_STR, offsetof(T, field), bit, KG_JF_NOTNULL, 0, 0, 0, NULL                      \
    }
#define J_RO(T, name, field)                                                                       \
    {                                                                                              \
        name, KG_J_STR, offsetof(T, field), 0, KG_JF_READONLY, 0, 0, 0, NULL                       \
    }
#define J_END                                                                                      \
    {                                                                                              \
        NULL, 0, 0, 0, 0, 0, 0, 0, NULL                                                            \
    }

#define TS struct kg_reg_step
/* A template's step, as the file holds it and as the templates' endpoint shows it. */
static const struct kg_jspec tmpl_step_spec[] = {
    J_STR_NN(TS, "key", key, 1),
    J_STR_NN(TS, "title", title, 2),
    J_STR(TS, "detail", detail, 0),
    J_STR_NN(TS, "source", source, 4),
    {"verified", KG_J_BOOL, offsetof(TS, verified), 8, KG_JF_NOTNULL, 0, 0, 0, NULL},
    {"min_members", KG_J_INT64, offsetof(TS, min_members), 0, 0, 1, 1000000, 0, NULL},
    J_END,
};

/* A registration's step: the template's fields read-only, the progress writable. */
static const struct kg_jspec step_spec[] = {
    J_RO(TS, "key", key),
    {"position", KG_J_INT64, offsetof(TS, position), 0, KG_JF_READONLY, 0, INT64_MAX, 0, NULL},
    J_RO(TS, "title", title),
    J_RO(TS, "detail", detail),
    J_RO(TS, "source", source),
    {"verified", KG_J_BOOL, offsetof(TS, verified), 0, KG_JF_READONLY, 0, 0, 0, NULL},
    {"min_members", KG_J_INT64, offsetof(TS, min_members), 0, KG_JF_READONLY, 0, INT64_MAX, 0,
     NULL},
    J_STR_NN(TS, "status", status, KG_RS_STATUS),
    J_STR(TS, "started_on", started_on, KG_RS_STARTED_ON),
    J_STR(TS, "done_on", done_on, KG_RS_DONE_ON),
    J_STR(TS, "notes", notes, KG_RS_NOTES),
    J_RO(TS, "updated_at", updated_at),
    J_END,
};

#define TT struct kg_reg_template
static const struct kg_jspec template_spec[] = {
    J_STR_NN(TT, "id", id, 0),
    J_STR_NN(TT, "country", country, 0),
    J_STR_NN(TT, "form", form, 0),
    J_STR_NN(TT, "title", title, 0),
    J_STR_NN(TT, "authority", authority, 0),
    J_STR(TT, "law", law, 0),
    J_STR(TT, "notes", notes, 0),
    J_STR(TT, "reviewed_on", reviewed_on, 0),
    J_END,
};

#define RG struct kg_registration
static const struct kg_jspec registration_spec[] = {
    J_RO(RG, "id", id),
    J_RO(RG, "org_id", org_id),
    J_RO(RG, "template", template_id),
    J_RO(RG, "country", country),
    J_RO(RG, "form", form),
    J_STR(RG, "authority", authority, KG_RG_AUTHORITY),
    J_RO(RG, "status", status),
    J_RO(RG, "reg_number", reg_number),
    J_RO(RG, "reg_date", reg_date),
    J_STR(RG, "notes", notes, KG_RG_NOTES),
    {"members", KG_J_INT64, offsetof(RG, members), 0, KG_JF_READONLY, 0, INT64_MAX, -1, NULL},
    J_RO(RG, "created_at", created_at),
    J_RO(RG, "updated_at", updated_at),
    J_END,
};

#define DC struct kg_reg_document
static const struct kg_jspec document_spec[] = {
    {"id", KG_J_STR, offsetof(DC, id), 0, KG_JF_CREATE | KG_JF_NOTNULL, 0, 0, 0, NULL},
    J_STR_NN(DC, "name", name, 1),
    J_STR_NN(DC, "date", doc_date, 2),
    J_STR_NN(DC, "sha256", sha256, 4),
    J_STR(DC, "step_key", step_key, 8),
    J_STR(DC, "note", note, 16),
    J_RO(DC, "created_by", created_by),
    J_RO(DC, "created_at", created_at),
    J_END,
};

#define SC struct kg_reg_status_change
static const struct kg_jspec change_spec[] = {
    J_STR_NN(SC, "status", status, 1),
    J_STR(SC, "on", on, 2),
    J_STR(SC, "reg_number", reg_number, 4),
    J_STR(SC, "note", note, 8),
    J_RO(SC, "user_id", user_id),
    J_RO(SC, "at", at),
    J_END,
};

/* --- templates --- */

static const char *web_dir(struct kg_ctx *c)
{
    const char *d = c->api->cfg.web_dir;
    return d && *d ? d : "web";
}

/* Reads a whole small file into the arena (NUL-terminated). */
static enum kg_err read_file(struct kg_arena *a, const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return KG_ENOTFOUND;
    /* Sized by the file (a list reads every template), with room to notice it growing. */
    long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (size < 0 || size > TEMPLATE_MAX_BYTES || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return KG_EIO;
    }
    char *buf = kg_arena_alloc(a, (size_t)size + 2);
    if (!buf) {
        fclose(f);
        return KG_ETOOBIG;
    }
    size_t n = fread(buf, 1, (size_t)size + 1, f);
    bool bad = ferror(f) != 0;
    fclose(f);
    if (bad || n > (size_t)size)
        return KG_EIO;
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return KG_OK;
}

/*
 * Loads and validates the template id (already checked by kg_reg_template_id_valid).
 * KG_ENOTFOUND when there is no such file; KG_EIO (logged with the reason, which is about
 * the file, never about a person) when the file is not a valid template.
 */
static enum kg_err load_template(struct kg_ctx *c, const char *id, struct kg_reg_template *t)
{
    char path[1024];
    int m = snprintf(path, sizeof(path), "%s/registration/%s.json", web_dir(c), id);
    if (m <= 0 || (size_t)m >= sizeof(path))
        return KG_EIO;
    char *text;
    size_t len;
    enum kg_err e = read_file(c->a, path, &text, &len);
    if (e)
        return e;
    json_t *obj, *steps;
    struct kg_jerr je = {0};
    unsigned ignored = 0;
    memset(t, 0, sizeof(*t));
    e = kg_json_parse(c->a, text, len, &obj, &je);
    if (e)
        goto bad;
    steps = json_object_get(obj, "steps");
    if (!json_is_array(steps)) {
        je.field = "steps";
        je.message = "must be an array";
        e = KG_EINVAL;
        goto bad;
    }
    json_incref(steps);
    if (!kg_json_own(c->a, steps))
        return KG_ETOOBIG;
    json_object_del(obj, "steps");
    e = kg_json_decode(c->a, template_spec, obj, true, t, &ignored, &je);
    if (e)
        goto bad;
    t->n_steps = json_array_size(steps);
    if (t->n_steps > KG_MAX_REG_STEPS) {
        je.field = "steps";
        je.message = "has more than 100 steps";
        e = KG_EINVAL;
        goto bad;
    }
    t->steps = kg_arena_zalloc(c->a, (t->n_steps ? t->n_steps : 1) * sizeof(*t->steps));
    if (!t->steps)
        return KG_ETOOBIG;
    for (size_t i = 0; i < t->n_steps; i++) {
        unsigned f = 0;
        json_t *s = json_array_get(steps, i);
        if (!json_is_object(s)) {
            je.field = "steps";
            je.message = "must hold objects";
            e = KG_EINVAL;
            goto bad;
        }
        e = kg_json_decode(c->a, tmpl_step_spec, s, true, &t->steps[i], &f, &je);
        if (!e && (f & 15) != 15) {
            je.field = "steps";
            je.message = "each needs key, title, source and verified";
            e = KG_EINVAL;
        }
        if (e)
            goto bad;
        t->steps[i].position = (int64_t)i + 1;
    }
    struct kg_verr ve;
    if (strcmp(t->id ? t->id : "", id) != 0) {
        je.field = "id";
        je.message = "differs from the file's name";
        e = KG_EINVAL;
        goto bad;
    }
    if (kg_reg_template_validate(t, &ve)) {
        je.field = ve.field;
        je.message = ve.message;
        e = KG_EINVAL;
        goto bad;
    }
    return KG_OK;
bad:
    if (e == KG_ETOOBIG)
        return e;
    kg_error("registration template %s is not valid: %s %s", id, je.field ? je.field : "",
             je.message ? je.message : "");
    return KG_EIO;
}

static enum kg_err write_template(struct kg_buf *b, const struct kg_reg_template *t, bool steps)
{
    enum kg_err e = oc_rec_open(b, template_spec, t, NULL);
    size_t unverified = 0;
    for (size_t i = 0; i < t->n_steps; i++)
        unverified += !t->steps[i].verified;
    if (!e)
        e = kg_buf_printf(b, ",\"n_steps\":%zu,\"n_unverified\":%zu", t->n_steps, unverified);
    if (!e && steps) {
        e = oc_key(b, "steps");
        if (!e)
            e = kg_buf_append(b, "[", 1);
        for (size_t i = 0; !e && i < t->n_steps; i++) {
            if (i)
                e = kg_buf_append(b, ",", 1);
            if (!e)
                e = kg_json_write(b, tmpl_step_spec, &t->steps[i], NULL);
        }
        if (!e)
            e = kg_buf_append(b, "]", 1);
    }
    return e ? e : kg_buf_append(b, "}", 1);
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* A template as the list shows it, without its steps. */
static enum kg_err w_template_brief(struct kg_buf *b, const void *t)
{
    return write_template(b, t, false);
}

static enum kg_err template_list(struct kg_ctx *c)
{
    char dir[1024];
    int m = snprintf(dir, sizeof(dir), "%s/registration", web_dir(c));
    if (m <= 0 || (size_t)m >= sizeof(dir))
        return KG_EIO;
    const char *names[256];
    size_t n = 0;
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL && n < 256) {
            size_t len = strlen(de->d_name);
            if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
                continue;
            char *id = kg_arena_strndup(c->a, de->d_name, len - 5);
            if (!id) {
                closedir(d);
                return KG_ETOOBIG;
            }
            if (kg_reg_template_id_valid(id))
                names[n++] = id;
        }
        closedir(d);
    }
    qsort(names, n, sizeof(names[0]), cmp_str);
    const char *country = kg_query_get(&c->query, "country");
    const char *form = kg_query_get(&c->query, "form");
    /* The ones that match and load (a broken file is logged and left out, not the whole
     * list), then the page asked for. */
    struct kg_reg_template *v = kg_arena_alloc(c->a, sizeof(*v) * (n ? n : 1));
    if (!v)
        return KG_ETOOBIG;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (country && strncmp(names[i], country, 2) != 0)
            continue;
        if (form && strcmp(names[i] + 3, form) != 0)
            continue;
        enum kg_err le = load_template(c, names[i], &v[k]);
        if (le == KG_ETOOBIG)
            return le;
        k += !le;
    }
    return oc_send_page(c, w_template_brief, v, sizeof(*v), k);
}

static enum kg_err template_get(struct kg_ctx *c)
{
    const char *id = kg_req_param(c->req, "tid");
    struct kg_reg_template t;
    if (!id || !kg_reg_template_id_valid(id))
        return kg_api_fail(c, KG_ENOTFOUND, NULL, "no such template");
    enum kg_err e = load_template(c, id, &t);
    if (e == KG_ENOTFOUND)
        return kg_api_fail(c, e, NULL, "no such template");
    if (e)
        return e;
    struct kg_buf *b = oc_buf(c);
    if (!b)
        return KG_ETOOBIG;
    e = write_template(b, &t, true);
    return e ? e : oc_send(c, 200, b, "application/json");
}

/* --- the registration --- */

static enum kg_err write_registration(struct kg_buf *b, const struct kg_registration *r)
{
    enum kg_err e = oc_rec_open(b, registration_spec, r, NULL);
    if (!e)
        e = oc_key(b, "steps");
    if (!e)
        e = kg_buf_append(b, "[", 1);
    for (size_t i = 0; !e && i < r->n_steps; i++) {
        if (i)
            e = kg_buf_append(b, ",", 1);
        if (!e)
            e = kg_json_write(b, step_spec, &r->steps[i], NULL);
    }
    size_t done = 0, open = 0;
    for (size_t i = 0; i < r->n_steps; i++) {
        const char *s = r->steps[i].status;
        if (strcmp(s, "done") == 0 || strcmp(s, "not_applicable") == 0)
            done++;
        else
            open++;
    }
    if (!e)
        e = kg_buf_printf(b, "],\"steps_done\":%zu,\"steps_open\":%zu,\"thresholds\":[", done,
                          open);
    bool any = false, all = true;
    for (size_t i = 0; !e && i < r->n_steps; i++) {
        const struct kg_reg_step *s = &r->steps[i];
        if (s->min_members <= 0)
            continue;
        bool met = r->members >= s->min_members;
        all = all && met;
        e = kg_buf_puts(b, any ? ",{\"step_key\":" : "{\"step_key\":");
        any = true;
        if (!e)
            e = kg_json_write_str(b, s->key);
        if (!e)
            e = kg_buf_printf(b, ",\"min_members\":%lld,\"members\":%lld,\"met\":%s}",
                              (long long)s->min_members, (long long)r->members,
                              met ? "true" : "false");
    }
    if (!e)
        e = kg_buf_printf(b, "],\"meets_thresholds\":%s}", any ? (all ? "true" : "false") : "null");
    return e;
}

static enum kg_err send_registration(struct kg_ctx *c, int status, const struct kg_registration *r)
{
    struct kg_buf *b = oc_buf(c);
    if (!b)
        return KG_ETOOBIG;
    enum kg_err e = write_registration(b, r);
    return e ? e : oc_send(c, status, b, "application/json");
}

static enum kg_err no_registration(struct kg_ctx *c)
{
    return kg_api_fail(c, KG_ENOTFOUND, NULL,
                       "this org has no registration yet: start one with POST …/registration");
}

static enum kg_err registration_get(struct kg_ctx *c)
{
    struct kg_registration r;
    enum kg_err e = c->st->ops->registration->get(c->st, &c->who, c->a, &r);
    if (e == KG_ENOTFOUND)
        return no_registration(c);
    return e ? e : send_registration(c, 200, &r);
}

static const struct kg_jspec create_spec[] = {
    J_STR_NN(struct kg_registration, "template", template_id, 1),
    J_STR(struct kg_registration, "authority", authority, 2),
    J_STR(struct kg_registration, "notes", notes, 4),
    J_END,
};

static enum kg_err registration_create(struct kg_ctx *c)
{
    struct kg_registration in = {0}, out;
    struct kg_reg_template t;
    unsigned fields = 0;
    enum kg_err e = kg_api_decode(c, create_spec, true, &in, &fields);
    if (e)
        return e;
    if (!(fields & 1))
        return kg_api_fail(c, KG_EINVAL, "template",
                           "is required: a template id such as PK-union (see …/registration/"
                           "templates)");
    if (!kg_reg_template_id_valid(in.template_id))
        return kg_api_fail(c, KG_EINVAL, "template",
                           "is not a template id: a country code, '-' and union, association "
                           "or cbo, as PK-union");
    if (in.authority && (!*in.authority || !kg_text_ok(in.authority, 500, false)))
        return kg_api_fail(c, KG_EINVAL, "authority", "must be 1 to 500 characters on one line");
    if (in.notes && !kg_text_ok(in.notes, KG_MAX_NOTES, true))
        return kg_api_fail(c, KG_EINVAL, "notes", "must be at most 20000 characters of text");
    e = load_template(c, in.template_id, &t);
    if (e == KG_ENOTFOUND)
        return kg_api_fail(c, KG_EINVAL, "template",
                           "is not a known template (see …/registration/templates)");
    if (e)
        return e;
    e = c->st->ops->registration->create(c->st, &c->who, &t, in.authority, in.notes, c->a, &out);
    if (e == KG_ECONFLICT)
        return kg_api_fail(c, e, "template",
                           "this org already has a registration: change it, or withdraw it and "
                           "delete it while it is a draft");
    if (e)
        return e;
    kg_api_audit(c, "registration.create", "registration", out.id, 1);
    return send_registration(c, 201, &out);
}

static enum kg_err registration_update(struct kg_ctx *c)
{
    struct kg_registration in = {0}, out;
    unsigned fields = 0;
    enum kg_err e = kg_api_decode(c, registration_spec, false, &in, &fields);
    if (e)
        return e;
    if ((fields & KG_RG_AUTHORITY) && in.authority &&
        (!*in.authority || !kg_text_ok(in.authority, 500, false)))
        return kg_api_fail(c, KG_EINVAL, "authority", "must be 1 to 500 characters on one line");
    if ((fields & KG_RG_NOTES) && in.notes && !kg_text_ok(in.notes, KG_MAX_NOTES, true))
        return kg_api_fail(c, KG_EINVAL, "notes", "must be at most 20000 characters of text");
    e = c->st->ops->registration->update(c->st, &c->who, &in, fields, c->a, &out);
    if (e == KG_ENOTFOUND)
        return no_registration(c);
    if (e)
        return e;
    kg_api_audit(c, "registration.update", "registration", out.id, 1);
    return send_registration(c, 200, &out);
}

static enum kg_err registration_delete(struct kg_ctx *c)
{
    enum kg_err e = c->st->ops->registration->remove(c->st, &c->who);
    if (e == KG_ENOTFOUND)
        return no_registration(c);
    if (e == KG_ECONFLICT)
        return kg_api_fail(c, e, "status",
                           "only a draft that was never submitted can be deleted; its history "
                           "is the org's record (withdraw it instead)");
    if (e)
        return e;
    kg_api_audit(c, "registration.delete", "registration", c->who.org_id, 1);
    return kg_api_no_content(c);
}

static enum kg_err step_update(struct kg_ctx *c)
{
    struct kg_reg_step in = {0}, out;
    struct kg_conflict cf = {0};
    struct kg_verr ve;
    unsigned fields = 0;
    const char *key = kg_req_param(c->req, "key");
    if (!key || !kg_reg_step_key_valid(key))
        return kg_api_fail(c, KG_ENOTFOUND, NULL, "no such step");
    enum kg_err e = kg_api_decode(c, step_spec, false, &in, &fields);
    if (e)
        return e;
    /* Shape here; the order of the dates once merged with the stored step (the store). */
    struct kg_reg_step shape = in;
    shape.started_on = (fields & KG_RS_STARTED_ON) ? in.started_on : NULL;
    shape.done_on = (fields & KG_RS_DONE_ON) ? in.done_on : NULL;
    if (kg_reg_step_validate(&shape, fields, &ve))
        return oc_invalid(c, &ve);
    e = c->st->ops->registration->step_update(c->st, &c->who, key, &in, fields, c->a, &out, &cf);
    if (e == KG_ENOTFOUND)
        return kg_api_fail(c, e, NULL, "no such step (or no registration)");
    if (e == KG_EINVAL && cf.field)
        return kg_api_fail(c, e, cf.field, "must not be before started_on");
    if (e)
        return e;
    kg_api_audit(c, "registration.step", "registration", c->who.org_id, 1);
    struct kg_buf *b = oc_buf(c);
    if (!b)
        return KG_ETOOBIG;
    e = kg_json_write(b, step_spec, &out, NULL);
    return e ? e : oc_send(c, 200, b, "application/json");
}

static enum kg_err document_add(struct kg_ctx *c)
{
    struct kg_reg_document in = {0}, out;
    struct kg_conflict cf = {0};
    struct kg_verr ve;
    unsigned fields = 0;
    bool created = false;
    enum kg_err e = kg_api_decode(c, document_spec, true, &in, &fields);
    if (e)
        return e;
    if (kg_reg_document_validate(&in, &ve))
        return oc_invalid(c, &ve);
    if (in.id && !kg_id_valid(in.id))
        return kg_api_fail(c, KG_EINVAL, "id", "must be a UUID");
    e = c->st->ops->registration->document_add(c->st, &c->who, &in, c->a, &out, &created, &cf);
    if (e == KG_ENOTFOUND)
        return no_registration(c);
    if (e == KG_EINVAL && cf.field && strcmp(cf.field, "step_key") == 0)
        return kg_api_fail(c, e, "step_key", "does not name a step of this org's checklist");
    if (e == KG_ECONFLICT)
        return kg_api_fail(c, e, "id", "is already used by another record");
    if (e)
        return kg_api_store_err(c, e, &cf);
    if (created)
        kg_api_audit(c, "registration.document_add", "registration_document", out.id, 1);
    struct kg_buf *b = oc_buf(c);
    if (!b)
        return KG_ETOOBIG;
    e = kg_json_write(b, document_spec, &out, NULL);
    return e ? e : oc_send(c, created ? 201 : 200, b, "application/json");
}

static enum kg_err document_list(struct kg_ctx *c)
{
    struct kg_reg_document *v;
    size_t n;
    enum kg_err e = c->st->ops->registration->document_list(c->st, &c->who, c->a, &v, &n);
    if (e == KG_ENOTFOUND)
        return no_registration(c);
    if (e)
        return e;
    return kg_api_list_page(c, document_spec, v, sizeof(*v), n, NULL);
}

static enum kg_err document_delete(struct kg_ctx *c)
{
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = c->st->ops->registration->document_delete(c->st, &c->who, id);
    if (e)
        return e;
    kg_api_audit(c, "registration.document_delete", "registration_document", id, 1);
    return kg_api_no_content(c);
}

static enum kg_err history_list(struct kg_ctx *c)
{
    struct kg_reg_status_change *v;
    size_t n;
    enum kg_err e = c->st->ops->registration->history(c->st, &c->who, c->a, &v, &n);
    if (e == KG_ENOTFOUND)
        return no_registration(c);
    if (e)
        return e;
    return kg_api_list_page(c, change_spec, v, sizeof(*v), n, NULL);
}

static enum kg_err status_change(struct kg_ctx *c)
{
    struct kg_reg_status_change in = {0};
    struct kg_registration out;
    struct kg_conflict cf = {0};
    struct kg_verr ve;
    unsigned fields = 0;
    char today[21];
    enum kg_err e = kg_api_decode(c, change_spec, true, &in, &fields);
    if (e)
        return e;
    if (!in.on) {
        kg_time_now(today);
        today[10] = '\0';
        in.on = today;
    }
    if (kg_reg_status_change_validate(&in, &ve))
        return oc_invalid(c, &ve);
    e = c->st->ops->registration->status_change(c->st, &c->who, &in, c->a, &out, &cf);
    if (e == KG_ENOTFOUND)
        return no_registration(c);
    if (e == KG_ECONFLICT) {
        const char *msg = kg_arena_printf(c->a,
                                          "cannot go to %s from the current status; see "
                                          "docs/registration.md for the allowed changes",
                                          in.status);
        return kg_api_fail(c, e, "status", msg ? msg : "cannot change to that status now");
    }
    if (e)
        return kg_api_store_err(c, e, &cf);
    /* The org's own registration fields changed with it: forget the cached org records. */
    if (kg_reg_org_status(in.status))
        kg_auth_cache_clear_orgs(c->api->cache);
    kg_api_audit(c, "registration.status", "registration", out.id, 1);
    return send_registration(c, 200, &out);
}

/* --- the members' list for the registrar --- */

struct csv_out {
    FILE *f;
    int64_t n;
};

static enum kg_err csv_member(void *ctx, const struct kg_reg_member_row *r)
{
    struct csv_out *o = ctx;
    const char *cells[] = {r->full_name, r->gender, r->job_title,
                           r->workplace, r->city,   r->member_since};
    for (size_t i = 0; i < sizeof(cells) / sizeof(cells[0]); i++) {
        if (i)
            fputc(',', o->f);
        kg_csv_write_cell(o->f, cells[i]);
    }
    fputs("\r\n", o->f);
    o->n++;
    return ferror(o->f) ? KG_EIO : KG_OK;
}

static enum kg_err members_csv(struct kg_ctx *c)
{
    char *text = NULL;
    size_t len = 0;
    struct csv_out o = {.f = open_memstream(&text, &len)};
    if (!o.f)
        return KG_ENOMEM;
    fputs("full_name,gender,job_title,workplace,city,member_since\r\n", o.f);
    enum kg_err e = c->st->ops->registration->members_export(c->st, &c->who, csv_member, &o);
    bool bad = ferror(o.f) != 0;
    if (fclose(o.f) != 0 || bad) {
        free(text);
        return e ? e : KG_EIO;
    }
    if (kg_arena_defer(c->a, free, text) != KG_OK) {
        free(text);
        return KG_ETOOBIG;
    }
    if (e)
        return e;
    kg_api_audit(c, "registration.members_export", "org", c->who.org_id, o.n);
    kg_resp_set(c->resp, 200, "text/csv; charset=utf-8", text, len);
    kg_resp_header(c->resp, "Content-Disposition", "attachment; filename=\"members.csv\"");
    kg_resp_header(c->resp, "Cache-Control", "no-store");
    return KG_OK;
}

void kg_api_registration_routes(struct kg_api *api)
{
    const enum kg_role R = KG_ROLE_VIEWER, A = KG_ROLE_ADMIN;
    const char *one = "/api/v1/orgs/{org}/registration";
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/registration/templates", template_list, R_ORG, R,
                 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/registration/templates/{tid}", template_get, R_ORG,
                 R, 0);
    kg_api_route(api, "GET", one, registration_get, R_ORG, R, 0);
    kg_api_route(api, "POST", one, registration_create, R_ORG, A, 0);
    kg_api_route(api, "PATCH", one, registration_update, R_ORG, A, 0);
    kg_api_route(api, "DELETE", one, registration_delete, R_ORG, A, 0);
    kg_api_route(api, "PATCH", "/api/v1/orgs/{org}/registration/steps/{key}", step_update, R_ORG, A,
                 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/registration/documents", document_list, R_ORG, R,
                 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/registration/documents", document_add, R_ORG, A,
                 0);
    kg_api_route(api, "DELETE", "/api/v1/orgs/{org}/registration/documents/{id}", document_delete,
                 R_ORG, A, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/registration/history", history_list, R_ORG, R, 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/registration/status", status_change, R_ORG, A, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/registration/members.csv", members_csv, R_ORG, A,
                 0);
    /* An org of 200,000 members exports as one CSV of ~20 MiB. */
    kg_api_route_memory(api, 128u << 20);
}
