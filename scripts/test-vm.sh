#!/usr/bin/env bash
# Runs test files under a full distribution kernel (../shared/kernel-vm), where
# the link kinds and qdiscs this machine's kernel lacks exist. Usage:
#   scripts/test-vm.sh [vitest args…]   (default: the files that need that kernel)
# Without the VM it says what is missing and exits 2 (KERNEL_VM_OPTIONAL=1: exit 0, skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
vm=${KERNEL_VM_DIR:-../shared/kernel-vm}
if [ ! -x "$vm/run" ] || [ ! -x "$vm/setup" ]; then
  # Asked for explicitly and not run: a failure (exit 2; 1 is "tests failed"), unless the
  # caller said the VM is optional. `npm test` needs no VM: it skips these tests with
  # their reason.
  where=$(cd "$(dirname "$vm")" 2>/dev/null && pwd || dirname "$vm")/$(basename "$vm")
  cat >&2 <<EOF
test:vm: no kernel-vm at $where (KERNEL_VM_DIR names another place).
kernel-vm is the development setup's QEMU runner for a full distribution kernel (Debian's,
with its modules), a directory beside this repository holding executable 'setup' and 'run'
(see its README). It is not part of the package. It runs the tests that need link kinds and
qdiscs a minimal kernel lacks (dummy, vlan, bond, netem, tbf, flower, ...):
  ${*:-test/link-kinds.test.ts test/link-defaults.test.ts test/tc-vm.test.ts test/tc-vm-filters.test.ts}
Without it they are not run here. 'npm test' skips them, each with its reason; on a machine
whose own kernel has those modules, run the files directly as root: npx vitest run FILE...
EOF
  if [ -n "${KERNEL_VM_OPTIONAL:-}" ]; then
    echo "test:vm: skipped (KERNEL_VM_OPTIONAL is set)" >&2
    exit 0
  fi
  echo "test:vm: not run (exit 2); KERNEL_VM_OPTIONAL=1 makes a missing VM a skip (exit 0)" >&2
  exit 2
fi
if [ $# -eq 0 ]; then set -- test/link-kinds.test.ts test/link-defaults.test.ts test/tc-vm.test.ts test/tc-vm-filters.test.ts; fi
"$vm/setup" >/dev/null
# Call vitest directly: npx costs seconds under emulation.
exec "$vm/run" -- node node_modules/vitest/vitest.mjs run "$@"
