#!/bin/sh
# Turns a minimal Debian bookworm root into the Argus browser image. It runs
# inside the target root, either in a chroot (build.sh, no registry needed) or
# as a RUN step of the Dockerfile, so both ways produce the same contents.
#
# Expects its sibling files (packages.txt, entrypoint.sh, chromium-flags) in
# the same directory and a working apt configuration (sources with
# bookworm-security, where Debian ships current Chromium).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
export DEBIAN_FRONTEND=noninteractive LC_ALL=C

# The UID is fixed so that policies (runAsNonRoot, file ownership on mounted
# volumes) can name it; it is far from the usual host user range on purpose.
ARGUS_UID=10001

# Keep documentation, manuals and translations out of everything installed
# from here on; copyright files stay for licence compliance.
cat >/etc/dpkg/dpkg.cfg.d/argus-minimal <<'EOF'
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-exclude=/usr/share/lintian/*
EOF
# Headless Chromium renders (WebGL included) with the SwiftShader copy it
# ships in /usr/lib/chromium, never with Mesa's hardware drivers, so the
# drivers and the LLVM and Z3 libraries only they load (about 160 MB) stay
# out of the image. Checked: WebGL still draws and reads back pixels.
cat >/etc/dpkg/dpkg.cfg.d/argus-headless <<'EOF'
path-exclude=/usr/lib/*/dri/*
path-exclude=/usr/lib/*/libLLVM-*
path-exclude=/usr/lib/*/libz3.so*
EOF
cat >/etc/apt/apt.conf.d/argus-minimal <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
Dpkg::Progress-Fancy "false";
EOF

packages=$(grep -v '^[[:space:]]*#' "$here/packages.txt" | tr -s '[:space:]' ' ')
echo "setup: apt-get update"
apt-get update -q
echo "setup: installing $packages"
# shellcheck disable=SC2086 # the package list is meant to be split
apt-get install -y -q --no-install-recommends $packages

echo "setup: creating user argus ($ARGUS_UID)"
groupadd --gid "$ARGUS_UID" argus
useradd --uid "$ARGUS_UID" --gid "$ARGUS_UID" --create-home --home-dir /home/argus \
	--shell /usr/sbin/nologin argus

install -m 0755 "$here/entrypoint.sh" /usr/local/bin/argus-browser
install -m 0644 "$here/chromium-flags" /etc/chromium.d/argus
# Debian's launcher moves Chromium's shared memory from /dev/shm to /tmp
# unless /dev/shm has 3.8 GB, which no container gets. The docker provider
# sizes /dev/shm (1 GiB by default), so keep using it from 256 MiB up and
# fall back to /tmp only below that, e.g. under Docker's 64 MB default.
cat >/etc/chromium.d/dev-shm <<'EOF'
# Argus browser image: see docker/browser/setup.sh.
shm_avail_kb=$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')
if [ "${shm_avail_kb:-0}" -lt 262144 ]; then
	export CHROMIUM_FLAGS="$CHROMIUM_FLAGS --disable-dev-shm-usage"
fi
EOF

echo "setup: removing caches, package lists and documentation"
apt-get clean
rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/cache/debconf/*-old \
	/var/lib/dpkg/*-old /var/log/apt/* /var/log/dpkg.log /var/log/alternatives.log \
	/usr/share/man/* /usr/share/info/* /usr/share/locale/* /usr/share/lintian
# Files debootstrap installed before the dpkg excludes existed.
find /usr/share/doc -mindepth 1 ! -type d ! -name copyright -delete
find /usr/share/doc -mindepth 1 -type d -empty -delete

echo "setup: chromium $(dpkg-query -W -f='${Version}' chromium), chromedriver $(dpkg-query -W -f='${Version}' chromium-driver)"
