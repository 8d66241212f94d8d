#!/usr/bin/env bash
# Debian packages the project needs at run and test time. Each app adds the
# packages it needs to APT_PACKAGES with the command that proves it is there.
set -u
declare -A APT_PACKAGES=(
  # [package]=command-or-file-that-shows-it-is-installed
  [chromium]=/usr/bin/chromium            # browser tests (Playwright drives it)
  [espeak-ng]=espeak-ng                   # broadcast: offline Vietnamese TTS
  [npm]=npm                               # axe-core for the accessibility checks (cms)
  [fonts-noto-core]=/usr/share/fonts/truetype/noto/NotoSansKhmer-Regular.ttf  # signage PNG slides (Vietnamese + Khmer)
  [ffmpeg]=ffmpeg                         # broadcast MP3, signage video transcoding
  [icecast2]=/usr/bin/icecast2            # broadcast: live and relayed streams
  [mosquitto]=/usr/sbin/mosquitto         # broadcast: the project's own broker (password + ACL files)
  [wrk]=wrk                               # bench: load generator (bench/plain_wagtail.py)
  [caddy]=/usr/bin/caddy                  # tests: the shipped reverse proxy in front of gunicorn (rate-limit keys)
)
missing=()
for pkg in "${!APT_PACKAGES[@]}"; do
  probe=${APT_PACKAGES[$pkg]}
  if [[ $probe == /* ]]; then [[ -e $probe ]] || missing+=("$pkg")
  else command -v "$probe" >/dev/null 2>&1 || missing+=("$pkg"); fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
  echo "Thiếu gói hệ thống: ${missing[*]} (cần quyền root và apt-get để cài)." >&2
  exit 1
fi
echo "[system] apt-get install ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"
