#!/bin/bash
# lab/record-ebs-lio.sh: records what bin/ebs-lio answers on a real kernel (LIO, configfs,
# rtslib-fb 2.1.75) for the scenario LioTargetTest replays, into
# drivers/src/test/resources/org/ebsvolume/drivers/target/lio/ (see the README there).
#
#   lab/record-ebs-lio.sh [--keep]      as root; boots nodea in its own lab, ~2 min
#
# Each call is saved as <name>.out (stdout), <name>.err (stderr) and <name>.rc (exit status).
# After the scenario, a kernel initiator on the node logs in to the export with the recorded CHAP
# credentials and reads a block: the answers are of an export that works.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
LAB="$HERE/lab.sh"
export EBS_LAB_RUN=${EBS_LAB_RUN:-/tmp/ebs-lab-record-lio}
export EBS_LAB_PORT_BASE=${EBS_LAB_PORT_BASE:-24700}
OUT="$ROOT/drivers/src/test/resources/org/ebsvolume/drivers/target/lio"
KEEP=0; [ "${1:-}" = --keep ] && KEEP=1

VOLUME_ID=5b4c4b0e-3f6a-4c41-9d7e-2a1f6f0c9a11
NAME=volume-$VOLUME_ID
IQN=iqn.2010-10.org.openstack:$NAME
VG=ebsvg
DEV=/dev/$VG/$NAME
INITIATOR=iqn.1993-08.org.debian:01:8f5b2c3d9e1a
CHAP='{"userid": "Zq8kR3mNwX5tP2aVbC7d", "password": "h7KxQ2mPz9RtVw4N"}'
NODE=nodea

cleanup() { [ "$KEEP" = 1 ] || "$LAB" clean >/dev/null 2>&1 || true; }
trap cleanup EXIT

on() { "$LAB" exec "$NODE" "$@"; }

# record NAME [STDIN] -- ARGS...: one ebs-lio call on the node.
record() {
  local name=$1 input=$2; shift 3
  local rc=0 t0=$EPOCHREALTIME
  printf '%s' "$input" | "$LAB" ssh "$NODE" "$(printf '%q ' /usr/bin/ebs-lio "$@")" >"$OUT/$name.out" 2>"$OUT/$name.err" || rc=$?
  echo "$rc" >"$OUT/$name.rc"
  printf '%-28s rc=%s %5.1f s (ssh included)  %s\n' "$name" "$rc" "$(awk -v a="$EPOCHREALTIME" -v b="$t0" 'BEGIN { print a - b }')" \
    "$(cat "$OUT/$name.err" | head -c 120 | tr '\n' ' ')"
}

mkdir -p "$OUT"
"$LAB" up "$NODE"
"$LAB" push "$NODE" "$ROOT/bin/ebs-lio" /usr/bin/ebs-lio
on chmod 0755 /usr/bin/ebs-lio
# The two portal addresses of the scenario must exist on the node for LIO to bind them.
on ip addr add 192.0.2.10/32 dev lo
on ip addr add 192.0.2.11/32 dev lo
on bash -c 'vgs "$1" >/dev/null 2>&1 || vgcreate -q "$1" /dev/vdb; lvcreate -q -y -L 64m -n "$2" "$1"' vg "$VG" "$NAME"
on targetcli clearconfig confirm=True >/dev/null

record state-before-export "" -- state "$IQN"
record create "" -- create "$IQN" "$DEV" 3260 192.0.2.10 192.0.2.11
record create-again "" -- create "$IQN" "$DEV" 3260 192.0.2.10 192.0.2.11
record add-initiator "$CHAP" -- add-initiator "$IQN" "$INITIATOR"
record add-initiator-again "$CHAP" -- add-initiator "$IQN" "${INITIATOR^^}"
record state-attached "" -- state "$IQN"

# The export works: the node's own initiator logs in with the volume's CHAP credentials.
on bash -c 'echo "InitiatorName=$1" > /etc/iscsi/initiatorname.iscsi; systemctl restart iscsid' init "$INITIATOR"
on iscsiadm -m discovery -t sendtargets -p 192.0.2.10:3260 >/dev/null
on iscsiadm -m node -T "$IQN" -p 192.0.2.10:3260 -o update -n node.session.auth.authmethod -v CHAP
on iscsiadm -m node -T "$IQN" -p 192.0.2.10:3260 -o update -n node.session.auth.username -v Zq8kR3mNwX5tP2aVbC7d
on iscsiadm -m node -T "$IQN" -p 192.0.2.10:3260 -o update -n node.session.auth.password -v h7KxQ2mPz9RtVw4N
on iscsiadm -m node -T "$IQN" -p 192.0.2.10:3260 --login >/dev/null
sleep 2
on bash -c 'dev=$(ls /dev/disk/by-path/*"$1"-lun-0); dd if="$dev" bs=4096 count=1 iflag=direct status=none | wc -c' read "$IQN"
on iscsiadm -m node -T "$IQN" -p 192.0.2.10:3260 --logout >/dev/null
echo "login with CHAP and read: ok"

record remove-initiator "" -- remove-initiator "$IQN" "$INITIATOR"
record remove-initiator-again "" -- remove-initiator "$IQN" "$INITIATOR"
record delete "" -- delete "$IQN"
record delete-again "" -- delete "$IQN"
record add-initiator-no-target "$CHAP" -- add-initiator "$IQN" "$INITIATOR"

# Half an export (a crash after the backstore): create removes it and makes the whole again.
on targetcli /backstores/block create "name=$IQN" "dev=$DEV" >/dev/null
record state-half-made "" -- state "$IQN"
record create-over-half-made "" -- create "$IQN" "$DEV" 3260 192.0.2.10 192.0.2.11
record delete-after-half-made "" -- delete "$IQN"

# A portal LIO cannot bind (sshd listens on the port) fails after the backstore and the target
# were made: they are removed again.
record create-portal-in-use "" -- create "$IQN" "$DEV" 22 192.0.2.10
record state-after-failed-create "" -- state "$IQN"

# A save that fails (the directory is immutable): the change stands, the answer says so.
record create-for-save-failure "" -- create "$IQN" "$DEV" 3260 192.0.2.10 192.0.2.11
on chattr +i /etc/rtslib-fb-target
record add-initiator-save-failed "$CHAP" -- add-initiator "$IQN" "$INITIATOR"
on chattr -i /etc/rtslib-fb-target
record delete-after-save-failure "" -- delete "$IQN"

# Bad values never reach configfs.
record refused-initiator "$CHAP" -- add-initiator "$IQN" "iqn.1993-08.org.debian:01:x generate_node_acls=1"
record refused-chap "not json" -- add-initiator "$IQN" "$INITIATOR"
echo "recorded into $OUT"
