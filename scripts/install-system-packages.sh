#!/usr/bin/env bash
# What the test suite needs from Debian: chromium for the browser tests (driven at
# /usr/bin/chromium) and the PostgreSQL client tools for the backup tests. Installed when missing.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium fonts-dejavu-core)
command -v pg_dump >/dev/null || missing+=(postgresql-client)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing ${missing[*]} ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "The tests need: ${missing[*]} (sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
