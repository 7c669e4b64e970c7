#!/usr/bin/env bash
# Writes a root filesystem made of files of Debian packages installed on
# this host, as a tar stream on stdout, for a FROM scratch image without any
# registry: `rootfs.sh [--libs-of FILE]... PACKAGE... | docker import - TAG`
# or as the context of a `FROM scratch` Dockerfile.
#
# Every file of each named package (dpkg -L) is taken at its real location
# (this host is usr-merged, so /lib/x → /usr/lib/x), with the usual merged-/usr
# links (/bin, /lib, /lib64, /sbin → usr/…). --libs-of FILE adds the packages
# owning the shared libraries FILE loads (ldd, dpkg -S), so a binary's
# libraries come from Debian packages too. Extra files are added with
# --file SRC=DEST (a file of this host, e.g. a generated certificate bundle)
# and --dir DEST=MODE:UID (an empty directory).
set -euo pipefail

die() {
	printf 'rootfs.sh: %s\n' "$*" >&2
	exit 1
}

packages=()
extra_files=()
extra_dirs=()
while [[ $# -gt 0 ]]; do
	case $1 in
	--libs-of)
		[[ -e $2 ]] || die "--libs-of $2: no such file"
		while read -r lib; do
			owner=$(dpkg -S "$(readlink -f "$lib")" 2>/dev/null | head -n1 | cut -d: -f1) ||
				owner=$(dpkg -S "$lib" 2>/dev/null | head -n1 | cut -d: -f1) || true
			[[ -n $owner ]] || die "$lib (needed by $2) belongs to no installed Debian package"
			packages+=("$owner")
		done < <(ldd "$2" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
		shift 2
		;;
	--file)
		extra_files+=("$2")
		shift 2
		;;
	--dir)
		extra_dirs+=("$2")
		shift 2
		;;
	-*) die "unknown option $1" ;;
	*)
		packages+=("$1")
		shift
		;;
	esac
done
[[ ${#packages[@]} -gt 0 || ${#extra_files[@]} -gt 0 ]] || die "name at least one package or --file"

stage=$(mktemp -d "${TMPDIR:-/var/tmp}/argus-rootfs.XXXXXX")
trap 'rm -rf --one-file-system "$stage"' EXIT
root="$stage/root"
mkdir -p "$root/usr/bin" "$root/usr/lib" "$root/usr/lib64" "$root/usr/sbin"
for d in bin lib lib64 sbin; do ln -s "usr/$d" "$root/$d"; done

list="$stage/files"
: >"$list"
mapfile -t unique < <(printf '%s\n' "${packages[@]}" | sort -u)
for pkg in "${unique[@]}"; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
		die "Debian package $pkg is not installed on this host (apt-get install $pkg)"
	dpkg -L "$pkg" >>"$list"
done
# Copy each regular file or symlink at its real directory (one process for
# all of them), so the merged-/usr links above stay links.
sort -u "$list" | python3 -c '
import os, sys
for line in sys.stdin:
    p = line.rstrip("\n")
    if not os.path.lexists(p) or (os.path.isdir(p) and not os.path.islink(p)):
        continue
    print(os.path.join(os.path.realpath(os.path.dirname(p)), os.path.basename(p)).lstrip("/"))
' | sort -u >"$stage/real"
tar -C / --no-recursion -cf - -T "$stage/real" | tar -C "$root" -xf -
for spec in "${extra_files[@]}"; do
	src=${spec%%=*} dest=${spec#*=}
	[[ -f $src ]] || die "--file $src: no such file"
	mkdir -p "$root$(dirname "$dest")"
	cp -L "$src" "$root$dest"
done
for spec in "${extra_dirs[@]}"; do
	dest=${spec%%=*} rest=${spec#*=}
	mode=${rest%%:*} uid=${rest#*:}
	mkdir -p "$root$dest"
	chmod "$mode" "$root$dest"
	chown "$uid:$uid" "$root$dest"
done
printf 'rootfs.sh: %s packages, %s\n' "${#unique[@]}" "$(du -sh "$root" | cut -f1)" >&2
tar --numeric-owner -C "$root" -c .
