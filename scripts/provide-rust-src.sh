#!/usr/bin/env bash
# Provides the standard library's sources (what `rustup component add rust-src` installs),
# which rust-analyzer needs to know any std type. rustup cannot download components on our
# machines, so when the sources are missing this fetches Debian's `rust-src` package with apt
# under a private configuration (the system's apt sources and state are not touched),
# unpacks it with `dpkg -x`, and puts its `library/` folder where rustup would:
# <sysroot>/lib/rustlib/src/rust/library. The analyzer then finds it as it would on a
# user's machine. Run by .ci/run; developers run it once.
#
# Debian's suites carry different versions: sid's 1.97 gave the same analysis as the exact
# 1.95 sources on our fixtures, trixie's 1.85 lost `vec![..]` and some trait facts.
set -euo pipefail

suite="${RUST_SRC_SUITE:-sid}"
sysroot="$(rustc --print sysroot)"
target="$sysroot/lib/rustlib/src/rust/library"
if [ -f "$target/std/src/lib.rs" ] && [ -f "$target/core/src/lib.rs" ]; then
  echo "rust-src: present at $target"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/etc"
# The system's Debian mirror (so a local proxy keeps working), with the suite we need.
mirror="$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)"
mirror="${mirror:-http://deb.debian.org/debian}"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" > "$work/etc/sources.list"
apt_opts=(
  -o "Dir::Etc::SourceList=$work/etc/sources.list"
  -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$work/lists"
  -o "Dir::Cache=$work/cache"
  -o "Debug::NoLocking=1"
  -o "APT::Get::List-Cleanup=0"
)
echo "rust-src: fetching Debian's rust-src ($suite) from $mirror"
# apt warns that it downloads as root rather than as `_apt` into our private folder; that
# is expected here and not worth showing.
apt-get "${apt_opts[@]}" -qq update 2> >(grep -v 'unsandboxed as root' >&2)
(cd "$work" && apt-get "${apt_opts[@]}" -qq download rust-src 2> >(grep -v 'unsandboxed as root' >&2))
deb="$(ls "$work"/rust-src_*.deb)"
dpkg -x "$deb" "$work/root"
# Debian puts the sources at /usr/src/rustc-<version>/library.
source_library=""
for candidate in "$work"/root/usr/src/rustc-*/library; do
  [ -f "$candidate/std/src/lib.rs" ] && source_library="$candidate"
done
if [ -z "$source_library" ]; then
  echo "rust-src: the package $deb holds no library/std/src/lib.rs" >&2
  exit 1
fi
mkdir -p "$(dirname "$target")"
rm -rf "$target"
cp -r "$source_library" "$target"
echo "rust-src: installed $(basename "$deb") at $target"
