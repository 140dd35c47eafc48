# Installing Debian packages, for every script that does: scripts/lib/services.sh
# (ensure_packages), scripts/control-plane.sh and scripts/glance.sh (their `install`).
# Sourced, not executed. Uses as_root when defined (sudo for a non-root caller), and the
# caller's log and die in apt_install_missing.

APT_POLICY=/usr/sbin/policy-rc.d

if ! declare -F as_root >/dev/null; then
  as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
fi

# dpkg_missing PKG... — prints the packages dpkg does not have installed, one a line.
dpkg_missing() {
  local p
  for p in "$@"; do
    [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == "install ok installed" ]] || echo "$p"
  done
}

# apt_install OUT SERVICE PKG... — apt-get update, then install PKG without recommends, while
# no service may start: a package's postinst would start it (RabbitMQ, MariaDB, Debian's own
# cinder-api or glance-api with the /etc configuration) or fail in a container without
# systemd. /usr/sbin/policy-rc.d denies every start meanwhile, unless the machine's own policy
# already denies SERVICE (Docker images ship one); an existing policy is put back afterwards,
# also when the caller is interrupted. OUT is a file for apt-get's output, or - for the
# terminal (then apt-get runs with -qq). Returns apt-get's exit status.
apt_install() {
  local out=$1 service=$2; shift 2
  local saved=$APT_POLICY.ebs-saved.$$ own_policy=0 rc=0 traps quiet=()
  [[ $out == - ]] && quiet=(-qq)
  if ! { [[ -x $APT_POLICY ]] && { "$APT_POLICY" "$service" start >/dev/null 2>&1; [[ $? -eq 101 ]]; }; }; then
    if [[ -e $APT_POLICY ]]; then as_root cp -p "$APT_POLICY" "$saved"; fi
    printf '#!/bin/sh\n# temporary, %s (scripts/lib/apt.sh)\nexit 101\n' "$0" | as_root tee "$APT_POLICY" >/dev/null
    as_root chmod 755 "$APT_POLICY"
    own_policy=1
    traps=$(trap -p EXIT INT TERM)   # the caller's, put back below
    trap "_apt_restore_policy '$saved'" EXIT
    trap 'exit 130' INT TERM         # run the EXIT trap on a signal too
  fi
  if [[ $out == - ]]; then
    _apt_get "${quiet[@]}" -- "$@" || rc=$?
  else
    _apt_get -- "$@" >"$out" 2>&1 || rc=$?
  fi
  if (( own_policy )); then
    _apt_restore_policy "$saved"
    trap - EXIT INT TERM
    eval "$traps"
  fi
  return $rc
}

_apt_get() {  # _apt_get [APT-OPTION...] -- PKG...
  local opts=()
  while [[ $1 != -- ]]; do opts+=("$1"); shift; done
  shift
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 "${opts[@]}" update &&
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -y -o DPkg::Lock::Timeout=900 "${opts[@]}" \
      --no-install-recommends install "$@"
}

_apt_restore_policy() {
  if [[ -e $1 ]]; then as_root mv -f "$1" "$APT_POLICY"; else as_root rm -f "$APT_POLICY"; fi
}

# apt_install_missing SERVICE LOGDIR PKG... — the `install` command of control-plane.sh and
# glance.sh: installs those of PKG that are missing (root only), apt-get's output in
# LOGDIR/apt-install.log, and says so through the caller's log; dies through the caller's die.
apt_install_missing() {
  local service=$1 logdir=$2; shift 2
  local missing; missing=$(dpkg_missing "$@" | xargs)
  if [[ -z $missing ]]; then log "install: all packages present"; return 0; fi
  [[ $(id -u) -eq 0 ]] || die "install (apt-get) needs root"
  mkdir -p "$logdir"
  local out=$logdir/apt-install.log t0=$SECONDS rc=0
  log "install: $missing (log: $out)"
  # shellcheck disable=SC2086 # one word a package
  apt_install "$out" "$service" $missing || rc=$?
  if (( rc != 0 )); then
    tail -25 "$out" >&2
    die "apt-get failed (exit $rc); full log: $out"
  fi
  missing=$(dpkg_missing "$@" | xargs)
  [[ -z $missing ]] || die "still missing after apt-get: $missing (log: $out)"
  log "install: done in $((SECONDS - t0)) s"
}
