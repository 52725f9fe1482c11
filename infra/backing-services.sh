#!/usr/bin/env bash
# Zorgportaal backing services for machines without Docker.
#
#   bash infra/backing-services.sh up     [service...]   start what is not running, wait until usable
#   bash infra/backing-services.sh down   [service...]   stop what this script started (garage, maildev)
#   bash infra/backing-services.sh status [service...]   one line per service: up/down
#
# Services: postgres rabbitmq garage maildev chromium (default: all five). chromium is Debian's
# headless browser and its WebDriver, for the browser tests, with a Java runtime for their HTML
# checker: installed when missing, never run.
# Settings come from the environment, with infra/dev.env filling in what is unset.
# Caches, logs and runtime state live under ${ZORGPORTAAL_CACHE:-$HOME/.cache/zorgportaal}.
# A service that already answers on its port is left alone, whoever started it.
# `status` exits 0 when every listed service is up, 1 otherwise.
set -Eeuo pipefail
trap 'printf "%s: ERROR: command failed (exit %s) at line %s: %s\n" "${0##*/}" "$?" "$LINENO" "$BASH_COMMAND" >&2' ERR

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ZORGPORTAAL_CACHE="${ZORGPORTAAL_CACHE:-$HOME/.cache/zorgportaal}"
TOOLS_DIR="$ZORGPORTAAL_CACHE/tools"
RUN_DIR="$ZORGPORTAAL_CACHE/run"
LOG_DIR="$ZORGPORTAAL_CACHE/logs"

# Seconds to wait for a service to become usable after starting it.
WAIT_SECONDS="${ZORGPORTAAL_WAIT_SECONDS:-90}"
RABBIT_BOOT_WAIT_SECONDS="${ZORGPORTAAL_RABBIT_BOOT_WAIT_SECONDS:-300}"
# Seconds to wait for a `cargo install garage` that some other process is already running.
GARAGE_BUILD_WAIT_SECONDS="${ZORGPORTAAL_GARAGE_BUILD_WAIT_SECONDS:-1800}"

# Debian cluster (pg_ctlcluster VERSION NAME) to start or create when PostgreSQL is down.
PG_CLUSTER="${ZORGPORTAAL_PG_CLUSTER:-main}"

GARAGE_VERSION="${GARAGE_VERSION:-2.5.0}"
GARAGE_ROOT="$TOOLS_DIR/garage"
GARAGE_BIN="$GARAGE_ROOT/bin/garage"
GARAGE_RUN="$RUN_DIR/garage"
GARAGE_CONFIG="$GARAGE_RUN/garage.toml"
GARAGE_LOG="$GARAGE_RUN/garage.log"
GARAGE_PIDFILE="$GARAGE_RUN/garage.pid"
GARAGE_RPC_ADDR="127.0.0.1:3901"
GARAGE_ADMIN_ADDR="127.0.0.1:3903"
# Fixed development RPC secret (32 bytes, hex). Only protects the loopback-bound RPC port.
GARAGE_RPC_SECRET="7a6f7267706f727461616c206465762072706320736563726574203230323521"

MAILDEV_SPEC="maildev@3"
MAILDEV_DIR="$TOOLS_DIR/maildev"
MAILDEV_BIN="$MAILDEV_DIR/node_modules/.bin/maildev"
MAILDEV_RUN="$RUN_DIR/maildev"
MAILDEV_LOG="$MAILDEV_RUN/maildev.log"
MAILDEV_PIDFILE="$MAILDEV_RUN/maildev.pid"
NODE_FALLBACK_DIR="$TOOLS_DIR/node"
MIN_NODE_MAJOR=20

CHROMIUM_BIN=/usr/bin/chromium
CHROMEDRIVER_BIN=/usr/bin/chromedriver

ALL_SERVICES=(postgres rabbitmq garage maildev chromium)

# ---------------------------------------------------------------- helpers

say() { printf '%-9s %s\n' "$1:" "$2"; }
die() { printf '%-9s ERROR: %s\n' "$1:" "$2" >&2; exit 1; }

# load_env: infra/dev.env for every setting the environment does not give.
# shellcheck source=infra/env.sh
. "$SCRIPT_DIR/env.sh"

as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"
  else die setup "need root (or sudo) to run: $*"
  fi
}

