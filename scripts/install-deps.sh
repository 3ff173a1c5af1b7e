#!/bin/sh
# Install the Debian packages that building and testing medscreen need.
# Run as root on Debian 12 (bookworm) or later: scripts/install-deps.sh
set -eu
packages="build-essential autoconf automake libtool pkg-config
libpcre2-dev libyaml-dev libjson-c-dev check libgsl-dev nettle-dev libcsv-dev
python3 python3-jsonschema valgrind
python3-venv python3-pip python3-setuptools python3-wheel
chromium chromium-driver"
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps.sh: run as root (or with sudo)" >&2
	exit 2
fi
missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing
fi
