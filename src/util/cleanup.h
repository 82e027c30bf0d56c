/*
 * cleanup.h — files a command removes if it is stopped by a signal.
 *
 * A backup, a restore or an export writes a temporary file (or the output itself) before it
 * is complete: a plaintext snapshot of the database beside it, a decrypted copy, half a
 * register. Stopped with Ctrl-C or `kill` (SIGINT, SIGTERM, SIGHUP), the command removes
 * the files it has named here and then dies of the signal as it would have. SIGKILL and a
 * power cut cannot be caught: docs/backup.md says what may be left then.
 *
 * For the CLI's one thread. The handler only calls unlink(), which is async-signal-safe, on
 * paths copied into fixed slots before they are published to it, or (a graceful stop) sets a
 * flag.
 */
#pragma once
#include <stdbool.h>

/* How many paths may be named at once. */
#define KG_CLEANUP_MAX 16

/* Installs the handlers (once), for the signals that are not ignored (nohup). */
void kg_cleanup_on_signals(void);
/*
 * For a command that can end cleanly part-way (an import between two batches, an export
 * between two rows): installs the same handlers, but the first of those signals only records
 * itself, for the command to find with kg_cleanup_stop_requested() and end as it chooses
 * (then kg_cleanup_die_of). A second signal does what kg_cleanup_on_signals does: removes the
 * named files and dies, for a command stuck where it does not look. The handlers are
 * installed without SA_RESTART, so a read or write blocked on a pipe returns EINTR and the
 * command gets to look. Signals ignored at start stay ignored.
 */
void kg_cleanup_stop_on_signals(void);
/* The signal that asked for a stop (SIGINT, SIGTERM or SIGHUP), or 0. */
int kg_cleanup_stop_requested(void);
/* Dies of sig as if it had never been caught, so that a shell sees 128 + sig and a script
 * stopped by Ctrl-C stops too; stdout and stderr are flushed first. Does not return. */
_Noreturn void kg_cleanup_die_of(int sig);
/* Names path for removal on a signal; false when it is too long or every slot is taken. */
bool kg_cleanup_add(const char *path);
/* Forgets path (it was published, or removed): a signal leaves it alone from now on. */
void kg_cleanup_forget(const char *path);
