/*
 * backup.c — `kamgar backup` and `kamgar restore`: consistent copies of a live database,
 * optionally encrypted (util/sealed.h), and bringing one back.
 *
 * Neither command ever leaves a half-written file under the name it was asked to write: the
 * copy is built in a temporary file in the destination's directory, flushed to disk, and only
 * then linked (or, with --force, renamed) into place. An existing file is never replaced
 * without --force. An encrypted backup's plaintext snapshot is made beside the database, which
 * already holds the same data, never beside the backup (which may be a USB drive), and has no
 * name by the time anything is written into it: a backup stopped even by kill -9 or a power
 * cut leaves no plaintext copy behind, and the encrypted file itself has no name until it is
 * complete (kg_cli_out_open).
 *
 * The copy is the store's backup op, and a restore is checked by opening it as a kamgar store,
 * which refuses anything that is not a kamgar database, and reading every page of it (the
 * store's check_pages).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/mem.h"
#include "util/sealed.h"

/* The first 16 bytes of every SQLite database file. */
static const char sqlite_magic[16] = "SQLite format 3";
/* Where a database header keeps PRAGMA application_id (4 bytes, big-endian), and what a
 * kamgar database holds there: "KMGR", KG_SQLITE_APP_ID in store/sqlite_int.h, which the
 * store sets when it creates a database and checks when it opens one. */
#define APP_ID_OFFSET 68
static const unsigned char kamgar_app_id[4] = {'K', 'M', 'G', 'R'};

/* ------------------------------------------------------------------------------------ */
/* files                                                                                */

static bool exists(const char *path)
{
    struct stat sb;
    return lstat(path, &sb) == 0;
}

/*
 * Where path leads, into out: path itself when it is not a symbolic link, else the file at
 * the end of its links (one not there yet too), with the directories on the way resolved
 * where they exist. *linked says whether path was a link. Both commands act on the file a
 * --db link names, not on the link (docs/backup.md, "Symbolic links"). False after printing
 * one line (a loop of links, too long a path).
 */
static bool follow_links(const char *path, char *out, size_t cap, bool *linked)
{
    char cur[PATH_MAX], to[PATH_MAX], dir[PATH_MAX], real[PATH_MAX];
    *linked = false;
    int n = snprintf(cur, sizeof(cur), "%s", path);
    for (int hops = 0; n >= 0 && (size_t)n < sizeof(cur); hops++) {
        struct stat sb;
        if (lstat(cur, &sb) != 0 || !S_ISLNK(sb.st_mode))
            break;
        ssize_t len = hops < 40 ? readlink(cur, to, sizeof(to) - 1) : -1;
        if (len < 0) {
            kg_cli_err("%s: %s", path, hops < 40 ? strerror(errno) : "too many symbolic links");
            return false;
        }
        to[len] = '\0';
        *linked = true;
        if (to[0] == '/')
            n = snprintf(cur, sizeof(cur), "%s", to);
        else if (kg_dir_of(cur, dir, sizeof(dir)))
            n = snprintf(cur, sizeof(cur), "%s/%s", dir, to);
        else
            n = -1;
    }
    if (n < 0 || (size_t)n >= sizeof(cur)) {
        kg_cli_err("the path %s is too long", path);
        return false;
    }
    const char *slash = strrchr(cur, '/'), *base = slash ? slash + 1 : cur;
    if (!*linked)
        n = snprintf(out, cap, "%s", path);
    else if (realpath(cur, real))
        n = snprintf(out, cap, "%s", real);
    else if (strcmp(base, ".") && strcmp(base, "..") && kg_dir_of(cur, dir, sizeof(dir)) &&
             realpath(dir, real))
        n = snprintf(out, cap, "%s%s%s", real, strcmp(real, "/") ? "/" : "", base);
    else
        n = snprintf(out, cap, "%s", cur);
    if (n < 0 || (size_t)n >= cap) {
        kg_cli_err("the path %s is too long", path);
        return false;
    }
    return true;
}

/* What a database's files were at one moment (restore's first check): whatever writes to it
 * (a kamgar command, SQLite's checkpoint as the last one closes it) changes one of them. Its
 * -shm is left out: a reader writes there too. */
struct file_state {
    bool there;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime, ctime;
};
static const char *const state_suffixes[] = {"", "-wal", "-journal"};
#define N_STATE_FILES (sizeof(state_suffixes) / sizeof(state_suffixes[0]))

static void note_state(const char *db, struct file_state st[N_STATE_FILES])
{
    char p[PATH_MAX];
    for (size_t i = 0; i < N_STATE_FILES; i++) {
        struct stat sb;
        int n = snprintf(p, sizeof(p), "%s%s", db, state_suffixes[i]);
        st[i] = (struct file_state){.there = false};
        if (n > 0 && (size_t)n < sizeof(p) && lstat(p, &sb) == 0)
            st[i] = (struct file_state){.there = true,
                                        .dev = sb.st_dev,
                                        .ino = sb.st_ino,
                                        .size = sb.st_size,
                                        .mtime = sb.st_mtim,
                                        .ctime = sb.st_ctim};
    }
}

static bool same_state(const struct file_state a[N_STATE_FILES],
                       const struct file_state b[N_STATE_FILES])
{
    for (size_t i = 0; i < N_STATE_FILES; i++)
        if (a[i].there != b[i].there || a[i].dev != b[i].dev || a[i].ino != b[i].ino ||
            a[i].size != b[i].size || a[i].mtime.tv_sec != b[i].mtime.tv_sec ||
            a[i].mtime.tv_nsec != b[i].mtime.tv_nsec || a[i].ctime.tv_sec != b[i].ctime.tv_sec ||
            a[i].ctime.tv_nsec != b[i].ctime.tv_nsec)
            return false;
    return true;
}

/* Names a temporary database (and the files SQLite keeps beside one) for removal if the
 * command is stopped by a signal (on), or forgets them (!on). */
static void track(const char *tmp, bool on)
{
    /* the file last: stopped in between, what is left is still found by its name */
    static const char *const suffixes[] = {"-wal", "-shm", "-journal", ""};
    char p[PATH_MAX];
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        int n = snprintf(p, sizeof(p), "%s%s", tmp, suffixes[i]);
        if (n < 0 || (size_t)n >= sizeof(p))
            continue;
        if (on)
            (void)kg_cleanup_add(p);
        else
            kg_cleanup_forget(p);
    }
}

/*
 * Holds back the signals kg_cleanup_on_signals catches (SIGINT, SIGTERM, SIGHUP) across a
 * step that makes or renames a file before the handler knows of it: a file's creation and its
 * naming for removal (reserve_temp), an encrypted backup's move from its temporary name to
 * DEST (kg_cli_out_finish). A signal that comes meanwhile is delivered when release_signals
 * lets it through, and removes what is named by then. Only for steps that cannot wait long:
 * a held-back Ctrl-C does nothing until then.
 */
static void hold_signals(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, old);
}

static void release_signals(const sigset_t *old)
{
    sigprocmask(SIG_SETMASK, old, NULL);
}

/* Creates an empty file "<beside>.<what>-XXXXXX" (mode 0600) and puts its name in out. With
 * held, the file stays open there (read-write), under an exclusive flock (sweep_temps). A
 * signal cannot come between the file's creation and its naming for removal (track). */
