# Shared by scripts/test and scripts/bench-rpc: install Debian packages and start local services.
# Sourced, not executed.

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

. "$(dirname "${BASH_SOURCE[0]}")/apt.sh"   # apt_install

# ensure_packages pkg:probe... — a probe is a command on PATH or an absolute path that the
# package provides; packages whose probe is missing are installed in one apt-get run.
ensure_packages() {
  local missing=() spec pkg probe
  for spec in "$@"; do
    pkg=${spec%%:*}; probe=${spec#*:}
    if [[ $probe == /* ]]; then [ -e "$probe" ] && continue
    else command -v "$probe" >/dev/null 2>&1 && continue; fi
    missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "== installing ${missing[*]}"
  # Package postinst scripts must not try to start services in a container without systemd.
  apt_install - "${missing[0]}" "${missing[@]}"
}

listening() { ss -ltn "sport = :$1" 2>/dev/null | grep -q LISTEN; }

ensure_rabbitmq() {
  if listening 5672; then echo "== RabbitMQ already listens on 5672"; return 0; fi
  echo "== starting RabbitMQ"
  as_root env RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 rabbitmq-server -detached
  local i
  for i in $(seq 1 90); do
    if listening 5672 && as_root rabbitmqctl -q await_startup >/dev/null 2>&1; then
      echo "== RabbitMQ up after ${i}s"; return 0
    fi
    sleep 1
  done
  echo "RabbitMQ did not start within 90 s; see /var/log/rabbitmq/" >&2
  return 1
}
