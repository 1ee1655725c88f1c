/**
 * Loads the C++ addon (a prebuilt binary under prebuilds/ or the local
 * build/Release one) and declares what it exports.
 * @internal
 * @module
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One netlink socket driven by its own I/O thread (native/socket.cc). */
export interface NativeSocket {
  submit(messages: Uint8Array): void;
  requestSync(messages: Uint8Array): Buffer;
  pause(paused: boolean): void;
  /** Returns a delivery credit (call once per data delivery, after yielding to the loop). */
  credit(): void;
  ref(): void;
  unref(): void;
  close(): void;
}

/** The addon's exports (native/addon.cc). */
export interface Native {
  Socket: new (
    options: { netnsFd?: number; groups?: number[]; rcvbuf?: number },
    onData: (data: Buffer | null, errno: number, closed: boolean) => void,
  ) => NativeSocket;
  netnsCreate(): number;
  netnsCreateAt(path: string): number;
  /** {@link Native.netnsCreate} off the event loop (the namespace change still on a thread of its own). */
  netnsCreateAsync(): Promise<number>;
  netnsCreateAtAsync(path: string): Promise<number>;
  socketInNetns(nsFd: number, domain: number, type: number, protocol: number): number;
  bindSocket(fd: number, address: string, port: number): number;
  mount(source: string | null, target: string, fstype: string | null, flags: number, data: string | null): void;
  umount(target: string, flags: number): void;
}

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The loaded addon. */
export const native: Native = require('node-gyp-build')(root);
