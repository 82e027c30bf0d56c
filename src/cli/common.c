/*
 * common.c — option parsing and the small helpers every command shares.
 *
 * Hand-written rather than getopt_long: each command's options are a table, long options
 * only, and errors must be one clear line; getopt's messages and permutation get in the way.
 */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fs.h"

void kg_cli_err(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("kamgar: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

bool kg_cli_parse(int argc, char **argv, int start, const struct kg_opt *opts, const char **pos,
                  size_t max_pos, size_t *n_pos, bool *help)
{
    *n_pos = 0;
    *help = false;
    for (int i = start; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            *help = true;
            continue;
        }
        if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
            if (*n_pos >= max_pos) {
                kg_cli_err("unexpected argument \"%s\" (see --help)", arg);
                return false;
            }
            pos[(*n_pos)++] = arg;
            continue;
        }
        const char *name = arg + 2;
        const char *eq = strchr(name, '=');
        size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
        const struct kg_opt *o = opts;
        while (o->name && !(strlen(o->name) == nlen && strncmp(o->name, name, nlen) == 0))
            o++;
        if (!o->name) {
            kg_cli_err("unknown option --%.*s (see --help)", (int)nlen, name);
            return false;
        }
        if (o->flag) {
            if (eq) {
                kg_cli_err("--%s takes no value", o->name);
                return false;
            }
            *o->flag = true;
        } else if (eq) {
            *o->value = eq + 1;
        } else if (i + 1 < argc) {
            *o->value = argv[++i];
        } else {
            kg_cli_err("--%s needs a value", o->name);
            return false;
        }
    }
    return true;
}

const char *kg_cli_db(const char *db)
{
    if (!db)
        db = getenv("KAMGAR_DB");
    if (!db || !*db)
        kg_cli_err("say which database: --db PATH (or set KAMGAR_DB)");
    return db && *db ? db : NULL;
}

/* Whether another kamgar program held a mark on the database when kg_cli_open marked it. */
static bool others_seen;

/*
 * Marks db in use by this process: a shared flock(2) on a descriptor that is never closed, so
 * the mark lasts until the process exits. flock, not fcntl: SQLite's own locks are fcntl
 * locks, all of which a process loses when it closes any descriptor of the file; flock locks
 * are apart from them (on local disks). Never closing a descriptor of the file, not even one
 * that failed, is what keeps this safe after SQLite has opened it (a new database is marked
 * once the store has created it).
 *
 * Before marking it looks for others: an exclusive lock that cannot be had means someone else
 * holds a mark. The two are one descriptor because flock locks of two open files conflict
 * even within one process: a probe after the mark would see this process's own mark.
 * LOCK_EX to LOCK_SH is not atomic, which only lets a restore in between (below).
 *
 * A restore or `backup --force` replacing db takes LOCK_EX and keeps it until it exits: the
 * LOCK_SH here waits for it, and then holds the old, replaced file. So the mark is checked
 * to be on the file now named db, and taken again on that one when it is not. Returns false
 * (and marks nothing) when db cannot be opened or file locks do not work there.
 */
static bool mark_in_use(const char *db)
{
    for (int tries = 0; tries < 5; tries++) {
        int fd = open(db, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return false;
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            if (errno != EWOULDBLOCK)
                return false; /* no flock here (some network file systems) */
            others_seen = true;
        }
        if (flock(fd, LOCK_SH) != 0)
            return false;
        struct stat held, named;
        if (fstat(fd, &held) == 0 && stat(db, &named) == 0 && held.st_dev == named.st_dev &&
            held.st_ino == named.st_ino)
            return true;
        flock(fd, LOCK_UN); /* a replaced file: its descriptor stays open, see above */
    }
    return false;
}

struct kg_store *kg_cli_open(const char *db, bool create)
{
    /* Marked before SQLite opens the file, so that no restore can replace it between the
     * two: the store then opens the file this process marked. */
    bool marked = mark_in_use(db);
    struct kg_store *s = NULL;
    char msg[256] = "";
    if (kg_store_sqlite_open(db, create, &s, msg, sizeof(msg)) != KG_OK) {
        kg_cli_err("%s: %s", db, msg[0] ? msg : "cannot open the database");
        return NULL;
    }
    if (!marked)
        (void)mark_in_use(db); /* a database created just now */
    return s;
}

bool kg_cli_others_seen(void)
{
    return others_seen;
}

/* The probe's descriptor is never closed: closing any descriptor of a file drops every fcntl
 * lock the process holds on it, SQLite's included, when the caller has the database open.
 * Another process could then take SQLite's exclusive lock, checkpoint and delete the -wal in
 * use under it, and two writers corrupted the database. Only the probe's flock is dropped
 * (LOCK_UN leaves fcntl locks alone); the descriptor lives until the command exits, a few of
 * them at most. */
bool kg_cli_served(const char *db)
{
    int fd = open(db, O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* a fifo: no wait */
    if (fd < 0)
        return false; /* no database, no server on it */
    bool served = flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    if (!served)
        flock(fd, LOCK_UN);
    return served;
}

/* Never closed either (see kg_cli_served): the lock is held until the process exits. */
int kg_cli_lock_alone(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return -1;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0)
        return -1;
    return fd;
}

static bool exists(const char *path)
{
    struct stat sb;
    return lstat(path, &sb) == 0;
}

bool kg_cli_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* The name is taken by link(), which fails when it exists, so that without force an existing
 * dest is never replaced, not even one that appeared a moment ago. File systems without hard
 * links (FAT on a USB drive) get a check and a rename instead. */
bool kg_cli_publish(const char *tmp, const char *dest, bool force)
{
    if (!force) {
        if (link(tmp, dest) == 0) {
            unlink(tmp);
            kg_fsync_dir_of(dest);
            return true;
        }
        if (errno == EEXIST || exists(dest)) {
            kg_cli_err("%s already exists (pass --force to replace it)", dest);
            return false;
        }
    }
    if (rename(tmp, dest) != 0) {
        kg_cli_err("cannot move the new file into %s: %s", dest, strerror(errno));
        return false;
    }
    kg_fsync_dir_of(dest);
    return true;
}

bool kg_cli_read_password(const char *path, char *out, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        kg_cli_err("cannot read the password file %s", path);
        return false;
    }
    bool ok = fgets(out, (int)cap, f) != NULL;
    fclose(f);
    if (ok)
        out[strcspn(out, "\r\n")] = '\0';
    if (!ok || !*out) {
        kg_cli_err("the password file %s is empty", path);
        return false;
    }
    return true;
}

bool kg_cli_org_actor(struct kg_store *s, const char *slug, struct kg_arena *a,
                      struct kg_actor *who, struct kg_org *org)
{
    enum kg_role role;
    if (s->ops->org_resolve(s, slug, NULL, a, org, &role) != KG_OK) {
        kg_cli_err("no org \"%s\" (create it with `kamgar org add`)", slug);
        return false;
    }
    *who = (struct kg_actor){
        .user_id = NULL, .org_id = org->id, .role = KG_ROLE_ADMIN, .instance_admin = true};
    return true;
}
