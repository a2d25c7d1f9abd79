#!/usr/bin/env bash
# What the test suite needs from Debian: chromium for the browser tests (driven at
# /usr/bin/chromium), DejaVu for the report's chart images, the PostgreSQL client tools for the backup tests, and LibreOffice Calc without
# its GUI, Carlito (Calibri's metrics) and poppler's pdftotext for the test that prints the workbook
# to PDF. Installed when missing.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)  # the report's charts: æøå
command -v pg_dump >/dev/null || missing+=(postgresql-client)
command -v soffice >/dev/null || missing+=(libreoffice-calc-nogui fonts-crosextra-carlito)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing ${missing[*]} ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "The tests need: ${missing[*]} (sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
