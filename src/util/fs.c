/*
 * fs.c — small file-system helpers; see fs.h.
 */
/* O_TMPFILE, mkostemp (glibc, musl). */
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

const char *kg_tmp_dir(void)
{
    const char *dir = getenv("TMPDIR");
    struct stat st;
    if (dir && dir[0] == '/' && strlen(dir) < PATH_MAX - 32 && stat(dir, &st) == 0 &&
        S_ISDIR(st.st_mode) && access(dir, W_OK | X_OK) == 0)
        return dir;
    return "/tmp";
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
