/*
 * admin.c — `kamgar init`, `org add`, `user add`, `user passwd` and `demo`: setting up an
 * instance from the shell of the machine it runs on.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "cli/cli.h"
#include "domain/validate.h"
#include "util/str.h"

/* Random password of 20 characters from an unambiguous alphabet. */
static void generate_password(char out[21])
{
    static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    for (int i = 0; i < 20; i++)
        out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
    out[20] = '\0';
}

static bool hash_password(const char *password, char out[128])
{
    struct kg_api_config cfg;
    kg_api_config_defaults(&cfg);
    enum kg_err e = kg_api_hash_password(&cfg, password, out);
    if (e == KG_EINVAL)
        kg_cli_err("a password must be 10 to 1024 characters long");
    else if (e)
        kg_cli_err("could not hash the password (out of memory?)");
    return e == KG_OK;
}

/* The password from --password-file, or a generated one (generated = true). */
static bool get_password(const char *file, char *out, size_t cap, bool *generated)
{
    *generated = file == NULL;
    if (file)
        return kg_cli_read_password(file, out, cap);
    generate_password(out);
    return true;
}

/* Creates the first instance admin of an empty database. */
static int create_admin(struct kg_store *s, const char *email, const char *pwfile, bool quiet,
                        struct kg_arena *a, struct kg_user *out, char *password, size_t cap)
{
    int64_t users;
    if (s->ops->user_count(s, &users) != KG_OK) {
        kg_cli_err("cannot read the database");
        return KG_EXIT_USER;
    }
    if (users > 0) {
        kg_cli_err("this database is already initialised (it has users)");
        return KG_EXIT_USER;
    }
    if (!kg_email_valid(email)) {
        kg_cli_err("--admin-email \"%s\" is not an email address", email);
        return KG_EXIT_USER;
    }
    bool generated;
    char hash[128];
    if (!get_password(pwfile, password, cap, &generated) || !hash_password(password, hash))
        return KG_EXIT_USER;
    struct kg_user u = {.email = email, .display_name = "Administrator", .instance_admin = true};
    if (s->ops->user_create(s, &u, hash, a, out) != KG_OK) {
        kg_cli_err("could not create the admin user");
        return KG_EXIT_USER;
    }
    if (generated && !quiet)
        printf("admin password (shown once, keep it safe): %s\n", password);
    return KG_EXIT_OK;
}

static const char init_help[] =
    "usage: kamgar init --db PATH --admin-email EMAIL [--admin-password-file FILE]\n"
    "\n"
    "Creates a new kamgar database with its first instance admin (who may create orgs).\n"
    "Without --admin-password-file a strong password is generated and printed once.\n"
    "\n"
    "example:\n"
    "  kamgar init --db /var/lib/kamgar/kamgar.db --admin-email officer@union.example\n";

int kg_cmd_init(int argc, char **argv)
{
    const char *db = NULL, *email = NULL, *pwfile = NULL;
    bool help;
    size_t npos;
    const struct kg_opt opts[] = {{"db", &db, NULL},
                                  {"admin-email", &email, NULL},
                                  {"admin-password-file", &pwfile, NULL},
                                  {NULL, NULL, NULL}};
    if (!kg_cli_parse(argc, argv, 2, opts, NULL, 0, &npos, &help))
        return KG_EXIT_USAGE;
    if (help) {
        fputs(init_help, stdout);
        return KG_EXIT_OK;
    }
    if (!(db = kg_cli_db(db)))
        return KG_EXIT_USAGE;
    if (!email) {
        kg_cli_err("init needs --admin-email EMAIL");
        return KG_EXIT_USAGE;
    }
    struct kg_store *s = kg_cli_open(db, true);
    if (!s)
        return KG_EXIT_USER;
    struct kg_arena a;
    kg_arena_init(&a, 0);
    struct kg_user u;
    char password[1100];
    int rc = create_admin(s, email, pwfile, false, &a, &u, password, sizeof(password));
    if (rc == KG_EXIT_OK)
        printf("initialised %s with instance admin %s\n", db, email);
    sodium_memzero(password, sizeof(password));
    kg_arena_release(&a);
    s->ops->close(s);
    return rc;
}

