/* The engine's operations on containers (see engine.h).  A container is
 * named by the caller (a name, a full id or a unique id prefix) and found
 * with engine_container_find; the operations on one act on that entry.
 *
 *   create, run     container_create.c: a typed configuration
 *                   (state/container_config.h) validated, recorded, run
 *   start ... wait  container_lifecycle.c
 *   exec, attach,   container_io.c
 *   logs
 *   commit, cp,     container_files.c
 *   export, diff,
 *   top
 *   inspect, list   container_query.c  */
#ifndef GALLEY_ENGINE_CONTAINER_H
#define GALLEY_ENGINE_CONTAINER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <json-c/json.h>

#include "engine/engine.h"
#include "runtime/attach.h"
#include "runtime/commit.h"
#include "runtime/copy.h"
#include "runtime/exec.h"
#include "runtime/export.h"
#include "state/container_config.h"
#include "state/container_list.h"
#include "state/container_log.h"
#include "util/error.h"

/* ---- create and run (container_create.c) ---- */

/* Create a container of config: its image found (or pulled as its pull
 * policy says, progress to e->progress unless config->quiet), every
 * option checked before anything is written, its record, its --cidfile.
 * config gets what creation resolved (id, name, image id, command line,
 * ports, anonymous volumes).  Nothing is left behind when it fails.  */
int engine_container_create (const struct engine *e, struct container_config *config, galley_error_t *err);

/* Create and start: under a detached monitor when config->detach (0 once
 * the container runs), else in the foreground in this process, whose
 * standard streams are the container's (the container's exit status).  A
 * container that could not start is removed with --rm, or recorded as
 * exited with the error's exit code.  */
int engine_container_run (const struct engine *e, struct container_config *config, galley_error_t *err);

/* ---- the lifecycle of an existing container (container_lifecycle.c) ---- */

/* Start the container name_or_id: detached under its monitor (0 once it
 * runs; one running already is left alone), or with attach in the
 * foreground, as run (its exit status; interactive keeps stdin).  */
struct engine_start_options
{
  bool attach, interactive;
};
int engine_container_start (const struct engine *e, const char *name_or_id,
                            const struct engine_start_options *o, galley_error_t *err);

/* Its stop signal, SIGKILL after timeout seconds; one not running is left
 * alone.  */
int engine_container_stop (const struct engine *e, struct container_entry *c, int timeout,
                           galley_error_t *err);

/* Send sig to it (it must run); the user asked for its exit: no restart.  */
int engine_container_kill (const struct engine *e, struct container_entry *c, int sig, galley_error_t *err);

/* Stop it when it runs, then start it detached.  */
int engine_container_restart (const struct engine *e, struct container_entry *c, int timeout,
                              galley_error_t *err);

/* Pause (every process stopped) or unpause it.  */
int engine_container_pause (const struct engine *e, struct container_entry *c, bool pause,
                            galley_error_t *err);

/* Remove it (a running one only with force, killed first); with volumes
 * its anonymous volumes go too.  ignore_missing: one removed meanwhile is
 * no failure.  A failure to remove the volumes leaves the container
 * removed: 0 is returned and the error is in *volumes_err.  */
struct engine_rm_options
{
  bool force, volumes, ignore_missing;
};
int engine_container_rm (const struct engine *e, struct container_entry *c, const struct engine_rm_options *o,
                         galley_error_t *volumes_err, galley_error_t *err);

/* Wait until it reaches a status of mask (bits of 1 << enum
 * container_status); *exit_code gets its exit code, -1 when it is not
 * exited or was removed (--rm) meanwhile.  Waiting for the exit of a
 * container that never ran ends at once with 0, as podman's.  */
int engine_container_wait (const struct engine *e, const struct container_entry *c, unsigned mask,
                           int *exit_code, galley_error_t *err);

/* Give it another name (unique, as at creation).  */
int engine_container_rename (const struct engine *e, const struct container_entry *c, const char *name,
                             galley_error_t *err);

/* ---- processes and output (container_io.c) ---- */

/* Run a process in the running container name_or_id (runtime/exec.h): its
 * exit status.  This process is left inside the container's namespaces:
 * a caller that goes on afterwards calls it in a child.  */
int engine_container_exec (const struct engine *e, const char *name_or_id, const struct exec_options *o,
                           galley_error_t *err);

/* Attach this process's standard streams to the running container c
 * (runtime/attach.h): its exit code, or ATTACH_DETACHED.  */
int engine_container_attach (const struct engine *e, const struct container_entry *c,
                             const struct attach_options *o, galley_error_t *err);

/* Its log records, oldest first, through fn: the last tail ones (-1:
 * all) between since and until (ns, 0: unbounded); with follow, then the
 * new ones until the container has exited.  */
struct engine_logs_options
{
  bool follow;
  long long tail;
  int64_t since, until;
};
typedef void (*engine_log_fn) (void *arg, const struct log_record *r);
int engine_container_logs (const struct engine *e, const struct container_entry *c,
                           const struct engine_logs_options *o, engine_log_fn fn, void *arg,
                           galley_error_t *err);

/* ---- its files and processes (container_files.c) ---- */

/* Commit c into a new image (runtime/commit.h); *image_id gets its id.  */
int engine_container_commit (const struct engine *e, struct container_entry *c,
                             const struct commit_options *o, char **image_id, galley_error_t *err);

/* Copy between the host and c (runtime/copy.h), running or not.  */
int engine_container_copy (const struct engine *e, struct container_entry *c, const struct copy_request *req,
                           galley_error_t *err);

/* Its filesystem as a tar to out_fd; what changed in it (podman's diff
 * records, runtime/export.h).  */
int engine_container_export (const struct engine *e, struct container_entry *c, int out_fd,
                             galley_error_t *err);
int engine_container_diff (const struct engine *e, struct container_entry *c, json_object **changes,
                           galley_error_t *err);

/* The host pids of the processes of running c, its init first.  */
int engine_container_pids (const struct engine *e, const struct container_entry *c, pid_t **pids, size_t *n,
                           galley_error_t *err);

/* ---- what there is (container_query.c) ---- */

/* Find one by name, full id or unique id prefix (the caller clears *out).
 * ENOENT: 'no container with name or ID "x" found: no such container'.  */
int engine_container_find (const struct engine *e, const char *name_or_id, struct container_entry *out,
                           galley_error_t *err);

/* Every container, oldest first, as ps lists them (state/container_list.h):
 * the listing (its brief fields from the listing cache), or the entries
 * with their whole records (container_list_free).  */
int engine_container_list (const struct engine *e, struct container_listing **out, galley_error_t *err);
int engine_container_entries (const struct engine *e, struct container_entry **out, size_t *n,
                              galley_error_t *err);

/* podman's inspect record of c.  */
int engine_container_inspect (const struct engine *e, const struct container_entry *c, json_object **out,
                              galley_error_t *err);

#endif
