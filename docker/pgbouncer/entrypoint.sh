#!/bin/sh
# PgBouncer in transaction mode in front of the compose file's PostgreSQL: every database of the
# server under its own name, the subgraphs' one user with its password (SCRAM to the clients and to
# the server alike). The subgraphs run with DB_POOL_MODE=transaction (README, "Several replicas").
set -eu
: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
user="${POSTGRES_USER:-postgres}"
cat >/tmp/pgbouncer.ini <<INI
[databases]
* = host=${POSTGRES_HOST:-postgres} port=${POSTGRES_PORT:-5432}
[pgbouncer]
listen_addr = 0.0.0.0
listen_port = 6432
auth_type = scram-sha-256
auth_file = /tmp/userlist.txt
pool_mode = transaction
max_client_conn = ${PGBOUNCER_MAX_CLIENT_CONN:-1000}
default_pool_size = ${PGBOUNCER_DEFAULT_POOL_SIZE:-20}
ignore_startup_parameters = extra_float_digits
unix_socket_dir =
log_connections = 0
log_disconnections = 0
INI
# A plain-text password here serves SCRAM both ways; the file lives in the container only.
printf '"%s" "%s"\n' "$user" "$POSTGRES_PASSWORD" >/tmp/userlist.txt
chmod 600 /tmp/userlist.txt /tmp/pgbouncer.ini
exec pgbouncer /tmp/pgbouncer.ini
