#!/usr/bin/env bash
# Runs a REAL OpenStack Glance image API (Debian 12's glance-api, glance 2:25.x) on
# 127.0.0.1:9292 for the image <-> volume tests: no Keystone (paste flavor without auth, so
# every request is an admin request and X-Auth-Token is ignored), the file store under
# $EBS_GLANCE_DIR/images and a sqlite database. Loopback only. Run as root for `install`.
#
#   scripts/glance.sh install     apt-get what is missing (no service starts); log in $DIR/log
#   scripts/glance.sh start       write the config, db_sync, start glance-api, wait for /versions
#   scripts/glance.sh stop        stop the glance-api this script started
#   scripts/glance.sh status      exit 0 when the glance-api this script started answers
#
# start is idempotent: a glance-api already started by this script with the same config is
# left alone; one with an older config is restarted. Concurrent callers (parallel test JVMs)
# are serialised with a lock file.
#
# Settings: EBS_GLANCE_DIR (default /tmp/ebs-glance), EBS_GLANCE_PORT (9292),
# EBS_GLANCE_WAIT (seconds to wait for readiness, 90).
#
# Debian 12 notes (glance 2:25.1.0-2+deb12u5): unlike cinder (see the harness's notifier bug),
# glance-api needed no patch: it runs as the eventlet console script, notifications are off
# (driver = noop), `glance-manage db_sync` works on sqlite, and the paste flavor left empty
# selects the keystone-less pipeline. Glance computes virtual_size on upload for the formats it
# knows (not for disk_format ami), and accepts a qcow2 with a backing file: the refusal is
# Cinder's (and ours) when such an image is written to a volume.
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
. "$ROOT/scripts/lib/services.sh"      # as_root, listening, apt_install_missing (lib/apt.sh)

DIR=${EBS_GLANCE_DIR:-/tmp/ebs-glance}
PORT=${EBS_GLANCE_PORT:-9292}
WAIT=${EBS_GLANCE_WAIT:-90}
ETC=$DIR/etc; LOG=$DIR/log; RUN=$DIR/run; IMAGES=$DIR/images; STATE=$DIR/state
CONF=$ETC/glance-api.conf
URL=http://127.0.0.1:$PORT

PACKAGES=(glance-api glance-common python3-glance curl)

# A caller's PATH (pyenv shims, a JDK's bin) must not shadow Debian's tools.
export PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH
unset PYTHONPATH PYTHONHOME || true
export PYTHONDONTWRITEBYTECODE=1

log() { printf '%s [glance] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { printf '%s [glance] ERROR: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; exit 1; }

