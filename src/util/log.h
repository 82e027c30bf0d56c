/*
 * log.h — the server's log lines on stderr.
 *
 * Never pass personal data (names, phones, emails, notes, tokens) to these: the
 * access log records method, route pattern, status, size and time only.
 */
#pragma once

enum kg_log_level { KG_LOG_DEBUG, KG_LOG_INFO, KG_LOG_WARN, KG_LOG_ERROR };

void kg_log_set_level(enum kg_log_level level);
void kg_log(enum kg_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define kg_info(...)  kg_log(KG_LOG_INFO, __VA_ARGS__)
#define kg_warn(...)  kg_log(KG_LOG_WARN, __VA_ARGS__)
#define kg_error(...) kg_log(KG_LOG_ERROR, __VA_ARGS__)