static bool reserve_temp(const char *beside, const char *what, char *out, size_t cap, int *held)
{
    int n = snprintf(out, cap, "%s.%s-XXXXXX", beside, what);
    if (n < 0 || (size_t)n >= cap) {
        kg_cli_err("the path %s is too long", beside);
        out[0] = '\0';
        return false;
    }
    sigset_t old;
    hold_signals(&old);
    /* mkstemp creates the file with mode 0600. */
    int fd = mkstemp(out);
    if (fd < 0) {
        int err = errno;
        release_signals(&old);
        kg_cli_err("cannot create a file beside %s: %s", beside, strerror(err));
        out[0] = '\0';
        return false;
    }
    if (held) {
        /* waits out a sweep looking at it, a moment; without file locks, goes on unlocked */
        (void)flock(fd, LOCK_EX);
        *held = fd;
    } else {
        close(fd);
    }
    track(out, true);
    release_signals(&old);
    return true;
}

/* Removes the files SQLite may keep beside a database. */
static void unlink_side_files(const char *db)
{
    char p[PATH_MAX];
    for (size_t i = 0; i < KG_CLI_SIDE_SUFFIXES; i++) {
        int n = snprintf(p, sizeof(p), "%s%s", db, kg_cli_side_suffixes[i]);
        if (n > 0 && (size_t)n < sizeof(p))
            unlink(p);
    }
}

/* Puts the name of a WAL or journal file lying beside db (without db, or left from another
 * database) into out and returns true: moving a database there would replay it. */
static bool side_file_exists(const char *db, char *out, size_t cap)
{
    static const char *const suffixes[] = {"-wal", "-journal"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        int n = snprintf(out, cap, "%s%s", db, suffixes[i]);
        if (n > 0 && (size_t)n < cap && exists(out))
            return true;
    }
    return false;
}

/* Removes a temporary file (if any) and what SQLite may have left beside it. */
static void drop_temp(char *tmp)
{
    if (!tmp[0])
        return;
    unlink_side_files(tmp); /* first: see track */
    unlink(tmp);
    track(tmp, false);
    tmp[0] = '\0';
}

/*
 * What a command stopped by kill -9 (the out-of-memory killer) or a power cut may leave, and
 * the next run removes (sweep_temps); a signal that can be caught leaves none of it (cleanup.h,
 * hold_signals):
 *
 *   PATH.restore-tmp-XXXXXX  beside the database: a restore's copy of the register;
 *   DEST.backup-tmp-XXXXXX   beside a plain backup's DEST: the copy being written;
 *   DB.backup-XXXXXX         beside the database: an encrypted backup's snapshot, always
 *                            empty (it loses its name before anything is written into it);
 *   DEST.tmp-XXXXXX          an encrypted DEST on a file system without O_TMPFILE, and
 *   DEST.tmp-xxxxxxxx        a complete one on its way to replace DEST (--force), both
 *                            encrypted (kg_cli_out_open, kg_cli_out_finish).
 *
 * Each command holds an exclusive flock(2) on its file from the moment it makes it (an
 * encrypted DEST: from before it has a name) to its exit, and writes into that file, never
 * replaces it. The next restore into PATH removes each such file beside PATH that no command
 * holds, and the next backup each beside its database and in DEST's directory (a nightly
 * backup's DEST has the day in its name), and says so. Only a file that can be nothing else
 * goes: named so, this user's, mode 0600, one link, empty or holding what its command writes
 * (an SQLite database, an encrypted backup), and last written over STALE_SECONDS ago (mkstemp
 * makes it a moment before its command locks it). An export or an import's --rejects names
 * its file DEST.tmp-XXXXXX too on such a file system, without a lock, and never writes an
 * encrypted backup: an empty one goes only once untouched for STALE_EMPTY_OUT. Nothing is
 * removed where flock does not work.
 */
#define STALE_SECONDS   10
#define STALE_EMPTY_OUT 3600

/* What a file left behind holds when it is not empty. */
enum temp_holds { HOLDS_DATABASE, HOLDS_SEALED, HOLDS_NOTHING };

struct temp_kind {
    const char *what;      /* "<base>.<what>-" and mkstemp's six letters and digits */
    bool any_base;         /* with any base in the directory, not only the path's own */
    bool hex8;             /* or eight hex digits (kg_cli_out_finish's name) */
    enum temp_holds holds; /* what it holds when it is not empty */
    long stale_empty;      /* seconds an empty one must be untouched */
    const char *by;        /* the command that leaves it, for the message */
};

static const struct temp_kind restore_temps = {"restore-tmp",  false,         false,
                                               HOLDS_DATABASE, STALE_SECONDS, "a restore"};
static const struct temp_kind backup_temps = {"backup-tmp",   true,          false,
                                              HOLDS_DATABASE, STALE_SECONDS, "a backup"};
static const struct temp_kind snapshot_temps = {
    "backup", false, false, HOLDS_NOTHING, STALE_SECONDS, "an encrypted backup"};
static const struct temp_kind sealed_temps = {
    "tmp", true, true, HOLDS_SEALED, STALE_EMPTY_OUT, "an encrypted backup"};

/* Whether name is base"."what"-" and mkstemp's six characters (or, for k->hex8, eight hex
 * digits); with base NULL, any name that ends so. */
static bool temp_name(const char *name, const char *base, const struct temp_kind *k)
{
    static const char mkstemp_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                        "0123456789";
    size_t len = strlen(name), w = strlen(k->what);
    for (size_t x = 6; x <= (k->hex8 ? 8u : 6u); x += 2) {
        size_t tail = 1 + w + 1 + x; /* ".what-XXXXXX" */
        if (len <= tail ||
            (base && (len != strlen(base) + tail || strncmp(name, base, len - tail))))
            continue;
        const char *t = name + len - tail;
        if (t[0] == '.' && strncmp(t + 1, k->what, w) == 0 && t[1 + w] == '-' &&
            strspn(t + 2 + w, x == 6 ? mkstemp_chars : "0123456789abcdef") == x)
            return true;
    }
    return false;
}

/*
 * Whether a copy whose first 16 bytes are head is one SQLite was writing when it was stopped:
 * page 1, which holds the header, is written last, and until then the file starts with
 * zeros, and its rollback journal (name"-journal" in dir) with the journal's own magic.
 */
