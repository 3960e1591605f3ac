#!/bin/sh
# Build git-credential-pat with the local Go toolchain, install it, and make
# git use it. Safe to run again.
#   ./install.sh [--prefix DIR] [--store NAME] [--no-setup]
set -eu

MIN_GO_MINOR=23
prefix=""
store=""
do_setup=1
while [ $# -gt 0 ]; do
	case "$1" in
	--prefix) prefix="$2"; shift 2 ;;
	--prefix=*) prefix="${1#--prefix=}"; shift ;;
	--store) store="$2"; shift 2 ;;
	--store=*) store="${1#--store=}"; shift ;;
	--no-setup) do_setup=0; shift ;;
	-h|--help) sed -n '2,4p' "$0"; exit 0 ;;
	*) echo "install.sh: unknown option $1 (try --help)" >&2; exit 1 ;;
	esac
done

if [ -z "$prefix" ]; then
	if [ "$(id -u)" = 0 ]; then prefix=/usr/local; else prefix="$HOME/.local"; fi
fi

if ! command -v go >/dev/null 2>&1; then
	echo "install.sh: Go is not installed. Install Go 1.$MIN_GO_MINOR or newer (https://go.dev/dl/ or your package manager), then re-run ./install.sh" >&2
	exit 1
fi
minor=$(go env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
if [ -z "$minor" ] || [ "$minor" -lt "$MIN_GO_MINOR" ]; then
	echo "install.sh: $(go env GOVERSION) is too old; Go 1.$MIN_GO_MINOR or newer is needed (https://go.dev/dl/)" >&2
	exit 1
fi
if ! command -v git >/dev/null 2>&1; then
	echo "install.sh: git is not installed; install it first (for example: apt-get install git)" >&2
	exit 1
fi

cd "$(dirname "$0")"
bindir="$prefix/bin"
mkdir -p "$bindir"
tmp="$bindir/.git-credential-pat.$$"
trap 'rm -f "$tmp"' EXIT
# Record the commit in the binary when this is a git checkout; fall back
# quietly when git refuses (for example a checkout owned by another user).
go build -trimpath -buildvcs=auto -o "$tmp" ./cmd/git-credential-pat 2>/dev/null ||
	go build -trimpath -buildvcs=false -o "$tmp" ./cmd/git-credential-pat
chmod 755 "$tmp"
mv -f "$tmp" "$bindir/git-credential-pat"
trap - EXIT
echo "Installed $bindir/git-credential-pat ($("$bindir/git-credential-pat" version))"

if [ "$do_setup" = 1 ]; then
	if [ -n "$store" ]; then
		"$bindir/git-credential-pat" --store "$store" setup
	else
		"$bindir/git-credential-pat" setup
	fi
fi

case ":$PATH:" in
*":$bindir:"*) ;;
*) echo "Note: $bindir is not on your PATH; git finds the helper anyway (setup wrote its full path). Add it to use the commands by name: export PATH=\"$bindir:\$PATH\"" ;;
esac
cat <<MSG
Next: store a token (paste it, then press Enter and Ctrl-D):
  printf 'protocol=https\nhost=github.com\nusername=YOUR_LOGIN\npassword=%s\n' "\$(cat)" | git credential approve
then git push and git pull over https:// use it without asking.
MSG
