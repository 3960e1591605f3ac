#!/usr/bin/env bash
# bench/run.sh: time git-credential-pat against git's own credential helpers,
# whole processes side by side (hyperfine), on identical generated data.
#
#   bench/run.sh [--quick] [--build] [--no-apt] [--no-libsecret] [--only LIST]
#
#   --quick         fewer runs (a smoke test; the numbers are noisy)
#   --only LIST     run only these sections (comma-separated): file, floor,
#                   fill, concurrency, cache, keychain
#   --build         build the helper from this tree even if one is on PATH
#   --no-apt        never apt-get install anything (missing tools: rows n/a)
#   --no-libsecret  do not build git's contrib libsecret helper; compare the
#                   keychain with secret-tool only
#   PAT=/path/to/git-credential-pat bench/run.sh   times that binary
#
# Writes bench/results.md and bench/results.svg, and the raw hyperfine JSON
# plus the results table to bench/out/ (ignored by git); --quick and --only
# runs write their results.md and .svg to bench/out/ too. Commits nothing.
# Everything runs in a temporary HOME with GIT_CONFIG_NOSYSTEM=1; the
# daemons it starts (caches, keyring) are stopped by pid when it ends.

# Backticks in single-quoted strings below are Markdown, not substitutions.
# shellcheck disable=SC2016
set -euo pipefail

QUICK=0 BUILD=0 NO_APT=0 NO_LIBSECRET=0 PHASE=main
SECTIONS="file floor fill concurrency cache keychain"
# The keychain phase re-runs this script; it must find it from any directory.
SELF=$(realpath "${BASH_SOURCE[0]}")
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) QUICK=1 ;;
	--build) BUILD=1 ;;
	--no-apt) NO_APT=1 ;;
	--no-libsecret) NO_LIBSECRET=1 ;;
	--only)
		[ $# -ge 2 ] || { echo "run.sh: --only needs a list of sections" >&2; exit 2; }
		SECTIONS=${2//,/ }
		for s in $SECTIONS; do
			case "$s" in
			file | floor | fill | concurrency | cache | keychain) ;;
			*) echo "run.sh: unknown section $s" >&2; exit 2 ;;
			esac
		done
		shift
		;;
	--keychain-phase) PHASE=keychain ;; # internal: re-run under dbus-run-session
	-h | --help)
		sed -n '2,20p' "$SELF" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "run.sh: unknown option $1 (try --help)" >&2
		exit 2
		;;
	esac
	shift
done
export QUICK BUILD NO_APT NO_LIBSECRET

# ---------------------------------------------------------------- helpers

say() { printf '%s\n' "$*"; }
die() {
	printf 'run.sh: %s\n' "$*" >&2
	exit 1
}

# q quotes a word for sh -c (hyperfine runs commands through sh).
q() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# apt_install PKG...: install Debian packages, as root or through sudo -n.
apt_install() {
	[ "$NO_APT" = 0 ] || return 1
	command -v apt-get >/dev/null 2>&1 || return 1
	local sudo=()
	if [ "$(id -u)" != 0 ]; then
		command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null || return 1
		sudo=(sudo -n)
	fi
	say "  apt-get install $*"
	export DEBIAN_FRONTEND=noninteractive
	"${sudo[@]}" apt-get install -y -q --no-install-recommends "$@" >>"$LOG" 2>&1 && return 0
	"${sudo[@]}" apt-get update -q >>"$LOG" 2>&1 &&
		"${sudo[@]}" apt-get install -y -q --no-install-recommends "$@" >>"$LOG" 2>&1
}

# need CMD PKG: make sure CMD exists, installing PKG if it does not.
need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	apt_install "$2" >&2 && command -v "$1" >/dev/null 2>&1
}

# row KIND OP SIZE OURS PEER_NAME PEER OURS_RSS PEER_RSS NOTE: one result.
# KIND time: OURS/PEER are median seconds; rss: kB; lost: entries lost, and
# the RSS columns hold how many of the calls failed with an error.
row() {
	local IFS=$'\t'
	printf '%s\n' "$*" >>"$ROWS"
}

# ratio A B: A/B with 2 decimals, or n/a.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "n/a" }'; }

# shell_ratio A B SHELL: (A+SHELL)/(B+SHELL), the ratio of whole "sh -c"
# runs as issue 17 measured them (the table's ratio leaves the shell out).
shell_ratio() { awk -v a="$1" -v b="$2" -v s="$3" 'BEGIN { if (a + 0 > 0 && b + 0 > 0 && s + 0 > 0) printf "%.2f", (a + s) / (b + s); else print "n/a" }'; }

ms() { awk -v s="$1" 'BEGIN { if (s + 0 > 0) printf "%.3g ms", s * 1000; else print s }'; }

# peak_rss CMD [PREPARE]: median over 3 runs of GNU time's maximum resident
# set size, in kB.
peak_rss() {
	local cmd=$1 prepare=${2:-} i vals=()
	[ -x /usr/bin/time ] || {
		echo n/a
		return
	}
	for i in 1 2 3; do
		if [ -n "$prepare" ]; then sh -c "$prepare" >>"$LOG" 2>&1; fi
		/usr/bin/time -f %M -o "$WORK/rss.out" sh -c "$cmd" >/dev/null 2>>"$LOG" || true
		vals+=("$(tail -n 1 "$WORK/rss.out")")
	done
	printf '%s\n' "${vals[@]}" | sort -n | sed -n 2p
}

slug() { printf '%s' "$*" | tr -c 'A-Za-z0-9.-' '-' | tr -s '-' | sed 's/-$//'; }

# compare OP SIZE RUNS PEER_NAME OURS_CMD PEER_CMD [PREPARE]: hyperfine both
# commands (same warmup, runs and prepare), record medians and peak RSS.
#
# OURS_CMD and PEER_CMD are sh snippets ("cmd args < input"). hyperfine's
# own shell correction subtracts the mean of a short calibration, which on a
# busy machine is skewed by outliers (it gave a 0.2 ms git process). So it
# runs without a shell (-N) "sh -c 'exec SNIPPET'" and, in the same rounds,
# the baseline "sh -c ': </dev/null'" (start sh, open a file, no exec); a
# median minus the baseline's median is the command's own time.
#
# The runs are split into ROUNDS rounds of rotating order, merged by
# bench/chart -median, so a burst of load from elsewhere on a shared machine
# does not land on one side only.
compare() {
	local op=$1 size=$2 runs=$3 peer_name=$4 ours=$5 peer=$6 prepare=${7:-}
	local id o=n/a p=n/a base="" note="" warmup=$WARMUP rounds=$ROUNDS r
	id=$(slug "$op-$size-vs-$peer_name")
	[ "$QUICK" = 1 ] && runs=$(((runs + 9) / 10 + 2))
	[ "$runs" -le 15 ] && warmup=2
	if [ -z "$CHART" ] || [ "$runs" -lt $((rounds * 5)) ]; then rounds=1; fi
	local per=$(((runs + rounds - 1) / rounds)) ok=1 files=()
	local co cp cb="sh -c ': </dev/null'"
	co="sh -c $(q "$(execd "$ours")")"
	cp="sh -c $(q "$(execd "$peer")")"
	printf '%s\n' "== $op @ $size vs $peer_name" "ours: $co" "peer: $cp" >>"$LOG"
	for ((r = 1; r <= rounds; r++)); do
		local args=(-N --style basic --warmup "$warmup" --runs "$per" --export-json "$OUT/$id.$r.json" --export-csv "$WORK/$id.csv")
		[ -n "$prepare" ] && args+=(--prepare "$prepare")
		case $((r % 3)) in
		1) args+=(-n ours -n "$peer_name" -n baseline "$co" "$cp" "$cb") ;;
		2) args+=(-n "$peer_name" -n baseline -n ours "$cp" "$cb" "$co") ;;
		0) args+=(-n baseline -n ours -n "$peer_name" "$cb" "$co" "$cp") ;;
		esac
		hyperfine "${args[@]}" >>"$LOG" 2>&1 || ok=0
		files+=("$OUT/$id.$r.json")
	done
	if [ "$ok" = 0 ]; then
		note="hyperfine failed; see bench/out/run.log"
	else
		if [ -n "$CHART" ]; then
			"$CHART" -median "${files[@]}" >"$WORK/$id.medians"
		else
			awk -F, 'NR > 1 { print $1 "\t" $4 }' "$WORK/$id.csv" >"$WORK/$id.medians"
		fi
		base=$(awk -F'\t' '$1 == "baseline" { print $2 }' "$WORK/$id.medians")
		o=$(awk -F'\t' -v b="$base" '$1 == "ours" { printf "%.9f", $2 - b }' "$WORK/$id.medians")
		p=$(awk -F'\t' -v b="$base" -v n="$peer_name" '$1 == n { printf "%.9f", $2 - b }' "$WORK/$id.medians")
		printf 'medians (s): %s\n' "$(tr '\n\t' '; ' <"$WORK/$id.medians")" >>"$LOG"
	fi
	local ro rp
	ro=$(peak_rss "$(execd "$ours")" "$prepare")
	rp=$(peak_rss "$(execd "$peer")" "$prepare")
	row time "$op" "$size" "$o" "$peer_name" "$p" "$ro" "$rp" "$note" "$base"
	printf '  %-28s %7s  ours %-10s %-24s %-10s ratio %s (with the shell: %s)\n' "$op" "$size" "$(ms "$o")" "$peer_name" "$(ms "$p")" "$(ratio "$o" "$p")" "$(shell_ratio "$o" "$p" "$base")"
}