static bool unfinished_copy(int dir, const char *name, const char head[16])
{
    static const unsigned char journal_magic[8] = {0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7};
    static const char zeros[16];
    char journal[NAME_MAX + 1];
    unsigned char magic[8];
    if (memcmp(head, zeros, sizeof(zeros)) != 0 ||
        snprintf(journal, sizeof(journal), "%s-journal", name) >= (int)sizeof(journal))
        return false;
    int fd = openat(dir, journal, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return false;
    bool is = pread(fd, magic, sizeof(magic), 0) == (ssize_t)sizeof(magic) &&
              memcmp(magic, journal_magic, sizeof(magic)) == 0;
    close(fd);
    return is;
}

/* What the file held (locked) at fd, named name in dir, is, when it is what a stopped command
 * left ("an empty file", ...); NULL when it may be anything else. */
static const char *left_behind(int dir, const char *name, int fd, const struct temp_kind *k)
{
    struct stat sb, named;
    char head[16];
    if (fstat(fd, &sb) != 0 || fstatat(dir, name, &named, AT_SYMLINK_NOFOLLOW) != 0 ||
        named.st_dev != sb.st_dev || named.st_ino != sb.st_ino) /* renamed meanwhile */
        return NULL;
    if (!S_ISREG(sb.st_mode) || sb.st_uid != geteuid() || (sb.st_mode & 07777) != 0600 ||
        sb.st_nlink != 1)
        return NULL;
    time_t now = time(NULL);
    if (sb.st_size == 0)
        return sb.st_mtime <= now - k->stale_empty ? "an empty file" : NULL;
    if (sb.st_mtime > now - STALE_SECONDS)
        return NULL;
    ssize_t n = pread(fd, head, sizeof(head), 0);
    if (k->holds == HOLDS_DATABASE && n == (ssize_t)sizeof(head) &&
        memcmp(head, sqlite_magic, sizeof(head)) == 0)
        return "an unencrypted copy of a register";
    if (k->holds == HOLDS_DATABASE && n == (ssize_t)sizeof(head) &&
        unfinished_copy(dir, name, head))
        return "an unencrypted copy of a register, unfinished";
    if (k->holds == HOLDS_SEALED && n > 0 && kg_sealed_looks_sealed(head, (size_t)n))
        return "an encrypted copy of a register";
    return NULL;
}

/* Removes the files of kind k beside path (with k->any_base, every such file in path's
 * directory) that a command stopped by kill -9 or a power cut left, and says so on say. */
static void sweep_temps(const char *path, const struct temp_kind *k, FILE *say)
{
    const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
    int dlen = (int)(base - path); /* "dir/", or nothing */
    char dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%.*s", dlen ? dlen : 1, dlen ? path : ".");
    DIR *dp = opendir(dir);
    if (!dp)
        return;
    struct dirent *de;
    while ((de = readdir(dp))) {
        if (!temp_name(de->d_name, k->any_base ? NULL : base, k))
            continue;
        /* read-write: flock over NFS is an fcntl lock, which needs it */
        int fd = openat(dirfd(dp), de->d_name, O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
        if (fd < 0)
            continue;
        char tmp[PATH_MAX];
        int n = snprintf(tmp, sizeof(tmp), "%.*s%s", dlen, path, de->d_name);
        /* removed while locked: a command starting now cannot have it */
        const char *what = n > 0 && (size_t)n < sizeof(tmp) && flock(fd, LOCK_EX | LOCK_NB) == 0
                               ? left_behind(dirfd(dp), de->d_name, fd, k)
                               : NULL;
        if (what && k->holds == HOLDS_DATABASE)
            unlink_side_files(tmp); /* first: see track */
        if (what && unlinkat(dirfd(dp), de->d_name, 0) == 0)
            fprintf(say, "removed %s, left by %s that was stopped before it finished (%s)\n", tmp,
                    k->by, what);
        close(fd); /* this process has no other descriptor of it */
    }
    closedir(dp);
}

static bool fsync_file(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return false;
    bool ok = fsync(fd) == 0;
    close(fd);
    return ok;
}

/* Moves the finished temporary file tmp to dest (kg_cli_publish) and clears tmp. */
static bool publish(char *tmp, const char *dest, bool force)
{
    if (!kg_cli_publish(tmp, dest, force))
        return false;
    track(tmp, false);
    tmp[0] = '\0';
    return true;
}

/* Copies src into the existing file dst (truncating it), flushed to disk. */
static bool copy_file(const char *src, const char *dst)
{
    enum { BUF = 64 * 1024 };
    unsigned char *buf = kg_xmalloc(BUF);
    bool ok = false;
    int in = open(src, O_RDONLY), out = -1;
    if (in < 0) {
        kg_cli_err("cannot read %s: %s", src, strerror(errno));
        goto out;
    }
    out = open(dst, O_WRONLY | O_TRUNC);
    if (out < 0) {
        kg_cli_err("cannot write %s: %s", dst, strerror(errno));
        goto out;
    }
    for (;;) {
        ssize_t n = read(in, buf, BUF);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            kg_cli_err("cannot read %s: %s", src, strerror(errno));
            goto out;
        }
        if (n == 0)
            break;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                kg_cli_err("cannot write %s: %s", dst, strerror(errno));
                goto out;
            }
            off += w;
        }
    }
    if (fsync(out) != 0) {
        kg_cli_err("cannot flush %s to disk: %s", dst, strerror(errno));
        goto out;
    }
    ok = true;
out:
    if (out >= 0 && close(out) != 0 && ok) {
        kg_cli_err("cannot write %s: %s", dst, strerror(errno));
        ok = false;
    }
    if (in >= 0)
        close(in);
    sodium_memzero(buf, BUF);
    free(buf);
    return ok;
}

/* "812 bytes", "14.2 KiB", "3.1 MiB", "1.4 GiB". */
static void human_size(long long bytes, char *out, size_t cap)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
    if (bytes < 1024) {
        snprintf(out, cap, "%lld bytes", bytes);
        return;
    }
    double v = (double)bytes / 1024;
    size_t u = 0;
    while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
        v /= 1024;
        u++;
    }
    snprintf(out, cap, "%.1f %s", v, units[u]);
}

static long long file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
}

/*
 * Copies the WAL or rollback journal lying beside a plain backup src to beside dst, so that
 * opening dst replays it as opening src would have: a copy taken with `cp` of a database and
 * its -wal (or a server's file after a crash) holds committed changes only in the -wal.
 * *copied is the one there was ("-wal" or "-journal"), or NULL. False (said) when one could
 * not be copied.
 */
static bool copy_side_files(const char *src, const char *dst, const char **copied)
{
    static const char *const suffixes[] = {"-wal", "-journal"};
    char from[PATH_MAX], to[PATH_MAX];
    *copied = NULL;
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        int n = snprintf(from, sizeof(from), "%s%s", src, suffixes[i]);
        int m = snprintf(to, sizeof(to), "%s%s", dst, suffixes[i]);
        if (n < 0 || (size_t)n >= sizeof(from) || m < 0 || (size_t)m >= sizeof(to) ||
            file_size(from) <= 0)
            continue;
        int fd = open(to, O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd < 0) {
            kg_cli_err("cannot write %s: %s", to, strerror(errno));
            return false;
        }
        close(fd);
        if (!copy_file(from, to))
            return false;
        *copied = suffixes[i];
    }
    return true;
}

/* Warns when others than its owner may read the key file (ssh refuses such a key; a
 * FAT-formatted drive has no modes at all, so this only warns). After the command's line,
 * which is flushed first: cron's mail and `2>&1 | tee` show the warning last, as a terminal
 * does, not above a line that stdout's buffer held back. */
static void warn_key_mode(const char *keyfile)
{
    struct stat sb;
    fflush(stdout);
    if (stat(keyfile, &sb) == 0 && (sb.st_mode & 066)) /* execute bits alone give nothing */
        kg_cli_err("warning: others on this machine can %s the key file %s (mode %03o): "
                   "chmod 600 %s",
                   sb.st_mode & 044 ? "read" : "change", keyfile, (unsigned)(sb.st_mode & 0777),
                   keyfile);
}