APT_UPDATED=0
apt_install() {
  if [[ $APT_UPDATED -eq 0 ]]; then
    say apt "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null >/dev/null
    APT_UPDATED=1
  fi
  say apt "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" </dev/null >/dev/null
}

# shellcheck disable=SC2016 # \$0/\$1 expand in the inner bash
port_open() { timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null; }

# host:port of a URL such as http://127.0.0.1:3900/x or amqp://u:p@host:5672/%2f
url_hostport() {
  local url="$1" default_port="$2" rest
  rest="${url#*://}"; rest="${rest%%/*}"; rest="${rest##*@}"
  [[ $rest == *:* ]] || rest="$rest:$default_port"
  printf '%s\n' "$rest"
}

# wait_for SECONDS COMMAND... : poll COMMAND once a second until it succeeds or time is up.
wait_for() {
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    if ((SECONDS >= deadline)); then return 1; fi
    sleep 1
  done
}

pid_alive() { [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null; }

# wait_for_process PID SECONDS COMMAND... : like wait_for, but give up (status 2) as soon as PID exits.
wait_for_process() {
  local pid="$1" deadline=$((SECONDS + $2)); shift 2
  until "$@"; do
    pid_alive "$pid" || return 2
    if ((SECONDS >= deadline)); then return 1; fi
    sleep 1
  done
}

# pid from PIDFILE if that process is alive and its command line contains PATTERN.
owned_pid() {
  local pidfile="$1" pattern="$2" pid cmdline
  [[ -f $pidfile ]] || return 1
  pid="$(<"$pidfile")"
  pid_alive "$pid" || return 1
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
  [[ $cmdline == *"$pattern"* ]] || return 1
  printf '%s\n' "$pid"
}

stop_pidfile() {
  local svc="$1" pidfile="$2" pattern="$3" pid
  if ! pid="$(owned_pid "$pidfile" "$pattern")"; then
    rm -f "$pidfile"
    say "$svc" "not running from this script (nothing to stop)"
    return 0
  fi
  say "$svc" "stopping pid $pid"
  kill "$pid" 2>/dev/null || true
  # shellcheck disable=SC2016
  if ! wait_for 20 bash -c '! kill -0 "$0" 2>/dev/null' "$pid"; then
    say "$svc" "still running after 20s, sending SIGKILL"
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  say "$svc" "stopped"
}

http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$@" 2>/dev/null || true; }

# ---------------------------------------------------------------- postgres

pg_parse_url() {
  local re='^postgres(ql)?://([^:@/]+)(:[^@]*)?@([^:/?]+)(:([0-9]+))?/([^?]+)'
  [[ $DATABASE_URL =~ $re ]] || die postgres "cannot parse DATABASE_URL=$DATABASE_URL"
  PG_USER="${BASH_REMATCH[2]}"; PG_HOST="${BASH_REMATCH[4]}"
  PG_PORT="${BASH_REMATCH[6]:-5432}"; PG_DB="${BASH_REMATCH[7]}"
}

pg_ready() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2 >/dev/null 2>&1
  else
    port_open "$PG_HOST" "$PG_PORT"
  fi
}

# Newest installed PostgreSQL major version (Debian layout: /usr/lib/postgresql/<ver>).
# shellcheck disable=SC2012 # versions are plain numbers
pg_installed_version() { ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1; }