# execd SNIPPET: the snippet with sh replaced by its command (exec), unless
# it does that itself ("export VAR=...; exec cmd").
execd() {
	case "$1" in
	*"exec "*) printf '%s' "$1" ;;
	*) printf 'exec %s' "$1" ;;
	esac
}

# na OP SIZE PEER_NAME WHY: a row that could not be measured.
na() {
	row time "$1" "$2" n/a "$3" n/a n/a n/a "$4"
	printf '  %-28s %7s  n/a: %s\n' "$1" "$2" "$4"
}

# gen_file N PATH: N entries in git-credential-store format, one per host,
# written quickly by awk (100,000 entries in well under a second). The same
# shape as backends/file_bench_test.go's files.
gen_file() {
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "https://user%d:ghp_%036d@host%06d.example.com\n", i, i * 7919, i }' >"$2"
	chmod 600 "$2"
}

# hit_index N: the entry a "hit" looks up, near the end of the file
# (git's store stops at the first match, so this makes it read it all).
hit_index() { echo $(($1 - 1 - $1 / 100)); }

# expect_password CMD WANT: CMD's output must hold password=WANT.
expect_password() {
	local got
	got=$(sh -c "$1" 2>>"$LOG") || return 1
	printf '%s\n' "$got" | grep -qxF "password=$2"
}

# pids_with_arg WORD: pids of processes that have WORD as an argument.
pids_with_arg() {
	local d
	for d in /proc/[0-9]*; do
		tr '\0' '\n' 2>/dev/null <"$d/cmdline" | grep -qxF -- "$1" && echo "${d#/proc/}"
	done
	return 0
}

status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null; }

# ---------------------------------------------------------------- keychain

# keychain_phase runs under dbus-run-session (a private session bus): it
# starts gnome-keyring on it, unlocked with a password on stdin, in a
# temporary XDG_DATA_HOME, and compares keychain lookups.
keychain_phase() {
	local kr=$WORK/keyring
	mkdir -m 700 "$kr" "$kr/data" "$kr/run" "$kr/config"
	export XDG_DATA_HOME=$kr/data XDG_RUNTIME_DIR=$kr/run XDG_CONFIG_HOME=$kr/config
	printf '%s' "bench-keyring-password" |
		gnome-keyring-daemon --foreground --unlock --components=secrets >>"$LOG" 2>&1 &
	local kpid=$!
	# shellcheck disable=SC2064 # kpid is fixed now
	trap "kill $kpid 2>/dev/null || true" EXIT
	local i ready=0
	for i in $(seq 150); do
		if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
			org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true' &&
			dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
				org.freedesktop.Secret.Service.ReadAlias string:default 2>/dev/null | grep -q 'object path "/org'; then
			ready=1
			break
		fi
		kill -0 "$kpid" 2>/dev/null || break
		sleep 0.1
	done
	if [ "$ready" = 0 ]; then
		na "get (keychain)" 100 "secret-tool lookup" "gnome-keyring did not come up; see bench/out/run.log"
		return 0
	fi
	say "  gnome-keyring-daemon (pid $kpid) on a private bus, unlocked"

	# 100 items: the one looked up, and 99 other hosts.
	local in=$WORK/kc-get.in tok=ghp_keychain0123456789abcdefghijklmnopq
	printf 'protocol=https\nhost=bench.example.com\n\n' >"$in"
	for i in $(seq 99); do
		printf 'protocol=https\nhost=other%03d.example.com\nusername=user%d\npassword=ghp_other%d\n\n' "$i" "$i" "$i" |
			"$PAT" --store keychain store 2>>"$LOG" || {
			na "get (keychain)" 100 "secret-tool lookup" "git-credential-pat --store keychain store failed; see bench/out/run.log"
			return 0
		}
	done
	printf 'protocol=https\nhost=bench.example.com\nusername=octocat\npassword=%s\n\n' "$tok" |
		"$PAT" --store keychain store 2>>"$LOG"
	local ours peer
	ours="$(q "$PAT") --store keychain get < $in"
	if ! expect_password "$ours" "$tok"; then
		na "get (keychain)" 100 "secret-tool lookup" "our keychain get did not return the stored token"
		return 0
	fi
	if [ -n "$LIBSECRET" ]; then
		peer="$(q "$LIBSECRET") get < $in"
		if ! expect_password "$peer" "$tok"; then
			# It did not find our item: give it its own, same token.
			printf 'protocol=https\nhost=bench.example.com\nusername=octocat\npassword=%s\n\n' "$tok" |
				"$LIBSECRET" store >/dev/null 2>>"$LOG" || true
			say "  (git-credential-libsecret does not read our item; it stored its own copy, so both helpers see the same two items)"
			: >"$WORK/libsecret-own-item"
		fi
		if expect_password "$peer" "$tok"; then
			compare "get (keychain)" 100 "$RUNS_KEYCHAIN" "git-credential-libsecret" "$ours" "$peer"
		else
			na "get (keychain)" 100 "git-credential-libsecret" "git-credential-libsecret get did not return the token"
		fi
	fi
	peer="secret-tool lookup protocol https server bench.example.com user octocat"
	if [ "$(sh -c "$peer" 2>>"$LOG")" = "$tok" ]; then
		compare "get (keychain)" 100 "$RUNS_KEYCHAIN" "secret-tool lookup" "$ours" "$peer >/dev/null"
	else
		na "get (keychain)" 100 "secret-tool lookup" "secret-tool lookup did not return the token"
	fi

	# git credential fill, end to end, through each keychain helper.
	if [ -n "$LIBSECRET" ]; then
		local co=$WORK/cfg-kc-ours cg=$WORK/cfg-kc-git
		make_cfg "$co" "!$(q "$PAT") --store keychain"
		make_cfg "$cg" "$LIBSECRET"
		compare "git credential fill (keychain)" 100 "$RUNS_KEYCHAIN" "git-credential-libsecret" \
			"export GIT_CONFIG_GLOBAL=$co; exec git credential fill < $in" "export GIT_CONFIG_GLOBAL=$cg; exec git credential fill < $in"
	fi
	kill "$kpid" 2>/dev/null || true
	wait "$kpid" 2>/dev/null || true
	trap - EXIT
}

# make_cfg FILE HELPER: a global git config that uses only HELPER.
make_cfg() {
	: >"$1"
	git config -f "$1" --add credential.helper ''
	git config -f "$1" --add credential.helper "$2"
}

if [ "$PHASE" = keychain ]; then
	keychain_phase
	exit 0
fi

# ---------------------------------------------------------------- setup

