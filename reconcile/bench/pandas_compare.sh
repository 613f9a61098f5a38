#!/usr/bin/env bash
# Side by side: package reconcile against a pandas merge on the same data.
#
#   reconcile/bench/pandas_compare.sh [N] [DIR]
#
# Generates N expected payments and about N settlement lines as CSV files
# (one Go generator; both sides read the same files), reconciles them with
# `go run ./reconcile/bench run` and with merge.py, checks that both count
# the same matched and unmatched rows, and prints lines/s (wall clock and
# per CPU second) for each, the ratios, Go's peak heap and both maximum RSS.
# N defaults to 1000000. pandas comes from Debian's python3-pandas, installed
# with apt-get when no python3 on the path can import it.
set -euo pipefail

N=${1:-1000000}
DIR=${2:-${TMPDIR:-/tmp}/reconcile-vs-pandas-$N}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

PY=""
for p in python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null && "$p" -c 'import pandas' 2>/dev/null; then
		PY=$p
		break
	fi
done
if [ -z "$PY" ]; then
	echo "installing python3-pandas with apt-get" >&2
	SUDO=""
	if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
	$SUDO apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-pandas >&2
	PY=/usr/bin/python3
	"$PY" -c 'import pandas' || { echo "pandas still cannot be imported" >&2; exit 1; }
fi

BIN=$(mktemp -d)/reconbench
trap 'rm -rf "$(dirname "$BIN")"' EXIT
go build -o "$BIN" ./reconcile/bench

if [ ! -s "$DIR/settlement.csv" ] || [ ! -s "$DIR/expected.csv" ] || [ "$(cat "$DIR/.n" 2>/dev/null)" != "$N" ]; then
	echo "generating $N expected payments in $DIR" >&2
	"$BIN" gen -n "$N" -dir "$DIR"
	echo "$N" >"$DIR/.n"
fi

echo "pandas $("$PY" -c 'import pandas; print(pandas.__version__)'), $(go version | cut -d' ' -f3), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
go_out=$("$BIN" run -dir "$DIR")
pd_out=$("$PY" reconcile/bench/merge.py "$DIR")
echo "$go_out"
echo "$pd_out"

field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
for k in lines expected matched unmatched_lines unmatched_expected; do
	if [ "$(field "$go_out" $k)" != "$(field "$pd_out" $k)" ]; then
		echo "MISMATCH: $k go=$(field "$go_out" $k) pandas=$(field "$pd_out" $k)" >&2
		exit 1
	fi
done

awk -v gl="$(field "$go_out" lines)" \
	-v gs="$(field "$go_out" seconds)" -v gc="$(field "$go_out" cpu_seconds)" \
	-v ps="$(field "$pd_out" seconds)" -v pc="$(field "$pd_out" cpu_seconds)" \
	-v gh="$(field "$go_out" peak_heap_mib)" -v gl2="$(field "$go_out" peak_live_heap_mib)" -v gr="$(field "$go_out" max_rss_mib)" -v pr="$(field "$pd_out" max_rss_mib)" \
	'BEGIN {
		printf "counts agree: %d lines\n", gl
		printf "go:     %9.0f lines/s  %9.0f lines/cpu-s  peak heap %d MiB (live after GC %d MiB)  max RSS %d MiB\n", gl/gs, gl/gc, gh, gl2, gr
		printf "pandas: %9.0f lines/s  %9.0f lines/cpu-s  max RSS %d MiB\n", gl/ps, gl/pc, pr
		printf "ratio go/pandas: %.2fx wall clock, %.2fx CPU\n", ps/gs, pc/gc
	}'