# Version of the existing cluster named $PG_CLUSTER, if any.
pg_cluster_version() {
  local conf
  for conf in /etc/postgresql/*/"$PG_CLUSTER"; do
    if [[ -d $conf ]]; then basename "$(dirname "$conf")"; fi
  done | sort -V | tail -n 1
}

# Fresh cluster: let local TCP connections in without a password (development only).
pg_trust_loopback() {
  local hba="/etc/postgresql/$1/$PG_CLUSTER/pg_hba.conf" marker="# zorgportaal: trust loopback"
  [[ -f $hba ]] || die postgres "no $hba"
  grep -qF "$marker" "$hba" && return 0
  say postgres "configuring trust auth for 127.0.0.1 and ::1 in $hba"
  as_root sed -i "1i $marker (infra/backing-services.sh)\nhost    all    all    127.0.0.1/32    trust\nhost    all    all    ::1/128         trust" "$hba"
}

postgres_up() {
  pg_parse_url
  if pg_ready; then
    say postgres "already answering on $PG_HOST:$PG_PORT, leaving it alone"
  else
    case "$PG_HOST" in 127.0.0.1|localhost|::1) ;; *) die postgres "$PG_HOST:$PG_PORT does not answer and is not local";; esac
    local fresh=0 ver
    if ! command -v pg_ctlcluster >/dev/null 2>&1 || [[ -z $(pg_installed_version) ]]; then
      apt_install postgresql
      fresh=1
    fi
    ver="$(pg_cluster_version)"
    if [[ -z $ver ]]; then
      ver="$(pg_installed_version)"
      say postgres "creating cluster $ver/$PG_CLUSTER on port $PG_PORT"
      as_root pg_createcluster --port "$PG_PORT" "$ver" "$PG_CLUSTER" </dev/null >/dev/null
      fresh=1
    fi
    [[ $fresh -eq 1 ]] && pg_trust_loopback "$ver"
    if as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$PG_CLUSTER" status >/dev/null 2>&1; then
      say postgres "cluster $ver/$PG_CLUSTER is running, reloading configuration"
      as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$PG_CLUSTER" reload
    else
      say postgres "starting cluster $ver/$PG_CLUSTER"
      as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$PG_CLUSTER" start
    fi
    wait_for "$WAIT_SECONDS" pg_ready \
      || die postgres "not ready on $PG_HOST:$PG_PORT after ${WAIT_SECONDS}s; see /var/log/postgresql/"
    say postgres "up on $PG_HOST:$PG_PORT"
  fi
  pg_ensure_db
}

pg_ensure_db() {
  local exists
  exists="$(psql -X -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '${PG_DB//\'/\'\'}'" </dev/null)" \
    || die postgres "cannot connect as $PG_USER to $PG_HOST:$PG_PORT (is trust auth configured?)"
  if [[ $exists == 1 ]]; then
    say postgres "database $PG_DB exists"
  else
    createdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$PG_DB" </dev/null
    say postgres "created database $PG_DB"
  fi
}

postgres_status() {
  pg_parse_url
  if pg_ready; then say postgres "up    $PG_HOST:$PG_PORT"; else say postgres "down  $PG_HOST:$PG_PORT"; return 1; fi
}

# ---------------------------------------------------------------- rabbitmq

rabbit_addr() { RABBIT_HOSTPORT="$(url_hostport "$AMQP_URL" 5672)"; RABBIT_HOST="${RABBIT_HOSTPORT%:*}"; RABBIT_PORT="${RABBIT_HOSTPORT##*:}"; }

rabbit_ready() { as_root timeout 15 rabbitmqctl -q await_startup --timeout 5 </dev/null >/dev/null 2>&1 && port_open "$RABBIT_HOST" "$RABBIT_PORT"; }

# Whether the broker answers the AMQP protocol header with a frame within 5 s. A broker whose
# node is wedged still accepts TCP connections, and every test would then time out on mail.
amqp_answers() {
  timeout 5 bash -c 'exec 3<>"/dev/tcp/$1/$2" && printf "AMQP\x00\x00\x09\x01" >&3 && head -c 1 <&3' \
    _ "$RABBIT_HOST" "$RABBIT_PORT" 2>/dev/null | od -An -tx1 | grep -q '01'
}

rabbit_healthy() { port_open "$RABBIT_HOST" "$RABBIT_PORT" && amqp_answers; }

rabbit_local() { case "$RABBIT_HOST" in 127.0.0.1|localhost|::1) return 0;; *) return 1;; esac; }

# Stops whatever is left of a local node: a node that lost its listener or stopped answering
# keeps its name registered, and a new node would then never start. Graceful first, then hard.
rabbit_stop_leftovers() {
  as_root timeout 30 rabbitmqctl stop </dev/null >/dev/null 2>&1 || true
  if pgrep -f 'beam.*rabbit' >/dev/null 2>&1; then
    say rabbitmq "node did not stop when asked; killing its processes"
    as_root pkill -9 -f 'beam.*rabbit' || true
  fi
  as_root pkill -9 -u rabbitmq -x epmd 2>/dev/null || true
  wait_for 15 bash -c '! pgrep -f "beam.*rabbit" >/dev/null' || true
}

# A node that recovers many quorum queues accepts connections minutes before it answers AMQP;
# restarting it then only starts the recovery again. It gets its boot time first.
rabbit_finishes_booting() {
  as_root timeout 5 rabbitmqctl -q status </dev/null >/dev/null 2>&1 || return 1
  say rabbitmq "a node is running but does not answer AMQP yet; giving it ${RABBIT_BOOT_WAIT_SECONDS}s to finish booting"
  as_root timeout $((RABBIT_BOOT_WAIT_SECONDS + 10)) \
    rabbitmqctl -q await_startup --timeout "$RABBIT_BOOT_WAIT_SECONDS" </dev/null >/dev/null 2>&1 &&
    wait_for 30 rabbit_healthy
}

# Test and benchmark runs give each platform its own namespace of queues (t<12 hex>., bench<8
# hex>.) and delete it when they finish. A run that is killed, or a test that panics, leaves its
# quorum queues behind, and hundreds of them make the node slow to boot. The broker removes
# such a namespace's queues itself once nobody has used them for half an hour.
rabbit_expire_test_namespaces() {
  rabbit_local || return 0
  as_root timeout 30 rabbitmqctl -q set_policy --apply-to queues zorgportaal-test-namespaces \
    '^(t[0-9a-f]{12}|bench[0-9a-f]{8})\.' '{"expires":1800000}' </dev/null >/dev/null 2>&1 ||
    say rabbitmq "could not set the expiry policy for test namespaces (left as it is)"
}

# Starts the local node and waits for it; returns 1 with the start output kept in $RABBIT_START_LOG.
rabbit_start() {
  mkdir -p "$LOG_DIR"
  say rabbitmq "starting: rabbitmq-server -detached"
  as_root rabbitmq-server -detached </dev/null >"$RABBIT_START_LOG" 2>&1 || true
  wait_for "$RABBIT_BOOT_WAIT_SECONDS" rabbit_ready && rabbit_healthy
}

rabbit_start_failed() {
  {
    echo "--- rabbitmq-server -detached printed:"; cat "$RABBIT_START_LOG" 2>/dev/null
    echo "--- processes:"; pgrep -af 'beam|epmd' || echo "(none)"
    local log
    # The Debian wrapper writes startup_log and startup_err next to the node's own logs.
    for log in /var/log/rabbitmq/*; do
      [[ -f $log && -s $log ]] || continue
      echo "--- last lines of $log:"; tail -n 30 "$log"
    done
  } >&2
  die rabbitmq "not up on $RABBIT_HOSTPORT after two starts; see above and /var/log/rabbitmq/"
}

rabbitmq_up() {
  rabbit_addr
  RABBIT_START_LOG="$LOG_DIR/rabbitmq-start.log"
  if rabbit_healthy; then
    say rabbitmq "already answering on $RABBIT_HOSTPORT, leaving it alone"
    rabbit_expire_test_namespaces
    return 0
  fi
  rabbit_local || die rabbitmq "$RABBIT_HOSTPORT does not answer AMQP and is not local"
  if ! command -v rabbitmq-server >/dev/null 2>&1; then
    apt_install rabbitmq-server
    if wait_for 30 rabbit_healthy; then
      say rabbitmq "up on $RABBIT_HOSTPORT (started by the package install)"
      return 0
    fi
  fi
  if pgrep -f 'beam.*rabbit' >/dev/null 2>&1 && rabbit_finishes_booting; then
    say rabbitmq "up on $RABBIT_HOSTPORT (the running node finished booting)"
    rabbit_expire_test_namespaces
    return 0
  fi
  if port_open "$RABBIT_HOST" "$RABBIT_PORT"; then
    say rabbitmq "$RABBIT_HOSTPORT accepts connections but does not answer AMQP; restarting the node"
  fi
  if pgrep -f 'beam.*rabbit' >/dev/null 2>&1; then rabbit_stop_leftovers; fi
  if ! rabbit_start; then
    say rabbitmq "no answer after ${RABBIT_BOOT_WAIT_SECONDS}s; stopping what is left and starting once more"
    rabbit_stop_leftovers
    rabbit_start || rabbit_start_failed
  fi
  say rabbitmq "up on $RABBIT_HOSTPORT"
  rabbit_expire_test_namespaces
}

rabbitmq_status() {
  rabbit_addr
  if port_open "$RABBIT_HOST" "$RABBIT_PORT"; then say rabbitmq "up    $RABBIT_HOSTPORT"; else say rabbitmq "down  $RABBIT_HOSTPORT"; return 1; fi
}

# ---------------------------------------------------------------- garage (S3)

garage_addr() {
  GARAGE_S3_HOSTPORT="$(url_hostport "$S3_ENDPOINT" 80)"
}

garage_build_running() { pgrep -f 'cargo install (.* )?garage( |$)' >/dev/null 2>&1; }

garage_install() {
  [[ -x $GARAGE_BIN ]] && return 0
  if garage_build_running; then
    say garage "a 'cargo install garage' is already running; waiting for it (up to $((GARAGE_BUILD_WAIT_SECONDS / 60)) min)"
    local deadline=$((SECONDS + GARAGE_BUILD_WAIT_SECONDS))
    while garage_build_running && ((SECONDS < deadline)); do sleep 15; done
    [[ -x $GARAGE_BIN ]] && return 0
    garage_build_running && die garage "the running 'cargo install garage' did not finish in time"
  fi
  command -v cargo >/dev/null 2>&1 || die garage "cargo not found: Garage is built from crates.io with the Rust toolchain (rustup)"
  mkdir -p "$GARAGE_ROOT" "$LOG_DIR"
  local log="$LOG_DIR/garage-install.log"
  say garage "building Garage $GARAGE_VERSION with cargo install (about 8 minutes on 2 cores), log: $log"
  (
    flock 9
    [[ -x $GARAGE_BIN ]] && exit 0
    cargo install garage --version "$GARAGE_VERSION" --locked --root "$GARAGE_ROOT" </dev/null >"$log" 2>&1
  ) 9>"$GARAGE_ROOT.lock" || die garage "cargo install failed; see $log"
  [[ -x $GARAGE_BIN ]] || die garage "cargo install finished but $GARAGE_BIN is missing; see $log"
  say garage "installed $("$GARAGE_BIN" --version 2>/dev/null | head -n 1)"
}

garage_write_config() {
  mkdir -p "$GARAGE_RUN/meta" "$GARAGE_RUN/data"
  cat >"$GARAGE_CONFIG.tmp" <<EOF
# Generated by infra/backing-services.sh; rewritten on every start.
metadata_dir = "$GARAGE_RUN/meta"
data_dir = "$GARAGE_RUN/data"
db_engine = "sqlite"

replication_factor = 1

rpc_bind_addr = "$GARAGE_RPC_ADDR"
rpc_public_addr = "$GARAGE_RPC_ADDR"
rpc_secret = "$GARAGE_RPC_SECRET"

[s3_api]
s3_region = "$S3_REGION"
api_bind_addr = "$GARAGE_S3_HOSTPORT"
root_domain = ".s3.garage.localhost"

[admin]
api_bind_addr = "$GARAGE_ADMIN_ADDR"
EOF
  mv "$GARAGE_CONFIG.tmp" "$GARAGE_CONFIG"
}

# Any HTTP answer at all (Garage refuses anonymous requests with 403).
garage_s3_answers() { [[ $(http_code "$S3_ENDPOINT/$S3_BUCKET") != 000 ]]; }

curl_has_sigv4() { curl --help all 2>/dev/null | grep -q -- '--aws-sigv4'; }

# curl --aws-sigv4 against the S3 API with the configured key. Garage insists on an
# x-amz-content-sha256 header, which curl (7.88) does not add by itself.
EMPTY_SHA256="e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
s3_curl() {
  local body_sha="$1"; shift
  curl -s --max-time 5 -o "$GARAGE_RUN/last-s3-response" -w '%{http_code}' \
    --aws-sigv4 "aws:amz:$S3_REGION:s3" --user "$S3_ACCESS_KEY_ID:$S3_SECRET_ACCESS_KEY" \
    -H "x-amz-content-sha256: $body_sha" "$@" 2>/dev/null || true
}

# A signed ListObjectsV2 answered with 200 proves the key exists, the bucket exists and the
# key may read it (a missing bucket gives 404 NoSuchBucket, a wrong key 403).
garage_bucket_listable() {
  LAST_S3_CODE="$(s3_curl "$EMPTY_SHA256" "$S3_ENDPOINT/$S3_BUCKET?list-type=2&max-keys=1")"
  [[ $LAST_S3_CODE == 200 ]]
}

# Write, read back and delete a small object: the key may also write.
garage_bucket_writable() {
  local url="$S3_ENDPOINT/$S3_BUCKET/.backing-services-check" body sha code
  body="zorgportaal $(date -u +%FT%TZ)"
  sha="$(printf '%s' "$body" | sha256sum | cut -d' ' -f1)"
  code="$(s3_curl "$sha" -X PUT --data-binary "$body" -H 'Content-Type: text/plain' "$url")"
  [[ $code == 200 ]] || { LAST_S3_CODE="PUT $code"; return 1; }
  code="$(s3_curl "$EMPTY_SHA256" "$url")"
  [[ $code == 200 && $(<"$GARAGE_RUN/last-s3-response") == "$body" ]] || { LAST_S3_CODE="GET $code"; return 1; }
  code="$(s3_curl "$EMPTY_SHA256" -X DELETE "$url")"
  [[ $code == 204 || $code == 200 ]] || { LAST_S3_CODE="DELETE $code"; return 1; }
}

garage_verify_bucket() {
  mkdir -p "$GARAGE_RUN"
  if ! curl_has_sigv4; then
    say garage "curl has no --aws-sigv4; checking with the garage CLI instead"
    [[ -x $GARAGE_BIN && -f $GARAGE_CONFIG ]] || die garage "cannot verify bucket $S3_BUCKET"
    "$GARAGE_BIN" -c "$GARAGE_CONFIG" bucket info "$S3_BUCKET" </dev/null >/dev/null 2>&1 \
      || die garage "bucket $S3_BUCKET not found; see $GARAGE_LOG"
    say garage "bucket $S3_BUCKET exists (garage bucket info)"
    return 0
  fi
  LAST_S3_CODE=000
  wait_for 30 garage_bucket_listable \
    || die garage "signed ListObjectsV2 on $S3_ENDPOINT/$S3_BUCKET with key $S3_ACCESS_KEY_ID gave HTTP $LAST_S3_CODE, not 200: $(head -c 300 "$GARAGE_RUN/last-s3-response" 2>/dev/null); see $GARAGE_LOG"
  garage_bucket_writable \
    || die garage "bucket $S3_BUCKET is listable but the put/get/delete check failed ($LAST_S3_CODE): $(head -c 300 "$GARAGE_RUN/last-s3-response" 2>/dev/null); see $GARAGE_LOG"
  rm -f "$GARAGE_RUN/last-s3-response"
  say garage "bucket $S3_BUCKET: signed list, put, get and delete work with key $S3_ACCESS_KEY_ID"
}

garage_up() {
  garage_addr
  local pid
  if pid="$(owned_pid "$GARAGE_PIDFILE" garage)"; then
    say garage "running from this script (pid $pid)"
  elif garage_s3_answers; then
    say garage "something already answers on $GARAGE_S3_HOSTPORT (not started by this script), leaving it alone"
  else
    garage_install
    garage_write_config
    mkdir -p "$GARAGE_RUN"
    [[ -f $GARAGE_LOG ]] && mv -f "$GARAGE_LOG" "$GARAGE_LOG.1"
    say garage "starting: garage -c $GARAGE_CONFIG server --single-node --default-bucket (log: $GARAGE_LOG)"
    GARAGE_DEFAULT_ACCESS_KEY="$S3_ACCESS_KEY_ID" \
    GARAGE_DEFAULT_SECRET_KEY="$S3_SECRET_ACCESS_KEY" \
    GARAGE_DEFAULT_BUCKET="$S3_BUCKET" \
    RUST_LOG="${GARAGE_RUST_LOG:-garage=info}" NO_COLOR=1 \
      nohup "$GARAGE_BIN" -c "$GARAGE_CONFIG" server --single-node --default-bucket \
      </dev/null >"$GARAGE_LOG" 2>&1 &
    pid=$!
    echo "$pid" >"$GARAGE_PIDFILE"
  fi
  local rc=0
  if [[ -n ${pid:-} ]]; then
    wait_for_process "$pid" "$WAIT_SECONDS" garage_s3_answers || rc=$?
  else
    wait_for "$WAIT_SECONDS" garage_s3_answers || rc=$?
  fi
  if [[ $rc -eq 2 ]]; then
    tail -n 5 "$GARAGE_LOG" >&2 || true
    die garage "exited during startup; see $GARAGE_LOG"
  elif [[ $rc -ne 0 ]]; then
    die garage "S3 API not answering on $GARAGE_S3_HOSTPORT after ${WAIT_SECONDS}s; see $GARAGE_LOG"
  fi
  garage_verify_bucket
  say garage "up on $GARAGE_S3_HOSTPORT"
}

garage_down() { stop_pidfile garage "$GARAGE_PIDFILE" garage; }

garage_status() {
  garage_addr
  local owner="not started by this script" pid
  pid="$(owned_pid "$GARAGE_PIDFILE" garage)" && owner="pid $pid, started by this script"
  if garage_s3_answers; then say garage "up    $GARAGE_S3_HOSTPORT ($owner)"; else say garage "down  $GARAGE_S3_HOSTPORT"; return 1; fi
}

# ---------------------------------------------------------------- maildev (SMTP catcher)

maildev_addr() {
  MAILDEV_WEB_HOSTPORT="$(url_hostport "$MAILCATCHER_API" 80)"
  MAILDEV_WEB_PORT="${MAILDEV_WEB_HOSTPORT##*:}"
}

maildev_api_ok() { [[ $(http_code "$MAILCATCHER_API/api/email") == 200 ]]; }

# Whether the SMTP side says hello (220) within 3 s: an open port alone is not a mail server.
smtp_greets() {
  timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && head -c 3 <&3' _ "$SMTP_PORT" 2>/dev/null | grep -q '^220'
}

node_major() { "$1" -e 'process.stdout.write(process.versions.node.split(".")[0])' 2>/dev/null || echo 0; }

# Prints the node binary to run maildev with (maildev 3 needs Node >= 20; Debian 12 ships 18).
maildev_node() {
  local node
  node="$(command -v node || true)"
  if [[ -n $node && $(node_major "$node") -ge $MIN_NODE_MAJOR ]]; then printf '%s\n' "$node"; return 0; fi
  node="$NODE_FALLBACK_DIR/node_modules/.bin/node"
  if [[ ! -x $node || $(node_major "$node") -lt $MIN_NODE_MAJOR ]]; then
    say maildev "system Node.js is older than $MIN_NODE_MAJOR; installing Node 22 from the npm registry package 'node'" >&2
    mkdir -p "$NODE_FALLBACK_DIR"
    npm install --no-audit --no-fund --prefix "$NODE_FALLBACK_DIR" node@22 </dev/null >>"$LOG_DIR/node-install.log" 2>&1 \
      || die maildev "npm install node@22 failed; see $LOG_DIR/node-install.log"
  fi
  printf '%s\n' "$node"
}

maildev_install() {
  if ! command -v npm >/dev/null 2>&1; then apt_install nodejs npm; fi
  [[ -x $MAILDEV_BIN ]] && return 0
  mkdir -p "$MAILDEV_DIR" "$LOG_DIR"
  local log="$LOG_DIR/maildev-install.log"
  say maildev "installing $MAILDEV_SPEC with npm into $MAILDEV_DIR (log: $log)"
  (cd "$MAILDEV_DIR" && npm install --no-audit --no-fund "$MAILDEV_SPEC" </dev/null >"$log" 2>&1) \
    || die maildev "npm install failed; see $log"
  [[ -x $MAILDEV_BIN ]] || die maildev "npm install finished but $MAILDEV_BIN is missing; see $log"
}

maildev_up() {
  maildev_addr
  local pid
  if pid="$(owned_pid "$MAILDEV_PIDFILE" maildev)" && ! smtp_greets; then
    say maildev "pid $pid no longer answers on SMTP port $SMTP_PORT; restarting it"
    maildev_down
  fi
  if pid="$(owned_pid "$MAILDEV_PIDFILE" maildev)"; then
    say maildev "running from this script (pid $pid)"
  elif maildev_api_ok; then
    say maildev "something already answers on $MAILCATCHER_API (not started by this script), leaving it alone"
    return 0
  else
    port_open 127.0.0.1 "$SMTP_PORT" && die maildev "port $SMTP_PORT is taken by something that is not maildev"
    maildev_install
    local node
    node="$(maildev_node)"
    mkdir -p "$MAILDEV_RUN"
    [[ -f $MAILDEV_LOG ]] && mv -f "$MAILDEV_LOG" "$MAILDEV_LOG.1"
    say maildev "starting: maildev --smtp $SMTP_PORT --web $MAILDEV_WEB_PORT --ip 127.0.0.1 --web-ip 127.0.0.1 (log: $MAILDEV_LOG)"
    nohup "$node" "$(readlink -f "$MAILDEV_BIN")" --smtp "$SMTP_PORT" --web "$MAILDEV_WEB_PORT" \
      --ip 127.0.0.1 --web-ip 127.0.0.1 </dev/null >"$MAILDEV_LOG" 2>&1 &
    pid=$!
    echo "$pid" >"$MAILDEV_PIDFILE"
  fi
  local rc=0
  wait_for_process "$pid" "$WAIT_SECONDS" maildev_api_ok || rc=$?
  if [[ $rc -eq 2 ]]; then
    tail -n 5 "$MAILDEV_LOG" >&2 || true
    die maildev "exited during startup; see $MAILDEV_LOG"
  elif [[ $rc -ne 0 ]]; then
    die maildev "$MAILCATCHER_API/api/email not answering after ${WAIT_SECONDS}s; see $MAILDEV_LOG"
  fi
  smtp_greets || die maildev "web API is up but SMTP port $SMTP_PORT does not answer; see $MAILDEV_LOG"
  say maildev "up: SMTP 127.0.0.1:$SMTP_PORT, API $MAILCATCHER_API/api/email"
}

maildev_down() { stop_pidfile maildev "$MAILDEV_PIDFILE" maildev; }

maildev_status() {
  maildev_addr
  local owner="not started by this script" pid
  pid="$(owned_pid "$MAILDEV_PIDFILE" maildev)" && owner="pid $pid, started by this script"
  if maildev_api_ok && port_open 127.0.0.1 "$SMTP_PORT"; then
    say maildev "up    smtp 127.0.0.1:$SMTP_PORT, web $MAILDEV_WEB_HOSTPORT ($owner)"
  else
    say maildev "down  smtp 127.0.0.1:$SMTP_PORT, web $MAILDEV_WEB_HOSTPORT"; return 1
  fi
}

# ---------------------------------------------------------------- chromium (browser tests; and Java for their HTML checker)

# Nothing runs here: each browser test starts its own chromedriver, which starts Chromium.
chromium_installed() { [[ -x $CHROMIUM_BIN && -x $CHROMEDRIVER_BIN ]]; }

chromium_version() { "$CHROMIUM_BIN" --version 2>/dev/null | head -n 1 || true; }

chromium_up() {
  # The browser tests also run the Nu Html Checker, a Java program.
  command -v java >/dev/null || apt_install default-jre-headless
  if chromium_installed; then
    say chromium "installed: $(chromium_version)"
    return 0
  fi
  apt_install chromium chromium-driver
  chromium_installed || die chromium "apt-get install finished but $CHROMIUM_BIN or $CHROMEDRIVER_BIN is missing"
  say chromium "installed: $(chromium_version)"
}

chromium_down() { say chromium "nothing to stop (each browser test starts and ends its own)"; }

chromium_status() {
  if chromium_installed; then
    say chromium "up    $CHROMIUM_BIN, $CHROMEDRIVER_BIN ($(chromium_version))"
  else
    say chromium "down  $CHROMIUM_BIN or $CHROMEDRIVER_BIN not installed"; return 1
  fi
}

# ---------------------------------------------------------------- main

postgres_down() { say postgres "left running (system service, not started by pid file)"; }
rabbitmq_down() { say rabbitmq "left running (system service, not started by pid file)"; }

usage() { sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

main() {
  local cmd="${1:-}"; shift || true
  local services=("$@") svc rc=0
  [[ ${#services[@]} -gt 0 ]] || services=("${ALL_SERVICES[@]}")
  for svc in "${services[@]}"; do
    [[ " ${ALL_SERVICES[*]} " == *" $svc "* ]] || die "${0##*/}" "unknown service '$svc' (known: ${ALL_SERVICES[*]})"
  done
  load_env
  mkdir -p "$TOOLS_DIR" "$RUN_DIR" "$LOG_DIR"
  case "$cmd" in
    up)
      for svc in "${services[@]}"; do "${svc}_up"; done
      say all "backing services are up"
      ;;
    down)
      for svc in "${services[@]}"; do "${svc}_down"; done
      ;;
    status)
      for svc in "${services[@]}"; do "${svc}_status" || rc=1; done
      exit "$rc"
      ;;
    -h|--help|help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
