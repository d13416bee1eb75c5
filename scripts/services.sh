# Sourced by .ci/run and scripts/test: a throwaway PostgreSQL and Redis on loopback ports.
# start_services exports DATABASE_URL and REDIS_URL and stops both when the shell exits.
# Needs root (initdb runs as the postgres user) and Debian's postgresql and redis-server.

PG_PORT=${PG_PORT:-54329}
REDIS_PORT=${REDIS_PORT:-63790}

services_available() {
  [[ $(id -u) -eq 0 ]] && compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null \
    && command -v redis-server >/dev/null
}

SERVICES_DIR=""
PGBIN=""

stop_services() {
  if [[ -n "$PGBIN" && -d "$SERVICES_DIR/data" ]]; then
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$SERVICES_DIR/data" -m fast -w stop >/dev/null || true
  fi
  if [[ -f "$SERVICES_DIR/redis.pid" ]]; then
    kill "$(cat "$SERVICES_DIR/redis.pid")" 2>/dev/null || true
  fi
  [[ -n "$SERVICES_DIR" ]] && rm -rf "$SERVICES_DIR"
  return 0
}

start_services() {
  SERVICES_DIR=$(mktemp -d)
  chmod 755 "$SERVICES_DIR"
  chown postgres: "$SERVICES_DIR"
  trap stop_services EXIT

  echo "== Starting PostgreSQL on 127.0.0.1:$PG_PORT"
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  runuser -u postgres -- "$PGBIN/initdb" -D "$SERVICES_DIR/data" -U postgres -A trust -E UTF8 \
    --locale=C.UTF-8 --no-sync >/dev/null
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$SERVICES_DIR/data" -l "$SERVICES_DIR/server.log" -w -t 30 \
    -o "-p $PG_PORT -k $SERVICES_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off" \
    start >/dev/null
  export DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"

  echo "== Starting Redis on 127.0.0.1:$REDIS_PORT"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --pidfile "$SERVICES_DIR/redis.pid" --dir "$SERVICES_DIR" --logfile "$SERVICES_DIR/redis.log"
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
}

