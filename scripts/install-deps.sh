#!/usr/bin/env bash
# Installs the Debian packages Argus's tests and demo need, if missing:
# PostgreSQL (server binaries for throwaway clusters; no service is used),
# Chromium and chromedriver, fonts, debootstrap for the browser image, and
# ffmpeg for agents' videos.
set -euo pipefail

want=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for pkg in postgresql postgresql-contrib chromium chromium-driver fonts-liberation debootstrap ffmpeg; do
	have_pkg "$pkg" || want+=("$pkg")
done

if [ ${#want[@]} -eq 0 ]; then
	echo "all packages present"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "missing packages: ${want[*]}" >&2
	echo "run as root, or: sudo apt-get install ${want[*]}" >&2
	exit 1
fi
echo "installing: ${want[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${want[@]}"
# Debian's postgresql package may start a system cluster we just created;
# Argus never uses it (tests start throwaway clusters), so stop it again.
if [[ " ${want[*]} " == *" postgresql "* ]] && command -v pg_lsclusters >/dev/null; then
	pg_lsclusters -h 2>/dev/null | awk '$4 == "online" {print $1, $2}' | while read -r ver name; do
		pg_ctlcluster "$ver" "$name" stop || true
	done
fi
