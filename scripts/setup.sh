#!/usr/bin/env bash
# Installs what nq needs on a fresh Debian machine with Swift 6.3: the C libraries (Debian packages)
# and, for tests and benchmarks only, the Python oracles (PyPI). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

debs=(libsqlite3-dev liblz4-dev libdeflate-dev librdkafka-dev libcurl4-openssl-dev pkg-config cron util-linux)
# For the tests only: headless Chromium renders the dashboards; docker-compose validates deploy/compose.yaml.
[ "${1:-}" = "--with-python" ] && debs+=(chromium docker-compose)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ "${1:-}" = "--with-python" ]; then
  python3 -m pip install -q --disable-pip-version-check -r scripts/requirements-test.txt
fi
