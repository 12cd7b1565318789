#!/usr/bin/env bash
# Local single-node Apache Kafka broker for the runtime tests (KRaft, combined broker+controller,
# bound to 127.0.0.1 only), run from the jars on Maven Central (see pom.xml beside this file).
#
#   scripts/kafka/broker.sh start    fetch jars if missing, format fresh storage, start, wait;
#                                    prints KAFKA_BOOTSTRAP=127.0.0.1:<port> (and KAFKA_STARTED=1
#                                    when this call started the broker rather than reusing it)
#   scripts/kafka/broker.sh stop     stop the broker and delete its data
#   scripts/kafka/broker.sh status   exit 0 and print the addresses when running
#
# Listeners: PLAINTEXT on KAFKA_BOOTSTRAP, and SASL_PLAINTEXT on KAFKA_SASL_BOOTSTRAP with
# SCRAM-SHA-512 (user and password printed as KAFKA_SCRAM_USERNAME/PASSWORD) and OAUTHBEARER
# (Kafka's unsecured validator: any unsigned JWT, alg "none", with a "sub" claim is accepted).
#
# start and stop are idempotent: start reuses a broker this script already runs on the port.
# Environment (all optional):
#   KAFKA_VERSION          org.apache.kafka:kafka_2.13 version  (default 4.4.0, as in pom.xml)
#   KAFKA_PORT             broker listener port                 (default 19092)
#   KAFKA_CONTROLLER_PORT  controller listener port             (default KAFKA_PORT + 1)
#   KAFKA_SASL_PORT        SASL_PLAINTEXT listener port         (default KAFKA_PORT + 2)
#   KAFKA_START_TIMEOUT    seconds to wait for the broker       (default 90)
#   KAFKA_HEAP_OPTS        JVM heap options                     (default -Xms128m -Xmx512m)
#   KAFKA_CACHE_DIR        jar cache and run files              (default <repo>/.cache/kafka)
#   JAVA                   java executable                      (default: java on PATH)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"

VERSION="${KAFKA_VERSION:-4.4.0}"
PORT="${KAFKA_PORT:-19092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((PORT + 1))}"
SASL_PORT="${KAFKA_SASL_PORT:-$((PORT + 2))}"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}"
CACHE_DIR="${KAFKA_CACHE_DIR:-$ROOT/.cache/kafka}"
JAVA="${JAVA:-java}"
HOST=127.0.0.1

LIBS="$CACHE_DIR/$VERSION/libs"
RUN_DIR="$CACHE_DIR/run-$PORT"       # pid file, data-dir pointer, logs (logs survive stop)
PID_FILE="$RUN_DIR/broker.pid"
DATA_FILE="$RUN_DIR/data-dir"        # holds the path of the temp data dir
BOOTSTRAP="$HOST:$PORT"
SASL_BOOTSTRAP="$HOST:$SASL_PORT"
# SASL_PLAINTEXT listener for client auth tests: SCRAM-SHA-512 with this user, and OAUTHBEARER
# with Kafka's unsecured validator (any unsigned JWT with a "sub" claim; MSK IAM uses OAUTHBEARER)
SCRAM_USER=kafka-test
SCRAM_PASSWORD=kafka-test-secret

log() { echo "kafka-broker: $*" >&2; }

port_open() { # port -> 0 when something accepts TCP connections on 127.0.0.1:port
  timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null
}

our_pid() { # prints the pid of the broker this script started on PORT, if it still runs
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'kafka\.Kafka' || return 1
  echo "$pid"
}

fetch_jars() {
  if [[ -f "$LIBS/kafka_2.13-$VERSION.jar" ]]; then return 0; fi
  command -v mvn >/dev/null || { log "mvn not found: install Maven to fetch the Kafka jars"; exit 1; }
  log "fetching org.apache.kafka:kafka_2.13:$VERSION and its dependencies into $LIBS"
  local tmp="$LIBS.tmp.$$"
  rm -rf "$tmp"
  mvn -q -B -Dstyle.color=never -f "$SCRIPT_DIR/pom.xml" "-Dkafka.version=$VERSION" "-Dkafka.libs=$tmp" \
    dependency:copy-dependencies >&2
  rm -rf "$LIBS"
  mv "$tmp" "$LIBS"   # appear complete or not at all
}

random_cluster_id() { # 16 random bytes, base64url without padding, like Uuid.randomUuid()
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ "$id" != -* ]] && { echo "$id"; return; }
  done
}

write_config() { # data dir -> server.properties in it
  local data="$1"
  cat >"$data/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT,SASL_PLAINTEXT://$HOST:$SASL_PORT
advertised.listeners=PLAINTEXT://$HOST:$PORT,SASL_PLAINTEXT://$HOST:$SASL_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512,OAUTHBEARER
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_plaintext.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="broker";
log.dirs=$data/logs
metadata.log.dir=$data/metadata

auto.create.topics.enable=false
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0

# small files and few threads: a throwaway broker on a 2-core machine
log.segment.bytes=1048576
log.index.size.max.bytes=1048576
offsets.topic.segment.bytes=1048576
transaction.state.log.segment.bytes=1048576
log.retention.hours=1
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
background.threads=4
PROPS
}