static const char org_help[] =
    "usage: kamgar org add --db PATH --slug SLUG --name NAME --kind KIND --country CC\n"
    "                      [--sector SECTOR]\n"
    "\n"
    "Creates an org. KIND is union, federation, association, cbo, global_union or ngo;\n"
    "CC is an ISO 3166-1 alpha-2 country code (PK, IN, UZ, ...), used to read phone numbers.\n"
    "\n"
    "example:\n"
    "  kamgar org add --db kamgar.db --slug hbwu --name \"Home-Based Workers Union\" \\\n"
    "                 --kind union --country PK\n";

int kg_cmd_org(int argc, char **argv)
{
    const char *db = NULL;
    struct kg_org o = {0};
    bool help;
    size_t npos;
    const char *pos[1];
    const struct kg_opt opts[] = {
        {"db", &db, NULL},       {"slug", &o.slug, NULL},       {"name", &o.name, NULL},
        {"kind", &o.kind, NULL}, {"country", &o.country, NULL}, {"sector", &o.sector, NULL},
        {NULL, NULL, NULL}};
    if (!kg_cli_parse(argc, argv, 2, opts, pos, 1, &npos, &help))
        return KG_EXIT_USAGE;
    if (help || npos == 0) {
        fputs(org_help, help ? stdout : stderr);
        return help ? KG_EXIT_OK : KG_EXIT_USAGE;
    }
    if (strcmp(pos[0], "add") != 0) {
        kg_cli_err("unknown org command \"%s\" (try: kamgar org add --help)", pos[0]);
        return KG_EXIT_USAGE;
    }
    if (!(db = kg_cli_db(db)))
        return KG_EXIT_USAGE;
    unsigned fields = KG_ORG_SECTOR;
    fields |= o.slug ? KG_ORG_SLUG : 0;
    fields |= o.name ? KG_ORG_NAME : 0;
    fields |= o.kind ? KG_ORG_KIND : 0;
    fields |= o.country ? KG_ORG_COUNTRY : 0;
    o.reg_status = "unregistered";
    struct kg_verr ve;
    if (kg_org_validate(&o, fields, true, &ve) != KG_OK) {
        kg_cli_err("--%s %s", ve.field, ve.message);
        return KG_EXIT_USAGE;
    }
    struct kg_store *s = kg_cli_open(db, false);
    if (!s)
        return KG_EXIT_USER;
    struct kg_arena a;
    kg_arena_init(&a, 0);
    struct kg_actor who = {.instance_admin = true, .role = KG_ROLE_ADMIN};
    struct kg_org out;
    struct kg_conflict cf = {0};
    enum kg_err e = s->ops->org_create(s, &who, &o, &a, &out, &cf);
    int rc = KG_EXIT_OK;
    if (e == KG_ECONFLICT)
        kg_cli_err("an org with slug \"%s\" already exists", o.slug);
    else if (e)
        kg_cli_err("could not create the org: %s", kg_err_name(e));
    else
        printf("created org %s (%s) id %s\n", out.slug, out.name, out.id);
    rc = e ? KG_EXIT_USER : KG_EXIT_OK;
    kg_arena_release(&a);
    s->ops->close(s);
    return rc;
}

static const char user_help[] =
    "usage: kamgar user add --db PATH --org SLUG --email EMAIL --role ROLE\n"
    "                       [--name NAME] [--password-file FILE]\n"
    "       kamgar user passwd --db PATH --email EMAIL [--password-file FILE]\n"
    "\n"
    "`add` creates the user when missing and gives them ROLE (admin, organizer, activist,\n"
    "viewer) in the org; a new user without --password-file gets a generated password,\n"
    "printed once. `passwd` sets a user's password (generated when no file is given).\n"
    "\n"
    "examples:\n"
    "  kamgar user add --db kamgar.db --org hbwu --email nasreen@union.example --role organizer\n"
    "  kamgar user passwd --db kamgar.db --email nasreen@union.example --password-file pw.txt\n";

