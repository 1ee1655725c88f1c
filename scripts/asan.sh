#!/usr/bin/env bash
# Runs the vitest suite once against an AddressSanitizer + UBSan build of the
# addon (issue 13). Usage: bash scripts/asan.sh [vitest args…]
#
# 1. Builds every target of binding.gyp instrumented, into build-asan/ (a copy of
#    binding.gyp whose relative paths point back at the package root), so the
#    normal build/Release is never touched.
# 2. Points node-gyp-build at it with its own override, <NAME>_PREBUILD=build-asan
#    (node-gyp-build then looks in build-asan/build/Release first), and the
#    library's netns.spawn helper with RTNETLINK_NSEXEC. Nothing is moved or
#    swapped, so an interrupted run leaves nothing to restore.
# 3. Runs vitest with the ASan runtime preloaded into its forks workers (the
#    node processes that load the addon): scripts/asan/vitest.config.ts puts
#    LD_PRELOAD into the workers' environment only, so vitest's main process and
#    what it starts (esbuild) stay clean. Tests hand external programs (ip,
#    nsenter, sh, unshare…) test/helpers.ts toolEnv(), which has no LD_PRELOAD.
#    Leaks: after each test file, scripts/asan/leak-check.ts asks LeakSanitizer
#    for a check (through the helper scripts/asan/lsan.c), and
#    scripts/asan/leaks.mjs keeps the leaks allocated by the addon's own code.
# 4. Fails when any sanitizer finding shows up: an ASan or UBSan report in the
#    run's output (tee'd to build-asan/test.log) or in the per-process report
#    files (build-asan/reports/), or a leak of the addon's.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/build-asan
export npm_config_nodedir=/usr

san=(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -g -O1)

step() { printf '\n=== asan: %s\n' "$*"; }

step "build (instrumented) into build-asan/"
start=$(date +%s)
rm -rf "$out"
mkdir -p "$out/reports"
# binding.gyp is a Python literal: rewrite it for a build one directory down.
SAN="${san[*]}" python3 - "$root/binding.gyp" "$out/binding.gyp" <<'EOF' || exit 1
import ast, json, os, sys
src, dst = sys.argv[1], sys.argv[2]
san = os.environ['SAN'].split()
gyp = ast.literal_eval(open(src).read())
PATH_KEYS = {'sources', 'include_dirs', 'inputs', 'outputs', 'libraries', 'files'}
def fix_path(p):
    # leave expansions (<!(…), <(var)), absolute paths and linker flags alone
    if not isinstance(p, str) or p.startswith(('<', '>', '/', '-', '$')): return p
    return os.path.join('..', p)
def walk(x):
    if isinstance(x, dict):
        for k, v in list(x.items()):
            if k.rstrip('!/=+?') in PATH_KEYS and isinstance(v, list): x[k] = [fix_path(p) for p in v]
            else: walk(v)
    elif isinstance(x, list):
        for v in x: walk(v)
walk(gyp)
opt = ('-O0', '-O1', '-O2', '-O3', '-Os', '-Ofast')
for t in gyp.get('targets', []):
    for key in ('cflags', 'cflags_cc'):
        flags = [f for f in t.get(key, []) if f not in opt]
        t[key] = flags + san  # last -O wins: -O1 after node's common.gypi -O3
    t['ldflags'] = t.get('ldflags', []) + ['-fsanitize=address,undefined']
    for key in ('cflags!', 'cflags_cc!'):
        t[key] = [f for f in t.get(key, []) if f not in san]
    # node's common.gypi says -fno-rtti, which silently turns UBSan's vptr check off
    t['cflags_cc'].append('-frtti')
    t['cflags_cc!'].append('-fno-rtti')
json.dump(gyp, open(dst, 'w'), indent=1)
EOF
(cd "$out" && node "$root/node_modules/node-gyp/bin/node-gyp.js" rebuild --nodedir=/usr >"$out/build.log" 2>&1) ||
  { cat "$out/build.log"; echo "asan: instrumented build failed"; exit 1; }
