#!/usr/bin/env bash
# Runs the REAL OpenStack Cinder control plane (Debian 12's cinder-api and cinder-scheduler,
# cinder 2:21.3.1) against a local RabbitMQ and MariaDB, without Keystone (auth_strategy =
# noauth), so that ebs-volume (the Java cinder-volume) can be driven end to end by the real
# `cinder` / `openstack` CLIs. Loopback only. Run as root (apt-get, MariaDB, RabbitMQ).
#
#   scripts/control-plane.sh install                  apt-get what is missing (no service starts)
#   scripts/control-plane.sh start [--reset-db] [--with-python-volume]
#   scripts/control-plane.sh stop [--cinder-only]     stop what this script started
#   scripts/control-plane.sh status                   exit 0 when api + scheduler run and answer
#   scripts/control-plane.sh env                      print the noauth CLI exports (eval-able)
#
# start: installs missing packages, starts RabbitMQ (127.0.0.1:5672) and MariaDB
# (127.0.0.1:3306) only if nothing listens there, creates DB `cinder` and user cinder/cinder,
# writes $EBS_CINDER_DIR/etc/cinder.conf, runs `cinder-manage db sync` (the real schema),
# starts cinder-api (127.0.0.1:8776) and cinder-scheduler and waits until the API answers and
# the scheduler is `up`. Idempotent: what runs with the same configuration is left alone;
# cinder services running with a different cinder.conf are restarted. A Python cinder-volume
# runs only with --with-python-volume (a plain `start` stops one left from an earlier start:
# it would consume the Java worker's queues). --reset-db drops the cinder DB first.
#
# Settings: EBS_CINDER_* environment variables, see scripts/control-plane/README.md.
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
SUPPORT=$ROOT/scripts/control-plane
. "$ROOT/scripts/lib/apt.sh"          # apt_install_missing, dpkg_missing

