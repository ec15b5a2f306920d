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
#
# Slurm's ports (6817, 6818) are fixed: only one such cluster runs at a time.
set -euo pipefail

DIR="${SLURM_LOCAL_DIR:-/tmp/fusion-desk-slurm}"
CPUS="${SLURM_LOCAL_CPUS:-16}"
CONF="$DIR/slurm.conf"
export SLURM_CONF="$CONF"

need() {
  for bin in slurmctld slurmd munged sinfo sbatch squeue scancel scontrol; do
    if ! command -v "$bin" >/dev/null && [ ! -x "/usr/sbin/$bin" ]; then
      echo "slurm-local: $bin is missing; install slurmctld slurmd slurm-client munge (scripts/setup.sh does)" >&2
      exit 3
    fi
  done
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
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MinJobAge=${SLURM_LOCAL_MIN_JOB_AGE:-300}
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
  if alive "$DIR/ctld.pid" && alive "$DIR/slurmd.pid.own"; then
    wait_idle
    return
  fi
  stop_daemons
  write_conf
  start_munge
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
  for f in "$DIR/ctld.pid" "$DIR/slurmd.pid.own"; do
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
