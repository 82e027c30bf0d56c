/*
 * log.c — timestamped lines on stderr, one write per line so threads do not interleave.
 */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "util/str.h"

static enum kg_log_level min_level = KG_LOG_INFO;

void kg_log_set_level(enum kg_log_level level)
{
    min_level = level;
}

void kg_log(enum kg_log_level level, const char *fmt, ...)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    if (level < min_level)
        return;
    char line[1024], now[21];
    kg_time_now(now);
    int n = snprintf(line, sizeof(line), "%s %s ", now, names[level]);
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof(line) - 2)
        len = sizeof(line) - 2;
    line[len++] = '\n';
    ssize_t w = write(STDERR_FILENO, line, len);
    (void)w;
}
