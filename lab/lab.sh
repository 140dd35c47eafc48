#!/bin/bash
# lab/lab.sh: boots and drives ebs-volume's lab nodes: Debian 12 VMs under QEMU (image from
# lab/build-image.sh) in which device-mapper, DRBD 8.4 and LIO really run.
#
#   lab.sh up NODE...              boot nodes in parallel (building the image first if needed),
#                                  wait until each one's sshd answers; running nodes are left alone
#   lab.sh start NODE...           the same: boots a stopped or killed node again on its own disks
#   lab.sh ssh NODE [CMD...]       ssh root@NODE: CMD is one remote shell string, like ssh's
#   lab.sh exec NODE ARG...        run exactly this argument list on NODE (each ARG quoted for
#                                  the remote shell): the form for tests (ProcessBuilder lists)
#   lab.sh push NODE SRC... DST    copy host files/dirs to NODE:DST, then sync on the node
#   lab.sh pull NODE SRC DST       copy NODE:SRC to the host
#   lab.sh kill [-9] NODE...       power cut: SIGKILL the node's QEMU (disks kept; `start` again)
#   lab.sh down [NODE...]          clean poweroff (all running nodes when none is named)
#   lab.sh clean                   down + delete the run directory (every node's disks)
#   lab.sh status                  one line per node of the run (key=value words)
#   lab.sh ip NODE                 the node's address on the private lab network
#   lab.sh port NODE ssh|iscsi|backend   the host port (on 127.0.0.1) forwarded to that service
#   lab.sh console NODE            the node's serial console so far
#
# Nodes are nodea..nodeh (node 1..8). Node N has:
#   eth0  QEMU user-mode NIC 10.0.2.15, no default route. Host forwards (127.0.0.1 only):
#           127.0.0.1:BASE+N      -> :22    ssh
#           127.0.0.1:BASE+100+N  -> :3260  iSCSI (LIO's portal)
#           127.0.0.1:BASE+200+N  -> :$EBS_LAB_BACKEND_PORT (8800, the worker's backend_port)
#         and, unless EBS_LAB_HOST_ACCESS=0, 10.0.2.2:PORT in the node reaches the host's
#         127.0.0.1:PORT (cinder-api, RabbitMQ, MariaDB, ...; /etc/hosts calls it lab-host)
#   eth1  10.99.0.(10+N)/24 on the run's private L2 network (QEMU socket netdev on UDP multicast
#         bound to the host's 127.0.0.1; nothing leaves the host): DRBD, iSCSI between nodes
#   vda   root: a qcow2 overlay on the cached image (cache=writeback: flushes honoured)
#   vdb   an empty raw data disk for the VG ($EBS_LAB_DATA_SIZE, sparse; cache=none)
#   vdc   a second one ($EBS_LAB_DATA2_SIZE): a second backend's VG (thin <-> thick moves)
#
# Environment:
#   EBS_LAB_RUN           run directory (default /tmp/ebs-volume-lab): disks, consoles, pids
#   EBS_LAB_PORT_BASE     first host port (default 24000); the private network's multicast port
#                         is BASE+99, so two labs with their own BASE and RUN never meet
#   EBS_LAB_MEM           MiB per node (default 1024)
#   EBS_LAB_SMP           vCPUs per node (default 1: under TCG each is a host thread, and the host
#                         has few cores; the Python cinder-volume switch test takes 2)
#   EBS_LAB_DATA_SIZE     size of vdb (default 8G)
#   EBS_LAB_DATA2_SIZE    size of vdc (default 12G; sparse: thick snapshots take their origin's full size)
#   EBS_LAB_BACKEND_PORT  node port forwarded as "backend" (default 8800)
#   EBS_LAB_HOST_ACCESS   1 (default): 10.0.2.2 = host's 127.0.0.1; 0: QEMU restrict=on, the
#                         node reaches nothing but what the host forwards in
#   EBS_LAB_MTU           MTU of the private network eth1 (default 60000: an emulated NIC costs
#                         about the same CPU per frame whatever its size, so under TCG big frames
#                         move DRBD syncs and iSCSI copies 4-5x faster; measured between two
#                         nodes: 42 MB/s at 60000, 16 at 9000, 7-11 at 1500. Nothing in ebs-volume
#                         depends on the MTU; production storage networks run 1500 or 9000)
#   EBS_LAB_LIFETIME      a node powers itself off after this many seconds (default 7200; 0 never)
#   EBS_LAB_BOOT_TIMEOUT  seconds to wait for a node's sshd (default 300)
#   EBS_LAB_CMD_TIMEOUT   seconds an ssh/exec may take before it is killed (default 0: no limit);
#                         exit 124 then
#   EBS_LAB_CPU           QEMU CPU model under TCG (default qemu64)
#   EBS_LAB_ACCEL         kvm|tcg (default tcg when /dev/kvm is missing or is kvm_pvm, which
#                         cannot run a stock Debian kernel)
#   EBS_LAB_CACHE         image cache (see build-image.sh)
# Exit status: that of the remote command for ssh/exec (255: ssh itself failed); 1 on errors.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RUN=${EBS_LAB_RUN:-/tmp/ebs-volume-lab}
PORT_BASE=${EBS_LAB_PORT_BASE:-24000}
MEM=${EBS_LAB_MEM:-1024}
SMP=${EBS_LAB_SMP:-1}
DATA_SIZE=${EBS_LAB_DATA_SIZE:-8G}
DATA2_SIZE=${EBS_LAB_DATA2_SIZE:-12G}
BACKEND_PORT=${EBS_LAB_BACKEND_PORT:-8800}
HOST_ACCESS=${EBS_LAB_HOST_ACCESS:-1}
LIFETIME=${EBS_LAB_LIFETIME:-7200}
MTU=${EBS_LAB_MTU:-60000}
BOOT_TIMEOUT=${EBS_LAB_BOOT_TIMEOUT:-300}
CMD_TIMEOUT=${EBS_LAB_CMD_TIMEOUT:-0}

