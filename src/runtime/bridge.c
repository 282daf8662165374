/* Named networks at run time: the keeper, veth wiring, /etc/hosts of peers
 * (see bridge.h for the namespace layout).  */
#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ns/userns.h"
#include "runtime/bridge.h"
#include "runtime/bridge_hosts.h"
#include "runtime/enter.h"
#include "runtime/helpers.h"
#include "runtime/slirp.h"
#include "state/container_state.h"
#include "state/lock.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/time.h"
#include "util/xmalloc.h"

#define KEEPER_FILE "keeper.json"
#define KEEPER_LOCK "keeper.lock"
#define LEASE_GRACE_NS (60LL * 1000 * 1000 * 1000)
#define KEEPER_IDLE_CHECKS 3

static char *
keeper_dir (const struct galley_paths *p)
{
  char *d = NULL;
  return asprintf (&d, "%s/networks", p->runroot) < 0 ? NULL : d;
}

struct keeper_record
{
  pid_t pid, inner;
  uint64_t start, inner_start;
};

static bool
keeper_read (int dfd, struct keeper_record *k)
{
  _cleanup_free_ char *text = NULL;
  _cleanup_error_ galley_error_t ignored = NULL;

  memset (k, 0, sizeof *k);
  if (fs_read_file (dfd, KEEPER_FILE, 4096, &text, NULL, &ignored) < 0)
    return false;
  if (sscanf (text, "%d %lu %d %lu", &k->pid, (unsigned long *)&k->start, &k->inner,
              (unsigned long *)&k->inner_start)
      != 4)
    return false;
  return proc_is (k->pid, k->start) && proc_is (k->inner, k->inner_start);
}

/* Is some lease on some network held by a live container (or young)?  Old
 * leases of dead containers are dropped on the way.  */
static bool
leases_in_use (const struct galley_paths *p)
{
  _cleanup_free_ char *dir = NULL;
  DIR *d;
  struct dirent *e;
  bool used = false;
  int64_t now = time_now_ns ();

  if (asprintf (&dir, "%s/networks/leases", p->runroot) < 0 || (d = opendir (dir)) == NULL)
    return false;
  while ((e = readdir (d)) != NULL)
    {
      struct network_lease *l = NULL;
      size_t n = 0, i;
      _cleanup_error_ galley_error_t ignored = NULL;

      if (e->d_name[0] == '.' || network_lease_list (p, e->d_name, &l, &n, &ignored) < 0)
        continue;
      for (i = 0; i < n; i++)
        {
          struct container_state st;
          _cleanup_error_ galley_error_t gone = NULL;
          bool live =
              now - l[i].since < LEASE_GRACE_NS
              || (container_state_read (p, l[i].id, &st, &gone) == 0 && container_status_is_live (st.status));
          if (live)
            used = true;
          else
            bridge_detach (p, e->d_name, l[i].id);
        }
      network_lease_list_free (l, n);
    }
  closedir (d);
  return used;
}

static bool members_live (const struct galley_paths *p);

/* The keeper's inner half: holds UK and NK, nothing else.  */
static _Noreturn void
keeper_inner (int go)
{
  galley_error_t ignored = NULL;
  char byte;

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  prctl (PR_SET_NAME, "galley-netns-ns");
  /* Containers on named networks share UK with it; every starter opens
   * its /proc/PID/ns, so it stays dumpable.  */
  if (enter_prepare (3, &go, 1, ENTER_DUMPABLE, &ignored) < 0)
    _exit (1);
  if (read (go, &byte, 1) != 1)
    _exit (1);
  close (go);
  for (;;)
    pause ();
}

/* The keeper itself, detached: start K and slirp4netns, report, then
 * watch the leases.  Never returns.  */
