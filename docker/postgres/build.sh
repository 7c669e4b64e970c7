#!/usr/bin/env bash
# Builds argus-postgres:15 for compose.yaml without any registry: Debian's
# PostgreSQL 15 packages as installed on this host (make deps installs them),
# the packages of every shared library they load, dash and coreutils for the
# entrypoint, on FROM scratch. The last line on stdout is the image tag.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
tag=${ARGUS_POSTGRES_IMAGE:-argus-postgres:15}
bin=/usr/lib/postgresql/15/bin
lib=/usr/lib/postgresql/15/lib

die() {
	printf 'postgres/build.sh: %s\n' "$*" >&2
	exit 1
}
command -v docker >/dev/null || die "the docker CLI is not installed (Debian: apt-get install docker.io)"
docker version --format '{{.Server.APIVersion}}' >/dev/null 2>&1 || die "no Docker engine answers"
[[ -x $bin/postgres && -x $bin/pg_isready ]] || die "PostgreSQL 15 is not installed: apt-get install postgresql-15 postgresql-client-15 (or make deps)"

ctx=$(mktemp -d "${TMPDIR:-/var/tmp}/argus-postgres.XXXXXX")
trap 'rm -rf --one-file-system "$ctx"' EXIT
printf 'root:x:0:0:root:/:/nonexistent\npostgres:x:999:999:PostgreSQL:/var/lib/postgresql:/nonexistent\n' >"$ctx/passwd"
printf 'root:x:0:\npostgres:x:999:\n' >"$ctx/group"

libs=()
for f in "$bin/postgres" "$bin/initdb" "$bin/pg_isready" /usr/bin/dash /usr/bin/rm "$lib"/*.so; do
	# The JIT provider drags in LLVM (100+ MB); the server runs with jit=off.
	[[ $(basename "$f") == llvmjit.so ]] && continue
	libs+=(--libs-of "$f")
done
printf '==> root filesystem from Debian packages\n' >&2
bash "$repo/docker/rootfs.sh" postgresql-15 postgresql-client-15 tzdata dash coreutils libc-bin "${libs[@]}" \
	--file "$here/entrypoint.sh=/usr/local/bin/argus-postgres" \
	--file "$ctx/passwd=/etc/passwd" --file "$ctx/group=/etc/group" \
	--dir /tmp=1777:0 --dir /var/lib/postgresql=0755:999 --dir /var/lib/postgresql/data=0700:999 >"$ctx/rootfs.tar"
cp "$here/Dockerfile.scratch" "$ctx/Dockerfile"
printf '==> docker build %s\n' "$tag" >&2
docker build --quiet -t "$tag" "$ctx" >/dev/null
docker run --rm --network none --entrypoint "$bin/postgres" "$tag" --version >&2
printf '    %s: %s\n' "$tag" "$(docker image inspect --format '{{.Size}}' "$tag" | awk '{ printf "%.0f MB", $1 / 1e6 }')" >&2
printf '%s\n' "$tag"
