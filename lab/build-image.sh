#!/bin/bash
# lab/build-image.sh: builds (once, then cached) the Debian 12 guest image in which real LVM
# (device-mapper, thin pools, snapshots), DRBD 8.4 and LIO run for ebs-volume's lab tests.
#
#   lab/build-image.sh              build unless the cached image is current; prints its directory
#   lab/build-image.sh --print-dir  only print the image directory this recipe maps to (no build);
#                                   exit 1 when that image is not built yet
#   lab/build-image.sh --rebuild    build even when the cache is current
#
# Cache: $EBS_LAB_CACHE (default /var/cache/ebs-lab) / img-<key>/ where <key> is a hash of this
# script, guest/ and the package list, so a changed recipe builds a new image; older img-*
# directories are removed after a successful build. Each image directory holds
#   rootfs.img         raw ext4 root filesystem (sparse; 3 GiB apparent, ~1 GiB used)
#   vmlinuz initrd.img the guest's Debian kernel (linux-image-cloud-amd64: dm-mod, dm-thin-pool,
#                      dm-snapshot, drbd 8.4 in-tree, target_core_*, iscsi_target_mod, iscsi_tcp)
#   id_ed25519[.pub]   the key lab.sh uses for root@node (baked into this image only)
#   KEY                the cache key
# Concurrent callers (two test JVMs) serialise on $EBS_LAB_CACHE/.lock.
#
# Also installs the host tools the lab needs when they are missing: qemu-system-x86, qemu-utils,
# debootstrap, e2fsprogs, openssh-client, iproute2, libiscsi-bin (Debian packages, apt-get).
# Needs root and a Debian 12 host whose apt reaches the Debian archive (its mirror is reused).
#
# Environment: EBS_LAB_CACHE, EBS_LAB_SUITE (bookworm), EBS_LAB_MIRROR (default: the mirror apt
# uses for the suite), EBS_LAB_EXTRA_PACKAGES ("pkg ..." more guest packages; part of the key).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${EBS_LAB_CACHE:-/var/cache/ebs-lab}
SUITE=${EBS_LAB_SUITE:-bookworm}
# shellcheck disable=SC2206
EXTRA_PKGS=(${EBS_LAB_EXTRA_PACKAGES:-})
# Guest packages: the storage stack the worker drives, the JRE it runs on, what the guest agent
# and the tests use (iproute2, kmod, procps, python3 via targetcli-fb), dbus (without the system
# bus every targetcli call dies with "g-io-error-quark: Could not connect"), sudo (a root helper),
# logrotate (every Debian server has it; the ebs-volume package's rotation is tested with it).
GUEST_PKGS=(
  linux-image-cloud-amd64 systemd-sysv udev dbus kmod iproute2 iputils-ping procps psmisc
  e2fsprogs util-linux less strace sudo openssh-server logrotate
  lvm2 thin-provisioning-tools drbd-utils targetcli-fb open-iscsi tgt libiscsi-bin sg3-utils qemu-utils
  openjdk-17-jre-headless
  "${EXTRA_PKGS[@]}"
)
HOST_TOOLS=(qemu-system-x86_64:qemu-system-x86 qemu-img:qemu-utils debootstrap:debootstrap
            mkfs.ext4:e2fsprogs ssh:openssh-client scp:openssh-client ssh-keygen:openssh-client
            ip:iproute2 iscsi-inq:libiscsi-bin)

log() { echo "[build-image $(date +%T)] $*" >&2; }

cache_key() {
  { cat "$HERE/build-image.sh"; for f in "$HERE"/guest/*; do echo "== ${f##*/}"; cat "$f"; done
    echo "$SUITE ${GUEST_PKGS[*]}"; } | sha256sum | cut -c1-16
}
KEY=$(cache_key)
IMG="$CACHE/img-$KEY"
image_ok() { [ -f "$IMG/KEY" ] && [ -f "$IMG/rootfs.img" ] && [ -f "$IMG/vmlinuz" ] && [ -f "$IMG/initrd.img" ] && [ -f "$IMG/id_ed25519" ]; }