/* ------------------------------------------------------------------------------------ */
/* kamgar backup                                                                        */

static const char backup_help[] =
    "usage: kamgar backup --db PATH [--encrypt KEYFILE] [--force] DEST\n"
    "\n"
    "Writes a consistent copy of the database to DEST. It is safe to run while `kamgar serve`\n"
    "is serving: the copy is one moment's state of the whole database (SQLite's online\n"
    "backup), and the server keeps answering meanwhile.\n"
    "\n"
    "  --encrypt KEYFILE  encrypt and authenticate the copy (XChaCha20-Poly1305) with the\n"
    "                     32-byte key in KEYFILE (raw, or 64 hex digits). When KEYFILE does not\n"
    "                     exist a new random key is created there (mode 0600), and the command\n"
    "                     says so: keep a copy of it away from the backups. Without the key an\n"
    "                     encrypted backup cannot be restored by anyone.\n"
    "  --force            replace DEST when it exists (otherwise that is an error)\n"
    "\n"
    "A database that fails SQLite's quick_check is not copied: the command says it is damaged\n"
    "and writes nothing (docs/backup.md, \"A damaged database\").\n"
    "\n"
    "DEST appears only once it is complete, with mode 0600. An encrypted backup may be written\n"
    "to /dev/stdout (the command's own lines then go to stderr). A DEST that is a symbolic\n"
    "link is refused, with --force too; a --db that is one is followed to the database.\n"
    "KAMGAR_DB may replace --db.\n"
    "\n"
    "examples:\n"
    "  kamgar backup --db /var/lib/kamgar/kamgar.db /srv/backup/kamgar-$(date +%F).db\n"
    "  kamgar backup --db /var/lib/kamgar/kamgar.db --encrypt /root/kamgar-backup.key \\\n"
    "      /media/usb/kamgar-$(date +%F).kgb\n"
    "  kamgar backup --db /var/lib/kamgar/kamgar.db --encrypt /root/kamgar-backup.key \\\n"
    "      /dev/stdout | ssh office-nas 'cat > kamgar-'$(date +%F)'.kgb'\n";