static _Noreturn void
keeper_main (const struct galley_paths *p, const struct idmap *map, const char *dir, int report)
{
  struct slirp_process slirp = SLIRP_PROCESS_INIT;
  struct net_options opts;
  galley_error_t err = NULL;
  _cleanup_close_ int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int go[2], idle = 0, devnull = open ("/dev/null", O_RDWR);
  char record[128];
  pid_t inner;
  sigset_t none;

  prctl (PR_SET_NAME, "galley-netns");
  /* The starter (a monitor, network connect) may block signals: the
   * keeper is an ordinary process that a plain kill stops.  */
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  if (devnull >= 0)
    {
      dup2 (devnull, 0);
      dup2 (devnull, 1);
      dup2 (devnull, 2);
    }
  if (chdir ("/") < 0 || pipe2 (go, O_CLOEXEC) < 0 || dfd < 0)
    goto fail;
  inner = userns_clone (CLONE_NEWUSER | CLONE_NEWNET);
  if (inner == 0)
    {
      close (go[1]);
      keeper_inner (go[0]);
    }
  close (go[0]);
  if (inner < 0 || userns_write_maps (inner, map, &err) < 0 || write (go[1], "G", 1) != 1)
    goto fail;
  if (net_options_parse (NULL, &opts, &err) < 0 || slirp_start (&opts, inner, dir, &slirp, &err) < 0)
    goto fail;
  net_options_clear (&opts);
  snprintf (record, sizeof record, "%d %lu %d %lu\n", (int)getpid (),
            (unsigned long)proc_start_time (getpid ()), (int)inner, (unsigned long)proc_start_time (inner));
  if (fs_write_atomic (dfd, KEEPER_FILE, record, strlen (record), 0600, &err) < 0)
    goto fail;
  if (write (report, "R", 1) != 1)
    goto fail;
  close (report);
  report = -1;
  for (;;)
    {
      _cleanup_close_ int lock = -1;
      struct timespec second = { 1, 0 };

      nanosleep (&second, NULL);
      lock = lock_open (dfd, KEEPER_LOCK, &err);
      if (lock < 0 || lock_acquire (lock, LOCK_EXCLUSIVE, &err) < 0)
        break;
      {
        bool leased = leases_in_use (p), members = members_live (p);
        idle = leased || members ? 0 : idle + 1;
      }
      if (idle >= KEEPER_IDLE_CHECKS || waitpid (inner, NULL, WNOHANG) == inner)
        {
          unlinkat (dfd, KEEPER_FILE, 0);
          break;
        }
    }
  kill (inner, SIGKILL);
  waitpid (inner, NULL, 0);
  slirp_stop (&slirp);
  _exit (0);
fail:
  if (report >= 0)
    {
      if (err == NULL)
        galley_error_make (&err, errno, "starting the network keeper");
      if (write (report, "E", 1) == 1)
        userns_send_error (report, &err);
    }
  slirp_stop (&slirp);
  _exit (1);
}

static int
keeper_start (const struct galley_paths *p, const struct idmap *map, const char *dir, galley_error_t *err)
{
  int sync[2], status;
  pid_t child;
  char byte = 0;
  ssize_t r;

  if (pipe2 (sync, O_CLOEXEC) < 0)
    return galley_error_make (err, errno, "pipe");
  fflush (stdout);
  fflush (stderr);
  child = fork ();
  if (child < 0)
    return galley_error_make (err, errno, "forking the network keeper");
  if (child == 0)
    {
      close (sync[0]);
      setsid ();
      if (fork () != 0)
        _exit (0);
      /* Nothing of the starter's stays open in the keeper (least of all
       * the keeper lock, which it would then share).  */
      sync[1] = fcntl (sync[1], F_DUPFD_CLOEXEC, 3);
      syscall (SYS_close_range, 3U, (unsigned)sync[1] - 1, 0);
      syscall (SYS_close_range, (unsigned)sync[1] + 1, ~0U, 0);
      keeper_main (p, map, dir, sync[1]);
    }
  close (sync[1]);
  while (waitpid (child, &status, 0) < 0 && errno == EINTR)
    ;
  do
    r = read (sync[0], &byte, 1);
  while (r < 0 && errno == EINTR);
  if (r == 1 && byte == 'R')
    {
      close (sync[0]);
      return 0;
    }
  if (r == 1 && byte == 'E' && userns_receive_error (sync[0], err) == 1)
    {
      close (sync[0]);
      return galley_error_wrap (err, "starting the network keeper");
    }
  close (sync[0]);
  return galley_error_make (err, 0, "the network keeper exited before it was ready");
}

int
bridge_keeper_ensure (const struct galley_paths *p, const struct idmap *map, struct netns_join *keeper_ns,
                      galley_error_t *err)
{
  _cleanup_free_ char *dir = keeper_dir (p);
  _cleanup_close_ int dfd = -1, lock = -1;
  struct keeper_record k;

  if (dir == NULL)
    return galley_error_make (err, ENOMEM, "allocating");
  lock = lock_in_dir (dir, KEEPER_LOCK, &dfd, err);
  if (lock < 0)
    return -1;
  if (! keeper_read (dfd, &k))
    {
      if (keeper_start (p, map, dir, err) < 0)
        return -1;
      if (! keeper_read (dfd, &k))
        return galley_error_make (err, 0, "the network keeper did not record itself");
    }
  if (netns_join_open_pid (k.inner, k.inner_start, keeper_ns, err) < 0)
    return galley_error_wrap (err, "joining the network keeper's namespaces");
  return steal_fd (&lock);
}

