#!/usr/bin/env bash
# The README's first command: generate a 3-day chain and run it, day by day, on a fresh embedded
# store in .recon/demo (no server needed), then list the last day's exceptions.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${RECON_DEMO_ROWS:-100000}
rm -rf .recon/demo data/demo
bin/recon gen --date 2026-11-16 --days 3 --rows "$rows" --seed 1 --out data/demo
for d in 2026-11-16 2026-11-17 2026-11-18; do
  bin/recon run --date "$d" --data-dir data/demo --db .recon/demo
  echo
done
echo "First exceptions raised on 2026-11-18 (recon exceptions --date 2026-11-18 --db .recon/demo):"
bin/recon exceptions --date 2026-11-18 --db .recon/demo | head -n 6
