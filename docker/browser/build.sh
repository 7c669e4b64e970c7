#!/usr/bin/env bash
# Builds the Argus browser image (Chromium + chromedriver on Debian bookworm)
# without any container registry: debootstrap a minimal root filesystem from
# this host's configured Debian mirror, install the packages in a chroot with
# the same setup.sh the Dockerfile runs, and `docker import` the result.
#
# Idempotent: the image is labelled with a hash of its recipe (this script,
# setup.sh, packages.txt, entrypoint.sh, chromium-flags, VERSION); when an
# image with that hash exists the script only makes sure the tag points at it.
#
# Progress goes to stderr; the last line on stdout is the image tag, so
# `tag=$(bash docker/browser/build.sh)` works.
#
# Environment (all optional):
#   ARGUS_BROWSER_VERSION         tag version (default: contents of VERSION)
#   ARGUS_BROWSER_REPOSITORY      image name (default: argus-browser)
#   ARGUS_DEBIAN_MIRROR           Debian archive URI (default: from apt sources)
#   ARGUS_DEBIAN_SECURITY_MIRROR  Debian security URI (default: from apt sources)
#   TMPDIR                        where the temporary root is built (default: /var/tmp)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
suite=bookworm
label=org.argusqa.browser
recipe_files=(build.sh setup.sh packages.txt entrypoint.sh chromium-flags VERSION)

started=$(date +%s)
step=0
steps=6

die() {
	printf 'build.sh: %s\n' "$*" >&2
	exit 1
}

progress() {
	step=$((step + 1))
	printf '==> [%d/%d] %s (%ds elapsed)\n' "$step" "$steps" "$*" "$(($(date +%s) - started))" >&2
}

info() {
	printf '    %s\n' "$*" >&2
}

progress "checking the Docker engine and the recipe"
command -v docker >/dev/null || die "the docker CLI is not installed (Debian: apt-get install docker.io)"
docker version --format '{{.Server.APIVersion}}' >/dev/null 2>&1 ||
	die "no Docker engine answers (is dockerd running, may this user use it, is DOCKER_HOST right?)"

