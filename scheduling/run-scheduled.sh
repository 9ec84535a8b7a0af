#!/usr/bin/env bash
# Unattended run: refresh the data, then rebuild every report.
#
# A refresh that fails because the network or an API is down (exit 3) is not fatal:
# the reports are rebuilt from the last good data and the run still exits 3, so the
# scheduler can warn. Any other refresh failure (4 schema change, 5 invalid data,
# 6 missing key, 7 disk) stops before building. A failed build exits 1; a step
# past its deadline exits 124.
set -uo pipefail
cd "$(dirname "$0")/.."
make setup >/dev/null || exit 1

# Every step has a deadline (timeout exits 124): a scheduled run never sits until its runner's limit.
timeout 15m .venv/bin/truce refresh
refresh=$?
case "$refresh" in
  0|3) ;;
  *) echo "refresh failed with exit code $refresh; reports not rebuilt" >&2; exit "$refresh" ;;
esac

timeout 45m .venv/bin/truce build --timeout 600
built=$?
if [ "$built" -ne 0 ]; then exit "$built"; fi
exit "$refresh"
