#!/bin/sh
# Entrypoint of the Argus browser image: runs chromedriver as the container's
# only service. Chromium itself is started by chromedriver when a WebDriver
# session is created, with the flags the session asks for (chromedriver runs
# /usr/lib/chromium/chromium directly; /etc/chromium.d/argus applies only to
# starts through Debian's /usr/bin/chromium launcher).
#
# Environment (all optional):
#   ARGUS_WEBDRIVER_PORT         port chromedriver listens on (default 4444).
#   ARGUS_WEBDRIVER_LOOPBACK=1   listen on the loopback interface only. For
#                                host networking, where the container shares
#                                the host's interfaces and must not expose
#                                WebDriver beyond 127.0.0.1.
#   ARGUS_WEBDRIVER_ALLOWED_IPS  comma-separated client addresses allowed to
#                                connect. Default: the container's default
#                                gateway, which is the address a connection
#                                through a published port arrives from. Other
#                                containers on the same network (for example
#                                the application under test) are refused.
# Extra arguments are passed to chromedriver.
set -eu

port="${ARGUS_WEBDRIVER_PORT:-4444}"
case "$port" in
'' | *[!0-9]*)
	echo "argus-browser: ARGUS_WEBDRIVER_PORT must be a port number, got '$port'" >&2
	exit 2
	;;
esac

if [ "${ARGUS_WEBDRIVER_LOOPBACK:-0}" = 1 ]; then
	exec /usr/bin/chromedriver --port="$port" "$@"
fi

# default_gateway prints the IPv4 default gateway from the kernel routing
# table, where addresses are little-endian hex (0100A8C0 is 192.168.0.1).
default_gateway() {
	while read -r _ dest gw _; do
		if [ "$dest" = 00000000 ] && [ "$gw" != 00000000 ]; then
			b1=$(printf '%s' "$gw" | cut -c1-2)
			b2=$(printf '%s' "$gw" | cut -c3-4)
			b3=$(printf '%s' "$gw" | cut -c5-6)
			b4=$(printf '%s' "$gw" | cut -c7-8)
			printf '%d.%d.%d.%d\n' "0x$b4" "0x$b3" "0x$b2" "0x$b1"
			return 0
		fi
	done </proc/net/route
	return 1
}

allowed="${ARGUS_WEBDRIVER_ALLOWED_IPS:-}"
if [ -z "$allowed" ]; then
	if ! allowed=$(default_gateway); then
		echo "argus-browser: no default gateway to allow; set ARGUS_WEBDRIVER_ALLOWED_IPS or ARGUS_WEBDRIVER_LOOPBACK=1" >&2
		exit 2
	fi
fi

# --allowed-ips makes chromedriver listen on all interfaces and accept only
# the listed peers. Requests reach it as http://127.0.0.1:<published port>,
# so the Host header is a loopback address, which chromedriver accepts; no
# --allowed-origins is given, so requests carrying a web Origin header (a web
# page trying to drive the browser) stay refused.
exec /usr/bin/chromedriver --port="$port" --allowed-ips="$allowed" "$@"