ROOT=$(dirname "$(dirname "$SELF")")
OUT=$ROOT/bench/out
mkdir -p "$OUT"
rm -f "$OUT"/*.json "$OUT/results.tsv"
# Short: unix socket paths must stay under 108 bytes.
WORK=$(mktemp -d /tmp/gcpb.XXXXXX)
LOG=$OUT/run.log
ROWS=$OUT/results.tsv
: >"$LOG"
printf 'kind\top\tsize\tours\tpeer_name\tpeer\tours_rss_kb\tpeer_rss_kb\tnote\tshell\n' >"$ROWS"
export WORK LOG ROWS OUT

# DAEMON_PIDS holds "pid:socket" for the cache daemons this run started;
# each is stopped at exit if that pid still has that socket argument.
DAEMON_PIDS=()
cleanup() {
	local e
	for e in "${DAEMON_PIDS[@]}"; do
		if tr '\0' '\n' 2>/dev/null <"/proc/${e%%:*}/cmdline" | grep -qxF -- "${e#*:}"; then
			kill "${e%%:*}" 2>/dev/null || true
		fi
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
START=$(date +%s)

WARMUP=5
RUNS_SMALL=100   # 1 and 1,000 entries: a few ms each
RUNS_FLOOR=600   # the floor comparison: sub-millisecond differences
RUNS_BIG_GET=30  # 100,000 entries
RUNS_BIG_STORE=15
RUNS_CACHE=100
RUNS_KEYCHAIN=50
ROUNDS=3         # alternating-order rounds per comparison
# The sub-millisecond comparisons (floor, 1-entry cache) rotate in many
# short rounds instead: a burst of someone else's load then costs each side
# a few samples, not a whole round (3 rounds once gave an empty Go binary
# 1.13 ms in one run and 1.42 ms in the next).
ROUNDS_FINE=20
export WARMUP RUNS_KEYCHAIN ROUNDS

say "Tools"
need hyperfine hyperfine || die "hyperfine is missing and could not be installed (apt-get install hyperfine)"
[ -x /usr/bin/time ] || apt_install time || say "  /usr/bin/time missing (apt-get install time): no peak RSS"
command -v git >/dev/null || die "git is not installed"
HAVE_GO=0
command -v go >/dev/null 2>&1 && HAVE_GO=1

mkdir -p "$WORK/bin"
if [ -z "${PAT:-}" ] && [ "$BUILD" = 0 ]; then
	PAT=$(command -v git-credential-pat || true)
fi
PAT_FROM="on PATH"
if [ -n "${PAT:-}" ]; then
	case "$PAT" in
	*/*) PAT=$(realpath "$PAT") ;;
	*) PAT=$(command -v "$PAT") || die "PAT=$PAT: not found" ;;
	esac
	[ -x "$PAT" ] || die "$PAT is not executable"
fi
if [ -z "${PAT:-}" ]; then
	[ "$HAVE_GO" = 1 ] || die "git-credential-pat is not on PATH and Go is not installed to build it"
	say "  install.sh --build-only (both programs, side by side, built as an install builds them)"
	"$ROOT/install.sh" --build-only "$WORK/bin" >>"$LOG" 2>&1 ||
		die "install.sh --build-only failed; see $LOG"
	# install.sh writes them with plain writes, which the page cache holds
	# in large folios (faster to start); every other program timed here,
	# git's included, is held in 4 KiB pages, as any binary is once its
	# cache was dropped and exec read it back. Drop ours so all are alike.
	for f in "$WORK/bin/git-credential-pat" "$WORK/bin/git-credential-pat-cli"; do
		if sync "$f"; then dd if="$f" iflag=nocache count=0 status=none 2>>"$LOG" || true; fi
	done
	PAT=$WORK/bin/git-credential-pat
	PAT_FROM="built from $ROOT"
fi
export PAT
PAT_VERSION=$("$PAT" version 2>/dev/null | head -n 1 || echo unknown)
say "  helper: $PAT ($PAT_FROM; $PAT_VERSION)"

EMPTY=""
EMPTY_OLDGC=""
CHART=""
MINGET=""
GOCACHECLIENT=""
MINSTORE=""
if [ "$HAVE_GO" = 1 ]; then
	mkdir -p "$WORK/empty"
	printf 'package main\n\nfunc main() {}\n' >"$WORK/empty/main.go"
	(cd "$WORK/empty" && GOFLAGS='' GO111MODULE=on go build -trimpath -o "$WORK/bin/empty-go" main.go) >>"$LOG" 2>&1 &&
		EMPTY=$WORK/bin/empty-go
	# The same built as install.sh builds the helper (Go's previous garbage
	# collector), where the toolchain offers it: how much of the helper's
	# start is that choice rather than its code.
	(cd "$WORK/empty" && GOFLAGS='' GO111MODULE=on GOEXPERIMENT=nogreenteagc go build -trimpath -o "$WORK/bin/empty-go-oldgc" main.go) >>"$LOG" 2>&1 &&
		[ "$(go version -m "$PAT" 2>/dev/null | grep -c 'GOEXPERIMENT=.*nogreenteagc')" -gt 0 ] &&
		EMPTY_OLDGC=$WORK/bin/empty-go-oldgc
	(cd "$ROOT" && go build -o "$WORK/bin/chart" ./bench/chart) >>"$LOG" 2>&1 && CHART=$WORK/bin/chart
	# The floor programs: the least a Go get and a Go cache client can be.
	(cd "$ROOT" && CGO_ENABLED=0 go build -trimpath -o "$WORK/bin/" ./bench/floor/...) >>"$LOG" 2>&1 &&
		MINGET=$WORK/bin/minget GOCACHECLIENT=$WORK/bin/gitcacheclient MINSTORE=$WORK/bin/minstore
	# Keep the Go caches of the real HOME for the profiling step below.
	GOCACHE=$(go env GOCACHE) GOMODCACHE=$(go env GOMODCACHE) GOPATH=$(go env GOPATH)
	export GOCACHE GOMODCACHE GOPATH
fi

# git's libsecret helper is not packaged in Debian's git binary packages;
# its source is (in git's docs), and libsecret-1-dev is, so build it in the
# temporary directory. Nothing of it goes into the repository.
LIBSECRET=$(command -v git-credential-libsecret || true)
[ -z "$LIBSECRET" ] && [ -x /usr/lib/git-core/git-credential-libsecret ] && LIBSECRET=/usr/lib/git-core/git-credential-libsecret
KEYCHAIN_TOOLS=1
for t in dbus-run-session:dbus dbus-send:dbus gnome-keyring-daemon:gnome-keyring secret-tool:libsecret-tools; do
	need "${t%%:*}" "${t#*:}" || KEYCHAIN_TOOLS=0
