#!/usr/bin/env bash
# Checks the README's promise that on a fresh machine with only Rust, its two commands do all
# the set-up and work: builds a minimal Debian 12 root (debootstrap: a C linker, git,
# certificates, python3), copies this machine's stable toolchain into it *without* rust-src,
# clones the committed repository there, and runs `cargo xtask demo` then `cargo xtask test`
# inside it (chroot, with the network, as root, as a fresh container runs). No Chromium,
# chromedriver, Graphviz, selenium or rust-src is there before they run.
#
# Needs root and debootstrap (`apt-get install debootstrap`); takes as long as a cold build
# (about 40 minutes on 2 cores). Usage: scripts/fresh-machine.sh [WORKDIR] (default
# /tmp/borrowscope-fresh); the log is WORKDIR/log.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-/tmp/borrowscope-fresh}"
root="$work/root"
[ "$(id -u)" = 0 ] || { echo "fresh-machine: run as root (it builds a chroot)" >&2; exit 2; }
command -v debootstrap >/dev/null || { echo "fresh-machine: install debootstrap first (apt-get install debootstrap)" >&2; exit 2; }

# A new root every time (a run installs Chromium and the rest into it); the packages
# debootstrap downloads and the crates cargo downloads are kept beside it, which only spares
# the network.
for fs in dev sys proc; do
  umount -R "$root/$fs" 2>/dev/null || true
  if mountpoint -q "$root/$fs"; then echo "fresh-machine: $root/$fs is still mounted; unmount it first" >&2; exit 2; fi
done
if [ -d "$root/root/.cargo/registry" ]; then
  rm -rf "$work/registry"
  mv "$root/root/.cargo/registry" "$work/registry"
fi
rm -rf --one-file-system "$root"
mkdir -p "$work/debs"
debootstrap --variant=minbase --cache-dir="$work/debs" --include=ca-certificates,git,gcc,libc6-dev,python3 bookworm "$root" http://deb.debian.org/debian >/dev/null
cp /etc/resolv.conf "$root/etc/"
# The network as this machine has it: certificate authorities added here (an egress proxy's)
# are added there too, so that the registries answer the same.
if [ -d /usr/local/share/ca-certificates ]; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp -a /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/"
  chroot "$root" update-ca-certificates >/dev/null
fi
[ -f /etc/pip.conf ] && cp /etc/pip.conf "$root/etc/"

# Rust as rustup's default profile leaves it: the toolchain and the proxies, no rust-src.
toolchain="$(rustc --print sysroot)"
name="$(basename "$toolchain")"
mkdir -p "$root/root/.rustup/toolchains" "$root/root/.cargo"
cp -a "$toolchain" "$root/root/.rustup/toolchains/"
rm -rf "$root/root/.rustup/toolchains/$name/lib/rustlib/src" "$root/root/.rustup/toolchains/$name/share/doc"
printf 'version = "12"\ndefault_toolchain = "%s"\nprofile = "default"\n' "$name" > "$root/root/.rustup/settings.toml"
mkdir -p "$root/root/.cargo/bin"
[ -d "$work/registry" ] && mv "$work/registry" "$root/root/.cargo/registry"
for tool in cargo rustc rustdoc rustfmt cargo-fmt cargo-clippy clippy-driver rustup; do
  [ -e "$HOME/.cargo/bin/$tool" ] && cp -a "$HOME/.cargo/bin/$tool" "$root/root/.cargo/bin/"
done
git clone --quiet "$repo" "$root/src/borrowscope"

for fs in proc sys dev; do mountpoint -q "$root/$fs" || mount --rbind "/$fs" "$root/$fs"; done
trap 'for fs in dev sys proc; do umount -R "$root/$fs" 2>/dev/null || true; done' EXIT
for tool in chromium chromedriver dot; do
  if chroot "$root" sh -c "command -v $tool" >/dev/null; then echo "fresh-machine: $tool is already there" >&2; exit 1; fi
done
chroot "$root" /usr/bin/env -i HOME=/root PATH=/root/.cargo/bin:/usr/local/bin:/usr/bin:/bin TERM=dumb bash -c '
  set -euo pipefail
  cd /src/borrowscope
  [ ! -e "$(rustc --print sysroot)/lib/rustlib/src/rust/library/std/src/lib.rs" ] || { echo "rust-src is there already"; exit 1; }
  echo "== cargo xtask demo"
  cargo xtask demo
  test -s target/demo/report.html
  echo "== cargo xtask test"
  cargo xtask test
' 2>&1 | tee "$work/log"
echo "fresh-machine: both commands succeeded"
