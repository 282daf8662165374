/* galley top: the processes of a running container, read from /proc, in
 * podman's default columns (USER PID PPID %CPU ELAPSED TTY TIME COMMAND;
 * pids as seen inside the container).  */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/container_targets.h"
#include "ns/idmap.h"
#include "engine/container.h"
#include "util/cleanup.h"
#include "util/format.h"
#include "util/fs.h"
#include "util/json.h"

struct proc_info
{
  long ns_pid, ns_ppid;
  unsigned long host_uid;
  unsigned long long utime, stime, start;
  int tty_nr;
  char cmdline[4096];
};

static long
last_field_number (const char *status, const char *key)
{
  const char *p = strstr (status, key), *end;
  long last = -1;

  if (p == NULL)
    return -1;
  p += strlen (key);
  end = strchr (p, '\n');
  while (p && (end == NULL || p < end))
    {
      char *next = NULL;
      long v = strtol (p, &next, 10);
      if (next == p)
        break;
      last = v;
      p = next;
    }
  return last;
}

static int
read_proc (pid_t pid, struct proc_info *pi)
{
  char path[64], *p;
  _cleanup_free_ char *stat = NULL, *status = NULL, *cmd = NULL;
  galley_error_t ignore = NULL;
  size_t len = 0, i;
  int pid_field;

  memset (pi, 0, sizeof *pi);
  snprintf (path, sizeof path, "/proc/%d/stat", (int)pid);
  if (fs_read_file (AT_FDCWD, path, 4096, &stat, NULL, &ignore) < 0)
    goto fail;
  snprintf (path, sizeof path, "/proc/%d/status", (int)pid);
  if (fs_read_file (AT_FDCWD, path, 1 << 16, &status, NULL, &ignore) < 0)
    goto fail;
  snprintf (path, sizeof path, "/proc/%d/cmdline", (int)pid);
  if (fs_read_file (AT_FDCWD, path, sizeof pi->cmdline - 1, &cmd, &len, &ignore) < 0)
    galley_error_release (&ignore);
  for (i = 0; cmd && i + 1 < len; i++)
    if (cmd[i] == '\0')
      cmd[i] = ' ';
  p = strrchr (stat, ')');
  if (p == NULL)
    return -1;
  if (cmd == NULL || len == 0)
    snprintf (pi->cmdline, sizeof pi->cmdline, "%.*s", (int)(p - strchr (stat, '(') - 1),
              strchr (stat, '(') + 1);
  else
    snprintf (pi->cmdline, sizeof pi->cmdline, "%s", cmd);
  /* fields from 3 on: state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime
   * ... starttime(22) */
  {
    char st;
    long ppid;
    unsigned long long fields[20];
    if (sscanf (p + 2, "%c %ld %*d %*d %d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %*d %*d %llu",
                &st, &ppid, &pi->tty_nr, &pi->utime, &pi->stime, &pi->start)
        != 6)
      return -1;
    (void)fields;
  }
  pid_field = 0;
  (void)pid_field;
  pi->ns_pid = last_field_number (status, "NSpid:");
  pi->host_uid = (unsigned long)last_field_number (status, "Uid:");
  {
    /* the parent's pid inside the container: its NSpid */
    long host_ppid = last_field_number (status, "PPid:");
    pi->ns_ppid = 0;
    if (host_ppid > 0)
      {
        _cleanup_free_ char *pstatus = NULL;
        snprintf (path, sizeof path, "/proc/%ld/status", host_ppid);
        if (fs_read_file (AT_FDCWD, path, 1 << 16, &pstatus, NULL, &ignore) == 0)
          {
            /* a parent outside the container's namespace shows as 0 */
            const char *ns = strstr (pstatus, "NSpid:");
            const char *nl = ns ? strchr (ns, '\n') : NULL;
            int depth = 0, mine = 0;
            const char *q;
            for (q = ns; q && q < nl; q++)
              depth += *q == '\t';
            ns = strstr (status, "NSpid:");
            nl = ns ? strchr (ns, '\n') : NULL;
            for (q = ns; q && q < nl; q++)
              mine += *q == '\t';
            if (depth == mine)
              pi->ns_ppid = last_field_number (pstatus, "NSpid:");
          }
        galley_error_release (&ignore);
      }
  }
  return 0;
fail:
  galley_error_release (&ignore);
  return -1;
}

