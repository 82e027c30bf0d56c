/*
 * fs.c — small file-system helpers; see fs.h.
 */
/* O_TMPFILE, mkostemp, fopencookie (glibc, musl). */
#define _GNU_SOURCE
#include "util/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool kg_dir_of(const char *path, char *out, size_t cap)
{
    const char *slash = strrchr(path, '/');
    int n;
    if (!slash)
        n = snprintf(out, cap, ".");
    else if (slash == path)
        n = snprintf(out, cap, "/");
    else
        n = snprintf(out, cap, "%.*s", (int)(slash - path), path);
    return n >= 0 && (size_t)n < cap;
}

void kg_fsync_dir_of(const char *path)
{
    char dir[PATH_MAX];
    if (!kg_dir_of(path, dir, sizeof(dir)))
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

static bool writable_dir(const char *dir)
{
    struct stat st;
    return dir && stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && access(dir, W_OK | X_OK) == 0;
}

const char *kg_tmp_dir(void)
{
    const char *dir = getenv("TMPDIR");
    return dir && dir[0] == '/' && strlen(dir) < PATH_MAX - 32 && writable_dir(dir) ? dir : "/tmp";
}

const char *kg_sqlite_tmp_dir(void)
{
    /* as unixTempFileDir() in SQLite's os_unix.c */
    const char *dirs[] = {getenv("SQLITE_TMPDIR"), getenv("TMPDIR"), "/var/tmp", "/usr/tmp",
                          "/tmp"};
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
        if (writable_dir(dirs[i]))
            return dirs[i];
    return ".";
}

FILE *kg_tmpfile(void)
{
    const char *dir = kg_tmp_dir();
    int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
        /* a file system without O_TMPFILE: a named file, its name removed at once */
        char path[PATH_MAX];
        snprintf(path, sizeof(path), "%s/kamgar-XXXXXX", dir);
        fd = mkostemp(path, O_CLOEXEC);
        if (fd >= 0)
            unlink(path);
    }
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, "w+");
    if (!f) {
        int err = errno;
        close(fd);
        errno = err;
    }
    return f;
}

bool kg_tmp_writable(char *why, size_t cap)
{
    FILE *f = kg_tmpfile();
    if (f) {
        fclose(f);
        return true;
    }
    snprintf(why, cap, "%s", strerror(errno));
    return false;
}

struct stoppable {
    int fd;
    bool (*stop)(void *arg);
    void *arg;
};

static ssize_t stoppable_write(void *cookie, const char *buf, size_t n)
{
    const struct stoppable *w = cookie;
    size_t done = 0;
    while (done < n) {
        if (w->stop(w->arg)) {
            errno = ECANCELED;
            return -1; /* glibc takes -1 as the error */
        }
        ssize_t k = write(w->fd, buf + done, n - done);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        done += (size_t)k;
    }
    return (ssize_t)done;
}

static int stoppable_close(void *cookie)
{
    free(cookie);
    return 0;
}

FILE *kg_fd_stoppable(int fd, bool (*stop)(void *arg), void *arg)
{
    struct stoppable *w = malloc(sizeof(*w));
    if (!w)
        return NULL;
    *w = (struct stoppable){fd, stop, arg};
    FILE *f = fopencookie(
        w, "w", (cookie_io_functions_t){.write = stoppable_write, .close = stoppable_close});
    if (!f)
        free(w);
    return f;
}
