#!/usr/bin/env bash
# System packages Abstractor needs: poppler (rendering) and tesseract with English and OSD data (OCR,
# orientation). Installs what is missing when apt is usable; otherwise says what to install.
set -euo pipefail

packages=()
command -v pdftoppm >/dev/null || packages+=(poppler-utils)
command -v tesseract >/dev/null || packages+=(tesseract-ocr)
if command -v tesseract >/dev/null; then
  langs=$(tesseract --list-langs 2>/dev/null || true)
  grep -qx eng <<<"$langs" || packages+=(tesseract-ocr-eng)
  grep -qx osd <<<"$langs" || packages+=(tesseract-ocr-osd)
fi
# Extra packages a caller asks for (the test tiers: chromium for the browser tests).
for extra in "$@"; do
  dpkg -s "$extra" >/dev/null 2>&1 || packages+=("$extra")
done
[ ${#packages[@]} -eq 0 ] && exit 0

if command -v apt-get >/dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing system packages: ${packages[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
else
  echo "missing system packages: ${packages[*]} (install them with your package manager)" >&2
  exit 1
fi