MODE=build
case "${1:-}" in
  --print-dir) echo "$IMG"; image_ok; exit $? ;;
  --rebuild) MODE=rebuild ;;
  "") ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
esac

[ "$(id -u)" = 0 ] || { echo "build-image.sh: must run as root" >&2; exit 1; }

# Host tools (also on a machine whose image cache survived but whose packages did not).
need=()
for pair in "${HOST_TOOLS[@]}"; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || need+=("${pair#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
  log "installing host packages: ${need[*]}"
  apt-get -o DPkg::Lock::Timeout=900 update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=900 --no-install-recommends \
    install "${need[@]}" >/dev/null
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock -w 1800 9 || { echo "build-image.sh: another build holds $CACHE/.lock" >&2; exit 1; }

if [ "$MODE" = build ] && image_ok; then
  log "image is current: $IMG"
  echo "$IMG"
  exit 0
fi

MIRROR=${EBS_LAB_MIRROR:-$(apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(TARGET_OF)' 2>/dev/null \
  | awk -v s="$SUITE" '$2 == s && $3 == "deb" { sub(/\/$/, "", $1); print $1; exit }')}
[ -n "$MIRROR" ] || { echo "build-image.sh: no Debian mirror for $SUITE in apt's sources (set EBS_LAB_MIRROR)" >&2; exit 1; }

BUILD="$CACHE/build-$KEY"
ROOT="$BUILD/rootfs"
cleanup() { umount "$ROOT/proc" 2>/dev/null || true; }
trap cleanup EXIT
cleanup; rm -rf "$BUILD"; mkdir -p "$BUILD"
T0=$(date +%s)
log "debootstrap $SUITE from $MIRROR (${#GUEST_PKGS[@]} packages) -> $IMG"
if ! debootstrap --variant=minbase --include="$(IFS=,; echo "${GUEST_PKGS[*]}")" \
     "$SUITE" "$ROOT" "$MIRROR" >"$BUILD/debootstrap.log" 2>&1; then
  tail -30 "$BUILD/debootstrap.log" >&2
  exit 1
fi
T1=$(date +%s); log "debootstrap: $((T1 - T0)) s"

in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }

# --- guest configuration -----------------------------------------------------------------------
install -m 0755 "$HERE/guest/ebs-lab-agent" "$ROOT/usr/local/sbin/ebs-lab-agent"
install -m 0644 "$HERE"/guest/*.service "$ROOT/etc/systemd/system/"
in_root systemctl enable ebs-lab-agent.service ebs-lab-ready.service ebs-lab-lifetime.service >/dev/null 2>&1

echo '/dev/vda  /  ext4  defaults,noatime  0  1' > "$ROOT/etc/fstab"
{ echo "127.0.0.1   localhost"
  echo "10.0.2.2    lab-host"          # the host's 127.0.0.1 as a node sees it (QEMU user net)
  i=1; for l in a b c d e f g h; do echo "10.99.0.$((10 + i))  node$l"; i=$((i + 1)); done
} > "$ROOT/etc/hosts"
echo nodea > "$ROOT/etc/hostname"
# No nameserver: a node resolves only /etc/hosts and never sends a DNS query anywhere.
: > "$ROOT/etc/resolv.conf"

# root: no password on the serial console (debugging a stuck boot), key-only over SSH.
in_root passwd -d root >/dev/null
mkdir -p "$ROOT/etc/systemd/system/serial-getty@ttyS0.service.d"
printf '[Service]\nExecStart=\nExecStart=-/sbin/agetty --autologin root --noclear --keep-baud 115200 %%I vt220\n' \
  > "$ROOT/etc/systemd/system/serial-getty@ttyS0.service.d/autologin.conf"
ssh-keygen -q -t ed25519 -N '' -C ebs-lab -f "$BUILD/id_ed25519"
install -d -m 0700 "$ROOT/root/.ssh"
install -m 0600 "$BUILD/id_ed25519.pub" "$ROOT/root/.ssh/authorized_keys"
printf 'PermitRootLogin prohibit-password\nPasswordAuthentication no\nUseDNS no\nMaxStartups 50:30:100\nMaxSessions 100\n' \
  > "$ROOT/etc/ssh/sshd_config.d/ebs-lab.conf"
# The host keys openssh-server made in the chroot are shared by all nodes (lab.sh does not check
# them): generating RSA keys at every first boot costs seconds under TCG.

# Nothing periodic, nothing that waits for a network. tgtd would take port 3260 from LIO and
# drbd.service would bring resources up at boot: the worker (or the test) decides both.
in_root systemctl mask apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer \
  fstrim.timer e2scrub_reap.service systemd-networkd-wait-online.service >/dev/null 2>&1 || true
in_root systemctl disable tgt.service drbd.service >/dev/null 2>&1 || true
[ -f "$ROOT/etc/drbd.d/global_common.conf" ] && sed -i 's/^\(\s*\)usage-count\s.*/\1usage-count no;/' "$ROOT/etc/drbd.d/global_common.conf"
# Load the storage modules at boot. Keep drbd's minor_count at its default: DRBD 8.4
# preallocates 1 MiB per counted minor, and any minor number works anyway.
printf '%s\n' dm_mod dm_thin_pool dm_snapshot drbd target_core_mod target_core_iblock \
  iscsi_target_mod iscsi_tcp > "$ROOT/etc/modules-load.d/ebs-lab.conf"
mkdir -p "$ROOT/etc/systemd/journald.conf.d"
printf '[Journal]\nStorage=volatile\nRuntimeMaxUse=16M\n' > "$ROOT/etc/systemd/journald.conf.d/ebs-lab.conf"

# Small initramfs: only what finds /dev/vda.
sed -i 's/^MODULES=.*/MODULES=list/' "$ROOT/etc/initramfs-tools/initramfs.conf"
printf '%s\n' virtio_pci virtio_blk virtio_net ext4 > "$ROOT/etc/initramfs-tools/modules"
mount -t proc proc "$ROOT/proc"
in_root update-initramfs -u -k all >"$BUILD/initramfs.log" 2>&1 || { tail -20 "$BUILD/initramfs.log" >&2; exit 1; }
umount "$ROOT/proc"

# Slim down; an empty machine-id makes systemd generate one per node at first boot.
rm -rf "$ROOT"/usr/share/doc/* "$ROOT"/usr/share/man/* "$ROOT"/usr/share/info/* \
       "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/lib/apt/lists/*_Packages
find "$ROOT/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name 'en*' ! -name locale.alias -exec rm -rf {} +
: > "$ROOT/etc/machine-id"; rm -f "$ROOT/var/lib/dbus/machine-id"
in_root dpkg-query -W -f '${Package} ${Version}\n' > "$BUILD/packages.txt"

# --- disk image: mkfs.ext4 -d copies the tree, no loop device or mount needed ----------------
cp "$ROOT"/boot/vmlinuz-* "$BUILD/vmlinuz"
cp "$ROOT"/boot/initrd.img-* "$BUILD/initrd.img"
mkfs.ext4 -q -F -L ebslab-root -E lazy_itable_init=1 -d "$ROOT" "$BUILD/rootfs.img" 3G >&2
rm -rf "$ROOT"
echo "$KEY" > "$BUILD/KEY"
T2=$(date +%s); log "configure + initramfs + mkfs: $((T2 - T1)) s"

rm -rf "$IMG"; mv "$BUILD" "$IMG"
for old in "$CACHE"/img-* "$CACHE"/build-*; do
  [ "$old" = "$IMG" ] || [ ! -d "$old" ] || { log "removing old $old"; rm -rf "$old"; }
done
log "image ready: $IMG ($(du -sh "$IMG/rootfs.img" | cut -f1) used); total $((T2 - T0)) s"
echo "$IMG"
