#!/usr/bin/env bash
# Builds the Argus server/worker image without any registry: a static argus
# binary on FROM scratch, with the CA certificates and time zone data of this
# host's Debian packages (ca-certificates, tzdata) and an unprivileged user.
# docker/argus/Dockerfile builds the same image for those who have a registry.
#
# The last line on stdout is the image tag, so `tag=$(bash docker/argus/build.sh)`
# works. Environment (optional): ARGUS_IMAGE (default argus:$VERSION),
# VERSION (default: git describe), GO (default go).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
version=${VERSION:-$(git -C "$repo" describe --tags --always --dirty 2>/dev/null || echo dev)}
tag=${ARGUS_IMAGE:-argus:$version}

die() {
	printf 'argus/build.sh: %s\n' "$*" >&2
	exit 1
}
command -v docker >/dev/null || die "the docker CLI is not installed (Debian: apt-get install docker.io)"
docker version --format '{{.Server.APIVersion}}' >/dev/null 2>&1 || die "no Docker engine answers"
[[ -s /etc/ssl/certs/ca-certificates.crt ]] || die "no CA bundle: apt-get install ca-certificates"

ctx=$(mktemp -d "${TMPDIR:-/var/tmp}/argus-image.XXXXXX")
trap 'rm -rf --one-file-system "$ctx"' EXIT

printf '==> building a static argus %s\n' "$version" >&2
(cd "$repo" && CGO_ENABLED=0 "${GO:-go}" build -trimpath -ldflags "-s -w -X main.version=$version" -o "$ctx/argus" ./cmd/argus)
printf 'root:x:0:0:root:/:/nonexistent\nargus:x:10001:10001:argus:/data:/nonexistent\n' >"$ctx/passwd"
printf 'root:x:0:\nargus:x:10001:\n' >"$ctx/group"

printf '==> root filesystem from Debian packages\n' >&2
bash "$repo/docker/rootfs.sh" tzdata \
	--file /etc/ssl/certs/ca-certificates.crt=/etc/ssl/certs/ca-certificates.crt \
	--file "$ctx/argus=/usr/local/bin/argus" \
	--file "$ctx/passwd=/etc/passwd" --file "$ctx/group=/etc/group" \
	--dir /tmp=1777:0 --dir /data=0750:10001 >"$ctx/rootfs.tar"
cp "$here/Dockerfile.scratch" "$ctx/Dockerfile"

printf '==> docker build %s\n' "$tag" >&2
docker build --quiet --label "org.argusqa.version=$version" -t "$tag" "$ctx" >/dev/null
docker tag "$tag" argus:latest
docker run --rm --network none "$tag" version >&2
printf '    %s: %s\n' "$tag" "$(docker image inspect --format '{{.Size}}' "$tag" | awk '{ printf "%.0f MB", $1 / 1e6 }')" >&2
printf '%s\n' "$tag"