version=${ARGUS_BROWSER_VERSION:-$(tr -d '[:space:]' <"$here/VERSION")}
[[ $version =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || die "version '$version' is not a valid Docker tag"
repository=${ARGUS_BROWSER_REPOSITORY:-argus-browser}
tag="$repository:$version"
arch=$(dpkg --print-architecture 2>/dev/null || true)
[[ -n $arch ]] || die "dpkg is missing; this script builds from Debian packages and needs a Debian-based host"

recipe=$({
	cd "$here"
	sha256sum "${recipe_files[@]}"
	printf 'suite=%s arch=%s version=%s\n' "$suite" "$arch" "$version"
} | sha256sum | cut -d' ' -f1)
info "recipe ${recipe:0:12}, tag $tag"

existing=$(docker image ls --quiet --no-trunc --filter "label=$label.recipe=$recipe" | head -n1)
if [[ -n $existing ]]; then
	docker tag "$existing" "$tag"
	info "an image built from this recipe exists (${existing#sha256:}); nothing to build"
	printf '%s\n' "$tag"
	exit 0
fi

[[ $(id -u) -eq 0 ]] || die "building the image needs root (debootstrap and chroot); run it as root, e.g. sudo make browser-image"
command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"

# mirror_for prints the repository URI apt uses for a release matching the
# pattern, taken from the host's configured sources (one-line or deb822).
mirror_for() {
	# shellcheck disable=SC2016 # $(...) are apt's format fields, not shell
	apt-get indextargets --no-release-info --format '$(RELEASE) $(REPO_URI)' 'Identifier: Packages' 2>/dev/null |
		awk -v pat="$1" '$1 ~ pat { print $2; exit }'
}
mirror=${ARGUS_DEBIAN_MIRROR:-$(mirror_for "^$suite\$")}
mirror=${mirror:-$(mirror_for '^[a-z]+$')}
security=${ARGUS_DEBIAN_SECURITY_MIRROR:-$(mirror_for "^$suite-security\$")}
security=${security:-$(mirror_for '-security$')}
[[ -n $mirror ]] || die "no Debian archive found in the apt sources; set ARGUS_DEBIAN_MIRROR (e.g. http://deb.debian.org/debian)"
[[ -n $security ]] || die "no Debian security archive found in the apt sources; set ARGUS_DEBIAN_SECURITY_MIRROR (Chromium updates ship there)"
for uri in "$mirror" "$security"; do
	[[ $uri =~ ^(https?|file):// ]] || die "mirror '$uri' is not an http(s) or file URI debootstrap can use; set ARGUS_DEBIAN_MIRROR / ARGUS_DEBIAN_SECURITY_MIRROR"
done
info "mirror $mirror, security $security"

workdir=$(mktemp -d "${TMPDIR:-/var/tmp}/argus-browser.XXXXXX")
[[ $workdir =~ ^[A-Za-z0-9_./-]+$ ]] || die "temporary directory '$workdir' contains unusual characters; set TMPDIR"
root="$workdir/root"

# unmount_all detaches everything mounted below the temporary root, deepest
# first, so that removing the root can never reach into /proc or /dev.
unmount_all() {
	local m
	awk -v r="$root" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/mounts | sort -r |
		while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
}

cleanup() {
	local rc=$?
	if [[ -d $workdir ]]; then
		unmount_all
		if awk -v r="$root" 'index($2, r) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
			printf 'build.sh: %s still has mounts; not removing it\n' "$workdir" >&2
		else
			rm -rf --one-file-system "$workdir"
		fi
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

progress "debootstrap --variant=minbase $suite into $root (about a minute)"
debootstrap --variant=minbase --arch="$arch" "$suite" "$root" "$mirror" 2>&1 |
	sed -u 's/^/    /' >&2

progress "installing $(grep -v '^[[:space:]]*#' "$here/packages.txt" | tr -s '[:space:]' ' ')(about a minute)"
cat >"$root/etc/apt/sources.list" <<EOF
deb ${mirror%/} $suite main
deb ${mirror%/} $suite-updates main
deb ${security%/} $suite-security main
EOF
cp /etc/resolv.conf "$root/etc/resolv.conf"
# No service may start inside the chroot while packages are configured.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
mkdir -p "$root/tmp/argus-setup"
(cd "$here" && cp setup.sh packages.txt entrypoint.sh chromium-flags "$root/tmp/argus-setup/")
mount -t proc proc "$root/proc"
chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	HOME=/root TERM=dumb sh /tmp/argus-setup/setup.sh 2>&1 | sed -u 's/^/    /' >&2
# shellcheck disable=SC2016 # ${Version} is dpkg-query's field, not shell
chromium_version=$(chroot "$root" dpkg-query -W -f='${Version}' chromium)
umount "$root/proc"
rm -rf "$root/tmp/argus-setup" "$root/usr/sbin/policy-rc.d"
# Docker provides resolv.conf, hosts and hostname at run time.
: >"$root/etc/resolv.conf"
: >"$root/etc/hostname"

progress "importing $(du -sh --one-file-system "$root" | cut -f1) into Docker as $tag"
previous=$(docker image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)
tar --numeric-owner --one-file-system -C "$root" \
	--exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/*' --exclude='./tmp/*' \
	--exclude='./var/cache/apt/archives/*.deb' -c . |
	docker import \
		--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
		--change 'ENV LANG=C.UTF-8' \
		--change 'USER 10001:10001' \
		--change 'WORKDIR /home/argus' \
		--change 'EXPOSE 4444' \
		--change 'ENTRYPOINT ["/usr/local/bin/argus-browser"]' \
		--change "LABEL $label.recipe=$recipe $label.version=$version $label.chromium=$chromium_version" \
		--message "argus browser image, recipe $recipe" \
		- "$tag" >/dev/null

progress "checking the image runs"
docker run --rm --network none --entrypoint /usr/bin/chromedriver "$tag" --version | sed 's/^/    /' >&2

progress "done"
if [[ -n $previous && $previous != "$(docker image inspect --format '{{.Id}}' "$tag")" ]]; then
	# The superseded build lost its tag; drop it unless a container still uses it.
	if [[ $(docker image inspect --format '{{len .RepoTags}}' "$previous" 2>/dev/null) == 0 ]]; then
		if docker image rm "$previous" >/dev/null 2>&1; then
			info "removed the superseded image ${previous#sha256:}"
		fi
	fi
fi
info "$tag: chromium $chromium_version, $(docker image inspect --format '{{.Size}}' "$tag" | awk '{ printf "%.0f MB", $1 / 1e6 }'), built in $(($(date +%s) - started))s"
printf '%s\n' "$tag"