addon=$(ls "$out"/build/Release/*.node 2>/dev/null | head -1)
[ -n "$addon" ] || { echo "asan: no .node in build-asan/build/Release"; exit 1; }
readelf -d "$addon" | grep -q 'libasan' || { echo "asan: $addon is not linked against libasan"; exit 1; }
# outside build/Release: node-gyp-build loads the first .node it finds there
gcc -shared -fPIC -fsanitize=address -g -O1 -I/usr/include/node scripts/asan/lsan.c -o "$out/lsan-check.node" || exit 1
echo "built $(cd "$out/build/Release" && ls -1 | grep -v '^obj' | tr '\n' ' ')in $(($(date +%s) - start)) s"

# The ASan runtime must come first in the library list ("ASan runtime does not
# come first in initial library list" otherwise): the workers get it preloaded.
# gcc's -fsanitize=undefined links libubsan.so as a separate NEEDED library of the
# addon; it needs no preload (only libasan insists on being first).
libasan=$(gcc -print-file-name=libasan.so)
libasan=$(readlink -f "$libasan")
[ -f "$libasan" ] || { echo "asan: libasan.so not found"; exit 1; }

# node-gyp-build's override: <PACKAGE_NAME>_PREBUILD is a directory searched
# (build/Release first) instead of the package root.
name=$(node -p "require('./package.json').name.toUpperCase().replace(/-/g, '_')")
export "${name}_PREBUILD=$out"
unset PREBUILDS_ONLY # it would make node-gyp-build skip build-asan/build/Release
nsexec=$(find "$out/build/Release" -maxdepth 1 -type f -executable -name '*nsexec*' | head -1)
[ -n "$nsexec" ] && export RTNETLINK_NSEXEC=$nsexec
loaded=$(node -p "require('node-gyp-build').resolve('.')")
[ "$loaded" = "$addon" ] || { echo "asan: node-gyp-build would load $loaded, not $addon"; exit 1; }

# Leaks: LeakSanitizer's check at exit never runs in a vitest worker (SIGTERM,
# then SIGKILL after 500 ms) and would only see node tearing down without
# freeing: it is off (leak_check_at_exit=0); leak-check.ts runs one per test
# file instead. %M in the frame format names each frame's module, which
# leaks.mjs needs. Every other finding halts the process at once.
export ASAN_LSAN_HELPER=$out/lsan-check.node ASAN_LSAN_RECORD=$out/leak-checks.tsv
export ASAN_OPTIONS="detect_leaks=1:leak_check_at_exit=0:abort_on_error=1:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:log_path=$out/reports/asan:log_exe_name=1:stack_trace_format=\"    #%n %p %F %L %M\""
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$out/reports/ubsan:log_exe_name=1"

step "vitest under ASan+UBSan (workers: LD_PRELOAD=$libasan)"
start=$(date +%s)
ASAN_WORKER_PRELOAD=$libasan node node_modules/vitest/vitest.mjs run --config scripts/asan/vitest.config.ts "$@" 2>&1 | tee "$out/test.log"
rc=${PIPESTATUS[0]}
secs=$(($(date +%s) - start))

step "findings"
errors='ERROR: AddressSanitizer|runtime error:'
findings=$(grep -Ec "$errors" "$out/test.log")
reports=("$out"/reports/*)
[ -e "${reports[0]}" ] || reports=()
for f in "${reports[@]}"; do
  n=$(grep -Ec "$errors" "$f")
  [ "$n" -gt 0 ] || continue
  findings=$((findings + n))
  echo "--- $f"
  sed -En "/$errors/,\$p" "$f" | grep -Ev '^  0x|^  [A-Z][a-z ]+:' # the report without its shadow map
done
modules=()
for m in "$out"/build/Release/*.node; do modules+=(--module "$m"); done
node scripts/asan/leaks.mjs "${modules[@]}" "${reports[@]}" | tee "$out/leaks.log"
leaks=$(grep -c '^--- ' "$out/leaks.log")
checks=$(cat "$out/leak-checks.tsv" 2>/dev/null | wc -l)
echo "leak checks: $checks (one per test file; build-asan/leak-checks.tsv)"
if [ "$checks" -eq 0 ] && [ "$rc" -eq 0 ]; then echo "asan: no leak check ran (scripts/asan/leak-check.ts not loaded?)"; rc=1; fi
# the workers must have run the instrumented addon, never the normal one
stray=$(awk -F'\t' -v o="$out/" '{ n = split($4, a, ","); for (i = 1; i <= n; i++) if (index(a[i], o) != 1) print $3 ": " a[i] }' "$out/leak-checks.tsv" 2>/dev/null)
if [ -n "$stray" ]; then echo "asan: a worker loaded an uninstrumented addon:"; echo "$stray"; rc=1; fi
echo "asan: $findings ASan/UBSan finding(s), $leaks leak(s) of the addon; tests took $secs s (status $rc)"
[ "$findings" -eq 0 ] && [ "$leaks" -eq 0 ] || exit 1
exit "$rc"
