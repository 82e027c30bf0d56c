/*
 * cleanup.c — removal of a command's unfinished files on a signal (see cleanup.h).
 *
 * Each slot holds a path and a flag that publishes it to the handler: the path is written
 * first and the flag set after, so the handler never reads a half-written path; forgetting
 * clears the flag before the slot is reused.
 */
#include "util/cleanup.h"

#include <limits.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static struct {
    char path[PATH_MAX];
    volatile sig_atomic_t used;
} slots[KG_CLEANUP_MAX];

static void on_signal(int sig)
{
    for (int i = 0; i < KG_CLEANUP_MAX; i++)
        if (slots[i].used)
            unlink(slots[i].path);
    signal(sig, SIG_DFL);
    raise(sig);
}

void kg_cleanup_on_signals(void)
{
    static bool installed;
    if (installed)
        return;
    installed = true;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaddset(&sa.sa_mask, sigs[i]); /* one handler at a time */
    /* A signal the command was started to ignore (nohup, a background job) stays ignored. */
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        struct sigaction old;
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(sigs[i], &sa, NULL);
    }
}

bool kg_cleanup_add(const char *path)
{
    size_t n = strlen(path);
    if (n >= PATH_MAX)
        return false;
    for (int i = 0; i < KG_CLEANUP_MAX; i++)
        if (!slots[i].used) {
            memcpy(slots[i].path, path, n + 1);
            slots[i].used = 1;
            return true;
        }
    return false;
}

void kg_cleanup_forget(const char *path)
{
    for (int i = 0; i < KG_CLEANUP_MAX; i++)
        if (slots[i].used && strcmp(slots[i].path, path) == 0)
            slots[i].used = 0;
}
