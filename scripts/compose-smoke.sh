#!/usr/bin/env bash
# Brings compose.yaml up with the locally built images (make images), waits
# until the server answers /readyz and both workers are running, then takes
# everything down again, volumes included. Uses its own project name and
# ports, so it does not touch a compose setup already running here.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
compose=(docker-compose)
command -v docker-compose >/dev/null || compose=(docker compose)
project=argus-smoke-$$

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
for image in "${ARGUS_IMAGE:-argus:latest}" "${ARGUS_POSTGRES_IMAGE:-argus-postgres:15}"; do
	docker image inspect "$image" >/dev/null 2>&1 || { echo "compose-smoke: image $image missing; run make images" >&2; exit 1; }
done

port=$(free_port)
export ARGUS_SECRET_KEY ARGUS_DB_PASSWORD DOCKER_GID ARGUS_DB_PORT ARGUS_LISTEN ARGUS_PUBLIC_URL
ARGUS_SECRET_KEY=$(openssl rand -base64 32)
ARGUS_DB_PASSWORD=$(openssl rand -hex 16)
DOCKER_GID=$(stat -c %g /var/run/docker.sock)
ARGUS_DB_PORT=$(free_port)
ARGUS_LISTEN=127.0.0.1:$port
ARGUS_PUBLIC_URL=http://127.0.0.1:$port

down() {
	"${compose[@]}" -p "$project" -f "$repo/compose.yaml" logs --no-color --tail 20 >&2 || true
	"${compose[@]}" -p "$project" -f "$repo/compose.yaml" down -v --timeout 40 >&2 || true
}
trap down EXIT

started=$(date +%s)
"${compose[@]}" -p "$project" -f "$repo/compose.yaml" up -d >&2
for _ in $(seq 1 120); do
	if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
		break
	fi
	sleep 1
done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || { echo "compose-smoke: /readyz never answered" >&2; exit 1; }
ready=$(($(date +%s) - started))
running=$("${compose[@]}" -p "$project" -f "$repo/compose.yaml" ps --services --filter status=running | sort | tr '\n' ' ')
for svc in postgres serve worker-1 worker-2; do
	[[ " $running " == *" $svc "* ]] || { echo "compose-smoke: $svc is not running (running: $running)" >&2; exit 1; }
done
# Each worker keeps a warm browser under its own node name; with one name
# for both (the shared host name), each one's reaper would remove the
# other's browsers as orphans.
for node in worker-1 worker-2; do
	for _ in $(seq 1 90); do
		[[ -n $(docker ps -q --filter label=org.argusqa.managed=true --filter "label=org.argusqa.node=$node") ]] && break
		sleep 1
	done
	[[ -n $(docker ps -q --filter label=org.argusqa.managed=true --filter "label=org.argusqa.node=$node") ]] ||
		{ echo "compose-smoke: no browser container of node $node is running" >&2; exit 1; }
done
if "${compose[@]}" -p "$project" -f "$repo/compose.yaml" logs --no-color worker-1 worker-2 2>&1 | grep -q "removed orphaned browser container"; then
	echo "compose-smoke: a worker removed browser containers of a fresh setup as orphans" >&2
	exit 1
fi
echo "compose-smoke: ok: /readyz answered ${ready}s after up; running: $running; a warm browser per worker node"
