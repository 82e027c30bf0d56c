/*
 * cleanup.c — removal of a command's unfinished files on a signal (see cleanup.h).
 *
 * Each slot holds a path and a flag that publishes it to the handler: the path is written
 * first and the flag set after, so the handler never reads a half-written path; forgetting
 * clears the flag before the slot is reused. In graceful mode the first signal only sets
 * stop_sig, a sig_atomic_t, which is all a handler may safely do to tell the program.
 */
#include "util/cleanup.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static struct {
    char path[PATH_MAX];
    volatile sig_atomic_t used;
} slots[KG_CLEANUP_MAX];

/* Set by kg_cleanup_stop_on_signals; stop_sig is the first signal that came meanwhile. */
static volatile sig_atomic_t graceful, stop_sig;

static void on_signal(int sig)
{
    if (graceful && !stop_sig) {
        stop_sig = sig;
        return;
    }
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
    memset(&sa, 0, sizeof(sa)); /* no SA_RESTART: a blocked read or write returns EINTR */
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

void kg_cleanup_stop_on_signals(void)
{
    graceful = 1;
    kg_cleanup_on_signals();
}

int kg_cleanup_stop_requested(void)
{
    return stop_sig;
}

void kg_cleanup_die_of(int sig)
{
    fflush(stdout);
    fflush(stderr);
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    _exit(128 + sig); /* not reached, unless sig was ignored by the time it came */
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
