#!/usr/bin/env bash
# A real single-node Slurm on loopback, for the cluster executor's tests and
# benchmark: `slurm-local.sh start` writes slurm.conf and cgroup.conf into a
# private folder, starts munged (when none runs), slurmctld and slurmd, and
# waits until the node is idle; `slurm-local.sh stop` cancels every job and
# stops the daemons it started. Commands reach this cluster with
# SLURM_CONF=<dir>/slurm.conf (`slurm-local.sh env` prints it).
#
# SLURM_LOCAL_DIR   the private folder (default /tmp/fusion-desk-slurm)
# SLURM_LOCAL_CPUS  CPUs the node advertises (default 16: one-CPU jobs run 16 at once)
# SLURM_LOCAL_MIN_JOB_AGE  seconds a finished job stays in squeue (default 300)
# SLURM_LOCAL_ACCOUNTING=1 also keeps accounting: MariaDB (its unix socket
#                   only) and slurmdbd, so `sacct` answers for jobs squeue has
#                   forgotten
#
# A cluster already up with the same settings is reused; one with other
# settings is restarted.
# Slurm's ports (6817, 6818) are fixed: only one such cluster runs at a time.
set -euo pipefail

DIR="${SLURM_LOCAL_DIR:-/tmp/fusion-desk-slurm}"
CPUS="${SLURM_LOCAL_CPUS:-16}"
CONF="$DIR/slurm.conf"
ACCOUNTING="${SLURM_LOCAL_ACCOUNTING:-0}"
MIN_JOB_AGE="${SLURM_LOCAL_MIN_JOB_AGE:-300}"
export SLURM_CONF="$CONF"

need() {
  for bin in slurmctld slurmd munged sinfo sbatch squeue scancel scontrol; do
    if ! command -v "$bin" >/dev/null && [ ! -x "/usr/sbin/$bin" ]; then
      echo "slurm-local: $bin is missing; install slurmctld slurmd slurm-client munge (scripts/setup.sh does)" >&2
      exit 3
    fi
  done
}

accounting_lines() {
  if [ "$ACCOUNTING" = 1 ]; then
    printf '%s\n' AccountingStorageType=accounting_storage/slurmdbd AccountingStorageHost=localhost \
      AccountingStoragePort=6819
  else
    echo AccountingStorageType=accounting_storage/none
  fi
}

# slurmdbd reads slurmdbd.conf beside $SLURM_CONF; it must be 0600. MariaDB's
# root authenticates the OS root through its unix socket: no password.
write_dbd_conf() {
  (umask 077 && cat >"$DIR/slurmdbd.conf" <<EOF
AuthType=auth/munge
DbdHost=localhost
DbdPort=6819
SlurmUser=root
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageUser=root
StorageLoc=slurm_acct_db
LogFile=$DIR/log/slurmdbd.log
PidFile=$DIR/slurmdbd.pid
EOF
  )
}

start_accounting() {
  for bin in /usr/sbin/slurmdbd /usr/sbin/mariadbd; do
    if [ ! -x "$bin" ]; then
      echo "slurm-local: $bin is missing; install slurmdbd mariadb-server (scripts/setup.sh does)" >&2
      exit 3
    fi
  done
  if ! mariadb -e 'select 1' >/dev/null 2>&1; then
    install -d -o mysql -g mysql -m 0755 /run/mysqld
    /usr/sbin/mariadbd --user=mysql --datadir=/var/lib/mysql --socket=/run/mysqld/mysqld.sock \
      --skip-networking --pid-file=/run/mysqld/mysqld.pid >>"$DIR/log/mariadb.out" 2>&1 &
    echo $! >"$DIR/mariadb.pid"
    for _ in $(seq 1 100); do
      mariadb -e 'select 1' >/dev/null 2>&1 && break
      sleep 0.1
    done
  fi
  write_dbd_conf
  /usr/sbin/slurmdbd -D >>"$DIR/log/slurmdbd.out" 2>&1 &
  echo $! >"$DIR/dbd.pid"
  for _ in $(seq 1 100); do
    sacctmgr -n list cluster >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "slurm-local: slurmdbd does not answer; see $DIR/log" >&2
  return 1
}