die() { echo "lab.sh: $*" >&2; exit 1; }
since() { awk -v a="$EPOCHREALTIME" -v b="$1" 'BEGIN { printf "%.1f", a - b }'; }

node_index() {
  [[ "$1" =~ ^node([a-h])$ ]] || die "bad node name '$1' (nodea .. nodeh)"
  echo $(( $(printf '%d' "'${BASH_REMATCH[1]}") - 96 ))
}
lab_ip() { echo "10.99.0.$((10 + $(node_index "$1")))"; }
port_of() {
  local i; i=$(node_index "$1")
  case "$2" in
    ssh) echo $((PORT_BASE + i)) ;;
    iscsi) echo $((PORT_BASE + 100 + i)) ;;
    backend) echo $((PORT_BASE + 200 + i)) ;;
    *) die "port: want ssh, iscsi or backend" ;;
  esac
}
# The QEMU pid of a running node; checks /proc so that a stale pid file never names another process.
pid_of() {
  local f="$RUN/$1.pid" pid
  [ -s "$f" ] || return 1
  pid=$(cat "$f")
  [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qF "$RUN/$1.qcow2" && echo "$pid"
}
image_dir() { "$HERE/build-image.sh" --print-dir; }
key() { echo "$RUN/id_ed25519"; }
ssh_opts() {
  SSH_OPTS=(-F /dev/null -q -i "$(key)" -o IdentitiesOnly=yes -o StrictHostKeyChecking=no
            -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes -o ConnectTimeout=10
            -o ServerAliveInterval=5 -o ServerAliveCountMax=6)
}
with_timeout() { if [ "$CMD_TIMEOUT" -gt 0 ]; then timeout -k 5 "$CMD_TIMEOUT" "$@"; else "$@"; fi; }

# One ssh connection per node, shared by every ssh/exec/push/pull (OpenSSH multiplexing): a
# new connection costs a key exchange and a login in a TCG guest (~0.5-1 s of emulated CPU), a
# new session on an open one only sshd's fork. The master runs detached with its stdio on
# /dev/null (a ControlPersist master started by a client would keep that client's stdout open,
# and a caller reading it to EOF would wait forever). It dies with the node: a power cut closes
# QEMU's forwarded socket. When no master can be had, the call connects on its own.
mux_path() { echo "$RUN/ssh-$1.mux"; }
MUX_OPTS=()
use_mux() {
  local node=$1 path port
  path=$(mux_path "$node"); port=$(port_of "$node" ssh)
  MUX_OPTS=(-o ControlMaster=no -o "ControlPath=$path")
  ssh "${SSH_OPTS[@]}" "${MUX_OPTS[@]}" -O check -p "$port" root@127.0.0.1 2>/dev/null && return 0
  (
    flock -w 30 9 || exit 1
    ssh "${SSH_OPTS[@]}" "${MUX_OPTS[@]}" -O check -p "$port" root@127.0.0.1 2>/dev/null && exit 0
    rm -f "$path"
    timeout 30 ssh "${SSH_OPTS[@]}" -o ControlMaster=yes -o "ControlPath=$path" -o ControlPersist=no -f -N \
      -p "$port" root@127.0.0.1 </dev/null >/dev/null 2>&1 9>&-
  ) 9>"$path.lock" && return 0
  MUX_OPTS=(-o ControlMaster=no -o ControlPath=none)
}
mux_stop() {
  local path; path=$(mux_path "$1")
  [ -S "$path" ] && ssh -F /dev/null -o "ControlPath=$path" -O exit -p "$(port_of "$1" ssh)" root@127.0.0.1 >/dev/null 2>&1
  rm -f "$path"
  return 0
}

accel() {
  if [ -n "${EBS_LAB_ACCEL:-}" ]; then echo "$EBS_LAB_ACCEL"; return; fi
  # kvm_pvm (a paravirtual KVM) only runs PVM-enabled guest kernels: a stock kernel hangs early.
  if [ -w /dev/kvm ] && [ ! -d /sys/module/kvm_pvm ]; then echo kvm; else echo tcg; fi
}

# The run directory belongs to one image: overlays on another image would read garbage.
prepare_run() {
  local img
  if ! img=$(image_dir); then
    "$HERE/build-image.sh" >/dev/null || die "build-image.sh failed"
    img=$(image_dir) || die "no image after build-image.sh"
  fi
  mkdir -p "$RUN"
  if [ -f "$RUN/image" ]; then
    [ "$(cat "$RUN/image")" = "$img" ] || die "$RUN was made with $(cat "$RUN/image"), the recipe now maps to $img: run 'lab.sh clean'"
  else
    echo "$img" > "$RUN/image"
  fi
  [ -f "$RUN/id_ed25519" ] || install -m 0600 "$img/id_ed25519" "$RUN/id_ed25519"
  IMG=$img
}

boot_one() {
  local node=$1 idx ip acc cpu net
  idx=$(node_index "$node"); ip=$(lab_ip "$node"); acc=$(accel)
  if pid_of "$node" >/dev/null; then echo "$node already running"; return 0; fi
  [ -f "$RUN/$node.qcow2" ] || qemu-img create -q -f qcow2 -b "$IMG/rootfs.img" -F raw "$RUN/$node.qcow2"
  [ -f "$RUN/$node-data.img" ] || truncate -s "$DATA_SIZE" "$RUN/$node-data.img"
  [ -f "$RUN/$node-data2.img" ] || truncate -s "$DATA2_SIZE" "$RUN/$node-data2.img"
  # Under TCG a plain qemu64 CPU boots and starts the JVM faster than `max` (measured here, side
  # by side: boot 32-33 s against 39-50 s, `java -version` 1.4-2.0 s against 1.8-3.5 s): with
  # `max`, the guest picks code paths whose instructions TCG emulates slowly.
  if [ "$acc" = kvm ]; then cpu=host; else cpu=${EBS_LAB_CPU:-qemu64}; fi
  net="user,id=mgmt,ipv6=off,net=10.0.2.0/24,host=10.0.2.2"
  [ "$HOST_ACCESS" = 1 ] || net+=",restrict=on"
  net+=",hostfwd=tcp:127.0.0.1:$(port_of "$node" ssh)-:22"
  net+=",hostfwd=tcp:127.0.0.1:$(port_of "$node" iscsi)-:3260"
  net+=",hostfwd=tcp:127.0.0.1:$(port_of "$node" backend)-:$BACKEND_PORT"
  rm -f "$RUN/$node.pid"
  : > "$RUN/$node.console"
  # -daemonize: QEMU returns once the VM is set up, so a busy port or a bad option fails here.
  if ! qemu-system-x86_64 \
      -name "ebs-lab-$node" -machine q35,accel="$acc" -cpu "$cpu" -smp "$SMP" -m "$MEM" \
      -nodefaults -display none -no-reboot -daemonize -pidfile "$RUN/$node.pid" \
      -kernel "$IMG/vmlinuz" -initrd "$IMG/initrd.img" \
      -append "console=ttyS0 root=/dev/vda rw net.ifnames=0 quiet panic=-1 mitigations=off lab.name=$node lab.ip=$ip lab.lifetime=$LIFETIME lab.mtu=$MTU" \
      -drive "file=$RUN/$node.qcow2,if=virtio,format=qcow2,cache=writeback,discard=unmap" \
      -drive "file=$RUN/$node-data.img,if=virtio,format=raw,cache=none,aio=threads,discard=unmap" \
      -drive "file=$RUN/$node-data2.img,if=virtio,format=raw,cache=none,aio=threads,discard=unmap" \
      -netdev "$net" -device virtio-net-pci,netdev=mgmt,romfile= \
      -netdev "socket,id=lab,mcast=230.99.0.1:$((PORT_BASE + 99)),localaddr=127.0.0.1" \
      -device "virtio-net-pci,netdev=lab,romfile=,mac=52:54:00:99:00:$(printf %02x $((10 + idx)))" \
      -serial "file:$RUN/$node.console" \
      </dev/null >"$RUN/$node.qemu.log" 2>&1; then
    echo "$node: QEMU did not start:" >&2; cat "$RUN/$node.qemu.log" >&2
    return 1
  fi
}

wait_ready() {
  local node=$1 t0=$2 deadline=$(( $(date +%s) + BOOT_TIMEOUT )) dt
  ssh_opts
  while :; do
    if grep -qa "EBS-LAB-READY $node" "$RUN/$node.console" 2>/dev/null \
       && ssh "${SSH_OPTS[@]}" -p "$(port_of "$node" ssh)" root@127.0.0.1 true </dev/null 2>/dev/null; then
      dt=$(since "$t0")
      echo "$dt" > "$RUN/$node.boot_seconds"
      echo "$node up in $dt s (accel $(accel), ssh 127.0.0.1:$(port_of "$node" ssh))"
      return 0
    fi
    if ! pid_of "$node" >/dev/null; then
      echo "$node: QEMU exited during boot; console tail:" >&2; tail -20 "$RUN/$node.console" >&2; return 1
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "$node: not ready after $BOOT_TIMEOUT s; console tail:" >&2; tail -20 "$RUN/$node.console" >&2; return 1
    fi
    sleep 0.5
  done
}

cmd_up() {
  [ $# -gt 0 ] || die "up: name the nodes (nodea ...)"
  local n t0 rc=0 pids=()
  for n in "$@"; do node_index "$n" >/dev/null; done
  prepare_run
  t0=$EPOCHREALTIME
  local started=()
  for n in "$@"; do if boot_one "$n"; then started+=("$n"); else rc=1; fi; done
  for n in "${started[@]}"; do wait_ready "$n" "$t0" & pids+=($!); done
  for n in "${pids[@]}"; do wait "$n" || rc=1; done
  return $rc
}

cmd_ssh() {
  [ $# -ge 1 ] || die "ssh NODE [CMD...]"
  local node=$1; shift
  pid_of "$node" >/dev/null || die "$node is not running"
  ssh_opts; use_mux "$node"
  with_timeout ssh "${SSH_OPTS[@]}" "${MUX_OPTS[@]}" -p "$(port_of "$node" ssh)" root@127.0.0.1 "$@"
}

cmd_exec() {
  [ $# -ge 2 ] || die "exec NODE ARG..."
  local node=$1; shift
  cmd_ssh "$node" "$(printf '%q ' "$@")"
}

cmd_push() {
  [ $# -ge 3 ] || die "push NODE SRC... DST"
  local node=$1; shift
  local dst=${*: -1}
  pid_of "$node" >/dev/null || die "$node is not running"
  ssh_opts; use_mux "$node"
  with_timeout scp "${SSH_OPTS[@]}" "${MUX_OPTS[@]}" -r -P "$(port_of "$node" ssh)" "${@:1:$#-1}" "root@127.0.0.1:$dst"
  cmd_ssh "$node" sync   # what was pushed survives a later power cut
}

cmd_pull() {
  [ $# -eq 3 ] || die "pull NODE SRC DST"
  pid_of "$1" >/dev/null || die "$1 is not running"
  ssh_opts; use_mux "$1"
  with_timeout scp "${SSH_OPTS[@]}" "${MUX_OPTS[@]}" -r -P "$(port_of "$1" ssh)" "root@127.0.0.1:$2" "$3"
}

cmd_kill() {
  local n pid
  case "${1:-}" in -9|-KILL|-SIGKILL) shift ;; esac
  [ $# -gt 0 ] || die "kill [-9] NODE..."
  for n in "$@"; do
    node_index "$n" >/dev/null
    if ! pid=$(pid_of "$n"); then echo "$n is not running"; continue; fi
    kill -KILL "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    mux_stop "$n"
    rm -f "$RUN/$n.pid"
    echo "$n killed (power cut)"
  done
}

known_nodes() {
  local f
  for f in "$RUN"/node?.qcow2; do [ -f "$f" ] && basename "$f" .qcow2; done
  return 0
}

cmd_down() {
  local nodes=("$@") n pid
  if [ ${#nodes[@]} -eq 0 ]; then mapfile -t nodes < <(known_nodes); fi
  ssh_opts
  for n in "${nodes[@]}"; do
    pid_of "$n" >/dev/null || continue
    timeout 15 ssh "${SSH_OPTS[@]}" -p "$(port_of "$n" ssh)" root@127.0.0.1 'systemctl poweroff --no-block' \
      </dev/null >/dev/null 2>&1 || true
  done
  for n in "${nodes[@]}"; do
    if pid=$(pid_of "$n"); then
      for _ in $(seq 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done   # 60 s
      if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; echo "$n: no clean poweroff in 60 s, killed"; fi
      while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
      echo "$n down"
    fi
    mux_stop "$n"
    rm -f "$RUN/$n.pid"
  done
}

cmd_status() {
  local n pid
  for n in $(known_nodes); do
    if pid=$(pid_of "$n"); then
      echo "$n state=running pid=$pid ip=$(lab_ip "$n") ssh=127.0.0.1:$(port_of "$n" ssh) iscsi=127.0.0.1:$(port_of "$n" iscsi) backend=127.0.0.1:$(port_of "$n" backend)"
    else
      echo "$n state=stopped ip=$(lab_ip "$n")"
    fi
  done
}

cmd_clean() { [ -d "$RUN" ] || return 0; cmd_down; rm -rf "$RUN"; }

sub=${1:-}; [ $# -gt 0 ] && shift
case "$sub" in
  up|start) cmd_up "$@" ;;
  ssh) cmd_ssh "$@" ;;
  exec) cmd_exec "$@" ;;
  push) cmd_push "$@" ;;
  pull) cmd_pull "$@" ;;
  kill) cmd_kill "$@" ;;
  down) cmd_down "$@" ;;
  clean) cmd_clean ;;
  status) cmd_status ;;
  ip) [ $# -eq 1 ] || die "ip NODE"; lab_ip "$1" ;;
  port) [ $# -eq 2 ] || die "port NODE ssh|iscsi|backend"; port_of "$1" "$2" ;;
  console) [ $# -eq 1 ] || die "console NODE"; cat "$RUN/$1.console" ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
esac
