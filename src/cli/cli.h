/*
 * cli.h — the kamgar commands (DESIGN.md §4). main.c only dispatches to these.
 *
 * Each command returns its exit status: 0 success, 1 a user error (one clear line on
 * stderr), 2 a usage error. An import or an export stopped by SIGINT, SIGTERM or SIGHUP does
 * not return: it dies of the signal once it has stopped cleanly (128+N in a shell).
 */
#pragma once
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "store/store.h"

enum { KG_EXIT_OK = 0, KG_EXIT_USER = 1, KG_EXIT_USAGE = 2 };

/* One option of a command: --name VALUE (or --name=VALUE), or a flag when value is NULL. */
struct kg_opt {
    const char *name; /* without the dashes */
    const char **value;
    bool *flag;
};

/*
 * Parses argv[start..] against opts; positional arguments go to pos (at most max_pos).
 * "--help" sets *help. Returns false (after printing one line) on an unknown option or a
 * missing value.
 */
bool kg_cli_parse(int argc, char **argv, int start, const struct kg_opt *opts, const char **pos,
                  size_t max_pos, size_t *n_pos, bool *help);
/* --db or $KAMGAR_DB; prints an error and returns NULL when neither is set. */
const char *kg_cli_db(const char *db);
/*
 * Opens the store; prints the reason and returns NULL on failure. Every command that opens
 * a database does so here, and so marks it in use until the process exits (a shared
 * flock(2) on a descriptor that is never closed), `kamgar serve` as much as an import: a
 * restore or `backup --force` refuses to replace a database someone is using
 * (kg_cli_lock_alone). A program on another machine (a network file system) is not seen.
 */
struct kg_store *kg_cli_open(const char *db, bool create);
/* Whether another kamgar program (a server, an import, a backup...) was using the database
 * that kg_cli_open opened, as it found when it marked it. False before kg_cli_open. */
bool kg_cli_others_seen(void);
/*
 * Whether a kamgar program holds its mark on db; false when there is no such file. For a
 * file this process has not marked: a process's own mark is seen too (flock locks of two
 * open files conflict even within one process), so after kg_cli_open ask kg_cli_others_seen.
 */
bool kg_cli_served(const char *db);
/*
 * For a command about to replace path (restore, backup --force): an exclusive flock on it,
 * held until the process exits, so that no kamgar program uses it meanwhile (one starting
 * waits in kg_cli_open, then opens the new file). Returns the descriptor, or -1 with errno
 * EWOULDBLOCK when a kamgar program is using it (or another errno when it cannot be opened).
 */
int kg_cli_lock_alone(const char *path);
/*
 * Moves the finished temporary file tmp (in dest's directory) to dest, and makes that last
 * through a power cut (the directory is flushed). Without force an existing dest is refused
 * ("already exists", one line); with force it is replaced in one step, and a symbolic link
 * there is replaced, never followed. False after printing one line; tmp is then still there.
 */
bool kg_cli_publish(const char *tmp, const char *dest, bool force);
/* A file of its own that a command writes (`export -o`, `import --rejects`, an encrypted
 * backup), while it is written: without a name (O_TMPFILE) until kg_cli_out_finish names it,
 * so a command stopped even by kill -9 leaves nothing of it (outfile.c). */
struct kg_cli_out {
    FILE *f;
    bool pending;       /* to be given its name at the end (kg_cli_out_finish) */
    char tmp[PATH_MAX]; /* the name it is written under meanwhile; "" while it has none */
};
/* Opens the output named path (see outfile.c for what force does, and a file system without
 * O_TMPFILE); "/dev/stdout" is the standard output. False after printing one line. */
bool kg_cli_out_open(const char *path, bool force, struct kg_cli_out *o);
/* Whether path names the standard output ("/dev/stdout"), which a command writes as it is. */
bool kg_cli_is_stdout(const char *path);
/* The files SQLite may keep beside a database, by the end of their names. */
#define KG_CLI_SIDE_SUFFIXES 3
extern const char *const kg_cli_side_suffixes[KG_CLI_SIDE_SUFFIXES];
/* Whether path is the -wal, -shm or -journal of a file beside it (a database, perhaps in use),
 * and prints why it is refused: replacing one loses what that database has committed into
 * it. */
bool kg_cli_side_file(const char *path);
/* Brings the complete output to disk and then to its name path (a device or a pipe is only
 * closed); closes o->f. False after printing one line; kg_cli_out_drop then removes what
 * is left. */
bool kg_cli_out_finish(struct kg_cli_out *o, const char *path, bool force);
/* Ends an output that is not to be published: closed, nothing of it kept. */
void kg_cli_out_drop(struct kg_cli_out *o);
/* True when a and b both exist and are the same file (links followed). */
bool kg_cli_same_file(const char *a, const char *b);
/* Reads a password from the first line of a file; prints an error and returns false. */
bool kg_cli_read_password(const char *path, char *out, size_t cap);
/* Prints "kamgar: " and the message to stderr. */
void kg_cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An actor with every right in the org (the operator at the machine), or false with an error. */
bool kg_cli_org_actor(struct kg_store *s, const char *slug, struct kg_arena *a,
                      struct kg_actor *who, struct kg_org *org);

int kg_cmd_init(int argc, char **argv);
int kg_cmd_serve(int argc, char **argv);
int kg_cmd_org(int argc, char **argv);
int kg_cmd_user(int argc, char **argv);
int kg_cmd_demo(int argc, char **argv);
int kg_cmd_backup(int argc, char **argv);
int kg_cmd_import(int argc, char **argv);
int kg_cmd_export(int argc, char **argv);
int kg_cmd_restore(int argc, char **argv);

/* Fills the store with the demo union (used by `kamgar demo`); prints nothing. */
enum kg_err kg_demo_fill(struct kg_store *s, const char *admin_user_id, struct kg_arena *a,
                         struct kg_org *org_out) KG_MUST_CHECK;
/* The rest of the demo (demo_more.c): a workshop, a federation, a project. */
enum kg_err kg_demo_more(struct kg_store *s, const struct kg_actor *who, const char *organizer_id,
                         struct kg_arena *a) KG_MUST_CHECK;
