/*
 * fs.h — small file-system helpers shared by the store, the CLI and sealed files.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The directory holding path into out (cap bytes): "." for a bare name, "/" at the root.
 * False when it does not fit. */
bool kg_dir_of(const char *path, char *out, size_t cap);
/* fsyncs the directory holding path, so that a rename or link into it survives a power cut
 * (best effort: a directory that cannot be opened is left as it is). */
void kg_fsync_dir_of(const char *path);

/* The directory temporary files go in: $TMPDIR when it names a directory this process can
 * write in (an absolute path), else /tmp. */
const char *kg_tmp_dir(void);
/* The directory SQLite's temporary files go in (a dry run's private copy of the database,
 * the sorts of an index being built), found as SQLite finds it: the first of $SQLITE_TMPDIR,
 * $TMPDIR, /var/tmp, /usr/tmp, /tmp and "." that is a directory this process can write in. */
const char *kg_sqlite_tmp_dir(void);
/* A temporary file without a name in kg_tmp_dir(), open for reading and writing: it is gone
 * when closed, or when the process ends however it ends. NULL with errno set when it cannot
 * be made (ENOSPC, EDQUOT: that directory is full). tmpfile(3) would ignore TMPDIR. */
FILE *kg_tmpfile(void);
/* Whether a kg_tmpfile can be made now; when not, why (strerror) into why (cap bytes).
 * systemd's ProtectSystem=strict without PrivateTmp=true leaves /tmp read-only. */
bool kg_tmp_writable(char *why, size_t cap);
/*
 * A FILE for writing onto fd that a long writer can be stopped through: before each write
 * (each time its buffer is full) it asks stop(arg), and once that says yes every write fails
 * with ECANCELED, so a writer that looks at ferror after each record ends there. A write that
 * a signal interrupts asks again (a write blocked on a pipe nobody reads, until a stop
 * request's signal). A partial write is retried. Closing it leaves fd open. NULL with errno
 * set when out of memory.
 */
FILE *kg_fd_stoppable(int fd, bool (*stop)(void *arg), void *arg);