DIR=${EBS_CINDER_DIR:-/tmp/ebs-cinder}
CINDER_HOST=${EBS_CINDER_HOST:-hci-0001}
BACKEND=${EBS_CINDER_BACKEND:-EBS}
BACKEND_NAME=${EBS_CINDER_BACKEND_NAME:-ebs}
API_PORT=${EBS_CINDER_API_PORT:-8776}
DB_NAME=${EBS_CINDER_DB_NAME:-cinder}
DB_USER=${EBS_CINDER_DB_USER:-cinder}
DB_PASS=${EBS_CINDER_DB_PASS:-cinder}
TRANSPORT_URL=${EBS_CINDER_TRANSPORT_URL:-rabbit://guest:guest@127.0.0.1:5672/}
PROJECT_ID=${EBS_CINDER_PROJECT_ID:-0123456789abcdef0123456789abcdef}  # hex: project_id_regex
USER_ID=${EBS_CINDER_USER_ID:-admin}
API_VERSION=${EBS_CINDER_API_VERSION:-3.70}                  # cinder 21 and cinderclient 9 max
SERVICE_DOWN_TIME=${EBS_CINDER_SERVICE_DOWN_TIME:-60}        # cinder default
REPORT_INTERVAL=${EBS_CINDER_REPORT_INTERVAL:-10}            # cinder default
# scheduler_driver_init_wait_time: the scheduler waits this long (cinder: 60 s) for a first
# capability report before its heartbeat timer even starts (first beat report_interval later),
# while its row only carries its start time. Default: short enough that the first beat lands
# before service_down_time runs out, so the scheduler never shows `down` when no volume
# service has reported yet (with cinder's 60/10/60 it is `down` from 60 s to ~71 s).
SCHED_INIT_WAIT=${EBS_CINDER_SCHEDULER_INIT_WAIT:-$(( SERVICE_DOWN_TIME - 2 * REPORT_INTERVAL < 60 ? SERVICE_DOWN_TIME - 2 * REPORT_INTERVAL : 60 ))}
NOTIFICATIONS=${EBS_CINDER_NOTIFICATIONS:-noop}              # noop | messagingv2 | log
DEBUG=${EBS_CINDER_DEBUG:-true}
BACKEND_CONF=${EBS_CINDER_BACKEND_CONF:-}                    # file appended to [$BACKEND]
EXTRA_CONF=${EBS_CINDER_EXTRA_CONF:-}                        # file appended to cinder.conf
PY_VOLUME_DRIVER=${EBS_CINDER_PY_VOLUME_DRIVER:-ebs_fake_driver.FakeDriver}
WAIT=${EBS_CINDER_WAIT:-120}                                 # seconds per readiness wait
MYSQL_ADMIN=${EBS_CINDER_MYSQL_ADMIN:-mysql --protocol=socket -uroot}
export EBS_CINDER_FIX_NOTIFIER_CONTEXT=${EBS_CINDER_FIX_NOTIFIER_CONTEXT:-1}  # read by cinder_service.py

ETC=$DIR/etc; LOG=$DIR/log; RUN=$DIR/run; STATE=$DIR/state; LOCKS=$DIR/lock
CONF=$ETC/cinder.conf
PY=/usr/bin/python3          # Debian's interpreter: the OpenStack libraries are in its dist-packages
API=http://127.0.0.1:$API_PORT

PACKAGES=(cinder-api cinder-scheduler cinder-common python3-cinderclient python3-openstackclient
          python3-pymysql mariadb-server mariadb-client rabbitmq-server curl)

# A caller's PATH (pyenv shims, a JDK's bin) must not shadow Debian's tools.
export PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH
unset PYTHONPATH PYTHONHOME || true
export PYTHONDONTWRITEBYTECODE=1

log() { printf '%s [control-plane] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { printf '%s [control-plane] ERROR: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; exit 1; }
need_root() { [[ $(id -u) -eq 0 ]] || die "$1 needs root"; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pid_of() { [[ -s $RUN/$1.pid ]] && cat "$RUN/$1.pid" || true; }
alive() { local pid; pid=$(pid_of "$1"); [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; }

wait_until() {  # wait_until SECONDS WHAT CMD... ; quiet, logs the time it took
    local limit=$1 what=$2 t0=$SECONDS; shift 2
    until "$@" >/dev/null 2>&1; do
        (( SECONDS - t0 < limit )) || return 1
        sleep 1
    done
    log "$what (after $((SECONDS - t0)) s)"
}

take_lock() {  # serialise install/start/stop (parallel test JVMs, a user's shell)
    mkdir -p "$DIR"
    exec 9>"$DIR/.control-plane.lock"
    flock -w 900 9 || die "another control-plane.sh holds $DIR/.control-plane.lock"
}

cli_env() {
    cat <<EOF
export OS_AUTH_TYPE=noauth
export OS_ENDPOINT=$API/v3
export CINDER_ENDPOINT=$API/v3
export OS_USER_ID=$USER_ID
export OS_PROJECT_ID=$PROJECT_ID
export OS_VOLUME_API_VERSION=$API_VERSION
unset OS_AUTH_URL OS_USERNAME OS_PASSWORD OS_PROJECT_NAME OS_TOKEN OS_CLOUD
EOF
}

# ---------------------------------------------------------------------------------------------
# install
# ---------------------------------------------------------------------------------------------
missing_packages() { dpkg_missing "${PACKAGES[@]}"; }

cmd_install() {
    # Postinst scripts would start RabbitMQ, MariaDB and a uwsgi cinder-api on 8776 with
    # /etc/cinder/cinder.conf: apt_install denies service starts while apt runs.
    apt_install_missing cinder-api "$LOG" "${PACKAGES[@]}"
}

# ---------------------------------------------------------------------------------------------
# cinder.conf
# ---------------------------------------------------------------------------------------------
write_if_changed() {  # write_if_changed FILE < content ; keeps mtime when nothing changed
    local tmp=$1.new
    cat >"$tmp"
    if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv -f "$tmp" "$1"; fi
}

write_config() {
    mkdir -p "$ETC" "$LOG" "$RUN" "$STATE" "$LOCKS"
    # cinder-volume/-scheduler silently raise their own service_down_time to 2.5 x
    # report_interval when it is not larger, but cinder-api keeps the configured value and
    # would then judge every service `down` between heartbeats.
    (( SERVICE_DOWN_TIME > REPORT_INTERVAL )) \
        || die "EBS_CINDER_SERVICE_DOWN_TIME ($SERVICE_DOWN_TIME) must be larger than EBS_CINDER_REPORT_INTERVAL ($REPORT_INTERVAL)"
    (( SCHED_INIT_WAIT >= 1 )) || die "scheduler_driver_init_wait_time would be $SCHED_INIT_WAIT; set EBS_CINDER_SCHEDULER_INIT_WAIT or a larger EBS_CINDER_SERVICE_DOWN_TIME"
    (( SCHED_INIT_WAIT + REPORT_INTERVAL < SERVICE_DOWN_TIME )) \
        || log "warning: scheduler_driver_init_wait_time $SCHED_INIT_WAIT + report_interval $REPORT_INTERVAL >= service_down_time $SERVICE_DOWN_TIME: the scheduler shows 'down' for a while when no volume service reports"
    [[ -z $BACKEND_CONF || -r $BACKEND_CONF ]] || die "EBS_CINDER_BACKEND_CONF=$BACKEND_CONF is not readable"
    [[ -z $EXTRA_CONF || -r $EXTRA_CONF ]] || die "EBS_CINDER_EXTRA_CONF=$EXTRA_CONF is not readable"
    write_if_changed "$ETC/api-paste.ini" </etc/cinder/api-paste.ini
    {
        cat <<EOF
# Written by scripts/control-plane.sh on every start; edits are lost.
[DEFAULT]
host = $CINDER_HOST
my_ip = 127.0.0.1
auth_strategy = noauth
transport_url = $TRANSPORT_URL
state_path = $STATE
api_paste_config = $ETC/api-paste.ini
rootwrap_config = /etc/cinder/rootwrap.conf
osapi_volume_listen = 127.0.0.1
osapi_volume_listen_port = $API_PORT
osapi_volume_workers = 1
debug = $DEBUG
log_dir = $LOG
enabled_backends = $BACKEND
glance_api_servers = http://127.0.0.1:9292
service_down_time = $SERVICE_DOWN_TIME
report_interval = $REPORT_INTERVAL
scheduler_driver_init_wait_time = $SCHED_INIT_WAIT

[database]
connection = mysql+pymysql://$DB_USER:$DB_PASS@127.0.0.1/$DB_NAME

[oslo_concurrency]
lock_path = $LOCKS

[oslo_messaging_notifications]
driver = $NOTIFICATIONS

[coordination]
backend_url = file://$STATE/coordination

[$BACKEND]
volume_backend_name = $BACKEND_NAME
# The Java worker on this host has no device-mapper: the capacity-only backend, by its explicit
# name (the worker refuses a volume_driver it cannot serve). EBS_CINDER_BACKEND_CONF may set another.
volume_driver = org.ebsvolume.drivers.capacity.VolumeGroupCapacityDriver
EOF
        if [[ -n $BACKEND_CONF ]]; then cat "$BACKEND_CONF"; echo; fi
        if [[ -n $EXTRA_CONF ]]; then echo; cat "$EXTRA_CONF"; echo; fi
    } | write_if_changed "$CONF"
    # Only the Python cinder-volume (--with-python-volume) reads this second file, so the
    # Java worker never sees a Python driver class in cinder.conf.
    write_if_changed "$ETC/python-volume.conf" <<EOF
[$BACKEND]
volume_driver = $PY_VOLUME_DRIVER
EOF
    cli_env | write_if_changed "$DIR/cli-env.sh"
}

# ---------------------------------------------------------------------------------------------
# RabbitMQ and MariaDB: used as they are when something listens, else started (and owned)
# ---------------------------------------------------------------------------------------------
start_rabbitmq() {
    if port_open 5672; then
        [[ -e $RUN/rabbitmq.owned ]] && log "rabbitmq: running (started by this script)" \
            || log "rabbitmq: something listens on 127.0.0.1:5672; using it"
        return 0
    fi
    need_root "starting RabbitMQ"
    # The system node, as scripts/test starts it, so plain `rabbitmqctl` reaches it.
    log "rabbitmq: starting (log: /var/log/rabbitmq/)"
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 rabbitmq-server -detached >"$LOG/rabbitmq-start.out" 2>&1 9>&- \
        || die "rabbitmq-server -detached failed: $(cat "$LOG/rabbitmq-start.out")"
    touch "$RUN/rabbitmq.owned"
    wait_until "$WAIT" "rabbitmq: listening on 5672" port_open 5672 \
        || die "RabbitMQ did not open 127.0.0.1:5672 in $WAIT s; see /var/log/rabbitmq/"
    timeout "$WAIT" rabbitmqctl -q await_startup >/dev/null 2>&1 \
        || die "RabbitMQ did not finish booting; see /var/log/rabbitmq/"
}

# A transport_url naming a virtual host other than "/" (a second control plane beside the first,
# as the lab stage runs its replication group) gets it created, with all rights for its user.
ensure_vhost() {
    local rest=${TRANSPORT_URL#*://} vhost user
    rest=${rest%%\?*}
    vhost=${rest#*/}
    [[ $rest == */* && -n $vhost && $vhost != / ]] || return 0
    user=${rest%%@*}; user=${user%%:*}
    if ! rabbitmqctl -q list_vhosts name 2>/dev/null | grep -qxF "$vhost"; then
        log "rabbitmq: creating virtual host $vhost for $user"
        rabbitmqctl -q add_vhost "$vhost" >/dev/null 2>&1 \
            || rabbitmqctl -q list_vhosts name 2>/dev/null | grep -qxF "$vhost" \
            || die "rabbitmqctl add_vhost $vhost failed"
    fi
    rabbitmqctl -q set_permissions -p "$vhost" "$user" '.*' '.*' '.*' >/dev/null \
        || die "rabbitmqctl set_permissions -p $vhost $user failed"
}

stop_rabbitmq() {
    [[ -e $RUN/rabbitmq.owned ]] || return 0
    if port_open 5672; then
        local pid i
        pid=$(timeout 30 rabbitmqctl -q eval 'os:getpid().' 2>/dev/null | tr -dc 0-9 || true)
        log "rabbitmq: stopping${pid:+ (pid $pid)} (started by this script)"
        timeout 120 rabbitmqctl -q stop >/dev/null 2>&1 || log "rabbitmqctl stop failed"
        if [[ -n $pid ]]; then
            for i in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
        fi
    fi
    rm -f "$RUN/rabbitmq.owned"
}

start_mariadb() {
    if port_open 3306; then
        [[ -e $RUN/mariadb.owned ]] && log "mariadb: running (started by this script)" \
            || log "mariadb: something listens on 127.0.0.1:3306; using it"
        return 0
    fi
    need_root "starting MariaDB"
    if [[ ! -d /var/lib/mysql/mysql ]]; then
        log "mariadb: initialising /var/lib/mysql"
        mariadb-install-db --user=mysql --datadir=/var/lib/mysql >"$LOG/mariadb-install-db.log" 2>&1 \
            || die "mariadb-install-db failed; see $LOG/mariadb-install-db.log"
    fi
    install -d -o mysql -g root -m 755 /run/mysqld
    touch "$LOG/mariadb.err"; chown mysql "$LOG/mariadb.err"
    log "mariadb: starting on 127.0.0.1:3306 (log: $LOG/mariadb.err)"
    start-stop-daemon --start --background --make-pidfile --pidfile "$RUN/mariadb.pid" \
        --exec /usr/sbin/mariadbd -- --user=mysql --bind-address=127.0.0.1 --port=3306 \
        --log-error="$LOG/mariadb.err" 9>&- || die "could not start mariadbd"
    touch "$RUN/mariadb.owned"
    wait_until "$WAIT" "mariadb: listening on 3306" port_open 3306 \
        || die "MariaDB did not open 127.0.0.1:3306 in $WAIT s; see $LOG/mariadb.err"
}

stop_mariadb() {
    [[ -e $RUN/mariadb.owned ]] || return 0
    local pid i; pid=$(pid_of mariadb)
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
        log "mariadb: stopping (pid $pid, started by this script)"
        kill -TERM "$pid"
        for i in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
        kill -0 "$pid" 2>/dev/null && { log "mariadb still up after 60 s; SIGKILL"; kill -KILL "$pid"; }
    fi
    rm -f "$RUN/mariadb.owned" "$RUN/mariadb.pid"
}

db_user_ok() {
    mysql --protocol=tcp -h127.0.0.1 -P3306 -u"$DB_USER" -p"$DB_PASS" -e "USE \`$DB_NAME\`" >/dev/null 2>&1
}

db_query() {
    mysql --protocol=tcp -h127.0.0.1 -P3306 -u"$DB_USER" -p"$DB_PASS" -N -B "$DB_NAME" -e "$1" 2>/dev/null || true
}

setup_database() {  # setup_database RESET
    if (( $1 )); then
        log "database: dropping $DB_NAME"
        $MYSQL_ADMIN -e "DROP DATABASE IF EXISTS \`$DB_NAME\`" \
            || die "could not drop $DB_NAME with '$MYSQL_ADMIN' (root's unix-socket auth; set EBS_CINDER_MYSQL_ADMIN)"
    fi
    if ! db_user_ok; then
        log "database: creating $DB_NAME and user $DB_USER"
        $MYSQL_ADMIN <<EOF || die "could not create the database/user with '$MYSQL_ADMIN' (root's unix-socket auth; set EBS_CINDER_MYSQL_ADMIN)"
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\`;
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASS';
GRANT ALL PRIVILEGES ON \`$DB_NAME\`.* TO '$DB_USER'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`$DB_NAME\`.* TO '$DB_USER'@'localhost';
FLUSH PRIVILEGES;
EOF
        db_user_ok || die "user $DB_USER cannot use $DB_NAME over 127.0.0.1:3306 after the grants"
    fi
    if (( ! $1 )) && running_unchanged cinder-api && running_unchanged cinder-scheduler \
        && [[ -n $(db_query "SELECT version_num FROM alembic_version") ]]; then
        log "database: schema in place and services running unchanged; db sync skipped"
        return 0
    fi
    local t0=$SECONDS
    (cd "$STATE" && timeout 300 cinder-manage --config-file "$CONF" db sync >"$LOG/db-sync.out" 2>&1) \
        || die "cinder-manage db sync failed; see $LOG/db-sync.out and $LOG/cinder-manage.log"
    log "database: cinder-manage db sync done ($((SECONDS - t0)) s)"
}

# ---------------------------------------------------------------------------------------------
# cinder services
# ---------------------------------------------------------------------------------------------
stop_services() {  # stop_services NAME... : SIGTERM their process groups together, SIGKILL after 30 s
    local name pid i left=()
    for name in "$@"; do
        pid=$(pid_of "$name")
        if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
            log "$name: stopping (pid $pid)"
            # Started with setsid: the pid is its process group, which also holds the API's
            # forked worker, and nothing else.
            kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
            left+=("$name")
        fi
    done
    for i in $(seq 1 30); do
        local still=()
        for name in "${left[@]}"; do alive "$name" && still+=("$name"); done
        left=("${still[@]}")
        (( ${#left[@]} )) || break
        sleep 1
    done
    for name in "${left[@]}"; do
        pid=$(pid_of "$name")
        log "$name: still running after 30 s; SIGKILL"
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    done
    for name in "$@"; do rm -f "$RUN/$name.pid" "$RUN/$name.conf"; done
}

running_unchanged() { alive "$1" && cmp -s "$CONF" "$RUN/$1.conf"; }

start_service() {  # start_service NAME [extra args...]
    local name=$1; shift
    if running_unchanged "$name"; then
        log "$name: running (pid $(pid_of "$name"))"
        return 0
    fi
    alive "$name" && die "$name runs with another cinder.conf (bug: cmd_start stops those first)"
    if [[ $name == cinder-api ]] && port_open "$API_PORT"; then
        die "127.0.0.1:$API_PORT is taken by a process this script did not start (Debian's uwsgi cinder-api? a control plane with another EBS_CINDER_DIR?)"
    fi
    log "$name: starting (log: $LOG/$name.log)"
    cp "$CONF" "$RUN/$name.conf"
    # 9>&-: the service must not inherit the lock of this script (flock would wait for it forever).
    (cd "$STATE" && exec 9>&- && exec setsid "$PY" "$SUPPORT/cinder_service.py" "$name" \
        --config-file "$CONF" "$@" --log-file "$name.log" </dev/null >>"$LOG/$name.stdout" 2>&1) &
    echo $! >"$RUN/$name.pid"
    sleep 1
    alive "$name" || die "$name exited at once: $(tail -5 "$LOG/$name.stdout"); see $LOG/$name.log"
}

api_up() { [[ $(curl -s -o /dev/null --max-time 5 -w '%{http_code}' "$API/") == 300 ]]; }

# service_state BINARY HOST -> prints up/down as the API judges it, or nothing. Microversion
# 3.0 on purpose: from 3.49 on, os-services also makes an RPC call to the scheduler (get_pools,
# for "Backend State"), which hangs for rpc_response_timeout (60 s) while no scheduler consumes.
service_state() {
    curl -sf --max-time 10 -H "X-Auth-Token: $USER_ID:$PROJECT_ID" \
        -H "OpenStack-API-Version: volume 3.0" \
        "$API/v3/$PROJECT_ID/os-services?binary=$1" 2>/dev/null \
    | "$PY" -c 'import json, sys
for s in json.load(sys.stdin)["services"]:
    if s["host"] == sys.argv[1]:
        print(s["state"])' "$2" 2>/dev/null || true
}
service_up() { [[ $(service_state "$1" "$2") == up ]]; }

# The scheduler's services row says `up` as soon as the process writes it (and a row left by
# an earlier run says `up` too), so readiness also needs a real RPC round trip: GET get_pools
# makes cinder-api call the scheduler over RabbitMQ; it answers once the scheduler consumes
# its topic (casts sent before that would be lost while its queue does not exist yet).
scheduler_answers() {
    [[ $(curl -s -o /dev/null --max-time 3 -w '%{http_code}' -H "X-Auth-Token: $USER_ID:$PROJECT_ID" \
        -H "OpenStack-API-Version: volume $API_VERSION" \
        "$API/v3/$PROJECT_ID/scheduler-stats/get_pools") == 200 ]]
}

# ---------------------------------------------------------------------------------------------
# subcommands
# ---------------------------------------------------------------------------------------------
cmd_start() {
    local with_volume=0 reset_db=0 arg
    for arg in "$@"; do
        case $arg in
            --with-python-volume) with_volume=1 ;;
            --reset-db) reset_db=1 ;;
            *) die "unknown start option: $arg (expected --reset-db, --with-python-volume)" ;;
        esac
    done
    local t0=$SECONDS
    [[ -z $(missing_packages) ]] || cmd_install
    take_lock
    write_config
    local name stop=()
    for name in cinder-api cinder-scheduler cinder-volume; do
        alive "$name" || continue
        if (( reset_db )); then
            stop+=("$name")
        elif [[ $name == cinder-volume ]] && (( ! with_volume )); then
            log "cinder-volume (Python) left from an earlier --with-python-volume start; stopping it"
            stop+=("$name")
        elif ! running_unchanged "$name"; then
            log "$name: cinder.conf changed since it started; restarting it"
            stop+=("$name")
        fi
    done
    (( ${#stop[@]} == 0 )) || stop_services "${stop[@]}"
    start_rabbitmq
    ensure_vhost
    start_mariadb
    setup_database "$reset_db"

    # Glance (noauth, file store) answers cinder-api's image checks and the workers' image copies.
    "$(dirname "${BASH_SOURCE[0]}")/glance.sh" start || die "glance-api did not start; see /tmp/ebs-glance/log"
    start_service cinder-api
    start_service cinder-scheduler
    (( with_volume )) && start_service cinder-volume --config-file "$ETC/python-volume.conf"
    wait_until "$WAIT" "cinder-api: answering on $API/" api_up \
        || die "cinder-api did not answer in $WAIT s; see $LOG/cinder-api.log and $LOG/cinder-api.stdout"
    wait_until "$WAIT" "cinder-scheduler: up in os-services" service_up cinder-scheduler "$CINDER_HOST" \
        || die "cinder-scheduler is not up in $WAIT s; see $LOG/cinder-scheduler.log"
    wait_until "$WAIT" "cinder-scheduler: answers RPC (get_pools)" scheduler_answers \
        || die "cinder-scheduler does not answer get_pools in $WAIT s; see $LOG/cinder-scheduler.log and $LOG/cinder-api.log"
    if (( with_volume )); then
        wait_until "$WAIT" "cinder-volume (Python): $CINDER_HOST@$BACKEND up" \
            service_up cinder-volume "$CINDER_HOST@$BACKEND" \
            || die "Python cinder-volume is not up in $WAIT s; see $LOG/cinder-volume.log"
    fi
    log "control plane ready in $((SECONDS - t0)) s: $API/v3, config $CONF, logs $LOG"
    cli_env
}

cmd_stop() {
    local cinder_only=0 arg
    for arg in "$@"; do
        case $arg in
            --cinder-only) cinder_only=1 ;;
            *) die "unknown stop option: $arg (expected --cinder-only)" ;;
        esac
    done
    [[ -d $RUN ]] || { log "nothing to stop ($RUN does not exist)"; return 0; }
    take_lock
    stop_services cinder-volume cinder-scheduler cinder-api
    "$(dirname "${BASH_SOURCE[0]}")/glance.sh" stop || log "glance-api: stop failed (see /tmp/ebs-glance/log)"
    if (( ! cinder_only )); then
        [[ -e $RUN/mariadb.owned ]] || log "mariadb: not started by this script; leaving it"
        [[ -e $RUN/rabbitmq.owned ]] || log "rabbitmq: not started by this script; leaving it"
        stop_mariadb
        stop_rabbitmq
    fi
    log "stopped"
}

cmd_status() {
    local name rc=0
    for name in cinder-api cinder-scheduler cinder-volume; do
        if alive "$name"; then echo "$name: running (pid $(pid_of "$name"))"
        else
            echo "$name: not running"
            [[ $name == cinder-volume ]] || rc=1
        fi
    done
    port_open 5672 && echo "rabbitmq: listening on 127.0.0.1:5672$([[ -e $RUN/rabbitmq.owned ]] && echo ' (started by this script)')" \
        || { echo "rabbitmq: not listening"; rc=1; }
    port_open 3306 && echo "mariadb: listening on 127.0.0.1:3306$([[ -e $RUN/mariadb.owned ]] && echo ' (started by this script)')" \
        || { echo "mariadb: not listening"; rc=1; }
    if api_up; then
        echo "cinder-api: answering on $API/"
        (eval "$(cli_env)"; cinder service-list) || rc=1
    else
        echo "cinder-api: not answering"; rc=1
    fi
    return $rc
}

case ${1:-} in
    install) shift; cmd_install "$@" ;;
    start)   shift; cmd_start "$@" ;;
    stop)    shift; cmd_stop "$@" ;;
    status)  shift; cmd_status ;;
    env)     cli_env ;;
    *) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