print_addresses() {
  echo "KAFKA_BOOTSTRAP=$BOOTSTRAP"
  echo "KAFKA_SASL_BOOTSTRAP=$SASL_BOOTSTRAP"
  echo "KAFKA_SCRAM_USERNAME=$SCRAM_USER"
  echo "KAFKA_SCRAM_PASSWORD=$SCRAM_PASSWORD"
}

cmd_status() {
  local pid
  if pid="$(our_pid)" && port_open "$PORT"; then
    print_addresses
    log "running (pid $pid, data $(cat "$DATA_FILE" 2>/dev/null || echo '?'), logs $RUN_DIR)"
    return 0
  fi
  log "not running on $BOOTSTRAP"
  return 1
}

cleanup_stale() { # remove leftovers of a broker that is gone
  if [[ -f "$DATA_FILE" ]]; then
    local data
    data="$(cat "$DATA_FILE")"
    [[ -n "$data" && -d "$data" && "$data" == */kafka-test-broker.* ]] && rm -rf "$data"
  fi
  rm -f "$PID_FILE" "$DATA_FILE"
}

cmd_stop() {
  local pid
  if pid="$(our_pid)"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do # controlled shutdown of a single node takes a few seconds
      [[ -d "/proc/$pid" ]] || break
      sleep 0.2
    done
    if [[ -d "/proc/$pid" ]]; then
      log "pid $pid did not stop within 30 s: killing it"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
    fi
    log "stopped (pid $pid)"
  else
    log "not running on $BOOTSTRAP"
  fi
  cleanup_stale
}

fail_start() { # pid -> print the log tail, stop what was started, exit non-zero
  log "$1"
  for f in "$RUN_DIR/server.log" "$RUN_DIR/broker.out"; do
    if [[ -s "$f" ]]; then
      echo "----- tail of $f -----" >&2
      tail -n 40 "$f" >&2
    fi
  done
  cmd_stop
  exit 1
}

cmd_start() {
  if cmd_status 2>/dev/null; then return 0; fi
  cleanup_stale
  if port_open "$PORT" || port_open "$CONTROLLER_PORT" || port_open "$SASL_PORT"; then
    log "port $PORT, $CONTROLLER_PORT or $SASL_PORT on $HOST is taken by a process this script did not start;"
    log "set KAFKA_BOOTSTRAP to use that broker, or KAFKA_PORT to start one on another port"
    exit 1
  fi
  command -v "$JAVA" >/dev/null || { log "java not found (Kafka $VERSION needs Java 17+)"; exit 1; }
  fetch_jars

  local started data cluster_id
  started=$(date +%s%N)
  data="$(mktemp -d "${TMPDIR:-/tmp}/kafka-test-broker.XXXXXX")"
  echo "$data" >"$DATA_FILE"
  write_config "$data"
  cluster_id="$(random_cluster_id)"
  rm -f "$RUN_DIR/server.log" "$RUN_DIR/broker.out"

  local jvm=(-Djava.awt.headless=true "-Dkafka.logs.dir=$RUN_DIR"
    "-Dlog4j2.configurationFile=$SCRIPT_DIR/log4j2.properties" -cp "$LIBS/*")
  if ! "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 "${jvm[@]}" kafka.tools.StorageTool format \
      -t "$cluster_id" -c "$data/server.properties" \
      --add-scram "SCRAM-SHA-512=[name=$SCRAM_USER,password=$SCRAM_PASSWORD]" >"$RUN_DIR/format.out" 2>&1; then
    cat "$RUN_DIR/format.out" >&2
    fail_start "formatting the storage failed"
  fi

  # setsid: the broker outlives this script and ignores Ctrl-C sent to the test runner;
  # 9>&-: it must not inherit (and so hold) the start/stop lock
  # shellcheck disable=SC2086
  setsid "$JAVA" $HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 "${jvm[@]}" \
    kafka.Kafka "$data/server.properties" >"$RUN_DIR/broker.out" 2>&1 </dev/null 9>&- &
  local pid=$!
  echo "$pid" >"$PID_FILE"

  local deadline=$((SECONDS + START_TIMEOUT))
  while :; do
    if [[ ! -d "/proc/$pid" ]]; then fail_start "the broker exited during start-up"; fi
    # the listener socket is bound before the broker serves requests: also wait for the log line
    if port_open "$PORT" && grep -q 'Kafka Server started' "$RUN_DIR/server.log" 2>/dev/null; then
      break
    fi
    if ((SECONDS >= deadline)); then
      fail_start "the broker did not accept connections on $BOOTSTRAP within ${START_TIMEOUT} s"
    fi
    sleep 0.25
  done
  log "started Kafka $VERSION (pid $pid) in $(( ($(date +%s%N) - started) / 1000000 )) ms; data $data; logs $RUN_DIR"
  print_addresses
  echo "KAFKA_STARTED=1"   # only when this call started it (test/helpers/kafka-global-setup.ts reads it)
}

main() {
  local cmd="${1:-}"
  case "$cmd" in
    start | stop | status) ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
  esac
  mkdir -p "$RUN_DIR"
  if [[ "$cmd" == status ]]; then cmd_status; exit $?; fi
  # one start/stop at a time per port (parallel jest workers may all call start)
  exec 9>"$RUN_DIR/lock"
  flock -w $((START_TIMEOUT + 60)) 9 || { log "could not take $RUN_DIR/lock"; exit 1; }
  "cmd_$cmd"
}

main "$@"
