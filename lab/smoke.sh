#!/bin/bash
# lab/smoke.sh: proves, on real booted lab nodes, everything ebs-volume's lab tests rely on.
#
#   lab/smoke.sh [--keep]      as root; --keep leaves the nodes running (then: lab.sh down/clean)
#
# Boots nodea and nodeb (in parallel) and checks: the storage modules; a VG on the data disk;
# a thin pool, thin LV and thin snapshot; a thick LV; a LIO export of the thin LV with CHAP, read
# from the host through the node's forwarded iSCSI port (libiscsi, right and wrong secret) and
# from nodeb with the kernel initiator over the private network; `java -version`; the node
# reaching a TCP port on the host's 127.0.0.1 as 10.0.2.2; the host reaching the node's
# backend_port forward; no route out of a node; a DRBD 8.4 resource between the nodes over the
# private network reaching UpToDate/UpToDate with the same bytes on both; a power cut of nodeb
# (`lab.sh kill -9`), `lab.sh start` again and resync back to UpToDate/UpToDate.
# Prints a PASS/FAIL table, ends with "N passed, N failed" and exits non-zero on any failure.
# Uses its own run directory and ports (EBS_LAB_RUN, EBS_LAB_PORT_BASE) so it can run beside a
# lab a test has up; the full log goes to $EBS_LAB_RUN.log.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB="$HERE/lab.sh"
export EBS_LAB_RUN=${EBS_LAB_RUN:-/tmp/ebs-volume-lab-smoke}
export EBS_LAB_PORT_BASE=${EBS_LAB_PORT_BASE:-24500}
export EBS_LAB_CMD_TIMEOUT=${EBS_LAB_CMD_TIMEOUT:-300}
KEEP=0; [ "${1:-}" = --keep ] && KEEP=1
LOG="$EBS_LAB_RUN.log"
WORK=$(mktemp -d /tmp/ebs-lab-smoke.XXXXXX)
: > "$LOG"

VG=ebsvg
IQN=iqn.2010-10.org.openstack:volume-smoke
HOST_INIT=iqn.2025-01.lab.ebs:host
NODEB_INIT=iqn.2025-01.lab.ebs:nodeb
CHAP_USER=ebs-smoke
CHAP_PASS=ebsSmokeSecret16   # 12..16 characters suit every initiator
RES=volume-smoke
MINOR=10
DRBD_PORT=7789
BACKEND_PORT=${EBS_LAB_BACKEND_PORT:-8800}

RESULTS=()
PASS=0 FAIL=0 ABORT=0
T_START=$EPOCHREALTIME

since() { awk -v a="$EPOCHREALTIME" -v b="$1" 'BEGIN { printf "%.1f", a - b }'; }
on() { local n=$1; shift; "$LAB" ssh "$n" "$@"; }

# check NAME FUNCTION: runs FUNCTION (its output goes to the log, its last line is the detail),
# records PASS/FAIL and seconds. After an ABORT (nodes not up) everything else is FAIL (skipped).
check() {
  local name=$1 fn=$2 t0 out rc detail secs
  if [ "$ABORT" = 1 ]; then
    RESULTS+=("FAIL|$name|-|skipped: nodes not up"); FAIL=$((FAIL + 1)); return 1
  fi
  t0=$EPOCHREALTIME
  echo "=== $name" >> "$LOG"
  out=$("$fn" 2>&1); rc=$?
  secs=$(since "$t0")
  printf '%s\n[rc=%s, %s s]\n' "$out" "$rc" "$secs" >> "$LOG"
  detail=$(printf '%s\n' "$out" | grep -v '^\s*$' | tail -1 | cut -c1-72)
  if [ $rc -eq 0 ]; then RESULTS+=("PASS|$name|$secs|$detail"); PASS=$((PASS + 1))
  else RESULTS+=("FAIL|$name|$secs|rc=$rc ${detail}"); FAIL=$((FAIL + 1)); fi
  printf '%-4s %-44s %6s s  %s\n' "$( [ $rc -eq 0 ] && echo PASS || echo FAIL )" "$name" "$secs" "$detail" >&2
  return $rc
}