int kg_cmd_backup(int argc, char **argv)
{
    const char *db = NULL, *keyfile = NULL, *pos[1] = {NULL};
    bool force = false, help;
    size_t npos;
    const struct kg_opt opts[] = {{"db", &db, NULL},
                                  {"encrypt", &keyfile, NULL},
                                  {"force", NULL, &force},
                                  {NULL, NULL, NULL}};
    if (!kg_cli_parse(argc, argv, 2, opts, pos, 1, &npos, &help))
        return KG_EXIT_USAGE;
    if (help) {
        fputs(backup_help, stdout);
        return KG_EXIT_OK;
    }
    if (!(db = kg_cli_db(db)))
        return KG_EXIT_USAGE;
    if (npos != 1 || !*pos[0]) {
        kg_cli_err("backup needs a destination file: kamgar backup --db PATH DEST");
        return KG_EXIT_USAGE;
    }
    if (keyfile && !*keyfile) {
        kg_cli_err("--encrypt needs a key file");
        return KG_EXIT_USAGE;
    }
    /* A --db that is a link is the database it names: the snapshot goes beside that. */
    char real_db[PATH_MAX];
    bool linked;
    if (!follow_links(db, real_db, sizeof(real_db), &linked))
        return KG_EXIT_USER;
    db = real_db;
    const char *dest = pos[0];
    int rc = KG_EXIT_USER;
    kg_cleanup_on_signals();
    /* A reader that goes away (`| ssh …` failing) is a write error, said, not a silent death. */
    signal(SIGPIPE, SIG_IGN);
    struct kg_store *s = NULL;
    unsigned char key[KG_SEALED_KEYBYTES];
    char dest_tmp[PATH_MAX] = "", plain_tmp[PATH_MAX] = "", msg[PATH_MAX + 256];
    bool created = false;
    struct kg_cli_out of = {0}; /* an encrypted backup while it is written */
    int snap = -1;              /* the snapshot it encrypts, which has no name */
    int dest_fd = -1;           /* a plain one's dest_tmp, held under a lock (sweep_temps) */
    int plain_fd = -1;          /* plain_tmp, held under a lock until it has no name */
    sigset_t old_mask;

    if (kg_cli_same_file(db, dest)) {
        kg_cli_err("%s is the database itself: choose another file", dest);
        goto out;
    }
    /* A DEST that is a link is neither written through nor replaced, with --force or not:
     * the link may lead anywhere (another database, a file on the system disk), and
     * replacing it leaves the file it named as it was, to be taken for the backup. An
     * encrypted backup is still written into a link to a pipe or a terminal (/dev/null),
     * which keeps nothing (kg_cli_out_open). */
    struct stat lsb, tsb;
    if (!kg_cli_is_stdout(dest) && lstat(dest, &lsb) == 0 && S_ISLNK(lsb.st_mode) &&
        !(keyfile && stat(dest, &tsb) == 0 && (S_ISFIFO(tsb.st_mode) || S_ISCHR(tsb.st_mode)))) {
        char to[PATH_MAX];
        bool l;
        if (follow_links(dest, to, sizeof(to), &l))
            kg_cli_err("%s is a symbolic link to %s: a backup is never written through a link "
                       "or over one, even with --force; give the name of a file",
                       dest, to);
        goto out;
    }
    if (!kg_cli_is_stdout(dest) && kg_cli_side_file(dest))
        goto out;
    if (keyfile && kg_cli_is_stdout(dest) && !force && isatty(STDOUT_FILENO)) {
        kg_cli_err("the standard output is a terminal, and an encrypted backup is binary: send "
                   "it into a pipe or a file (or pass --force)");
        goto out;
    }
    struct stat osb;
    if (keyfile && kg_cli_is_stdout(dest) && !force && fstat(STDOUT_FILENO, &osb) == 0 &&
        S_ISREG(osb.st_mode) && osb.st_size > 0) {
        /* `>> night.kgb`: a backup added after another restores as neither */
        kg_cli_err("the standard output is a file that already holds %lld bytes (a backup sent "
                   "there with >>?): a backup written after them would not restore; send it "
                   "into a new file with > (or pass --force)",
                   (long long)osb.st_size);
        goto out;
    }
    if (keyfile && kg_cli_same_file(db, keyfile)) {
        kg_cli_err("%s is the database itself, not a key file", keyfile);
        goto out;
    }
    if (keyfile && (strcmp(keyfile, dest) == 0 || kg_cli_same_file(keyfile, dest))) {
        kg_cli_err("the key file and the backup must be different files");
        goto out;
    }
    struct stat dsb;
    bool there = stat(dest, &dsb) == 0;
    if (there && S_ISDIR(dsb.st_mode)) {
        kg_cli_err("%s is a directory: name the backup file in it, such as "
                   "%s/kamgar-2026-03-01.kgb",
                   dest, dest);
        goto out;
    }
    if (!keyfile && ((there && !S_ISREG(dsb.st_mode)) || kg_cli_is_stdout(dest))) {
        kg_cli_err("%s is not a file: a plain backup is a database file of its own (an "
                   "encrypted one can be written into a pipe)",
                   dest);
        goto out;
    }
    if (force && there && S_ISREG(dsb.st_mode) && kg_cli_served(dest)) {
        kg_cli_err("%s is in use by kamgar serve or another kamgar command: it cannot be "
                   "replaced while in use",
                   dest);
        goto out;
    }
    if (!force && exists(dest) && !kg_cli_is_stdout(dest)) {
        kg_cli_err("%s already exists (pass --force to replace it)", dest);
        goto out;
    }
    if (!keyfile && !force && side_file_exists(dest, msg, sizeof(msg))) {
        kg_cli_err("%s is left from an earlier database and would be replayed into the "
                   "backup: remove it or pass --force",
                   msg);
        goto out;
    }
    if (!exists(db)) {
        kg_cli_err("%s: no such database", db);
        goto out;
    }
    if (!(s = kg_cli_open(db, false)))
        goto out;
    /* A copy of a damaged database is damaged too, and only a restore would say so: by then
     * the rotation may have deleted the last good copies. Every page is read first. */
    if (s->ops->check_pages(s, msg, sizeof(msg)) != KG_OK) {
        kg_cli_err("%s is damaged (SQLite's quick_check: %s): no backup was written; keep the "
                   "backups you have (docs/backup.md, \"A damaged database\")",
                   db, msg[0] ? msg : "it cannot be read");
        goto out;
    }
    /* What backups stopped by kill -9 left beside the database and in DEST's directory
     * (not /dev's, nor a pipe's). An encrypted backup into a pipe (/dev/stdout) says so on
     * stderr: its stdout is the backup. */
    bool stream_dest = kg_cli_is_stdout(dest) || (there && !S_ISREG(dsb.st_mode));
    sweep_temps(db, &snapshot_temps, stream_dest ? stderr : stdout);
    if (!stream_dest) {
        sweep_temps(dest, &backup_temps, stdout);
        sweep_temps(dest, &sealed_temps, stdout);
    }
    /* An encrypted backup has no name until it is complete (kg_cli_out_open), or, on a file
     * system without O_TMPFILE, one named for removal before a signal is let through; a plain
     * one is SQLite's own file, which needs one while SQLite writes it. */
    bool opened;
    if (keyfile && !stream_dest)
        hold_signals(&old_mask);
    opened = keyfile ? kg_cli_out_open(dest, force, &of)
                     : reserve_temp(dest, backup_temps.what, dest_tmp, sizeof(dest_tmp), &dest_fd);
    if (keyfile && !stream_dest)
        release_signals(&old_mask);
    if (!opened)
        goto out;
    /* An encrypted DEST is held like a plain one's file (sweep_temps) from before it has a
     * name: the DEST.tmp-XXXXXXXX it takes to replace DEST, or the DEST.tmp-XXXXXX of a file
     * system without O_TMPFILE, is then not removed while this backup runs. */
    if (keyfile && of.pending)
        (void)flock(fileno(of.f), LOCK_EX);
    /* An encrypted backup written to /dev/stdout (`… /dev/stdout | ssh …`) or a fifo is the
     * command's output: what it says goes to stderr. */
    bool streamed = keyfile && !of.pending;
    FILE *say = streamed ? stderr : stdout;
    /* Only now, with the database and the destination known good: a first run with the
     * drive not mounted must not leave a new key nobody meant to make. */
    if (keyfile) {
        if (kg_sealed_load_key(keyfile, true, key, &created, msg, sizeof(msg)) != KG_OK) {
            kg_cli_err("%s", msg);
            goto out;
        }
        if (msg[0])
            kg_cli_err("warning: %s", msg);
        if (created)
            fprintf(say,
                    "created a new key file %s (mode 0600): keep a copy of it apart from the "
                    "backups; without it they cannot be restored\n",
                    keyfile);
    }
    /* The plaintext snapshot of an encrypted backup is made beside the database, and loses
     * its name before anything is written into it (the store's snapshot): its name is made
     * only now, so that a kill while the key loads leaves no empty file either. */
    if (keyfile && !reserve_temp(db, snapshot_temps.what, plain_tmp, sizeof(plain_tmp), &plain_fd))
        goto out;
    enum kg_err be = keyfile ? s->ops->snapshot(s, plain_tmp, &snap) : s->ops->backup(s, dest_tmp);
    if (snap >= 0) { /* its name is gone */
        track(plain_tmp, false);
        plain_tmp[0] = '\0';
    }
    if (plain_fd >= 0) { /* SQLite has closed it: no fcntl lock of its to lose */
        close(plain_fd);
        plain_fd = -1;
    }
    if (be != KG_OK) {
        if (keyfile) /* the snapshot is beside the database, not on the backup's drive */
            kg_cli_err("could not copy %s into its snapshot beside it (see the line above): an "
                       "encrypted backup needs free space there the size of the database",
                       db);
        else
            kg_cli_err("could not copy %s (see the line above)", db);
        goto out;
    }
    s->ops->close(s);
    s = NULL;
    if (keyfile) {
        if (kg_sealed_encrypt_fd(snap, "the database's snapshot", fileno(of.f), dest, key, msg,
                                 sizeof(msg)) != KG_OK) {
            kg_cli_err("%s", msg);
            goto out;
        }
    } else if (!fsync_file(dest_tmp)) {
        kg_cli_err("cannot flush %s to disk: %s", dest_tmp, strerror(errno));
        goto out;
    }
    /* Checked again, and held until the command exits: a kamgar program that opened dest
     * since the check would write on into the replaced file and lose its work. */
    if (force && !streamed && exists(dest) && kg_cli_lock_alone(dest) < 0 && errno == EWOULDBLOCK) {
        kg_cli_err("%s is in use by kamgar serve or another kamgar command: it cannot be "
                   "replaced while in use",
                   dest);
        goto out;
    }
    /* A stale WAL beside an old copy would be replayed into the new one. */
    if (!keyfile && force)
        unlink_side_files(dest);
    /* On disk before the signals are held: the move into place is then a moment's work. */
    if (keyfile && of.pending)
        (void)fsync(fileno(of.f));
    /* A signal in the middle of the move (an encrypted DEST, with --force, is linked as
     * DEST.tmp-XXXXXXXX and then renamed) would leave that name: it comes after it. */
    hold_signals(&old_mask);
    bool published = keyfile ? kg_cli_out_finish(&of, dest, force) : publish(dest_tmp, dest, force);
    release_signals(&old_mask);
    if (!published)
        goto out;
    char size[32] = "";
    if (!streamed)
        human_size(file_size(dest), size, sizeof(size));
    fprintf(say, "backed up %s to %s (%s%s%s)\n", db, dest, size, *size && keyfile ? ", " : "",
            keyfile ? "encrypted" : "");
    if (keyfile && !created)
        warn_key_mode(keyfile);
    rc = KG_EXIT_OK;
out:
    if (s)
        s->ops->close(s);
    if (snap >= 0)
        close(snap);
    kg_cli_out_drop(&of);
    drop_temp(plain_tmp);
    if (plain_fd >= 0)
        close(plain_fd);
    drop_temp(dest_tmp);
    if (dest_fd >= 0)
        close(dest_fd);
    sodium_memzero(key, sizeof(key));
    return rc;
}

/* ------------------------------------------------------------------------------------ */
/* kamgar restore                                                                       */

