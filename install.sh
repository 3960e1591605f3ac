#!/bin/sh
# Build git-credential-pat with the local Go toolchain, install it, and make
# git use it. Safe to run again.
#   ./install.sh [--prefix DIR] [--store NAME] [--no-setup]
#   ./install.sh --uninstall [--prefix DIR] [--purge [--yes]]
#   ./install.sh --build-only DIR
# Installs DIR/bin/git-credential-pat and git-credential-pat-cli, the man page in DIR/share/man/man1 and
# bash, zsh and fish completions in DIR/share. --uninstall undoes the git
# config change (git-credential-pat unconfigure) and removes those files but
# keeps stored tokens; --purge also deletes ~/.config/git-credential-pat
# (asking first; --yes confirms when there is no terminal). --build-only
# builds the two programs into DIR as an install would, and does nothing
# else (for packagers, and bench/run.sh).
set -eu

MIN_GO_MINOR=25
prefix=""
store=""
do_setup=1
uninstall=0
purge=0
yes=0
install_opts=""
build_only=""
# nobuilddir: --build-only was given no directory.
nobuilddir() {
	echo "install.sh: --build-only needs a directory: ./install.sh --build-only DIR" >&2
	exit 1
}
# needvalue OPTION COUNT: OPTION must be followed by a value.
needvalue() {
	if [ "$2" -lt 2 ]; then
		case "$1" in
		--prefix) echo "install.sh: --prefix needs a directory: ./install.sh --prefix DIR (for example --prefix \"\$HOME/.local\")" >&2 ;;
		--build-only) nobuilddir ;;
		*) echo "install.sh: $1 needs a value: ./install.sh $1 NAME (file, keychain, cache or env)" >&2 ;;
		esac
		exit 1
	fi
}
while [ $# -gt 0 ]; do
	case "$1" in
	--prefix) needvalue "$1" $#; prefix="$2"; shift 2 ;;
	--prefix=*) prefix="${1#--prefix=}"; shift ;;
	--store) needvalue "$1" $#; store="$2"; install_opts="$install_opts $1"; shift 2 ;;
	--store=*) store="${1#--store=}"; install_opts="$install_opts --store"; shift ;;
	--no-setup) do_setup=0; install_opts="$install_opts $1"; shift ;;
	--build-only) needvalue "$1" $#; build_only="$2"; install_opts="$install_opts $1"; shift 2 ;;
	--build-only=*) build_only="${1#--build-only=}"; install_opts="$install_opts --build-only"; shift ;;
	--uninstall) uninstall=1; shift ;;
	--purge) purge=1; shift ;;
	--yes|-y) yes=1; shift ;;
	-h|--help) awk 'NR > 1 && /^set -eu$/ { exit } NR > 1' "$0"; exit 0 ;;
	*) echo "install.sh: unknown option $1 (try --help)" >&2; exit 1 ;;
	esac
done
if [ "$uninstall" = 0 ] && [ "$purge$yes" != 00 ]; then
	echo "install.sh: --purge and --yes go with --uninstall: ./install.sh --uninstall --purge" >&2
	exit 1
fi
case $install_opts in
*--build-only*)
	if [ -z "$build_only" ]; then nobuilddir; fi
	others=$(echo "$install_opts" | sed 's/ --build-only//')
	if [ -n "$prefix" ]; then others="$others --prefix"; fi
	if [ -n "$others" ]; then
		echo "install.sh: --build-only builds and does nothing else; run it without$others" >&2
		exit 1
	fi
	;;
esac
if [ "$uninstall" = 1 ] && [ -n "$install_opts" ]; then
	echo "install.sh:$install_opts: only for installing, not with --uninstall" >&2
	exit 1
fi

