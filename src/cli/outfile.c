/*
 * outfile.c — a file a command writes of its own (`export -o`, `import --rejects`, an
 * encrypted backup), given its name only once it is complete and on disk.
 */
/* O_TMPFILE, AT_EMPTY_PATH, mkostemp (glibc, musl). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* A pipe, or a character device that keeps nothing and does nothing when opened: /dev/null
 * or a terminal (a tty, the console, a pseudo-terminal). Not any character device: opening
 * /dev/watchdog arms it, and /dev/sgN or /dev/mtdN write to hardware. Linux's device
 * numbers (Documentation/admin-guide/devices.txt). */
static bool is_stream(const struct stat *st)
{
    if (S_ISFIFO(st->st_mode))
        return true;
    if (!S_ISCHR(st->st_mode))
        return false;
    unsigned maj = major(st->st_rdev), min = minor(st->st_rdev);
    return (maj == 1 && min == 3) || maj == 4 || maj == 5 || (maj >= 136 && maj <= 143);
}

bool kg_cli_is_stdout(const char *path)
{
    return strcmp(path, "/dev/stdout") == 0;
}

const char *const kg_cli_side_suffixes[KG_CLI_SIDE_SUFFIXES] = {"-wal", "-shm", "-journal"};

bool kg_cli_side_file(const char *path)
{
    size_t n = strlen(path);
    for (size_t i = 0; i < KG_CLI_SIDE_SUFFIXES; i++) {
        size_t k = strlen(kg_cli_side_suffixes[i]);
        char stem[PATH_MAX];
        if (n <= k || n - k >= sizeof(stem) || strcmp(path + n - k, kg_cli_side_suffixes[i]) != 0)
            continue;
        snprintf(stem, sizeof(stem), "%.*s", (int)(n - k), path);
        struct stat sb;
        if (stat(stem, &sb) == 0 && S_ISREG(sb.st_mode)) {
            kg_cli_err("%s is the %s file of the database %s, SQLite's own (it may hold "
                       "changes the database has not yet taken in): choose another name",
                       path, kg_cli_side_suffixes[i], stem);
            return true;
        }
    }
    return false;
}

/*
 * Opens the output named path: a file of its own, written without a name (O_TMPFILE, mode
 * 0600, in path's directory) and named path only once it is complete and on disk
 * (kg_cli_out_finish), so that nothing of it is left anywhere when the command is stopped, even
 * by kill -9 or a power cut. A file system without O_TMPFILE gets "path.tmp-XXXXXX"
 * instead (mkostemp: O_EXCL, so never through a link someone placed, mode 0600), named for
 * removal on a signal: there a kill -9 or a power cut leaves that file, never half a file
 * under the name asked for.
 *
 * The file holds names and phones. Without force an existing path (a symlink too) is
 * refused, here and again when the file takes the name. With force a regular file is
 * replaced by the new one, and a pipe or a terminal (a fifo, /dev/null, or a link to one) is
 * written as it is, as it cannot be renamed onto and keeps nothing (o->pending false). Any
 * other link is refused, neither followed nor replaced; so is a disk or another device
 * (is_stream). "/dev/stdout", with or without force, is the standard output, whatever it is
 * (a pipe, a socket, a file the shell opened), written as it is. The -wal, -shm or -journal
 * of a file beside it is refused, even with force (kg_cli_side_file). False after printing
 * one line.
 */
