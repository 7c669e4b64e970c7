#!/bin/sh
# PostgreSQL for Argus's compose setup. On the first start (an empty data
# volume) it creates the cluster with the superuser POSTGRES_USER and the
# password POSTGRES_PASSWORD (scram-sha-256 over the network, trust only on
# the unix socket inside the container) and the database POSTGRES_DB; then
# it runs the server in the foreground. SIGINT (compose's stop_signal) is a
# fast, clean shutdown.
set -eu
bin=/usr/lib/postgresql/15/bin
data=${PGDATA:-/var/lib/postgresql/data}
user=${POSTGRES_USER:-argus}
db=${POSTGRES_DB:-argus}

if [ ! -s "$data/PG_VERSION" ]; then
	if [ -z "${POSTGRES_PASSWORD:-}" ]; then
		echo "argus-postgres: set POSTGRES_PASSWORD for the first start" >&2
		exit 2
	fi
	umask 077
	printf '%s\n' "$POSTGRES_PASSWORD" >/tmp/pwfile
	"$bin/initdb" -D "$data" -U "$user" --pwfile=/tmp/pwfile -E UTF8 --locale=C.UTF-8 \
		--auth-local=trust --auth-host=scram-sha-256
	rm -f /tmp/pwfile
	printf 'host all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n' >>"$data/pg_hba.conf"
	echo "CREATE DATABASE \"$db\";" | "$bin/postgres" --single -D "$data" postgres >/dev/null
	echo "argus-postgres: created the cluster with database $db"
fi
exec "$bin/postgres" -D "$data" -c listen_addresses='*' -c unix_socket_directories=/tmp -c jit=off "$@"