static const char restore_help[] =
    "usage: kamgar restore SRC --db PATH [--decrypt KEYFILE] [--force]\n"
    "\n"
    "Brings the backup SRC back as the database PATH. The backup is checked first: an\n"
    "encrypted one must authenticate completely with the key (a damaged, tampered-with or\n"
    "truncated file is refused), the result must open as a kamgar database, and every page\n"
    "must pass SQLite's quick_check. Only then is PATH written, in one step.\n"
    "\n"
    "  --decrypt KEYFILE  the key the backup was encrypted with (kamgar backup --encrypt)\n"
    "  --force            replace PATH when it exists (otherwise that is an error); stop\n"
    "                     `kamgar serve` and other kamgar commands on PATH first (restore\n"
    "                     refuses while one is using it). The changes the old database\n"
    "                     holds in PATH-wal are first copied into PATH, so a restore stopped\n"
    "                     at any point leaves the old database or the new one, whole.\n"
    "                     If anything wrote to PATH while the restore ran, nothing is\n"
    "                     replaced: run it again\n"
    "\n"
    "A PATH that is a symbolic link is followed: the database it leads to is replaced, and\n"
    "the link kept. KAMGAR_DB may replace --db.\n"
    "\n"
    "examples:\n"
    "  kamgar restore /srv/backup/kamgar-2026-03-01.db --db /tmp/restore-test.db\n"
    "  kamgar restore /media/usb/kamgar-2026-03-01.kgb --decrypt /root/kamgar-backup.key \\\n"
    "      --db /var/lib/kamgar/kamgar.db --force\n";

/* What kind of file SRC is, from its first bytes. */
enum src_kind { SRC_UNREADABLE, SRC_SEALED, SRC_SQLITE, SRC_OTHER };

static enum src_kind sniff(const char *path)
{
    unsigned char head[16];
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC); /* a fifo: refused, not waited on */
    if (fd < 0) {
        kg_cli_err("cannot read %s: %s", path, strerror(errno));
        return SRC_UNREADABLE;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        kg_cli_err("%s is not a file", path);
        return SRC_UNREADABLE;
    }
    ssize_t n = read(fd, head, sizeof(head));
    close(fd);
    if (n < 0) {
        kg_cli_err("cannot read %s: %s", path, strerror(errno));
        return SRC_UNREADABLE;
    }
    if (kg_sealed_looks_sealed(head, (size_t)n))
        return SRC_SEALED;
    if ((size_t)n == sizeof(head) && memcmp(head, sqlite_magic, sizeof(head)) == 0)
        return SRC_SQLITE;
    return SRC_OTHER;
}

/*
 * True when path begins with the header of a kamgar database: SQLite's magic and kamgar's
 * application id. Such a file that SQLite then cannot read is damaged, not some other file:
 * the store's own verdict on it ("not an SQLite database") names the first thing that
 * failed, which for a damaged page of its schema is the kind check.
 */
static bool kamgar_header(const char *path)
{
    unsigned char head[APP_ID_OFFSET + sizeof(kamgar_app_id)];
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, head, sizeof(head));
    close(fd);
    return n == (ssize_t)sizeof(head) && memcmp(head, sqlite_magic, sizeof(sqlite_magic)) == 0 &&
           memcmp(head + APP_ID_OFFSET, kamgar_app_id, sizeof(kamgar_app_id)) == 0;
}

