/**
 * Where netns.spawn()'s setns+exec helper is (native/nsexec.cc): built with the
 * addon, shipped in prebuilds/, or named by RTNETLINK_NSEXEC. Its own module so
 * that the test hook is not part of the `netns` namespace the package exports.
 * @module
 */
import fs from 'node:fs';
import { arch } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let helper: string | null | undefined;

/** The setns+exec helper built with the addon (native/nsexec.cc), if present. */
export function findHelper(): string | null {
  if (helper !== undefined) return helper;
  const candidates = [
    process.env.RTNETLINK_NSEXEC,
    join(root, 'build', 'Release', 'rtnetlink-nsexec'),
    join(root, 'build', 'Debug', 'rtnetlink-nsexec'),
    join(root, 'prebuilds', `linux-${arch()}`, 'rtnetlink-nsexec'),
  ];
  helper = null;
  for (const c of candidates) {
    if (!c) continue;
    try {
      fs.accessSync(c, fs.constants.X_OK);
      helper = c;
      break;
    } catch {
      // next
    }
  }
  return helper;
}

/** @internal Tests: force the helper path (null: use nsenter(1)); undefined: look again. */
export function _setSpawnHelper(path: string | null | undefined): void {
  helper = path;
}