finish() {
  trap - EXIT INT TERM
  if [ "$KEEP" = 1 ]; then echo "nodes left running (--keep): $LAB status / down / clean" >&2
  else "$LAB" clean >> "$LOG" 2>&1; fi
  rm -rf "$WORK"
  echo
  printf '%-6s %-44s %8s  %s\n' RESULT CHECK SECONDS DETAIL
  local r
  for r in "${RESULTS[@]}"; do
    IFS='|' read -r st name secs detail <<< "$r"
    printf '%-6s %-44s %8s  %s\n' "$st" "$name" "$secs" "$detail"
  done
  echo "total $(since "$T_START") s; log: $LOG"
  echo "$PASS passed, $FAIL failed"
  [ "$FAIL" -eq 0 ] && [ "$PASS" -gt 0 ]
  exit $?
}
trap finish EXIT
trap 'echo interrupted >&2; exit 130' INT TERM

[ "$(id -u)" = 0 ] || { echo "smoke.sh: run as root" >&2; exit 1; }

# ------------------------------------------------------------------------------------------------
c_image() {
  local dir
  "$HERE/build-image.sh" --print-dir >/dev/null && echo "(was cached)" || echo "(building)"
  dir=$("$HERE/build-image.sh") || return 1
  echo "$dir"
}
c_boot() {
  "$LAB" clean || return 1
  "$LAB" up nodea nodeb
}
c_modules() {
  on nodea 'for m in dm_mod dm_thin_pool dm_snapshot drbd target_core_mod target_core_iblock iscsi_target_mod iscsi_tcp; do
              grep -q "^$m " /proc/modules || { echo "module $m not loaded"; exit 1; }; done
            echo "$(uname -r), $(head -1 /proc/drbd)"'
}
c_vg() {
  local n
  for n in nodea nodeb; do
    on "$n" "pvcreate -q /dev/vdb && vgcreate -q $VG /dev/vdb" || return 1
    on "$n" "pvs --noheadings -o pv_name,vg_name,pv_size | grep -E '^\s*/dev/vdb\s+$VG\s'" || return 1
  done
}
c_thin() {
  on nodea "set -e
    lvcreate -q -L 512m -T $VG/ebs-pool
    lvcreate -q -V 1g -T $VG/ebs-pool -n volume-thin
    dd if=/dev/urandom of=/dev/$VG/volume-thin bs=1M count=4 oflag=direct status=none
    lvcreate -q -s -n _snapshot-thin $VG/volume-thin
    lvchange -q -ay -K $VG/_snapshot-thin
    a=\$(dd if=/dev/$VG/volume-thin bs=1M count=4 iflag=direct status=none | md5sum)
    b=\$(dd if=/dev/$VG/_snapshot-thin bs=1M count=4 iflag=direct status=none | md5sum)
    [ \"\$a\" = \"\$b\" ] || { echo 'snapshot differs from its origin'; exit 1; }
    lvs --noheadings --separator , -o lv_name,lv_attr,pool_lv,origin $VG | tr -d ' ' > /tmp/lvs.txt
    cat /tmp/lvs.txt
    grep -q '^ebs-pool,t' /tmp/lvs.txt && grep -q '^volume-thin,V.*,ebs-pool,\$' /tmp/lvs.txt \
      && grep -q '^_snapshot-thin,V.*,ebs-pool,volume-thin\$' /tmp/lvs.txt
    echo \"pool \$(grep ^ebs-pool /tmp/lvs.txt | cut -d, -f2) thin \$(grep ^volume-thin /tmp/lvs.txt | cut -d, -f2) snap \$(grep ^_snapshot /tmp/lvs.txt | cut -d, -f2)\""
}
c_thick() {
  on nodea "set -e
    lvcreate -q -L 128m -n volume-thick $VG
    dd if=/dev/zero of=/dev/$VG/volume-thick bs=1M count=8 oflag=direct status=none
    attr=\$(lvs --noheadings -o lv_attr $VG/volume-thick | tr -d ' ')
    size=\$(lvs --noheadings --units b --nosuffix -o lv_size $VG/volume-thick | tr -d ' ')
    echo \"volume-thick \$attr \$size bytes\"
    case \$attr in -wi-a*) ;; *) exit 1 ;; esac
    [ \"\$size\" = 134217728 ]"
}
c_lio() {
  on nodea "set -e
    t() { targetcli \"\$@\" >/dev/null; }   # targetcli echoes CHAP secrets: keep them out of logs
    t /backstores/block create name=volume-smoke dev=/dev/$VG/volume-thin
    t /iscsi create $IQN
    t /iscsi/$IQN/tpg1/luns create /backstores/block/volume-smoke
    for i in $HOST_INIT $NODEB_INIT; do
      t /iscsi/$IQN/tpg1/acls create \$i
      t /iscsi/$IQN/tpg1/acls/\$i set auth userid=$CHAP_USER password=$CHAP_PASS
    done
    t /iscsi/$IQN/tpg1 set attribute authentication=1 generate_node_acls=0 demo_mode_write_protect=0
    t saveconfig
    targetcli /iscsi/$IQN/tpg1 get attribute authentication | grep -q 'authentication=1' || { echo 'authentication is not 1'; exit 1; }
    targetcli /iscsi/$IQN/tpg1/acls/$HOST_INIT get auth userid | grep -q 'userid=$CHAP_USER' || { echo 'ACL has no CHAP userid'; exit 1; }
    targetcli /iscsi/$IQN/tpg1/luns ls | grep -q '/dev/$VG/volume-thin' || { echo 'LUN not backed by the thin LV'; exit 1; }
    grep -q '\"chap_userid\": \"$CHAP_USER\"' /etc/rtslib-fb-target/saveconfig.json || { echo 'saveconfig.json lacks the ACL'; exit 1; }
    echo 'LUN 0 = /dev/$VG/volume-thin, CHAP on, ACLs host+nodeb, portal 0.0.0.0:3260'"
}
c_iscsi_host() {
  local p out
  p=$("$LAB" port nodea iscsi)
  out=$(iscsi-inq -i "$HOST_INIT" "iscsi://$CHAP_USER%$CHAP_PASS@127.0.0.1:$p/$IQN/0" 2>&1) || { echo "$out"; return 1; }
  echo "$out" | grep -q 'Vendor:LIO-ORG' || { echo "$out"; return 1; }
  if iscsi-inq -i "$HOST_INIT" "iscsi://$CHAP_USER%wrongSecret123@127.0.0.1:$p/$IQN/0" >"$WORK/wrong" 2>&1; then
    echo "a wrong CHAP secret was accepted"; return 1
  fi
  echo "host 127.0.0.1:$p: LIO-ORG seen with CHAP; wrong secret refused ($(grep -o 'Authentication failure([0-9]*)' "$WORK/wrong" | head -1))"
}
c_iscsi_nodeb() {
  local want got
  want=$(on nodea "dd if=/dev/$VG/volume-thin bs=1M count=4 iflag=direct status=none | md5sum | cut -d' ' -f1")
  got=$(on nodeb "set -e
    p=10.99.0.11:3260
    iscsiadm -m discovery -t sendtargets -p \$p >/dev/null
    for kv in node.session.auth.authmethod=CHAP node.session.auth.username=$CHAP_USER node.session.auth.password=$CHAP_PASS; do
      iscsiadm -m node -T $IQN -p \$p --op update -n \${kv%%=*} -v \${kv#*=}
    done
    iscsiadm -m node -T $IQN -p \$p --login >/dev/null
    udevadm settle
    dev=/dev/disk/by-path/ip-\$p-iscsi-$IQN-lun-0
    for i in \$(seq 50); do [ -b \$dev ] && break; sleep 0.2; done
    dd if=\$dev bs=1M count=4 iflag=direct status=none | md5sum | cut -d' ' -f1
    iscsiadm -m node -T $IQN -p \$p --logout >/dev/null
    iscsiadm -m node -T $IQN -p \$p --op delete") || { echo "$got"; return 1; }
  got=$(printf '%s\n' "$got" | tail -1)
  echo "nodeb read the thin LV over iSCSI (CHAP): md5 $got, nodea $want"
  [ -n "$want" ] && [ "$got" = "$want" ]
}
c_java() {
  local out
  out=$(on nodea 'java -version 2>&1') || { echo "$out"; return 1; }
  echo "$out"
  echo "$out" | head -1 | grep -q 'version "17\.'
}
c_host_access() {
  local token port
  token=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
  python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(4)
open(sys.argv[1], "w").write(str(s.getsockname()[1])); s.settimeout(60)
c, _ = s.accept(); c.sendall((sys.argv[2] + "\n").encode()); c.close()' "$WORK/host-port" "$token" \
    </dev/null >"$WORK/host-server.log" 2>&1 &
  local pid=$!
  for _ in $(seq 50); do [ -s "$WORK/host-port" ] && break; sleep 0.1; done
  port=$(cat "$WORK/host-port")
  got=$(on nodea "timeout 10 bash -c 'exec 3<>/dev/tcp/10.0.2.2/$port; head -1 <&3'")
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  echo "nodea -> 10.0.2.2:$port (a server on the host's 127.0.0.1): '$got'"
  [ "$got" = "$token" ]
}
c_backend_fwd() {
  local token p got=
  token=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
  p=$("$LAB" port nodea backend)
  on nodea "nohup timeout 60 python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((\"0.0.0.0\", $BACKEND_PORT)); s.listen(1)
c, _ = s.accept(); c.sendall(b\"$token\\n\"); c.close()' </dev/null >/dev/null 2>&1 &" || return 1
  for _ in $(seq 30); do
    got=$(timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$p && head -1 <&3" 2>/dev/null) || got=
    [ "$got" = "$token" ] && break
    sleep 1
  done
  echo "host 127.0.0.1:$p -> nodea:$BACKEND_PORT: '$got'"
  [ "$got" = "$token" ]
}
c_no_route_out() {
  on nodea '[ -z "$(ip route show default)" ] || { echo "a default route exists"; exit 1; }
            for a in 192.0.2.1 10.0.2.3; do   # an outside address; QEMU DNS relay (host resolver)
              if ip route get $a >/dev/null 2>&1; then echo "$a is routable"; exit 1; fi
            done
            echo "no default route; routes: $(ip -4 route | cut -d" " -f1,3 | tr "\n" " ")"'
}
c_drbd() {
  cat > "$WORK/$RES.res" <<EOF
resource $RES {
    net { protocol C; after-sb-0pri discard-zero-changes; after-sb-1pri discard-secondary; after-sb-2pri disconnect; }
    disk { resync-rate 100M; on-io-error detach; }
    volume 0 {
        device    minor $MINOR;
        disk      /dev/$VG/$RES;
        meta-disk internal;
    }
    on nodea { address 10.99.0.11:$DRBD_PORT; }
    on nodeb { address 10.99.0.12:$DRBD_PORT; }
}
EOF
  local n t0
  for n in nodea nodeb; do
    on "$n" "lvcreate -q -L 64m -n $RES $VG" || return 1
    "$LAB" push "$n" "$WORK/$RES.res" /etc/drbd.d/ || return 1
    on "$n" "drbdadm create-md --force $RES >/dev/null 2>&1 && drbdadm up $RES" || return 1
  done
  on nodea "for i in \$(seq 150); do [ \"\$(drbdadm cstate $RES)\" = Connected ] && exit 0; sleep 0.2; done; drbdadm cstate $RES; exit 1" || return 1
  on nodea "drbdadm primary --force $RES" || return 1
  t0=$EPOCHREALTIME
  on nodea "for i in \$(seq 600); do [ \"\$(drbdadm dstate $RES)\" = UpToDate/UpToDate ] && exit 0; sleep 0.2; done; drbdadm status $RES; exit 1" || return 1
  on nodeb "drbdadm status $RES"
  echo "nodea $(on nodea "drbdadm role $RES; drbdadm dstate $RES" | tr '\n' ' ')over 10.99.0.0/24; initial sync of 64 MiB $(since "$t0") s"
  [ "$(on nodeb "drbdadm dstate $RES")" = UpToDate/UpToDate ]
}
c_drbd_data() {
  local a b
  a=$(on nodea "dd if=/dev/urandom of=/dev/drbd$MINOR bs=1M count=8 oflag=direct status=none && dd if=/dev/drbd$MINOR bs=1M count=8 iflag=direct status=none | md5sum | cut -d' ' -f1") || return 1
  b=$(on nodeb "dd if=/dev/$VG/$RES bs=1M count=8 iflag=direct status=none | md5sum | cut -d' ' -f1") || return 1
  echo "8 MiB written on nodea /dev/drbd$MINOR: md5 $a; nodeb's backing LV: $b"
  echo "$a" > "$WORK/md5-8"
  [ -n "$a" ] && [ "$a" = "$b" ]
}
c_power_cut() {
  local a b t0
  "$LAB" kill -9 nodeb || return 1
  on nodea "for i in \$(seq 150); do [ \"\$(drbdadm cstate $RES)\" != Connected ] && exit 0; sleep 0.2; done; exit 1" || return 1
  echo "nodea after the power cut: $(on nodea "drbdadm cstate $RES; drbdadm dstate $RES" | tr '\n' ' ')"
  a=$(on nodea "dd if=/dev/urandom of=/dev/drbd$MINOR bs=1M seek=8 count=8 oflag=direct status=none && dd if=/dev/drbd$MINOR bs=1M count=16 iflag=direct status=none | md5sum | cut -d' ' -f1") || return 1
  t0=$EPOCHREALTIME
  "$LAB" start nodeb || return 1
  echo "nodeb boot after power cut: $(since "$t0") s"
  echo "nodeb's LV after the reboot, before any vgchange: $(on nodeb "lvs --noheadings -o lv_attr $VG/$RES" | tr -d ' ')"
  on nodeb "vgchange -q -ay $VG >/dev/null && drbdadm up $RES" || return 1
  on nodea "for i in \$(seq 600); do [ \"\$(drbdadm dstate $RES)\" = UpToDate/UpToDate ] && exit 0; sleep 0.2; done; drbdadm status $RES; exit 1" || return 1
  b=$(on nodeb "dd if=/dev/$VG/$RES bs=1M count=16 iflag=direct status=none | md5sum | cut -d' ' -f1") || return 1
  echo "kill -9 + start nodeb: resynced to UpToDate/UpToDate in $(since "$t0") s (boot included); md5 match: $([ "$a" = "$b" ] && echo yes || echo no)"
  [ -n "$a" ] && [ "$a" = "$b" ]
}

check "image build (lab/build-image.sh)" c_image
check "boot nodea+nodeb in parallel" c_boot || ABORT=1
check "kernel modules (dm, thin, drbd, LIO)" c_modules
check "VG $VG on the data disk /dev/vdb" c_vg
check "thin pool + thin LV + thin snapshot" c_thin
check "thick LV" c_thick
check "LIO export of the thin LV with CHAP" c_lio
check "iSCSI from the host via port fwd (CHAP)" c_iscsi_host
check "iSCSI nodeb -> nodea over lab net (CHAP)" c_iscsi_nodeb
check "java -version in a node" c_java
check "node -> host 127.0.0.1 via 10.0.2.2" c_host_access
check "host -> node backend_port forward" c_backend_fwd
check "node has no route out" c_no_route_out
check "DRBD 8.4 nodea<->nodeb UpToDate/UpToDate" c_drbd
check "DRBD replicated bytes equal" c_drbd_data
check "power cut nodeb, start, resync" c_power_cut