/* A 32-bit big-endian number, as SQLite's header stores them. */
static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * Whether the SQLite file at path is whole: as many bytes as its header's pages. SQLite reads
 * a page cut short as zeros, so a backup that lost less than a page at its end passes even
 * integrity_check, with the end of some record changed (a person's notes cut). A file that
 * is not SQLite's, or whose header cannot say (its page count is only valid when the change
 * counter matches the version it was written for), is left to the checks after. Bytes after
 * the header's pages are refused too when the file is alone (kamgar's copies have none; a
 * main file beside its -wal may, until the -wal is replayed). False with why written ("is cut
 * short (…)", "has data after its end (…)").
 */
static bool whole_pages(const char *path, bool alone, char *why, size_t n)
{
    unsigned char head[100];
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    bool read_ok = fd >= 0 && fstat(fd, &st) == 0 && read(fd, head, sizeof(head)) == sizeof(head);
    if (fd >= 0)
        close(fd);
    if (!read_ok || memcmp(head, sqlite_magic, sizeof(sqlite_magic)) != 0)
        return true;
    uint32_t page = (uint32_t)head[16] << 8 | head[17];
    page = page == 1 ? 65536 : page;
    if (page < 512 || (page & (page - 1)))
        return true; /* not a page size: SQLite says the file is not a database */
    uint64_t size = (uint64_t)st.st_size, pages = be32(head + 28);
    bool counted = be32(head + 24) == be32(head + 92) && pages; /* the header's count holds */
    if (alone && counted && size > pages * page) {              /* what a backup never has */
        snprintf(
            why, n,
            "has data after its end (%llu bytes after its %llu pages; it was changed or damaged)",
            (unsigned long long)(size - pages * page), (unsigned long long)pages);
        return false;
    }
    if (size % page) { /* longer than its pages (a -wal beside it): added to, not cut */
        snprintf(why, n,
                 "is %s (it ends inside a page: %llu bytes are not a whole number of "
                 "%u-byte pages)",
                 counted && size > pages * page ? "damaged" : "cut short", (unsigned long long)size,
                 page);
        return false;
    }
    if (counted && size < pages * page) {
        snprintf(why, n, "is cut short (it holds %llu of its %llu pages)",
                 (unsigned long long)(size / page), (unsigned long long)pages);
        return false;
    }
    return true;
}

/*
 * Brings every change committed to the old database db into its main file, before restore
 * removes db-wal: a server killed with SIGKILL, or one that never got to checkpoint, leaves
 * committed changes only in db-wal, and a restore stopped between removing it and renaming
 * the new file into place left the old database without them. After this the main file alone
 * is the whole old database, so at every moment either it or the new one is complete on disk.
 *
 * A wal_checkpoint(TRUNCATE) copied every frame when it says busy 0 and as many frames
 * checkpointed as logged (-1 and -1 for a database not in WAL mode). A hot -journal is
 * rolled back by a read first: it holds the pages of a transaction cut short, which the main
 * file needs back. Called under kg_cli_lock_alone, so no kamgar program writes meanwhile; a
 * reader in another program (a sqlite3 shell) makes it busy, and then nothing is replaced.
 *
 * SQLite itself, not the store: the old file need not be a usable kamgar database (it may be
 * why one restores), and opening it as a store would first bring its schema up to date.
 * False after printing one line.
 */
static bool bring_in_wal(const char *db)
{
    char wal[PATH_MAX], journal[PATH_MAX];
    int n = snprintf(wal, sizeof(wal), "%s-wal", db);
    int m = snprintf(journal, sizeof(journal), "%s-journal", db);
    if (n < 0 || (size_t)n >= sizeof(wal) || m < 0 || (size_t)m >= sizeof(journal)) {
        kg_cli_err("the path %s is too long", db);
        return false;
    }
    bool has_journal = exists(journal);
    if (file_size(wal) <= 0 && !has_journal)
        return true; /* nothing beside it holds a change */
    sqlite3 *c = NULL;
    sqlite3_stmt *st = NULL;
    int busy = -1, logged = 0, done = 0;
    int rc = sqlite3_open_v2(db, &c, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_busy_timeout(c, 5000);
    /* Closing must not checkpoint on its own: where the checkpoint below failed (a main file
     * whose header is damaged), SQLite's at close wrote -wal's pages into it and removed -wal,
     * changing the file the message says was left as it was. The caller removes -wal. */
    if (rc == SQLITE_OK)
        rc = sqlite3_db_config(c, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
    if (rc == SQLITE_OK && has_journal)
        rc = sqlite3_exec(c, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(c, "PRAGMA wal_checkpoint(TRUNCATE)", -1, &st, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        busy = sqlite3_column_int(st, 0);
        logged = sqlite3_column_int(st, 1);
        done = sqlite3_column_int(st, 2);
        rc = SQLITE_OK;
    }
    char why[160];
    snprintf(why, sizeof(why), "%s", rc == SQLITE_OK ? "" : sqlite3_errstr(rc));
    sqlite3_finalize(st);
    if (sqlite3_close(c) != SQLITE_OK && rc == SQLITE_OK)
        snprintf(why, sizeof(why), "it could not be closed");
    if (rc == SQLITE_OK && busy == 0 && logged == done && !why[0])
        return true;
    if (rc == SQLITE_OK && !why[0])
        kg_cli_err("another program is reading %s, so the changes in %s could not be brought "
                   "into it: close it (a sqlite3 shell?) and try again; nothing was restored",
                   db, file_size(wal) > 0 ? wal : journal);
    else
        kg_cli_err("the changes in %s could not be brought into %s (SQLite: %s), and removing "
                   "it would lose them: nothing was restored. If the old database is not wanted, "
                   "move %s and %s aside together and run the restore again",
                   has_journal ? journal : wal, db, why[0] ? why : "busy", db,
                   has_journal ? journal : wal);
    return false;
}

/*
 * Gives tmp the owner, group and permissions (but everyone's) of the file it is to replace
 * (old), so that a server running as another user can still open the restored database; a
 * message when it cannot (restore run as a user who may not give files away). The group's
 * permissions go only to the old file's group: never to a group of the user who restores.
 */
static void keep_owner(const char *tmp, const struct stat *old, const char *db)
{
    bool owner = chown(tmp, old->st_uid, old->st_gid) == 0;
    int e = errno;
    bool group = owner || chown(tmp, (uid_t)-1, old->st_gid) == 0;
    if (!owner && old->st_uid != geteuid())
        kg_cli_err("warning: %s belonged to user %ld, group %ld, and the restored one cannot be "
                   "given to them (%s): it is yours now, so run `chown %ld:%ld %s` before a "
                   "server that runs as them is started",
                   db, (long)old->st_uid, (long)old->st_gid, strerror(e), (long)old->st_uid,
                   (long)old->st_gid, db);
    else if (!group)
        kg_cli_err("warning: %s belonged to group %ld, which the restored one cannot be given "
                   "(you are not in it): it is readable by you alone now, so run `chgrp %ld %s` "
                   "and `chmod g+rw %s` as root if a server reads it as that group",
                   db, (long)old->st_gid, (long)old->st_gid, db, db);
    if (chmod(tmp, old->st_mode & (group ? 0660 : 0600)) != 0)
        kg_cli_err("warning: cannot give %s the permissions of %s: %s", tmp, db, strerror(errno));
}

/*
 * Whether --force may replace what is at db (which is not a directory): nothing, an empty
 * file, a kamgar database (its header: a damaged one is what a restore mends), or a file
 * with a -wal or -journal beside it (a database whatever its header says: bring_in_wal
 * judges it). Anything else is refused with a message: a fifo or a device, an encrypted
 * backup named as --db (SRC and --db swapped would lose the newest backup and leave the
 * register unencrypted in its place), another program's database, a document.
 */
static bool replaceable(const char *db)
{
    struct stat sb;
    char side[PATH_MAX + 16];
    if (stat(db, &sb) != 0)
        return true;
    if (!S_ISREG(sb.st_mode)) { /* not opened: a fifo would be waited on for ever */
        kg_cli_err("%s is not a file: restore into a database file; nothing was restored", db);
        return false;
    }
    if (sb.st_size == 0 || kamgar_header(db) || side_file_exists(db, side, sizeof(side)))
        return true;
    enum src_kind kind = sniff(db);
    if (kind == SRC_SEALED)
        kg_cli_err("%s is an encrypted backup, not a database: restore it with `kamgar restore "
                   "%s --db PATH`; nothing was restored",
                   db, db);
    else if (kind == SRC_SQLITE)
        kg_cli_err("%s is another program's SQLite database, not kamgar's: restore into another "
                   "path; nothing was restored",
                   db);
    else if (kind == SRC_OTHER)
        kg_cli_err("%s is not a kamgar database: restore into another path (or remove that "
                   "file first if it was a damaged database); nothing was restored",
                   db);
    return false;
}

int kg_cmd_restore(int argc, char **argv)
{
    const char *db = NULL, *keyfile = NULL, *pos[1] = {NULL};
    bool force = false, help;
    size_t npos;
    const struct kg_opt opts[] = {{"db", &db, NULL},
                                  {"decrypt", &keyfile, NULL},
                                  {"force", NULL, &force},
                                  {NULL, NULL, NULL}};
    if (!kg_cli_parse(argc, argv, 2, opts, pos, 1, &npos, &help))
        return KG_EXIT_USAGE;
    if (help) {
        fputs(restore_help, stdout);
        return KG_EXIT_OK;
    }
    if (npos != 1 || !*pos[0]) {
        kg_cli_err("restore needs the backup file: kamgar restore SRC --db PATH");
        return KG_EXIT_USAGE;
    }
    if (!(db = kg_cli_db(db)))
        return KG_EXIT_USAGE;
    if (keyfile && !*keyfile) {
        kg_cli_err("--decrypt needs a key file");
        return KG_EXIT_USAGE;
    }
    /* A --db that is a link is the database it names: that file is replaced (and its -wal
     * brought in, its temporary file made beside it), and the link is kept. */
    const char *named = db;
    char real_db[PATH_MAX];
    bool linked;
    if (!follow_links(db, real_db, sizeof(real_db), &linked))
        return KG_EXIT_USER;
    db = real_db;
    const char *src = pos[0];
    int rc = KG_EXIT_USER;
    kg_cleanup_on_signals();
    unsigned char key[KG_SEALED_KEYBYTES];
    char tmp[PATH_MAX] = "", msg[PATH_MAX + 256];
    int tmp_fd = -1; /* tmp, held under a lock (sweep_temps) */
    struct kg_store *s = NULL;
    const char *replayed = NULL; /* "-wal" or "-journal": beside src, copied and replayed */

    enum src_kind kind = sniff(src);
    if (kind == SRC_UNREADABLE)
        goto out;
    if (kind == SRC_SEALED && !keyfile) {
        kg_cli_err("this backup is encrypted: pass --decrypt KEYFILE");
        goto out;
    }
    if (kind == SRC_SQLITE && keyfile) {
        kg_cli_err("%s is not encrypted: restore it without --decrypt", src);
        goto out;
    }
    if (kind == SRC_OTHER) {
        kg_cli_err("%s is not a kamgar backup (neither a database nor an encrypted backup)", src);
        goto out;
    }
    if (kg_cli_same_file(src, db)) {
        kg_cli_err("%s is the database itself: nothing to restore", src);
        goto out;
    }
    if (keyfile && kg_cli_same_file(keyfile, db)) {
        kg_cli_err("%s is the key file: restore into another path", db);
        goto out;
    }
    struct stat psb;
    if (stat(db, &psb) == 0 && S_ISDIR(psb.st_mode)) {
        kg_cli_err("%s is a directory: name the database file in it, such as %s/kamgar.db", db, db);
        goto out;
    }
    if (kg_cli_side_file(db))
        goto out;
    if (kind == SRC_SQLITE && kg_cli_served(src)) {
        kg_cli_err("%s is in use by kamgar serve or another kamgar command: take a copy with "
                   "`kamgar backup` and restore that",
                   src);
        goto out;
    }
    /* What db and the files beside it are now, before it is found unused: a kamgar command
     * that opens, writes and ends before the lock below (`kamgar org add`) is not seen there,
     * and what it wrote would be replaced. */
    struct file_state first[N_STATE_FILES];
    note_state(db, first);
    /* Checked here to fail before the work, and again before the swap. */
    if (kg_cli_served(db)) {
        kg_cli_err("%s is in use by kamgar serve or another kamgar command: stop it first; "
                   "nothing was restored",
                   db);
        goto out;
    }
    /* Checked here to fail early, and again when moving into place. */
    if (!force && exists(db)) {
        kg_cli_err("%s already exists (pass --force to replace it)", db);
        goto out;
    }
    if (force && !replaceable(db))
        goto out;
    if (!force && side_file_exists(db, msg, sizeof(msg))) {
        kg_cli_err("%s is left from an earlier database and would be replayed into this one: "
                   "remove it or pass --force",
                   msg);
        goto out;
    }
    if (keyfile && kg_sealed_load_key(keyfile, false, key, NULL, msg, sizeof(msg)) != KG_OK) {
        kg_cli_err("%s", msg);
        goto out;
    }
    if (keyfile && msg[0])
        kg_cli_err("warning: %s", msg);
    sweep_temps(db, &restore_temps, stdout);
    if (!reserve_temp(db, restore_temps.what, tmp, sizeof(tmp), &tmp_fd))
        goto out;
    if (keyfile) {
        /* into the file made and locked: a new one renamed onto it would not be locked */
        if (kg_sealed_decrypt_fd(src, tmp_fd, tmp, key, msg, sizeof(msg)) != KG_OK) {
            kg_cli_err("%s", msg);
            goto out;
        }
    } else if (!copy_file(src, tmp) || !copy_side_files(src, tmp, &replayed)) {
        goto out;
    }

    char why[200];
    if (!whole_pages(tmp, !replayed, why, sizeof(why))) {
        kg_cli_err("%s %s: nothing was restored", src, why);
        goto out;
    }
    /* Opening it as a store refuses anything that is not a kamgar database (and brings an
     * older one up to this version's schema). A kamgar database damaged in its schema fails
     * here too: its header tells the two apart. */
    int64_t users = 0;
    enum kg_err oe = kg_store_sqlite_open(tmp, false, &s, msg, sizeof(msg));
    if (oe != KG_OK && strstr(msg, "from a newer kamgar")) { /* whole, and not ours to read */
        kg_cli_err("%s: %s; nothing was restored", src, msg);
        goto out;
    }
    if (oe != KG_OK && kamgar_header(tmp)) {
        /* KG_EINVAL is the store's "not a kamgar database", which the header contradicts. */
        kg_cli_err("%s is damaged (SQLite cannot read it%s%s): nothing was restored", src,
                   oe != KG_EINVAL && msg[0] ? ": " : "", oe != KG_EINVAL ? msg : "");
        goto out;
    }
    if (oe != KG_OK) {
        kg_cli_err("%s does not hold a usable kamgar database: %s", src,
                   msg[0] ? msg : "it cannot be opened");
        goto out;
    }
    /* Every page of a plain or decrypted backup: a damaged file opens, and may even answer a
     * few queries, yet fails on the first read of a damaged table. Checked before anything
     * is read from it, so that the damage is named (SQLite's quick_check) rather than met. */
    if (s->ops->check_pages(s, why, sizeof(why)) != KG_OK) {
        kg_cli_err("%s is damaged (SQLite's quick_check: %s): nothing was restored", src,
                   why[0] ? why : "it cannot be read");
        goto out;
    }
    if (s->ops->user_count(s, &users) != KG_OK) {
        kg_cli_err("%s is damaged (SQLite cannot read it): nothing was restored", src);
        goto out;
    }
    s->ops->close(s);
    s = NULL;
    if (!fsync_file(tmp)) {
        kg_cli_err("cannot flush %s to disk: %s", tmp, strerror(errno));
        goto out;
    }
    /* From the lock to the exit no kamgar program can open db: one that opened it since the
     * check above would write on into the replaced file, and report success for work that
     * is gone. One starting now waits in kg_cli_open and then opens the new file. */
    if (force) {
        bool there = exists(db);
        if (there && kg_cli_lock_alone(db) < 0 && errno == EWOULDBLOCK) {
            kg_cli_err("%s is in use by kamgar serve or another kamgar command: stop it first; "
                       "nothing was restored",
                       db);
            goto out;
        }
        /* Under the lock: whatever wrote to it since the first check has ended, and its work
         * is not to be lost without a word. */
        struct file_state now[N_STATE_FILES];
        note_state(db, now);
        if (!same_state(first, now)) {
            kg_cli_err("%s was changed while the restore ran (kamgar serve, another kamgar "
                       "command or another program wrote to it): nothing was replaced; run "
                       "the restore again",
                       db);
            goto out;
        }
        if (there && !bring_in_wal(db))
            goto out;
    }
    /* A stale WAL or journal beside the old database would be replayed into the new one;
     * what the old one's held is in its main file now. */
    struct stat old;
    if (force && stat(db, &old) == 0 && S_ISREG(old.st_mode))
        keep_owner(tmp, &old, db);
    if (force)
        unlink_side_files(db);
    if (!publish(tmp, db, force))
        goto out;
    char size[32];
    human_size(file_size(db), size, sizeof(size));
    printf("restored %s into %s%s%s%s (%s, %lld user%s%s%s)\n", src, db,
           linked ? ", the file the link " : "", linked ? named : "", linked ? " leads to" : "",
           size, (long long)users, users == 1 ? "" : "s", keyfile ? ", decrypted" : "",
           !replayed                       ? ""
           : strcmp(replayed, "-wal") == 0 ? ", with the changes in its -wal"
                                           : ", its -journal's unfinished change rolled back");
    if (keyfile)
        warn_key_mode(keyfile);
    rc = KG_EXIT_OK;
out:
    if (s)
        s->ops->close(s);
    drop_temp(tmp);
    if (tmp_fd >= 0)
        close(tmp_fd); /* SQLite has closed it: no fcntl lock of its to lose */
    sodium_memzero(key, sizeof(key));
    return rc;
}