static void
format_seconds (double secs, char *buf, size_t len)
{
  long s = (long)secs;
  if (s < 60)
    snprintf (buf, len, "%lds", s);
  else if (s < 3600)
    snprintf (buf, len, "%ldm%lds", s / 60, s % 60);
  else
    snprintf (buf, len, "%ldh%ldm%lds", s / 3600, (s % 3600) / 60, s % 60);
}

int
cli_cmd_top (struct cli_context *ctx, int argc, char **argv, galley_error_t *err)
{
  _cleanup_cli_parser_ struct cli_parser p;
  _cleanup_json_ json_object *rows = json_object_new_array ();
  _cleanup_free_ pid_t *pids = NULL;
  _cleanup_container_entry_ struct container_entry c = { 0 };
  const struct engine e = cli_engine (ctx);
  struct idmap map;
  double uptime = 0;
  long hz = sysconf (_SC_CLK_TCK);
  size_t n = 0, i;
  const char *arg;
  int opt;
  bool latest = false;

  cli_parser_init (&p, ctx->cmd, argc, argv);
  while ((opt = cli_parser_next (&p, &arg, err)) > 0)
    if (opt == OPT_top_latest)
      latest = true;
  if (opt < 0)
    return -1;
  if (latest)
    return galley_error_make (err, 0, "top: --latest is not supported yet; name the container");
  if (cli_positionals (&p, 1, -1, err) < 0)
    return -1;
  if (argc - p.optind > 1)
    return galley_error_make (err, 0, "top: format descriptors are not supported yet");
  if (engine_container_find (&e, argv[p.optind], &c, err) < 0
      || engine_container_pids (&e, &c, &pids, &n, err) < 0 || idmap_for_current_user (&map, err) < 0)
    return -1;
  {
    _cleanup_free_ char *up = NULL;
    galley_error_t ignore = NULL;
    if (fs_read_file (AT_FDCWD, "/proc/uptime", 256, &up, NULL, &ignore) == 0)
      uptime = strtod (up, NULL);
    galley_error_release (&ignore);
  }
  for (i = 0; i < n; i++)
    {
      struct proc_info pi;
      json_object *row;
      char buf[64];
      double elapsed, cpu;
      int64_t uid;

      if (read_proc (pids[i], &pi) < 0)
        continue;
      row = json_object_new_object ();
      uid = idmap_to_container (map.uid, map.n_uid, (uint32_t)pi.host_uid);
      if (uid == 0)
        snprintf (buf, sizeof buf, "root");
      else
        snprintf (buf, sizeof buf, "%lld", (long long)uid);
      json_object_object_add (row, "USER", json_object_new_string (buf));
      json_object_object_add (row, "PID",
                              json_object_new_string ((snprintf (buf, sizeof buf, "%ld", pi.ns_pid), buf)));
      json_object_object_add (row, "PPID",
                              json_object_new_string ((snprintf (buf, sizeof buf, "%ld", pi.ns_ppid), buf)));
      elapsed = uptime - (double)pi.start / (double)hz;
      cpu = elapsed > 0 ? 100.0 * (double)(pi.utime + pi.stime) / (double)hz / elapsed : 0;
      json_object_object_add (row, "CPU",
                              json_object_new_string ((snprintf (buf, sizeof buf, "%.3f", cpu), buf)));
      snprintf (buf, sizeof buf, "%.9fs", elapsed > 0 ? elapsed : 0);
      json_object_object_add (row, "ELAPSED", json_object_new_string (buf));
      json_object_object_add (row, "TTY", json_object_new_string (pi.tty_nr ? "pts/0" : "?"));
      format_seconds ((double)(pi.utime + pi.stime) / (double)hz, buf, sizeof buf);
      json_object_object_add (row, "TIME", json_object_new_string (buf));
      json_object_object_add (row, "COMMAND", json_object_new_string (pi.cmdline));
      json_object_array_add (rows, row);
    }
  {
    _cleanup_json_ json_object *hdr = json_object_new_object ();
    static const char *const cols[] = { "USER", "PID", "PPID", "%CPU", "ELAPSED", "TTY", "TIME", "COMMAND" };
    size_t k;
    for (k = 0; k < 8; k++)
      json_object_object_add (hdr, k == 3 ? "CPU" : cols[k], json_object_new_string (cols[k]));
    return format_print (stdout,
                         "table {{.USER}}\t{{.PID}}\t{{.PPID}}\t{{.CPU}}\t{{.ELAPSED}}\t"
                         "{{.TTY}}\t{{.TIME}}\t{{.COMMAND}}",
                         NULL, rows, hdr, false, err);
  }
}
