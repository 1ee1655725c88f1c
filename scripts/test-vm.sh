#!/usr/bin/env bash
# Runs test files under a full distribution kernel (../shared/kernel-vm), where
# the link kinds and qdiscs this machine's kernel lacks exist. Usage:
#   scripts/test-vm.sh [vitest args…]   (default: the files that need that kernel)
set -euo pipefail
cd "$(dirname "$0")/.."
vm=${KERNEL_VM_DIR:-../shared/kernel-vm}
[ -x "$vm/run" ] || { echo "kernel-vm not found at $vm" >&2; exit 2; }
if [ $# -eq 0 ]; then set -- test/link-kinds.test.ts test/link-defaults.test.ts test/tc-vm.test.ts test/tc-vm-filters.test.ts; fi
"$vm/setup" >/dev/null
# Call vitest directly: npx costs seconds under emulation.
exec "$vm/run" -- node node_modules/vitest/vitest.mjs run "$@"