# A relative --prefix or --build-only DIR is relative to where install.sh
# was run from, not to the checkout it builds in (it cds there below).
case $prefix in "" | /*) ;; *) prefix="$(pwd)/$prefix" ;; esac
case $build_only in "" | /*) ;; *) build_only="$(pwd)/$build_only" ;; esac
if [ -z "$prefix" ]; then
	if [ "$(id -u)" = 0 ]; then prefix=/usr/local; else prefix="$HOME/.local"; fi
fi
bindir="$prefix/bin"
if [ -n "$build_only" ]; then bindir=$build_only; fi
man1dir="$prefix/share/man/man1"
bash_completion="$prefix/share/bash-completion/completions/git-credential-pat"
zsh_completion="$prefix/share/zsh/site-functions/_git-credential-pat"
fish_completion="$prefix/share/fish/vendor_completions.d/git-credential-pat.fish"

if [ "$uninstall" = 1 ]; then
	exe="$bindir/git-credential-pat"
	data="${XDG_CONFIG_HOME:-$HOME/.config}/git-credential-pat"
	state="${XDG_STATE_HOME:-$HOME/.local/state}/git-credential-pat"
	# Ask about stored tokens before changing anything.
	if [ "$purge" = 1 ] && [ "$yes" = 0 ]; then
		if [ -t 0 ]; then
			printf 'Delete %s and every token stored in it? [y/N] ' "$data"
			answer=""
			read -r answer || true
			case "$answer" in
			y|Y|yes|Yes|YES) ;;
			*) purge=0 ;;
			esac
		else
			echo "install.sh: --purge deletes the stored tokens in $data; there is no terminal to ask on, so confirm with: ./install.sh --uninstall --purge --yes" >&2
			exit 1
		fi
	fi
	if [ -x "$exe" ]; then
		if ! "$exe" unconfigure; then
			echo "install.sh: git-credential-pat unconfigure failed; nothing removed. Fix the message above and run ./install.sh --uninstall again" >&2
			exit 1
		fi
		# Stop a running cache daemon; older versions have no such command.
		"$exe" cache exit </dev/null >/dev/null 2>&1 || true
	else
		echo "git-credential-pat is not installed in $bindir (installed elsewhere? pass --prefix DIR)"
		if command -v git >/dev/null 2>&1 &&
			git config --global --get-all credential.helper 2>/dev/null | grep -F "$exe" >/dev/null; then
			echo "Note: git config --global still runs $exe; remove that credential.helper line with: git config --global --edit"
		fi
	fi
	for f in "$exe" "$bindir/git-credential-pat-cli" "$man1dir/git-credential-pat.1" "$bash_completion" "$zsh_completion" "$fish_completion"; do
		if [ -e "$f" ] || [ -L "$f" ]; then
			rm -f "$f"
			echo "Removed $f"
		fi
	done
	if [ "$purge" = 1 ]; then
		for d in "$data" "$state"; do
			if [ -e "$d" ]; then
				rm -rf "$d"
				echo "Deleted $d"
			fi
		done
		echo "Tokens kept elsewhere (--store keychain, or a --file outside $data) are not touched."
	elif [ -e "$data" ]; then
		echo "Kept your stored tokens in $data (delete them with ./install.sh --uninstall --purge)"
	fi
	exit 0
fi

if ! command -v go >/dev/null 2>&1; then
	echo "install.sh: Go is not installed. Install Go 1.$MIN_GO_MINOR or newer (https://go.dev/dl/ or your package manager), then re-run ./install.sh" >&2
	exit 1
fi
if ! gover=$(go env GOVERSION 2>&1); then
	echo "install.sh: go does not run: $gover (check GOEXPERIMENT, GOFLAGS and go env)" >&2
	exit 1
fi
minor=$(echo "$gover" | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
if [ -z "$minor" ] || [ "$minor" -lt "$MIN_GO_MINOR" ]; then
	echo "install.sh: $gover is too old; Go 1.$MIN_GO_MINOR or newer is needed (https://go.dev/dl/)" >&2
	exit 1
fi
if ! command -v git >/dev/null 2>&1; then
	echo "install.sh: git is not installed; install it first (for example: apt-get install git)" >&2
	exit 1
fi

cd "$(dirname "$0")"
echo "Building git-credential-pat with $(go env GOVERSION) (the first build downloads its modules and compiles them: about a minute)..."
mkdir -p "$bindir"
tmp="$bindir/.git-credential-pat.$$"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"
# Two programs, side by side: git-credential-pat (what git runs: get and
# store, linking only the stores) and git-credential-pat-cli (every other
# command, which git-credential-pat hands over to). Record the commit in the
# binaries when this is a git checkout; fall back quietly when git refuses
# (for example a checkout owned by another user). CGO_ENABLED=0: a static
# binary starts faster (git runs it on every request) and no store needs cgo.
# build PACKAGE [ENV...]: build PACKAGE into $tmp/build/, with ENV set.
build() {
	pkg=$1
	shift
	env CGO_ENABLED=0 "$@" go build -trimpath -buildvcs=auto -o "$tmp/build/" "$pkg" 2>/dev/null ||
		env CGO_ENABLED=0 "$@" go build -trimpath -buildvcs=false -o "$tmp/build/" "$pkg"
}
# The helper git runs is built with Go's previous garbage collector while
# the toolchain still offers it (GOEXPERIMENT=nogreenteagc, on top of any
# experiments already configured). It lives about 1.5 ms and never
# collects, and with Go 1.26 (whose default is the new collector) it
# starts 40-54 µs sooner so (an empty Go program: 35-41 µs;
# bench/results.md). The CLI and the cache daemon keep the default.
configured=$(go env GOEXPERIMENT)
helper_gc=GOEXPERIMENT=${configured:+$configured,}nogreenteagc
if ! env "$helper_gc" go env GOEXPERIMENT >/dev/null 2>&1; then
	helper_gc=GOEXPERIMENT=$configured
fi
build ./cmd/git-credential-pat "$helper_gc"
build ./cmd/git-credential-pat-cli
# Written out again with dd, not moved: the linker writes through a memory
# mapping, which leaves the kernel's page cache holding the program in 4 KiB
# pages; written with plain 1 MiB write()s (not cat or cp, which may share
# the blocks or copy in the kernel), Linux 6 on ext4 holds it in large
# folios, and every start maps them with fewer, cheaper page faults until
# the cache drops the file (measured here: 0.14-0.23 ms off a 1.8-2 ms get,
# see bench/results.md). Elsewhere it is an ordinary copy.
for p in git-credential-pat git-credential-pat-cli; do
	dd if="$tmp/build/$p" of="$tmp/$p" bs=1048576 2>"$tmp/dd.err" ||
		{ cat "$tmp/dd.err" >&2; echo "install.sh: could not write $tmp/$p (disk full?)" >&2; exit 1; }
	chmod 755 "$tmp/$p"
done
rm -f "$tmp/dd.err"
rm -rf "$tmp/build"
# The command binary first: a new git-credential-pat must find its sibling.
mv -f "$tmp/git-credential-pat-cli" "$bindir/git-credential-pat-cli"
mv -f "$tmp/git-credential-pat" "$bindir/git-credential-pat"
rmdir "$tmp"
trap - EXIT
if [ -n "$build_only" ]; then
	echo "Built $bindir/git-credential-pat and git-credential-pat-cli ($("$bindir/git-credential-pat" version))"
	exit 0
fi
echo "Installed $bindir/git-credential-pat ($("$bindir/git-credential-pat" version))"

# put FILE ARGS...: write the output of git-credential-pat ARGS to FILE
# (mode 644), replacing it only when the command succeeds.
put() {
	dest=$1
	shift
	mkdir -p "$(dirname "$dest")"
	"$bindir/git-credential-pat" "$@" >"$dest.$$.tmp" || { rm -f "$dest.$$.tmp"; return 1; }
	chmod 644 "$dest.$$.tmp"
	mv -f "$dest.$$.tmp" "$dest"
}
put "$man1dir/git-credential-pat.1" man
echo "Installed $man1dir/git-credential-pat.1 (man git-credential-pat, git help credential-pat)"
put "$bash_completion" completion bash
put "$zsh_completion" completion zsh
put "$fish_completion" completion fish
echo "Installed bash, zsh and fish completions in $prefix/share"

if [ "$do_setup" = 1 ]; then
	if [ -z "$store" ]; then
		# Prefer the OS keychain when one answers: a lookup of a name that
		# cannot exist succeeds (empty) only if the keychain is reachable.
		if why=$(printf 'protocol=https\nhost=install-probe.invalid\n\n' |
			"$bindir/git-credential-pat" --store keychain --keychain-timeout 3s get 2>&1); then
			probe="keychain"
			reason="the OS keychain answered"
			probe_msg="Store: keychain ($reason; tokens are kept encrypted there)"
		else
			probe="file"
			reason="no OS keychain answered: ${why#git-credential-pat: }"
			probe_msg="Store: file (${XDG_CONFIG_HOME:-$HOME/.config}/git-credential-pat/credentials, mode 0600), because $reason"
		fi
		# A helper line of ours from an earlier install (or setup) is kept
		# as it is, flags and all: only --store changes it.
		current=$("$bindir/git-credential-pat" setup --current-store)
		if [ -n "$current" ]; then
			echo "Store: $current (kept: git config --global already runs git-credential-pat with --store $current; ./install.sh --store NAME changes it)"
			if [ "$current" != "$probe" ]; then
				echo "Note: here the probe would choose --store $probe ($reason); keeping --store $current. To switch: ./install.sh --store $probe"
			fi
			"$bindir/git-credential-pat" setup
		else
			echo "$probe_msg"
			"$bindir/git-credential-pat" --store "$probe" setup
		fi
	else
		"$bindir/git-credential-pat" --store "$store" setup
	fi
fi

case ":$PATH:" in
*":$bindir:"*) ;;
*) echo "Note: $bindir is not on your PATH; git finds the helper anyway (setup wrote its full path). Add it to use the commands by name: export PATH=\"$bindir:\$PATH\"" ;;
esac
cat <<MSG
Next: store a token (create one at https://github.com/settings/personal-access-tokens):
  git-credential-pat login            (paste it at the hidden prompt)
  gh auth token | git-credential-pat login
then git push and git pull over https:// use it without asking.
MSG
