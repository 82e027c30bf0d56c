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
 * paths copied into fixed slots before they are published to it.
 */
#pragma once
#include <stdbool.h>

/* How many paths may be named at once. */
#define KG_CLEANUP_MAX 16

/* Installs the handlers (once), for the signals that are not ignored (nohup). */
void kg_cleanup_on_signals(void);
/* Names path for removal on a signal; false when it is too long or every slot is taken. */
bool kg_cleanup_add(const char *path);
/* Forgets path (it was published, or removed): a signal leaves it alone from now on. */
void kg_cleanup_forget(const char *path);