write_conf() {
  mkdir -p "$DIR/state" "$DIR/spool" "$DIR/log"
  local mem cgroup
  mem=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.8 }' /proc/meminfo)
  # cgroup v2 mounts cgroup2 at /sys/fs/cgroup; v1 a tmpfs of controllers.
  if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then cgroup=cgroup/v2; else cgroup=cgroup/v1; fi
  cat >"$CONF" <<EOF
ClusterName=fdesk
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/cgroup
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
ReturnToService=2
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldPort=6817
SlurmdPort=6818
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
$(accounting_lines)
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MinJobAge=$MIN_JOB_AGE
MaxArraySize=10001
MaxJobCount=100000
KillWait=5
InactiveLimit=0
SlurmctldTimeout=30
SlurmdTimeout=30
MailProg=/bin/true
SlurmdParameters=config_overrides
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
  cat >"$DIR/cgroup.conf" <<EOF
CgroupPlugin=$cgroup
CgroupMountpoint=/sys/fs/cgroup
ConstrainCores=no
ConstrainRAMSpace=no
ConstrainDevices=no
EOF
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start_munge() {
  if pgrep -x munged >/dev/null; then return; fi
  mkdir -p /run/munge && chown munge:munge /run/munge 2>/dev/null || true
  if [ "$(id -u)" -eq 0 ] && id munge >/dev/null 2>&1; then
    runuser -u munge -- /usr/sbin/munged
  else
    /usr/sbin/munged
  fi
}

start_ctld() {
  /usr/sbin/slurmctld -D -i -f "$CONF" >>"$DIR/log/slurmctld.out" 2>&1 &
  echo $! >"$DIR/ctld.pid"
}

wait_idle() {
  for _ in $(seq 1 300); do
    if [ "$(sinfo -h -N -o %T 2>/dev/null)" = idle ]; then return 0; fi
    sleep 0.1
  done
  echo "slurm-local: the node did not become idle; see $DIR/log" >&2
  return 1
}

start() {
  need
  local settings="accounting=$ACCOUNTING min_job_age=$MIN_JOB_AGE cpus=$CPUS"
  if alive "$DIR/ctld.pid" && alive "$DIR/slurmd.pid.own" &&
    [ "$(cat "$DIR/settings" 2>/dev/null)" = "$settings" ]; then
    wait_idle
    return
  fi
  stop_daemons
  write_conf
  start_munge
  if [ "$ACCOUNTING" = 1 ]; then start_accounting; fi
  echo "$settings" >"$DIR/settings"
  start_ctld
  /usr/sbin/slurmd -D -N localhost -f "$CONF" >>"$DIR/log/slurmd.out" 2>&1 &
  echo $! >"$DIR/slurmd.pid.own"
  wait_idle
}

# Stops slurmctld only (the controller restart tests); jobs keep running.
stop_ctld() {
  if alive "$DIR/ctld.pid"; then
    local pid
    pid=$(cat "$DIR/ctld.pid")
    kill -TERM "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
  fi
  rm -f "$DIR/ctld.pid"
}

stop_daemons() {
  local pids=()
  for f in "$DIR/ctld.pid" "$DIR/slurmd.pid.own" "$DIR/dbd.pid" "$DIR/mariadb.pid"; do
    if alive "$f"; then pids+=("$(cat "$f")"); fi
    rm -f "$f"
  done
  # All at once: each takes over a second to notice.
  if ((${#pids[@]})); then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    for pid in "${pids[@]}"; do
      while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    done
  fi
}

stop() {
  # Running jobs outlive slurmd: cancel them first.
  if alive "$DIR/ctld.pid"; then
    scancel --partition=debug --signal=KILL --full >/dev/null 2>&1 || true
    for _ in $(seq 1 100); do
      [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
      sleep 0.05
    done
  fi
  stop_daemons
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  stop-controller) stop_ctld ;;
  start-controller) need; start_ctld; wait_idle ;;
  env) echo "SLURM_CONF=$CONF" ;;
  *) echo "usage: $0 start|stop|stop-controller|start-controller|env" >&2; exit 2 ;;
esac
