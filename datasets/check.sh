#!/bin/sh
# Checks the shipped datasets against SHA256SUMS: the compressed files as
# they are, the uncompressed ones by inflating them into a scratch directory
# (so a corrupt stream and a stream that inflates to different text are both
# caught). Usage: datasets/check.sh [DIR]  (default: this script's directory).
# Exits 0 when every listed file matches, 1 otherwise.
set -eu
dir=${1:-$(dirname "$0")}
dir=$(cd "$dir" && pwd)
[ -f "$dir/SHA256SUMS" ] || { echo "check.sh: no SHA256SUMS in $dir" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rg-datasets-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for gz in "$dir"/*.txt.gz; do
	[ -e "$gz" ] || { echo "check.sh: no *.txt.gz in $dir" >&2; exit 1; }
	name=$(basename "$gz")
	ln -s "$gz" "$tmp/$name"
	gzip -dc "$gz" > "$tmp/${name%.gz}" || { echo "check.sh: $name: corrupt gzip stream" >&2; exit 1; }
done
cp "$dir/SHA256SUMS" "$tmp/SHA256SUMS"
cd "$tmp"
sha256sum --strict -c SHA256SUMS