/* ---------------------------------------------------------------- wiring */

static int
run_ip (const struct netns_join *j, galley_error_t *err, ...)
{
  static char *ip_path;
  char *argv[16];
  size_t n = 0;
  va_list ap;

  if (ip_path == NULL && (ip_path = helper_find ("ip")) == NULL)
    return galley_error_make (err, ENOENT, "iproute2's ip not found: named networks need it");
  argv[n++] = ip_path;
  va_start (ap, err);
  while (n < 15 && (argv[n] = va_arg (ap, char *)) != NULL)
    n++;
  va_end (ap);
  argv[n] = NULL;
  return netns_exec_in (j, argv, err);
}

/* Write a sysctl of the namespaces of j (a /proc/sys file of the
 * network namespace the writer is in).  */
static int
write_sysctl (const struct netns_join *j, const char *path, const char *value, galley_error_t *err)
{
  char *argv[] = { (char *)"/bin/sh", (char *)"-c", NULL, NULL };
  _cleanup_free_ char *cmd = NULL;

  cmd = xasprintf ("echo %s > %s", value, path);
  argv[2] = cmd;
  return netns_exec_in (j, argv, err);
}

/* Outbound traffic leaves NK through slirp4netns, which only answers its
 * own 10.0.2.0/24: the network's subnet is masqueraded behind tap0.  add:
 * -A, else -D.  */
static int
masquerade (const struct netns_join *keeper, const struct network_def *d, bool add, galley_error_t *err)
{
  _cleanup_free_ char *iptables = helper_find ("iptables");
  char *argv[] = { iptables,
                   (char *)"-t",
                   (char *)"nat",
                   (char *)(add ? "-A" : "-D"),
                   (char *)"POSTROUTING",
                   (char *)"-s",
                   d->subnet,
                   (char *)"!",
                   (char *)"-d",
                   d->subnet,
                   (char *)"-j",
                   (char *)"MASQUERADE",
                   NULL };

  if (iptables == NULL)
    return galley_error_make (err, ENOENT,
                              "iptables not found: containers on network %s cannot reach "
                              "beyond it",
                              d->name);
  return netns_exec_in (keeper, argv, err);
}

static int
ensure_bridge (const struct netns_join *keeper, const struct network_def *d, galley_error_t *err)
{
  _cleanup_error_ galley_error_t missing = NULL;
  _cleanup_free_ char *gw = NULL;
  const char *slash = strchr (d->subnet, '/');

  if (run_ip (keeper, &missing, "link", "show", "dev", d->interface, NULL) == 0)
    return 0;
  gw = xasprintf ("%s%s", d->gateway, slash ? slash : "/24");
  if (run_ip (keeper, err, "link", "add", d->interface, "type", "bridge", NULL) < 0
      || run_ip (keeper, err, "addr", "add", gw, "dev", d->interface, NULL) < 0
      || run_ip (keeper, err, "link", "set", d->interface, "up", NULL) < 0
      || write_sysctl (keeper, "/proc/sys/net/ipv4/ip_forward", "1", err) < 0)
    return galley_error_wrap (err, "creating the bridge %s", d->interface);
  if (! d->internal)
    {
      _cleanup_error_ galley_error_t no_nat = NULL;
      if (masquerade (keeper, d, true, &no_nat) < 0)
        log_warn ("%s", no_nat->msg);
    }
  return 0;
}

/* The host end of the container's veth on network: "veth" and 11 hex
 * digits of a hash of both (interface names have 15 characters at most).  */
static void
veth_name (const char *id, const char *network, char out[16])
{
  uint64_t h = 1469598103934665603ULL;
  const char *s;

  for (s = id; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  h = (h ^ '/') * 1099511628211ULL;
  for (s = network; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  snprintf (out, 16, "veth%011llx", (unsigned long long)(h & 0xfffffffffffULL));
}

/* The first ethN that the network namespace of pid does not have.  */
static int
free_interface (pid_t pid, char out[16], galley_error_t *err)
{
  _cleanup_free_ char *text = NULL;
  char path[64];
  unsigned i;

  snprintf (path, sizeof path, "/proc/%d/net/dev", (int)pid);
  if (fs_read_file (AT_FDCWD, path, 1 << 20, &text, NULL, err) < 0)
    return -1;
  for (i = 0; i < 1000; i++)
    {
      char needle[24];
      snprintf (needle, sizeof needle, " eth%u:", i);
      if (strstr (text, needle) == NULL && strncmp (text, needle + 1, strlen (needle + 1)) != 0)
        {
          snprintf (out, 16, "eth%u", i);
          return 0;
        }
    }
  return galley_error_make (err, ENOSPC, "no free interface name in the container");
}

/* The veth pair named veth (host end, in NK) and ifname (in the network
 * namespace of pid).  The name stays the container's across its runs, and
 * the kernel removes the host end of a dead run's pair only once it has
 * torn down that run's network namespace: a moment after the container is
 * gone, or later while anything still holds the namespace.  A quick
 * restart can get there first; an interface of the name is then that
 * leftover, and goes.  */
static int
veth_add (const struct netns_join *keeper, const char *veth, const char *ifname, const char *mac,
          const char *pid, galley_error_t *err)
{
  int tries;

  for (tries = 0;; tries++)
    {
      _cleanup_error_ galley_error_t ignored = NULL;

      if (run_ip (keeper, err, "link", "add", veth, "type", "veth", "peer", "name", ifname, "address", mac,
                  "netns", pid, NULL)
          == 0)
        return 0;
      if (tries > 0 || run_ip (keeper, &ignored, "link", "show", "dev", veth, NULL) < 0)
        return -1;
      galley_error_release (err);
      /* (the kernel may beat us to it) */
      run_ip (keeper, &ignored, "link", "del", veth, NULL);
    }
}

/* A veth pair from d's bridge into the container's namespace, its address,
 * and a default route through d's gateway (metric 100, as netavark: with
 * several networks each brings one, and the others remain when one
 * goes).  */
static int
wire_container (const struct netns_join *keeper, const struct network_def *d, const struct network_lease *l,
                pid_t init_pid, galley_error_t *err)
{
  struct netns_join inside = netns_join_userns_only (keeper);
  _cleanup_free_ char *addr = NULL;
  char veth[16], ifname[16], pid[16], nsfile[64];
  const char *slash = strchr (d->subnet, '/');
  int ret;

  veth_name (l->id, d->name, veth);
  snprintf (pid, sizeof pid, "%d", (int)init_pid);
  addr = xasprintf ("%s%s", l->ip, slash ? slash : "/24");
  if (free_interface (init_pid, ifname, err) < 0)
    return -1;
  if (veth_add (keeper, veth, ifname, l->mac, pid, err) < 0
      || run_ip (keeper, err, "link", "set", veth, "master", d->interface, "up", NULL) < 0)
    return -1;
  snprintf (nsfile, sizeof nsfile, "/proc/%d/ns/net", (int)init_pid);
  inside.netns_fd = open (nsfile, O_RDONLY | O_CLOEXEC);
  if (inside.netns_fd < 0)
    return galley_error_make (err, errno, "opening %s", nsfile);
  ret = run_ip (&inside, err, "addr", "add", addr, "dev", ifname, NULL) < 0
                || run_ip (&inside, err, "link", "set", ifname, "up", NULL) < 0
                || (! d->internal
                    && run_ip (&inside, err, "route", "append", "default", "via", d->gateway, "dev", ifname,
                               "metric", "100", NULL)
                           < 0)
            ? -1
            : 0;
  close (inside.netns_fd);
  return ret;
}

/* ---------------------------------------------------------------- members */

/* runroot/networks/members/<id>: a container in UK (on a named network
 * now, or disconnected from all while running, which may connect again):
 * the keeper stays while one lives.  */
static char *
member_file (const struct galley_paths *p, const char *id)
{
  char *f = NULL;
  return asprintf (&f, "%s/networks/members/%s", p->runroot, id ? id : "") < 0 ? NULL : f;
}

static void
member_mark (const struct galley_paths *p, const char *id)
{
  _cleanup_free_ char *file = member_file (p, id), *dir = member_file (p, NULL);
  _cleanup_error_ galley_error_t ignored = NULL;

  if (file == NULL || dir == NULL)
    return;
  mkdir (dir, 0700);
  fs_write_text (AT_FDCWD, file, "", 0600, &ignored);
}

static void
member_unmark (const struct galley_paths *p, const char *id)
{
  _cleanup_free_ char *file = member_file (p, id);

  if (file)
    unlink (file);
}

/* Is a marked container live (or marked in the last minute)?  The marks
 * of dead ones are removed.  */
static bool
members_live (const struct galley_paths *p)
{
  _cleanup_free_ char *dir = member_file (p, NULL);
  int64_t now = time_now_ns ();
  struct dirent *e;
  bool used = false;
  DIR *d;

  if (dir == NULL || (d = opendir (dir)) == NULL)
    return false;
  while ((e = readdir (d)) != NULL)
    {
      struct container_state st;
      struct stat sb;
      _cleanup_error_ galley_error_t gone = NULL;

      if (e->d_name[0] == '.' || fstatat (dirfd (d), e->d_name, &sb, 0) < 0)
        continue;
      if (now - ((int64_t)sb.st_mtim.tv_sec * NSEC_PER_SEC + sb.st_mtim.tv_nsec) < LEASE_GRACE_NS
          || (container_state_read (p, e->d_name, &st, &gone) == 0 && container_status_is_live (st.status)))
        used = true;
      else
        unlinkat (dirfd (d), e->d_name, 0);
    }
  closedir (d);
  return used;
}

/* ---------------------------------------------------------------- attach */

/* A random locally administered unicast address, as netavark's.  */
static void
random_mac (char out[18])
{
  unsigned char b[6] = { 0 };
  size_t got = 0;
  _cleanup_close_ int fd = open ("/dev/urandom", O_RDONLY | O_CLOEXEC);

  while (fd >= 0 && got < sizeof b)
    {
      ssize_t r = read (fd, b + got, sizeof b - got);
      if (r <= 0)
        break;
      got += (size_t)r;
    }
  if (got < sizeof b)
    {
      uint64_t t = (uint64_t)time_now_ns () ^ ((uint64_t)getpid () << 24);
      memcpy (b, &t, sizeof b);
    }
  b[0] = (unsigned char)((b[0] & 0xfe) | 0x02);
  snprintf (out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
}

int
bridge_attach (const struct galley_paths *p, const struct netns_join *keeper_ns, const struct network_def *d,
               struct network_lease *lease, pid_t init_pid, galley_error_t *err)
{
  _cleanup_close_ int lock = network_lock (p, d->name, err);

  if (lease->mac[0] == '\0')
    random_mac (lease->mac);
  if (lock < 0 || network_lease_take (p, d, lease, err) < 0)
    return -1;
  if (ensure_bridge (keeper_ns, d, err) < 0 || wire_container (keeper_ns, d, lease, init_pid, err) < 0)
    {
      _cleanup_error_ galley_error_t ignored = NULL;
      char veth[16];

      veth_name (lease->id, d->name, veth);
      run_ip (keeper_ns, &ignored, "link", "del", veth, NULL);
      network_lease_drop (p, d->name, lease->id, &ignored);
      return galley_error_wrap (err, "connecting to network %s", d->name);
    }
  member_mark (p, lease->id);
  bridge_hosts_join (p, d->name, lease);
  return 0;
}

void
bridge_detach (const struct galley_paths *p, const char *network, const char *id)
{
  _cleanup_error_ galley_error_t ignored = NULL;
  _cleanup_close_ int lock = network_lock (p, network, &ignored);
  _cleanup_free_ char *self_hosts = NULL;
  struct network_lease *l = NULL;
  size_t n = 0, i;

  if (lock < 0)
    return;
  if (network_lease_list (p, network, &l, &n, &ignored) == 0)
    for (i = 0; i < n; i++)
      if (strcmp (l[i].id, id) == 0)
        self_hosts = steal_pointer (&l[i].hosts_path);
  network_lease_list_free (l, n);
  network_lease_drop (p, network, id, &ignored);
  bridge_hosts_leave (p, network, id, self_hosts);
}

void
bridge_detach_all (const struct galley_paths *p, const char *id)
{
  _cleanup_free_ char *dir = NULL;
  struct dirent *e;
  DIR *d;

  member_unmark (p, id);
  if (asprintf (&dir, "%s/networks/leases", p->runroot) < 0 || (d = opendir (dir)) == NULL)
    return;
  while ((e = readdir (d)) != NULL)
    {
      char lease[512];
      if (e->d_name[0] == '.' || strlen (e->d_name) > 255)
        continue;
      snprintf (lease, sizeof lease, "%s/%s", e->d_name, id);
      if (faccessat (dirfd (d), lease, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
        bridge_detach (p, e->d_name, id);
    }
  closedir (d);
}

static bool
same_ns (const struct stat *a, int fd)
{
  struct stat b;
  return fd >= 0 && fstat (fd, &b) == 0 && a->st_ino == b.st_ino && a->st_dev == b.st_dev;
}

/* Is the network namespace of pid owned by the keeper's user namespace,
 * or by a user namespace nested in it (keep-id)?  */
static bool
in_keeper_userns (const struct netns_join *keeper, pid_t pid)
{
  _cleanup_close_ int self = -1, theirs = -1, parent = -1;
  struct stat uk;
  char path[64];

  if (keeper->userns_fd >= 0 ? fstat (keeper->userns_fd, &uk) < 0 : stat ("/proc/self/ns/user", &uk) < 0)
    return false;
  snprintf (path, sizeof path, "/proc/%d/ns/net", (int)pid);
  self = open (path, O_RDONLY | O_CLOEXEC);
  theirs = self >= 0 ? ioctl (self, NS_GET_USERNS) : -1;
  if (same_ns (&uk, theirs))
    return true;
  parent = theirs >= 0 ? ioctl (theirs, NS_GET_PARENT) : -1;
  return same_ns (&uk, parent);
}

int
bridge_connect_running (const struct galley_paths *p, const struct idmap *map, const struct network_def *d,
                        struct network_lease *lease, pid_t init_pid, uint64_t start, galley_error_t *err)
{
  struct netns_join keeper = NETNS_JOIN_INIT;
  _cleanup_close_ int keeper_lock = bridge_keeper_ensure (p, map, &keeper, err);
  int ret = -1;

  if (keeper_lock < 0)
    return -1;
  if (! in_keeper_userns (&keeper, init_pid) || (start != 0 && ! proc_is (init_pid, start)))
    galley_error_make (err, EOPNOTSUPP, "the container's network namespace is not on the named networks");
  else
    ret = bridge_attach (p, &keeper, d, lease, init_pid, err);
  netns_join_close (&keeper);
  return ret;
}

/* The keeper's namespaces when it runs (1; *lock: the keeper lock, held),
 * 0 when it does not, -1 on error.  Never starts it.  */
static int
keeper_join_running (const struct galley_paths *p, int *lock, struct netns_join *ns, galley_error_t *err)
{
  _cleanup_free_ char *dir = keeper_dir (p);
  _cleanup_close_ int dfd = -1;
  _cleanup_error_ galley_error_t missing = NULL;
  struct keeper_record k;

  if (dir == NULL || (dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
    return 0;
  *lock = lock_open (dfd, KEEPER_LOCK, err);
  if (*lock < 0 || lock_acquire (*lock, LOCK_EXCLUSIVE, err) < 0)
    return -1;
  if (! keeper_read (dfd, &k) || netns_join_open_pid (k.inner, k.inner_start, ns, &missing) < 0)
    return 0;
  return 1;
}

int
bridge_disconnect_running (const struct galley_paths *p, const struct network_def *d, const char *id,
                           galley_error_t *err)
{
  _cleanup_close_ int lock = -1;
  struct netns_join ns = NETNS_JOIN_INIT;
  _cleanup_error_ galley_error_t missing = NULL;
  char veth[16];
  int ret = keeper_join_running (p, &lock, &ns, err);

  if (ret < 0)
    return -1;
  /* Deleting the host end deletes the pair, the address and its routes.  */
  veth_name (id, d->name, veth);
  if (ret > 0 && run_ip (&ns, &missing, "link", "show", "dev", veth, NULL) == 0)
    ret = run_ip (&ns, err, "link", "del", veth, NULL);
  netns_join_close (&ns);
  if (ret < 0)
    return galley_error_wrap (err, "disconnecting from network %s", d->name);
  bridge_detach (p, d->name, id);
  return 0;
}

int
bridge_remove_interface (const struct galley_paths *p, const struct network_def *d, galley_error_t *err)
{
  _cleanup_close_ int lock = -1;
  struct netns_join ns = NETNS_JOIN_INIT;
  _cleanup_error_ galley_error_t missing = NULL;
  int ret = keeper_join_running (p, &lock, &ns, err);

  if (ret <= 0)
    return ret;
  ret = 0;
  if (run_ip (&ns, &missing, "link", "show", "dev", d->interface, NULL) == 0)
    {
      _cleanup_error_ galley_error_t no_nat = NULL;
      ret = run_ip (&ns, err, "link", "del", d->interface, NULL);
      if (! d->internal)
        masquerade (&ns, d, false, &no_nat);
    }
  netns_join_close (&ns);
  return ret;
}
