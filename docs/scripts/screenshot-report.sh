#!/usr/bin/env bash
# Renders a report (RUN_DIR/report.html, comparison.html or any HTML file) in headless Chromium
# and saves a PNG screenshot of the whole page.
#   docs/scripts/screenshot-report.sh runs/quickstart-…/ quickstart-report.png [width]
# Needs Debian's chromium (apt-get install chromium).
set -euo pipefail
if [[ $# -lt 2 ]]; then
  echo "usage: $0 RUN_DIR|FILE.html OUT.png [WIDTH]" >&2
  exit 2
fi
page=$1
[[ -d $page ]] && page=$page/report.html
[[ -f $page ]] || { echo "error: $page: no such report" >&2; exit 1; }
out=$2
width=${3:-1240}
browser=$(command -v chromium || command -v chromium-browser || true)
[[ -n $browser ]] || { echo "error: chromium not found (apt-get install chromium)" >&2; exit 1; }
flags=(--headless --disable-gpu --hide-scrollbars --no-first-run)
[[ $(id -u) -eq 0 ]] && flags+=(--no-sandbox)  # Chromium refuses to run its sandbox as root
url="file://$(realpath "$page")"
# Page height from the figures' sizes: narrow figures sit two per row, wide ones alone, plus
# room for the headings, tables and the configuration listing.
height=$(grep -o '<svg[^>]*width="[0-9]*" height="[0-9]*"' "$page" |
  sed -E 's/.*width="([0-9]+)" height="([0-9]+)".*/\1 \2/' |
  awk '{ total += ($1 > 600) ? $2 + 80 : ($2 + 80) / 2 } END { printf "%d", total + 1100 }')
timeout 120 "$browser" "${flags[@]}" --window-size="$width,$height" \
  --screenshot="$(realpath -m "$out")" "$url" 2>/dev/null >/dev/null
[[ -s $out ]] || { echo "error: chromium wrote no screenshot" >&2; exit 1; }
echo "$out ($width×$height)"