done
if [ -z "$LIBSECRET" ] && [ "$NO_LIBSECRET" = 0 ] && [ "$KEYCHAIN_TOOLS" = 1 ]; then
	src=/usr/share/doc/git/contrib/credential/libsecret
	if [ -f "$src/git-credential-libsecret.c" ] || [ -f "$src/git-credential-libsecret.c.gz" ]; then
		if { pkg-config --exists libsecret-1 2>/dev/null && command -v gcc >/dev/null && command -v make >/dev/null; } ||
			apt_install libsecret-1-dev pkg-config gcc make libc6-dev; then
			mkdir -p "$WORK/libsecret"
			cp "$src"/* "$WORK/libsecret/"
			[ -f "$WORK/libsecret/git-credential-libsecret.c.gz" ] && gunzip "$WORK/libsecret/git-credential-libsecret.c.gz"
			if make -C "$WORK/libsecret" >>"$LOG" 2>&1; then
				LIBSECRET=$WORK/libsecret/git-credential-libsecret
				say "  built git's contrib/credential/libsecret (from $src) in a temp dir"
			fi
		fi
	fi
fi
export LIBSECRET CHART
[ -n "$LIBSECRET" ] || say "  no git-credential-libsecret: the keychain is compared with secret-tool only"

# An isolated git: nothing from the user's or the system's config.
GIT_VERSION=$(git --version)
GO_VERSION=$( [ "$HAVE_GO" = 1 ] && go env GOVERSION || echo "not installed")
mkdir -m 700 "$WORK/home" "$WORK/run"
export HOME=$WORK/home XDG_CONFIG_HOME=$WORK/home/.config XDG_CACHE_HOME=$WORK/home/.cache \
	XDG_RUNTIME_DIR=$WORK/run GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=$WORK/home/.gitconfig \
	GIT_TERMINAL_PROMPT=0 LC_ALL=C
unset GIT_ASKPASS SSH_ASKPASS DBUS_SESSION_BUS_ADDRESS GIT_DIR GIT_WORK_TREE
: >"$GIT_CONFIG_GLOBAL"
cd "$WORK"

# ---------------------------------------------------------------- file store

# Identical data for every section: files of 1, 1,000 and 100,000 entries
# and the requests git would send.
for n in 1 1000 100000; do
	d=$WORK/file-$n
	mkdir -m 700 "$d"
	gen_file "$n" "$d/pristine"
	cp -p "$d/pristine" "$d/credentials"
	h=$(hit_index "$n")
	host=$(printf 'host%06d.example.com' "$h")
	printf 'ghp_%036d\n' $((h * 7919)) >"$d/token"
	printf 'protocol=https\nhost=%s\n\n' "$host" >"$d/hit.in"
	printf 'protocol=https\nhost=missing.example.org\n\n' >"$d/miss.in"
	printf 'protocol=https\nhost=new.example.org\nusername=octocat\npassword=ghp_new0123456789abcdefghijklmnopqrstuv\n\n' >"$d/store.in"
	printf 'protocol=https\nhost=%s\nusername=user%d\npassword=%s\n\n' "$host" "$h" "$(cat "$d/token")" >"$d/restore.in"
done

section_file() {
	say "" "File store vs git credential-store (hit near the end, miss)"
	local n d tok ours peer runs reset
	for n in 1 1000 100000; do
		d=$WORK/file-$n
		tok=$(cat "$d/token")
		ours="$(q "$PAT") --file $d/credentials"
		peer="git credential-store --file $d/credentials"
		runs=$RUNS_SMALL
		[ "$n" = 100000 ] && runs=$RUNS_BIG_GET
		if expect_password "$ours get < $d/hit.in" "$tok" && expect_password "$peer get < $d/hit.in" "$tok"; then
			compare "get (file, hit)" "$n" "$runs" "git credential-store" "$ours get < $d/hit.in" "$peer get < $d/hit.in"
		else
			na "get (file, hit)" "$n" "git credential-store" "a helper did not return the token; see bench/out/run.log"
		fi
		compare "get (file, miss)" "$n" "$runs" "git credential-store" "$ours get < $d/miss.in" "$peer get < $d/miss.in"
		[ "$n" = 100000 ] && runs=$RUNS_BIG_STORE
		reset="cp -p $d/pristine $d/credentials"
		compare "store (file, new token)" "$n" "$runs" "git credential-store" "$ours store < $d/store.in" "$peer store < $d/store.in" "$reset"
		if [ "$n" = 100000 ]; then
			compare "store (file, same token)" "$n" "$runs" "git credential-store" "$ours store < $d/restore.in" "$peer store < $d/restore.in" "$reset"
			# The floor of any durable rewrite: copy the file and fsync the copy.
			compare "copy the file and fsync it (dd conv=fsync)" "$n" "$runs" "git credential-store" \
				"dd if=$d/pristine of=$d/copy bs=64k conv=fsync status=none" "$peer store < $d/store.in" "$reset"
			rm -f "$d/copy"
			# The least a durable Go store can do: lock file, new line, kernel
			# copy of the old file, fsync, rename, fsync of the directory.
			[ -n "$MINSTORE" ] && compare "minimal durable Go store (bench/floor/minstore)" "$n" "$runs" "git credential-store" \
				"$(q "$MINSTORE") $d/credentials store < $d/store.in" "$peer store < $d/store.in" "$reset"
		fi
		$reset
	done
}

# FLOOR_CMD: our get at 1 entry; the empty binary gets the same stdin.
FLOOR_CMD="$(q "$PAT") --file $WORK/file-1/credentials get < $WORK/file-1/hit.in"

section_floor() {
	say "" "Floor: process start"
	if [ -z "$EMPTY" ]; then
		na "get (file, hit)" 1 "empty Go binary" "Go is not installed (needed to build the empty binary)"
		return 0
	fi
	ROUNDS=$ROUNDS_FINE compare "get (file, hit)" 1 "$RUNS_FLOOR" "empty Go binary" "$FLOOR_CMD" "$(q "$EMPTY") < $WORK/file-1/hit.in"
	ROUNDS=$ROUNDS_FINE compare "empty Go binary" - "$RUNS_FLOOR" "/bin/true" "$(q "$EMPTY") < $WORK/file-1/hit.in" "/bin/true < $WORK/file-1/hit.in"
	# Only when the helper was built so (install.sh, not an older PAT=).
	[ -n "$EMPTY_OLDGC" ] && ROUNDS=$ROUNDS_FINE compare "empty Go binary, previous GC (as install.sh builds the helper)" - "$RUNS_FLOOR" "empty Go binary" \
		"$(q "$EMPTY_OLDGC") < $WORK/file-1/hit.in" "$(q "$EMPTY") < $WORK/file-1/hit.in"
	# What starting the lean helper costs: capability reads nothing.
	ROUNDS=$ROUNDS_FINE compare "lean helper start (capability)" - "$RUNS_FLOOR" "empty Go binary" \
		"$(q "$PAT") capability < $WORK/file-1/hit.in" "$(q "$EMPTY") < $WORK/file-1/hit.in"
	# What any Go get costs: bench/floor/minget reads the same file with
	# package os alone and none of a helper's checks.
	[ -n "$MINGET" ] && ROUNDS=$ROUNDS_FINE compare "minimal Go get (bench/floor/minget)" 1 "$RUNS_FLOOR" "empty Go binary" \
		"$(q "$MINGET") $WORK/file-1/credentials get < $WORK/file-1/hit.in" "$(q "$EMPTY") < $WORK/file-1/hit.in"
	return 0
}

section_fill() {
	say "" "git credential fill, end to end"
	local n d co cg runs
	for n in 1 100000; do
		d=$WORK/file-$n
		co=$WORK/cfg-file-ours-$n cg=$WORK/cfg-file-git-$n
		make_cfg "$co" "!$(q "$PAT") --file $d/credentials"
		make_cfg "$cg" "store --file $d/credentials"
		runs=$RUNS_SMALL
		[ "$n" = 100000 ] && runs=$RUNS_BIG_GET
		compare "git credential fill (file)" "$n" "$runs" "git credential-store" \
			"export GIT_CONFIG_GLOBAL=$co; exec git credential fill < $d/hit.in" "export GIT_CONFIG_GLOBAL=$cg; exec git credential fill < $d/hit.in"
	done
}

# ---------------------------------------------------------------- concurrency

# concurrent NAME CMD: 1,000 processes run "CMD store" at the same moment
# (they wait on a FIFO), each storing a different host into one empty file.
# Prints "lost failed": entries missing at the end, and how many of those
# calls exited non-zero (an error git would see) rather than lose silently.
concurrent() {
	local name=$1 cmd=$2 n=1000 i d=$WORK/conc-$1
	mkdir -m 700 "$d" "$d/in" "$d/rc"
	: >"$d/credentials"
	chmod 600 "$d/credentials"
	for ((i = 0; i < n; i++)); do
		printf 'protocol=https\nhost=conc%04d.example.com\nusername=user%d\npassword=ghp_conc%032d\n\n' "$i" "$i" "$i" >"$d/in/$i"
	done
	mkfifo "$d/go"
	local pids=()
	for ((i = 0; i < n; i++)); do
		(
			: <"$d/go"
			rc=0
			sh -c "$cmd store" <"$d/in/$i" >/dev/null 2>>"$d/stderr" || rc=$?
			echo "$rc" >"$d/rc/$i"
		) &
		pids+=($!)
	done
	sleep 1
	exec 3>"$d/go" # releases them all at once
	wait "${pids[@]}" 2>/dev/null || true
	exec 3>&-
	local present failed
	present=$(grep -c '^https://user[0-9]*:ghp_conc' "$d/credentials" || true)
	failed=$(cat "$d"/rc/* | grep -vcx 0 || true)
	cp "$d/stderr" "$OUT/concurrent-$name.stderr" 2>/dev/null || true
	echo "$((n - present)) $failed"
}

section_concurrency() {
	say "" "1,000 concurrent stores into one file"
	for timeout in default 60s; do
		if [ "$timeout" = default ]; then
			oc="$(q "$PAT") --file $WORK/conc-ours-$timeout/credentials"
			gc="git credential-store --file $WORK/conc-git-$timeout/credentials"
			label="default lock timeout (1 s for both)"
		else
			oc="$(q "$PAT") --lock-timeout 60s --file $WORK/conc-ours-$timeout/credentials"
			gc="git -c credentialStore.lockTimeoutMS=60000 credential-store --file $WORK/conc-git-$timeout/credentials"
			label="lock timeout 60 s for both"
		fi
		read -r ol of < <(concurrent "ours-$timeout" "$oc")
		read -r gl gf < <(concurrent "git-$timeout" "$gc")
		row lost "1,000 concurrent stores, $label" 1000 "$ol" "git credential-store" "$gl" "$of" "$gf" ""
		printf '  %-44s ours: %s lost (%s errors)   git credential-store: %s lost (%s errors)\n' "$label" "$ol" "$of" "$gl" "$gf"
	done
}

# ---------------------------------------------------------------- cache

section_cache() {
	say "" "Cache daemons: git-credential-pat --store cache vs git credential-cache"
	mkdir -m 700 "$WORK/cache"
	SG=$WORK/cache/git/socket
	SO=$WORK/cache/pat/socket
	cache_store_in() { printf 'protocol=https\nhost=cache%06d.example.com\nusername=user%d\npassword=ghp_cache%031d\n\n' "$1" "$1" "$1"; }
	cache_store_in 0 | git credential-cache --timeout 3600 --socket "$SG" store 2>>"$LOG" >/dev/null ||
		say "  git credential-cache store failed; see bench/out/run.log"
	# ours: the flag names are the cache package's (--socket; --timeout if the
	# CLI has it). If the CLI does not offer the cache store yet, rows are n/a.
	OURS_CACHE="$(q "$PAT") --store cache --socket $SO"
	OURS_CACHE_STORE=$OURS_CACHE
	case "$("$PAT" help 2>/dev/null || true)" in
	*--timeout*) OURS_CACHE_STORE="$OURS_CACHE --timeout 3600" ;;
	esac
	CACHE_OK=0
	if cache_store_in 0 | sh -c "$OURS_CACHE_STORE store" >/dev/null 2>"$WORK/cache-probe.err" &&
		[ "$(printf 'protocol=https\nhost=cache000000.example.com\n\n' | sh -c "$OURS_CACHE get" 2>>"$LOG" | grep -c '^password=')" = 1 ]; then
		CACHE_OK=1
	fi
	CACHE_WHY="not available: $(head -n 1 "$WORK/cache-probe.err" 2>/dev/null | cut -c1-120)"
	for s in "$SG" "$SO"; do
		for p in $(pids_with_arg "$s"); do DAEMON_PIDS+=("$p:$s"); done
	done

	printf 'protocol=https\nhost=cache000000.example.com\n\n' >"$WORK/cache-hit1.in"
	printf 'protocol=https\nhost=cachestore.example.org\nusername=octocat\npassword=ghp_cachestore0123456789abcdefghijklmn\n\n' >"$WORK/cache-store.in"
	gcc_cmd="git credential-cache --timeout 3600 --socket $SG"
	if [ "$CACHE_OK" = 1 ]; then
		ROUNDS=$ROUNDS_FINE compare "get (cache, hit)" 1 "$RUNS_FLOOR" "git credential-cache" "$OURS_CACHE get < $WORK/cache-hit1.in" "$gcc_cmd get < $WORK/cache-hit1.in"
		compare "store (cache)" 1 "$RUNS_CACHE" "git credential-cache" "$OURS_CACHE_STORE store < $WORK/cache-store.in" "$gcc_cmd store < $WORK/cache-store.in"
	else
		na "get (cache, hit)" 1 "git credential-cache" "$CACHE_WHY"
		na "store (cache)" 1 "git credential-cache" "$CACHE_WHY"
	fi
	# What any Go cache client costs: git's client protocol in Go with
	# package syscall only (bench/floor/gitcacheclient), against git's daemon.
	if [ -n "$GOCACHECLIENT" ]; then
		ROUNDS=$ROUNDS_FINE compare "minimal Go cache client, get (bench/floor/gitcacheclient)" 1 "$RUNS_FLOOR" "git credential-cache" \
			"export FLOOR_SOCKET=$SG FLOOR_ACTION=get; exec $(q "$GOCACHECLIENT") < $WORK/cache-hit1.in" "$gcc_cmd get < $WORK/cache-hit1.in"
		# The same client speaking our daemon's protocol splits ours in two:
		# our daemon against git's (the same client to each), and our client
		# against that floor (both to our daemon).
		if [ "$CACHE_OK" = 1 ]; then
			local floor_ours floor_git
			floor_ours="export FLOOR_SOCKET=$SO FLOOR_ACTION=get FLOOR_PROTOCOL=pat; exec $(q "$GOCACHECLIENT") < $WORK/cache-hit1.in"
			floor_git="export FLOOR_SOCKET=$SG FLOOR_ACTION=get; exec $(q "$GOCACHECLIENT") < $WORK/cache-hit1.in"
			ROUNDS=$ROUNDS_FINE compare "our cache daemon: the minimal Go client's get, to ours (FLOOR_PROTOCOL=pat)" 1 "$RUNS_FLOOR" "the same client to git's daemon" "$floor_ours" "$floor_git"
			ROUNDS=$ROUNDS_FINE compare "our cache client: get (cache, hit)" 1 "$RUNS_FLOOR" "the minimal Go client, to our daemon" "$OURS_CACHE get < $WORK/cache-hit1.in" "$floor_ours"
		fi
	fi

	# Fill both daemons to 10,000 entries (two writers each, to save time).
	fill_cache() {
		local cmd=$1 part
		for part in 0 1; do
			(
				for ((i = 1 + part; i < 10000; i += 2)); do
					cache_store_in "$i" | sh -c "$cmd store" >/dev/null 2>>"$LOG" || true
				done
			) &
		done
		wait
	}
	say "  filling the daemons to 10,000 entries"
	fill_cache "$gcc_cmd"
	[ "$CACHE_OK" = 1 ] && fill_cache "$OURS_CACHE_STORE"
	# The middle entry: git's daemon searches oldest first, ours newest first.
	printf 'protocol=https\nhost=cache%06d.example.com\n\n' 5000 >"$WORK/cache-hit10k.in"
	if [ "$CACHE_OK" = 1 ]; then
		compare "get (cache, hit)" 10000 "$RUNS_CACHE" "git credential-cache" "$OURS_CACHE get < $WORK/cache-hit10k.in" "$gcc_cmd get < $WORK/cache-hit10k.in"
	else
		na "get (cache, hit)" 10000 "git credential-cache" "$CACHE_WHY"
	fi
	gpid=$(pids_with_arg "$SG" | head -n 1)
	opid=$(pids_with_arg "$SO" | head -n 1)
	ghwm=n/a grss=n/a ohwm=n/a orss=n/a
	[ -n "$gpid" ] && ghwm=$(status_kb "$gpid" VmHWM) grss=$(status_kb "$gpid" VmRSS)
	[ -n "$opid" ] && ohwm=$(status_kb "$opid" VmHWM) orss=$(status_kb "$opid" VmRSS)
	if [ "$CACHE_OK" = 1 ] && [ -n "$opid" ]; then
		row rss "cache daemon memory" 10000 "$ohwm" "git credential-cache--daemon" "$ghwm" "$ohwm" "$ghwm" "VmRSS at the end: ours $orss KiB, git $grss KiB"
	else
		row rss "cache daemon memory" 10000 n/a "git credential-cache--daemon" "$ghwm" n/a "$ghwm" "ours $CACHE_WHY"
	fi
	say "  daemon memory at 10,000 entries (VmHWM): ours ${ohwm} kB, git ${ghwm} kB"
	if [ "$CACHE_OK" = 1 ]; then
		co=$WORK/cfg-cache-ours cg=$WORK/cfg-cache-git
		make_cfg "$co" "!$OURS_CACHE"
		make_cfg "$cg" "cache --socket $SG"
		compare "git credential fill (cache)" 10000 "$RUNS_CACHE" "git credential-cache" \
			"export GIT_CONFIG_GLOBAL=$co; exec git credential fill < $WORK/cache-hit10k.in" "export GIT_CONFIG_GLOBAL=$cg; exec git credential fill < $WORK/cache-hit10k.in"
	fi
	git credential-cache --socket "$SG" exit 2>>"$LOG" || true
	sh -c "$OURS_CACHE cache exit" >>"$LOG" 2>&1 || true
	sleep 0.2
	if [ -n "$opid" ] && [ -n "$(pids_with_arg "$SO")" ]; then kill "$opid" 2>/dev/null || true; fi
}

# ---------------------------------------------------------------- keychain

section_keychain() {
	say "" "Keychain (gnome-keyring on a private D-Bus session)"
	if [ "$KEYCHAIN_TOOLS" = 1 ]; then
		dbus-run-session -- "$BASH" "$SELF" --keychain-phase 2>>"$LOG" || na "get (keychain)" 100 "secret-tool lookup" "the keychain phase failed; see bench/out/run.log"
	else
		na "get (keychain)" 100 "secret-tool lookup" "dbus, gnome-keyring or libsecret-tools is not installed"
	fi
}

CACHE_WHY="not measured (section skipped)"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
LOAD_END=$LOAD_START
# Concurrency last: its thousand processes should not disturb the timings.
for section in file floor fill cache keychain concurrency; do
	case " $SECTIONS " in
	*" $section "*)
		t0=$(date +%s)
		LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg) # before concurrency, which adds 1,000 processes
		"section_$section"
		say "  ($section: $(($(date +%s) - t0)) s)"
		;;
	esac
done

# ---------------------------------------------------------------- report

# Only a full run replaces the committed results; --quick and --only write
# theirs next to the raw data.
DEST=$ROOT/bench
if [ "$QUICK" = 1 ] || [ "$SECTIONS" != "file floor fill concurrency cache keychain" ]; then
	DEST=$OUT
fi

# get FIELD KIND OP SIZE PEER: one value from the results table.
get() {
	awk -F'\t' -v f="$1" -v k="$2" -v o="$3" -v s="$4" -v p="$5" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$1 == k && $2 == o && $3 == s && $5 == p { print $col[f]; exit }' "$ROWS"
}
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }
# verdict TEST ARGS...: "met" if the test passes, else "missed".
verdict() { if "$@"; then echo met; else echo missed; fi; }
num() { awk -v a="$1" 'BEGIN { exit !(a + 0 > 0) }'; }

TARGETS=$WORK/targets.md
: >"$TARGETS"
# target TEXT MET|MISSED|N/A DETAIL
target() { printf -- '- **%s**: %s. %s\n' "$2" "$1" "$3" >>"$TARGETS"; }

PROFILES=$WORK/profiles.md
: >"$PROFILES"
# profile BENCH ITERATIONS: CPU profile of one Go benchmark, top functions,
# into the report.
profile() {
	[ "$HAVE_GO" = 1 ] || return 0
	local name=$1 iters=$2 prof
	prof=$WORK/$(slug "$name").prof
	if (cd "$ROOT" && go test -run '^$' -bench "$name" -benchtime "${iters}x" -count 1 -cpuprofile "$prof" -o "$WORK/backends.test" ./backends/) >>"$LOG" 2>&1; then
		{
			printf '\n`go test -run '"'^\$'"' -bench '"'%s'"' -benchtime %sx -cpuprofile cpu.prof ./backends/` then `go tool pprof -top cpu.prof` (the profile includes building the benchmark files):\n\n```\n' "$name" "$iters"
			go tool pprof -top -nodecount 14 "$WORK/backends.test" "$prof" 2>/dev/null | sed -n '/flat%/,$p'
			printf '```\n'
		} >>"$PROFILES"
	else
		printf '\n(profiling %s failed: the tree does not build or test right now; see bench/out/run.log)\n' "$name" >>"$PROFILES"
	fi
}

# 1. get at 1 entry within 1.25x an empty Go binary.
o=$(get ours time "get (file, hit)" 1 "empty Go binary")
p=$(get peer time "get (file, hit)" 1 "empty Go binary")
r=$(ratio "$o" "$p")
if num "$r"; then
	init=$(GODEBUG=inittrace=1 sh -c "${FLOOR_CMD:-true}" 2>&1 >/dev/null | awk '/^init /{ t += $5 } END { printf "%.2f", t }')
	size_ours=$(($(stat -c %s "$PAT") / 1024)) size_empty=$(($(stat -c %s "$EMPTY") / 1024))
	npkg=$(GODEBUG=inittrace=1 sh -c "${FLOOR_CMD:-true}" 2>&1 >/dev/null | grep -c '^init ' || true)
	linked="statically linked"
	LC_ALL=C grep -aq 'ld-linux' "$PAT" && linked="dynamically linked (cgo: the dynamic loader runs first)"
	why="ours $(ms "$o") vs $(ms "$p"); ours initialises $npkg packages in ${init} ms (GODEBUG=inittrace=1), is ${size_ours} KiB against ${size_empty} KiB, and is $linked; the lookup itself is microseconds (BenchmarkFileGet/hit/1)"
	floor=$(get ours time "empty Go binary" - "/bin/true")
	truep=$(get peer time "empty Go binary" - "/bin/true")
	num "$floor" && why="$why. The floor: an empty Go binary takes $(ms "$floor") and /bin/true $(ms "$truep") (a Go program's start alone is $(ratio "$floor" "$truep")x /bin/true), so ours costs $(awk -v a="$o" -v b="$p" 'BEGIN { printf "%.2f ms", (a - b) * 1000 }') more than a Go program that does nothing"
	mo=$(get ours time "minimal Go get (bench/floor/minget)" 1 "empty Go binary")
	mp=$(get peer time "minimal Go get (bench/floor/minget)" 1 "empty Go binary")
	num "$mo" && why="$why. A minimal Go get (bench/floor/minget: package os alone, none of a helper's checks) takes $(ms "$mo") against $(ms "$mp"), $(ratio "$mo" "$mp")x the empty Go binary: what is left of the 1.25x for everything a real helper does"
	go_=$(get ours time "empty Go binary, previous GC (as install.sh builds the helper)" - "empty Go binary")
	gp=$(get peer time "empty Go binary, previous GC (as install.sh builds the helper)" - "empty Go binary")
	num "$go_" && why="$why. The helper is built with Go's previous garbage collector (install.sh); an empty Go binary built so takes $(ms "$go_") against $(ms "$gp"), $(ratio "$go_" "$gp")x: against it, ours is $(ratio "$o" "$go_")x"
	so=$(get ours time "lean helper start (capability)" - "empty Go binary")
	sp=$(get peer time "lean helper start (capability)" - "empty Go binary")
	num "$so" && why="$why. Starting the lean helper alone (\`capability\`: every store git may configure linked, nothing read) takes $(ms "$so") against $(ms "$sp"), $(ratio "$so" "$sp")x"
	rs=$(shell_ratio "$o" "$p" "$(get shell time "get (file, hit)" 1 "empty Go binary")")
	target "\`get\` from the file store at 1 entry within 1.25x an empty Go binary: ${r}x; whole \`sh -c\` runs (as the issue measured): ${rs}x, $(verdict le "$rs" 1.25)" "$(verdict le "$r" 1.25)" "$why"
else
	target "\`get\` from the file store at 1 entry within 1.25x an empty Go binary" n/a "not measured"
fi

# 1b. peak RSS of get at most 4 MB (4,096 KiB), any file size.
worst=0 worst_at="" all=""
for n in 1 1000 100000; do
	for kind in hit miss; do
		k=$(get ours_rss_kb time "get (file, $kind)" "$n" "git credential-store")
		num "$k" || continue
		all="$all, $kind at $n: $k KiB"
		if [ "$k" -gt "$worst" ]; then worst=$k worst_at="$kind at $n entries"; fi
	done
done
if [ "$worst" -gt 0 ]; then
	gitk=$(get peer_rss_kb time "get (file, hit)" 100000 "git credential-store")
	emptyk=$(get peer_rss_kb time "get (file, hit)" 1 "empty Go binary")
	why="largest $worst KiB ($worst_at); GNU time's maximum resident set size, median of 3: ${all#, }. git credential-store: $gitk KiB at 100,000 entries; an empty Go binary: $emptyk KiB. Most of ours is the binary's own pages (the kernel maps 64 KiB around each page fault, so resident size follows binary size), then the Go heap's first arena; the file is read through 64 KiB"
	target "peak RSS of \`get\` at most 4 MB (4,096 KiB) at any file size: $worst KiB" "$(verdict le "$worst" 4096)" "$why"
else
	target "peak RSS of \`get\` at most 4 MB" n/a "not measured"
fi

# 2. get at 100,000 entries at least 10x faster than git credential-store.
miss2=0
for kind in hit miss; do
	o=$(get ours time "get (file, $kind)" 100000 "git credential-store")
	p=$(get peer time "get (file, $kind)" 100000 "git credential-store")
	s=$(ratio "$p" "$o")
	ss=$(shell_ratio "$p" "$o" "$(get shell time "get (file, $kind)" 100000 "git credential-store")")
	why="whole \`sh -c\` runs (as the issue measured): ${ss}x faster. Ours $(ms "$o") vs git $(ms "$p"); ours reads the file (8 MB here) through 64 KiB and searches it in one pass, 16 bytes at a time (SSE2: two bytes of the host, '%' and '*'), parsing only lines that contain it; git parses every line until a match"
	floor=$(get peer time "get (file, hit)" 1 "empty Go binary")
	num "$floor" && why="$why. An empty Go binary alone takes $(ms "$floor") here, so 10x needs git's time / 10 = $(awk -v p="$p" 'BEGIN { printf "%.3g ms", p * 100 }') for start and search together"
	if num "$s" && le 10 "$s"; then
		target "\`get\` ($kind) at 100,000 entries at least 10x faster than git credential-store: ${s}x faster" met "$why"
	elif num "$s"; then
		target "\`get\` ($kind) at 100,000 entries at least 10x faster than git credential-store: ${s}x faster" missed "$why"
		miss2=1
	else
		target "\`get\` ($kind) at 100,000 entries at least 10x faster than git credential-store" n/a "not measured"
	fi
done
[ "$miss2" = 1 ] && profile '^BenchmarkFileGet$/^hit$/^100000$' 100

# 3. store of a new token at 100,000 entries at least 10x faster than git credential-store.
o=$(get ours time "store (file, new token)" 100000 "git credential-store")
p=$(get peer time "store (file, new token)" 100000 "git credential-store")
s=$(ratio "$p" "$o")
ss=$(shell_ratio "$p" "$o" "$(get shell time "store (file, new token)" 100000 "git credential-store")")
why="whole \`sh -c\` runs (as the issue measured): ${ss}x faster. Ours $(ms "$o") vs git $(ms "$p"). Ours writes the new line, has the kernel copy the old file after it (copy_file_range), fsyncs and renames; git re-writes every line and does not fsync. The fsync of the 8 MB copy is most of ours (BenchmarkFileStore/100000)"
c=$(get ours time "copy the file and fsync it (dd conv=fsync)" 100000 "git credential-store")
num "$c" && why="$why: copying the file with dd and fsyncing the copy alone takes $(ms "$c") here, $(ratio "$p" "$c")x faster than git"
mo=$(get ours time "minimal durable Go store (bench/floor/minstore)" 100000 "git credential-store")
mp=$(get peer time "minimal durable Go store (bench/floor/minstore)" 100000 "git credential-store")
num "$mo" && why="$why. The least a durable Go store can do (bench/floor/minstore: lock file, new line, kernel copy of the old file, fsync, rename, fsync of the directory; no search, no checks) takes $(ms "$mo") against git's $(ms "$mp"): $(ratio "$mp" "$mo")x faster, so 10x is out of reach for any Go program that keeps the file durable on this disk"
if num "$s" && le 10 "$s"; then
	target "\`store\` of a new token at 100,000 entries at least 10x faster than git credential-store: ${s}x faster" met "$why"
elif num "$s"; then
	target "\`store\` of a new token at 100,000 entries at least 10x faster than git credential-store: ${s}x faster" missed "$why (profile below)"
	profile '^BenchmarkFileStore$/^100000$' 10
else
	target "\`store\` of a new token at 100,000 entries at least 10x faster than git credential-store" n/a "not measured"
fi

# 4. 0 entries lost of 1,000 concurrent stores.
for label in "default lock timeout (1 s for both)" "lock timeout 60 s for both"; do
	ol=$(get ours lost "1,000 concurrent stores, $label" 1000 "git credential-store")
	gl=$(get peer lost "1,000 concurrent stores, $label" 1000 "git credential-store")
	of=$(get ours_rss_kb lost "1,000 concurrent stores, $label" 1000 "git credential-store")
	gf=$(get peer_rss_kb lost "1,000 concurrent stores, $label" 1000 "git credential-store")
	[ -n "$ol" ] || continue
	why="git credential-store lost $gl. Every lost entry was a call that exited with an error ($of of ours, $gf of git's: the lock stayed taken past the timeout), none was lost silently"
	[ "$ol" = 0 ] && why="git credential-store lost $gl ($gf calls failed with an error)"
	[ "$ol" != "$of" ] && why="git credential-store lost $gl. $((ol - of)) of our lost entries were lost SILENTLY (the call succeeded); $of calls failed with an error"
	case "$label" in
	*60*) [ "$ol" != 0 ] && why="$why. With a minute to wait, a failure means 1,000 writers did not get through the lock in a minute: ours retries every 1-5 ms with no backoff (backends/file.go, acquire), and 1,000 such pollers starve the holder on $(nproc) cores, where git backs off" ;;
	esac
	if [ "$ol" = 0 ]; then
		target "0 entries lost of 1,000 concurrent stores, $label: ours lost $ol" met "$why"
	else
		target "0 entries lost of 1,000 concurrent stores, $label: ours lost $ol" missed "$why"
	fi
done

# 5. cache get within 1.1x git credential-cache.
for n in 1 10000; do
	o=$(get ours time "get (cache, hit)" "$n" "git credential-cache")
	p=$(get peer time "get (cache, hit)" "$n" "git credential-cache")
	r=$(ratio "$o" "$p")
	what="cache \`get\` with $([ "$n" = 1 ] && echo "1 entry" || echo "10,000 entries") cached within 1.1x git credential-cache"
	if num "$r"; then
		floor=$(get peer time "get (file, hit)" 1 "empty Go binary")
		why="ours $(ms "$o") vs git $(ms "$p"); both are one process start plus one unix-socket round trip"
		truep=$(get peer time "empty Go binary" - "/bin/true")
		num "$floor" && why="$why, and an empty Go binary alone takes $(ms "$floor") here, /bin/true $(ms "$truep") (see the floor rows): so a Go program's start alone is $(awk -v f="$floor" -v p="$p" 'BEGIN { if (p + 0 > 0) printf "%.2f", f / p }')x git's whole get"
		mo=$(get ours time "minimal Go cache client, get (bench/floor/gitcacheclient)" 1 "git credential-cache")
		mp=$(get peer time "minimal Go cache client, get (bench/floor/gitcacheclient)" 1 "git credential-cache")
		num "$mo" && why="$why. The least a Go client can be: git's own client protocol written in Go with package syscall only (bench/floor/gitcacheclient), against git's own daemon, takes $(ms "$mo") against git's $(ms "$mp"), $(ratio "$mo" "$mp")x"
		do_=$(get ours time "our cache daemon: the minimal Go client's get, to ours (FLOOR_PROTOCOL=pat)" 1 "the same client to git's daemon")
		dp=$(get peer time "our cache daemon: the minimal Go client's get, to ours (FLOOR_PROTOCOL=pat)" 1 "the same client to git's daemon")
		co=$(get ours time "our cache client: get (cache, hit)" 1 "the minimal Go client, to our daemon")
		cp=$(get peer time "our cache client: get (cache, hit)" 1 "the minimal Go client, to our daemon")
		num "$do_" && num "$co" && why="$why. Ours split in two, with that client speaking our daemon's protocol (FLOOR_PROTOCOL=pat): to our daemon it takes $(ms "$do_") against $(ms "$dp") to git's, $(ratio "$do_" "$dp")x (our daemon's share); our client takes $(ms "$co") against its $(ms "$cp"), both to our daemon, $(ratio "$co" "$cp")x (our client's share)"
		rs=$(shell_ratio "$o" "$p" "$(get shell time "get (cache, hit)" "$n" "git credential-cache")")
		target "$what: ${r}x its time; whole \`sh -c\` runs (as the issue measured): ${rs}x, $(verdict le "$rs" 1.1)" "$(verdict le "$r" 1.1)" "$why"
	else
		target "$what" n/a "$CACHE_WHY"
	fi
done

# 6. daemon under 20 MB RSS at 10,000 entries.
o=$(get ours rss "cache daemon memory" 10000 "git credential-cache--daemon")
p=$(get peer rss "cache daemon memory" 10000 "git credential-cache--daemon")
if num "$o"; then
	mb=$(awk -v k="$o" 'BEGIN { printf "%.1f MiB (%.1f MB)", k / 1024, k * 1024 / 1e6 }')
	why="peak (VmHWM) ${o} KiB; $(get note rss "cache daemon memory" 10000 "git credential-cache--daemon"); git's daemon peaked at ${p} KiB. Judged against 20 MiB; in decimal megabytes the limit is 19,531 KiB"
	target "cache daemon under 20 MB RSS at 10,000 entries: ${mb}" "$(verdict le "$o" 20480)" "$why"
else
	target "cache daemon under 20 MB RSS at 10,000 entries" n/a "$CACHE_WHY (git's daemon: ${p} kB)"
fi

# 7. keychain get at most half the time of the libsecret helper.
kpeer="git-credential-libsecret"
o=$(get ours time "get (keychain)" 100 "$kpeer")
p=$(get peer time "get (keychain)" 100 "$kpeer")
standin=""
if ! num "$o" || ! num "$p"; then
	kpeer="secret-tool lookup"
	o=$(get ours time "get (keychain)" 100 "$kpeer")
	p=$(get peer time "get (keychain)" 100 "$kpeer")
	standin=" (git's libsecret helper was not available; secret-tool, which uses the same libsecret, is the stand-in)"
fi
r=$(ratio "$o" "$p")
if num "$r"; then
	why="ours $(ms "$o") vs $kpeer $(ms "$p")$standin, in a keyring of 100 items; both search the Secret Service by attributes and fetch the secret over D-Bus"
	[ -e "$WORK/libsecret-own-item" ] && why="$why. git-credential-libsecret (git 2.39) does not find items our helper stores (it searches its own schema, org.gnome.keyring.NetworkPassword), so it stored its own copy of the token and both helpers looked up the same two items"
	target "keychain \`get\` at most half the time of $kpeer: ${r}x its time" "$(verdict le "$r" 0.5)" "$why"
else
	why=$(get note time "get (keychain)" 100 "secret-tool lookup")
	target "keychain \`get\` at most half the time of the libsecret helper" n/a "${why:-not measured}"
fi

# The results table.
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
OS=$(sed -n 's/^PRETTY_NAME="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' /etc/os-release 2>/dev/null || true)
FS=$(stat -f -c %T "$WORK" 2>/dev/null || echo unknown)
HF=$(hyperfine --version)
{
	printf '# Benchmark results\n\n'
	printf 'Generated by `bench/run.sh` on %s in %s min.\n\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "$((($(date +%s) - START + 59) / 60))"
	printf -- '- Machine: %s cores (%s), %s, kernel %s, temp files on %s\n' "$(nproc)" "$CPU" "$OS" "$(uname -r)" "$FS"
	printf -- '- %s; Go %s; %s\n' "$GIT_VERSION" "${GO_VERSION#go}" "$HF"
	printf -- '- Load average (1, 5, 15 min) at start: %s; before the last section: %s%s\n' "$LOAD_START" "$LOAD_END" \
		"$(awk -v a="${LOAD_START%% *}" -v b="${LOAD_END%% *}" -v c="$(nproc)" 'BEGIN { if (a + 0 > c + 0 || b + 0 > c + 0) print " (above the core count: other work shared the machine; expect noise)" }')"
	printf -- '- Helper: `%s` (%s)\n' "$PAT_VERSION" "$PAT_FROM"
	[ "$QUICK" = 1 ] && printf -- '- **--quick run: few samples, noisy numbers**\n'
	printf '\nWhole processes, timed by hyperfine (medians of 3 rounds in rotating order, minus the median of `sh -c '"'"': </dev/null'"'"'` timed in the same rounds), on identical generated data: one `https://userN:ghp_…@hostNNNNNN.example.com` line per host. "hit" looks up an entry near the end of the file (git stops at the first match), "miss" a host that is not there; "store (new token)" adds a host to a fresh copy of the file each run, "store (same token)" stores a token the file already has (git does that after every successful authentication). Ratio = our median / the peer'"'"'s: below 1 we are faster. "Ratio with the shell" puts the shell'"'"'s median back on both sides: whole `sh -c` runs, as git runs a `!` helper and as issue 17 measured its targets. Peak RSS from GNU time (ours / peer). Raw hyperfine JSON: `bench/out/`.\n\n'
	printf '| operation | size | our median | peer | peer median | ratio | ratio with the shell | peak RSS (ours / peer) |\n'
	printf '|---|---:|---:|---|---:|---:|---:|---|\n'
	awk -F'\t' '
		function t(s) { return (s + 0 > 0) ? sprintf("%.3g ms", s * 1000) : s }
		function kb(k) { return (k + 0 > 0) ? sprintf("%.1f MB", k / 1024) : (k == "" ? "n/a" : k) }
		NR == 1 { next }
		$1 == "time" {
			r = ($4 + 0 > 0 && $6 + 0 > 0) ? sprintf("%.2fx", $4 / $6) : "n/a"
			rs = ($4 + 0 > 0 && $6 + 0 > 0 && $10 + 0 > 0) ? sprintf("%.2fx", ($4 + $10) / ($6 + $10)) : "n/a"
			extra = ($9 != "") ? " (" $9 ")" : ""
			printf "| %s | %s | %s | %s | %s | %s | %s | %s / %s |\n", $2 extra, $3, t($4), $5, t($6), r, rs, kb($7), kb($8)
		}
		$1 == "rss" {
			printf "| %s (%s) | %s | - | %s | - | %s | - | %s / %s |\n", $2, $9, $3, $5, (($4 + 0 > 0 && $6 + 0 > 0) ? sprintf("%.2fx", $4 / $6) : "n/a"), kb($4), kb($6)
		}
		$1 == "lost" {
			printf "| %s: entries lost | %s | %s lost (%s calls failed) | %s | %s lost (%s calls failed) | - | - | - |\n", $2, $3, $4, $7, $5, $6, $8
		}' "$ROWS"
	printf '\n![ratios](results.svg)\n\n## Targets\n\n'
	cat "$TARGETS"
	if [ -s "$PROFILES" ]; then
		printf '\n### Profiles of missed file-store targets\n'
		cat "$PROFILES"
	fi
} >"$DEST/results.md"

if [ -n "$CHART" ]; then
	"$CHART" -in "$ROWS" -out "$DEST/results.svg" || say "chart failed"
else
	say "Go is not installed: results.svg not drawn"
fi
say "" "Wrote ${DEST#"$ROOT"/}/results.md and results.svg ($(($(date +%s) - START)) s); raw data in bench/out/"
cat "$TARGETS"
