/* Diagnostics that are not errors: warnings and debug traces, on stderr, in
 * podman's style ("WARN[0000] ...").  Errors are never logged here: they
 * travel up as galley_error_t and main() prints them.  */
#ifndef GALLEY_LOG_H
#define GALLEY_LOG_H

enum log_level
{
  LOG_LEVEL_ERROR,
  LOG_LEVEL_WARN,
  LOG_LEVEL_INFO,
  LOG_LEVEL_DEBUG,
  LOG_LEVEL_TRACE,
};

/* Parse "debug", "info", "warn", "error", "fatal", "panic", "trace"; -1 if unknown.  */
int log_level_parse (const char *name);
void log_set_level (enum log_level level);
enum log_level log_get_level (void);

void log_message (enum log_level level, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

#define log_warn(...) log_message (LOG_LEVEL_WARN, __VA_ARGS__)
#define log_info(...) log_message (LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_message (LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif
