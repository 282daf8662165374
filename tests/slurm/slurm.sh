#!/bin/bash
# Start or stop a single-node Slurm cluster for the batch-system tests
# (tests/system/9*-slurm.bats): munged, slurmctld and slurmd of Debian's
# slurm-wlm and munge packages, all on this machine, their configuration,
# spool, logs and pid files under STATE/slurm.  Run as root by
# tests/setup-host.sh:
#
#   tests/slurm/slurm.sh start [STATE]   (default /var/tmp/galley-test)
#   tests/slurm/slurm.sh stop [STATE]
#
# Clients find the cluster through SLURM_CONF=STATE/slurm/slurm.conf.  The
# node claims 32 CPUs whatever the machine has, so that a 32-task array runs
# at once; jobs are tracked in cgroups (proctrack/cgroup), so that their
# end, and scancel, reaches every process they started; task-epilog.sh
# removes a job's containers when it ends.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE=${2:-${GALLEY_TEST_STATE:-/var/tmp/galley-test}}
DIR=$STATE/slurm
NODE=$(hostname -s)

log () { echo "slurm.sh: $*" >&2; }
die () { echo "slurm.sh: error: $*" >&2; exit 1; }

write_config () {
  mkdir -p "$DIR/ctld" "$DIR/spool" "$DIR/log" "$DIR/run"
  cat > "$DIR/slurm.conf.tmp" << CONF
# Written by tests/slurm/slurm.sh
ClusterName=galley-test
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmctldPort=6817
SlurmdPort=6818
AuthType=auth/munge
StateSaveLocation=$DIR/ctld
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/run/slurmctld.pid
SlurmdPidFile=$DIR/run/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
ProctrackType=proctrack/cgroup
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
KillWait=30
SlurmdParameters=config_overrides
MaxArraySize=1001
TaskEpilog=$DIR/task-epilog.sh
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=32 State=UNKNOWN
PartitionName=test Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
CONF
  local plugin=cgroup/v1
  [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] && plugin=cgroup/v2
  cat > "$DIR/cgroup.conf.tmp" << CONF
# Written by tests/slurm/slurm.sh
CgroupPlugin=$plugin
CgroupMountpoint=/sys/fs/cgroup
CONF
  install -m 0755 "$HERE/task-epilog.sh" "$DIR/task-epilog.sh"
  mv "$DIR/slurm.conf.tmp" "$DIR/slurm.conf"
  mv "$DIR/cgroup.conf.tmp" "$DIR/cgroup.conf"
  chmod 0755 "$STATE" "$DIR"
  chmod 0644 "$DIR/slurm.conf" "$DIR/cgroup.conf"
}

running () {
  start-stop-daemon --status --pidfile "$1" 2> /dev/null
}

start () {
  command -v slurmctld > /dev/null || die "slurmctld is missing (Debian's slurm-wlm)"
  write_config
  if ! munge -n < /dev/null | unmunge > /dev/null 2>&1; then
    log "starting munged"
    [ -s /etc/munge/munge.key ] || runuser -u munge -- mungekey --create
    install -d -o munge -g munge -m 0755 /run/munge
    runuser -u munge -- /usr/sbin/munged
  fi
  export SLURM_CONF=$DIR/slurm.conf
  if ! running "$DIR/run/slurmctld.pid"; then
    log "starting slurmctld"
    slurmctld -c
  fi
  if ! running "$DIR/run/slurmd.pid"; then
    log "starting slurmd"
    slurmd
  fi
  local i
  for i in $(seq 1 100); do
    sinfo -h -o %t 2> /dev/null | grep -qE '^(idle|mix|alloc)' && return 0
    sleep 0.2
  done
  die "the Slurm node did not come up; see $DIR/log"
}

stop () {
  local f
  for f in slurmd slurmctld; do
    if running "$DIR/run/$f.pid"; then
      log "stopping $f"
      start-stop-daemon --stop --quiet --retry TERM/10/KILL/5 --pidfile "$DIR/run/$f.pid" || true
    fi
  done
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  *) die "usage: $0 start|stop [STATE]" ;;
esac