static int user_add(struct kg_store *s, struct kg_arena *a, const char *org, const char *email,
                    const char *role_name, const char *name, const char *pwfile)
{
    enum kg_role role = kg_role_parse(role_name);
    if (role == KG_ROLE_NONE) {
        kg_cli_err("--role must be admin, organizer, activist or viewer");
        return KG_EXIT_USAGE;
    }
    struct kg_actor who;
    struct kg_org o;
    if (!kg_cli_org_actor(s, org, a, &who, &o))
        return KG_EXIT_USER;
    struct kg_user u;
    const char *hash;
    enum kg_err e = s->ops->user_by_email(s, email, a, &u, &hash);
    char password[1100] = "";
    bool generated = false;
    if (e == KG_ENOTFOUND) {
        char h[128];
        if (!get_password(pwfile, password, sizeof(password), &generated) ||
            !hash_password(password, h))
            return KG_EXIT_USER;
        struct kg_user nu = {.email = email, .display_name = name};
        e = s->ops->user_create(s, &nu, h, a, &u);
    }
    struct kg_membership m;
    if (!e)
        e = s->ops->member_put(s, &who, u.id, role, a, &m);
    if (e) {
        kg_cli_err("could not add the user: %s", kg_err_name(e));
        return KG_EXIT_USER;
    }
    printf("%s is %s in %s\n", email, kg_role_name(role), o.slug);
    if (generated)
        printf("password (shown once): %s\n", password);
    sodium_memzero(password, sizeof(password));
    return KG_EXIT_OK;
}

static int user_passwd(struct kg_store *s, struct kg_arena *a, const char *email,
                       const char *pwfile)
{
    struct kg_user u;
    const char *old;
    if (s->ops->user_by_email(s, email, a, &u, &old) != KG_OK) {
        kg_cli_err("no user with email %s", email);
        return KG_EXIT_USER;
    }
    char password[1100], h[128];
    bool generated;
    if (!get_password(pwfile, password, sizeof(password), &generated) ||
        !hash_password(password, h))
        return KG_EXIT_USER;
    if (s->ops->user_set_password(s, u.id, h) != KG_OK ||
        s->ops->session_delete_others(s, u.id, NULL) != KG_OK) {
        kg_cli_err("could not set the password");
        return KG_EXIT_USER;
    }
    printf("password set for %s; their sessions are ended\n", email);
    if (generated)
        printf("password (shown once): %s\n", password);
    sodium_memzero(password, sizeof(password));
    return KG_EXIT_OK;
}

int kg_cmd_user(int argc, char **argv)
{
    const char *db = NULL, *org = NULL, *email = NULL, *role = NULL, *name = NULL, *pw = NULL;
    bool help;
    size_t npos;
    const char *pos[1];
    const struct kg_opt opts[] = {{"db", &db, NULL},       {"org", &org, NULL},
                                  {"email", &email, NULL}, {"role", &role, NULL},
                                  {"name", &name, NULL},   {"password-file", &pw, NULL},
                                  {NULL, NULL, NULL}};
    if (!kg_cli_parse(argc, argv, 2, opts, pos, 1, &npos, &help))
        return KG_EXIT_USAGE;
    if (help || npos == 0) {
        fputs(user_help, help ? stdout : stderr);
        return help ? KG_EXIT_OK : KG_EXIT_USAGE;
    }
    bool add = strcmp(pos[0], "add") == 0;
    if (!add && strcmp(pos[0], "passwd") != 0) {
        kg_cli_err("unknown user command \"%s\" (try: kamgar user --help)", pos[0]);
        return KG_EXIT_USAGE;
    }
    if (!(db = kg_cli_db(db)))
        return KG_EXIT_USAGE;
    if (!email || (add && (!org || !role))) {
        kg_cli_err(add ? "user add needs --org, --email and --role" : "user passwd needs --email");
        return KG_EXIT_USAGE;
    }
    if (!kg_email_valid(email)) {
        kg_cli_err("--email \"%s\" is not an email address", email);
        return KG_EXIT_USAGE;
    }
    struct kg_store *s = kg_cli_open(db, false);
    if (!s)
        return KG_EXIT_USER;
    struct kg_arena a;
    kg_arena_init(&a, 0);
    int rc = add ? user_add(s, &a, org, email, role, name, pw) : user_passwd(s, &a, email, pw);
    kg_arena_release(&a);
    s->ops->close(s);
    return rc;
}