bool kg_cli_out_open(const char *path, bool force, struct kg_cli_out *o)
{
    *o = (struct kg_cli_out){0};
    struct stat sb, target;
    int fd = -1;
    if (kg_cli_is_stdout(path)) {
        fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 0);
        if (fd < 0 || !(o->f = fdopen(fd, "wb"))) {
            kg_cli_err("cannot write to the standard output: %s", strerror(errno));
            if (fd >= 0)
                close(fd);
        }
        return o->f != NULL;
    }
    if (kg_cli_side_file(path))
        return false;
    bool there = lstat(path, &sb) == 0;
    if (there && !force) {
        kg_cli_err("%s already exists (pass --force to replace it)", path);
        return false;
    }
    bool stream = there && !S_ISREG(sb.st_mode) && stat(path, &target) == 0 && is_stream(&target);
    if (there && S_ISLNK(sb.st_mode) && !stream) {
        kg_cli_err("%s is a symbolic link: name the file itself", path);
        return false;
    }
    if (there && !S_ISREG(sb.st_mode) && !stream) {
        kg_cli_err("%s is not a file, a pipe or a terminal", path);
        return false;
    }
    char dir[PATH_MAX];
    if (stream) {
        /* A link changed meanwhile to lead to a file is not followed into it (nothing was
         * created or cut short: no O_CREAT, no O_TRUNC). */
        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd >= 0 && (fstat(fd, &target) != 0 || !is_stream(&target))) {
            close(fd);
            kg_cli_err("%s changed while it was opened: not written", path);
            return false;
        }
    } else if (!kg_dir_of(path, dir, sizeof(dir)) ||
               snprintf(o->tmp, sizeof(o->tmp), "%s.tmp-XXXXXX", path) >= (int)sizeof(o->tmp)) {
        kg_cli_err("the path %s is too long", path);
        o->tmp[0] = '\0';
        return false;
    } else {
        o->pending = true;
        fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
        if (fd >= 0) {
            o->tmp[0] = '\0';
        } else if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL) {
            fd = mkostemp(o->tmp, O_CLOEXEC);
            if (fd >= 0)
                (void)kg_cleanup_add(o->tmp); /* too long a name: a second signal leaves it */
        }
        if (fd < 0)
            o->tmp[0] = '\0';
    }
    if (fd < 0) {
        kg_cli_err("cannot write %s: %s", path, strerror(errno));
        return false;
    }
    o->f = fdopen(fd, "wb");
    if (!o->f) {
        kg_cli_err("cannot write %s: %s", path, strerror(errno));
        close(fd);
    }
    return o->f != NULL;
}

/* Links the open file fd, which has no name, as name; false with errno set. Through /proc
 * (any user), else AT_EMPTY_PATH (which needs CAP_DAC_READ_SEARCH). */
static bool link_fd(int fd, const char *name)
{
    char proc[64];
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    if (linkat(AT_FDCWD, proc, AT_FDCWD, name, AT_SYMLINK_FOLLOW) == 0)
        return true;
    if (errno != ENOENT)
        return false;
    return linkat(fd, "", AT_FDCWD, name, AT_EMPTY_PATH) == 0;
}

/*
 * Brings a complete output file to disk and then to its name path: fsync; a file without a
 * name is linked as path (without force: link fails if path exists, so none is replaced),
 * or, to replace path, as "path.tmp-XXXXXX" first; then kg_cli_publish. A device or a pipe
 * is only closed. Closes o->f. False after printing one line; a temporary file left (o->tmp)
 * is for the caller to remove (kg_cli_out_drop).
 */
bool kg_cli_out_finish(struct kg_cli_out *o, const char *path, bool force)
{
    FILE *f = o->f;
    o->f = NULL;
    if (!o->pending) { /* a device or a pipe, written as it is */
        if (fclose(f) == 0)
            return true;
        kg_cli_err("cannot write %s: %s", path, strerror(errno));
        return false;
    }
    bool ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
    int err = errno;
    if (ok && ferror(f)) { /* a write that failed before: a full disk while stdio flushed */
        ok = false;
        err = EIO;
    }
    if (ok && !o->tmp[0] && !force) {
        ok = link_fd(fileno(f), path);
        err = errno;
        if (ok)
            kg_fsync_dir_of(path);
        else if (err == EEXIST)
            kg_cli_err("%s already exists (pass --force to replace it)", path);
        fclose(f);
        if (!ok && err != EEXIST)
            kg_cli_err("cannot write %s: %s", path, strerror(err));
        return ok;
    }
    for (int tries = 0; ok && !o->tmp[0] && tries < 100; tries++) {
        uint32_t r = randombytes_random();
        snprintf(o->tmp, sizeof(o->tmp), "%s.tmp-%08x", path, (unsigned)r);
        if (link_fd(fileno(f), o->tmp)) {
            (void)kg_cleanup_add(o->tmp);
        } else {
            ok = errno == EEXIST;
            err = errno;
            o->tmp[0] = '\0';
        }
    }
    if (ok && !o->tmp[0])
        ok = false, err = EEXIST;
    if (fclose(f) != 0 && ok)
        ok = false, err = errno;
    if (!ok) {
        kg_cli_err("cannot write %s: %s", path, strerror(err));
        return false;
    }
    if (!kg_cli_publish(o->tmp, path, force))
        return false;
    kg_cleanup_forget(o->tmp);
    o->tmp[0] = '\0';
    return true;
}

/* Ends an output file that is not to be published: closed, its temporary name removed. */
void kg_cli_out_drop(struct kg_cli_out *o)
{
    if (o->f)
        fclose(o->f);
    o->f = NULL;
    if (o->tmp[0]) {
        unlink(o->tmp); /* no half-written file left behind */
        kg_cleanup_forget(o->tmp);
        o->tmp[0] = '\0';
    }
}