pid_of() { [[ -s $RUN/glance-api.pid ]] && cat "$RUN/glance-api.pid" || true; }
alive() { local pid; pid=$(pid_of); [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; }
answers() { [[ $(curl -s -o /dev/null --max-time 5 -w '%{http_code}' "$URL/versions") == 200 ]]; }

take_lock() {
    mkdir -p "$DIR"
    exec 9>"$DIR/.glance.lock"
    flock -w 600 9 || die "another glance.sh holds $DIR/.glance.lock"
}

# ---------------------------------------------------------------------------------------------
# install
# ---------------------------------------------------------------------------------------------
missing_packages() { dpkg_missing "${PACKAGES[@]}"; }

cmd_install() {
    # glance-api's postinst would start Debian's own glance-api on 0.0.0.0:9292 with
    # /etc/glance: apt_install denies service starts while apt runs.
    apt_install_missing glance-api "$LOG" "${PACKAGES[@]}"
}

# ---------------------------------------------------------------------------------------------
# config
# ---------------------------------------------------------------------------------------------
write_if_changed() {  # write_if_changed FILE < content ; keeps the file when nothing changed
    local tmp=$1.new
    cat >"$tmp"
    if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv -f "$tmp" "$1"; fi
}

write_config() {
    mkdir -p "$ETC" "$LOG" "$RUN" "$IMAGES" "$STATE/staging"
    # Debian's paste file: the plain `glance-api` pipeline (flavor empty) has no keystone
    # middleware, only `unauthenticated-context`, which makes every request an admin request.
    write_if_changed "$ETC/glance-api-paste.ini" </etc/glance/glance-api-paste.ini
    write_if_changed "$CONF" <<EOF
# Written by scripts/glance.sh on every start; edits are lost.
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $PORT
# 0: serve from the launching process itself, no forked workers to chase at stop.
workers = 0
debug = true
log_file = $LOG/glance-api.log
# Upload to a file store; the image import workflow (staging) is not used by the tests.
node_staging_uri = file://$STATE/staging
enabled_import_methods = []
image_size_cap = 10737418240

[database]
connection = sqlite:///$STATE/glance.sqlite

[paste_deploy]
config_file = $ETC/glance-api-paste.ini
flavor =

[glance_store]
stores = file
default_store = file
filesystem_store_datadir = $IMAGES

[oslo_messaging_notifications]
driver = noop

[oslo_concurrency]
lock_path = $STATE/lock

[oslo_policy]
enforce_new_defaults = false
enforce_scope = false
EOF
}

# ---------------------------------------------------------------------------------------------
# start / stop / status
# ---------------------------------------------------------------------------------------------
stop_glance() {
    local pid i; pid=$(pid_of)
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
        log "glance-api: stopping (pid $pid)"
        # Started with setsid: the pid is its own process group.
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
        for i in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
        if kill -0 "$pid" 2>/dev/null; then
            log "glance-api: still running after 30 s; SIGKILL"
            kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$RUN/glance-api.pid" "$RUN/glance-api.conf"
}

db_sync() {
    local t0=$SECONDS
    (cd "$STATE" && timeout 300 glance-manage --config-file "$CONF" db_sync >"$LOG/db-sync.out" 2>&1) \
        || die "glance-manage db_sync failed; see $LOG/db-sync.out"
    log "database: glance-manage db_sync done ($((SECONDS - t0)) s)"
}

cmd_start() {
    local t0=$SECONDS
    [[ -z $(missing_packages) ]] || cmd_install
    take_lock
    write_config
    if alive; then
        if cmp -s "$CONF" "$RUN/glance-api.conf" && answers; then
            log "glance-api: running (pid $(pid_of)), answering on $URL"
            return 0
        fi
        log "glance-api: config changed or not answering; restarting it"
        stop_glance
    fi
    listening "$PORT" && die "127.0.0.1:$PORT is taken by a process this script did not start (Debian's own glance-api? see ss -ltnp)"
    [[ -s $STATE/glance.sqlite ]] || db_sync
    log "glance-api: starting on $URL (log: $LOG/glance-api.log)"
    cp "$CONF" "$RUN/glance-api.conf"
    # 9>&-: the service must not inherit this script's lock (a later flock would wait forever).
    (cd "$STATE" && exec 9>&- && exec setsid glance-api --config-file "$CONF" \
        </dev/null >>"$LOG/glance-api.stdout" 2>&1) &
    echo $! >"$RUN/glance-api.pid"
    local i
    for i in $(seq 1 "$WAIT"); do
        answers && { log "glance-api: answering on $URL/versions (after $((SECONDS - t0)) s)"; return 0; }
        alive || die "glance-api exited: $(tail -5 "$LOG/glance-api.stdout" 2>/dev/null); see $LOG/glance-api.log"
        sleep 1
    done
    die "glance-api did not answer $URL/versions in $WAIT s; see $LOG/glance-api.log"
}

cmd_stop() {
    [[ -d $RUN ]] || { log "nothing to stop ($RUN does not exist)"; return 0; }
    take_lock
    stop_glance
    log "stopped"
}

cmd_status() {
    if alive; then echo "glance-api: running (pid $(pid_of))"; else echo "glance-api: not running"; return 1; fi
    if answers; then echo "glance-api: answering on $URL/versions"; else echo "glance-api: not answering"; return 1; fi
}

case ${1:-} in
    install) shift; cmd_install "$@" ;;
    start)   shift; cmd_start "$@" ;;
    stop)    shift; cmd_stop "$@" ;;
    status)  shift; cmd_status ;;
    *) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