static const char demo_help[] =
    "usage: kamgar demo --db PATH [--admin-email EMAIL] [--admin-password-file FILE]\n"
    "\n"
    "Creates a new database holding a realistic demo union: workplaces, units and a few\n"
    "hundred people with names in Urdu, Devanagari, Latin and Cyrillic scripts, and an open\n"
    "petition (/p/pay-home-based-workers-fairly). The admin is\n"
    "admin@demo.kamgar.org with the password \"kamgar-demo-2026\" unless you say otherwise.\n"
    "Never use the demo login on a server that holds real people.\n";

int kg_cmd_demo(int argc, char **argv)
{
    const char *db = NULL, *email = "admin@demo.kamgar.org", *pwfile = NULL;
    bool help;
    size_t npos;
    const struct kg_opt opts[] = {{"db", &db, NULL},
                                  {"admin-email", &email, NULL},
                                  {"admin-password-file", &pwfile, NULL},
                                  {NULL, NULL, NULL}};
    if (!kg_cli_parse(argc, argv, 2, opts, NULL, 0, &npos, &help))
        return KG_EXIT_USAGE;
    if (help) {
        fputs(demo_help, stdout);
        return KG_EXIT_OK;
    }
    if (!(db = kg_cli_db(db)))
        return KG_EXIT_USAGE;
    struct kg_store *s = kg_cli_open(db, true);
    if (!s)
        return KG_EXIT_USER;
    struct kg_arena a;
    kg_arena_init(&a, 0);
    char password[1100] = "kamgar-demo-2026";
    struct kg_user admin;
    struct kg_org org;
    int rc = KG_EXIT_OK;
    if (pwfile && !kg_cli_read_password(pwfile, password, sizeof(password)))
        rc = KG_EXIT_USER;
    char hash[128];
    int64_t users = 0;
    if (rc == KG_EXIT_OK && (s->ops->user_count(s, &users) != KG_OK || users > 0)) {
        kg_cli_err("%s already holds data; the demo needs a new database", db);
        rc = KG_EXIT_USER;
    }
    if (rc == KG_EXIT_OK && !hash_password(password, hash))
        rc = KG_EXIT_USER;
    struct kg_user u = {.email = email, .display_name = "Demo admin", .instance_admin = true};
    if (rc == KG_EXIT_OK && s->ops->user_create(s, &u, hash, &a, &admin) != KG_OK) {
        kg_cli_err("could not create the demo admin");
        rc = KG_EXIT_USER;
    }
    if (rc == KG_EXIT_OK && kg_demo_fill(s, admin.id, &a, &org) != KG_OK) {
        kg_cli_err("could not fill the demo database");
        rc = KG_EXIT_USER;
    }
    if (rc == KG_EXIT_OK)
        printf("demo database %s: org \"%s\" (%s)\nlogin: %s / %s\n", db, org.name, org.slug, email,
               pwfile ? "(the password in your file)" : password);
    kg_arena_release(&a);
    s->ops->close(s);
    return rc;
}
