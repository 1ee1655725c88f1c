/**
 * Loads the C++ addon (a prebuilt binary under prebuilds/ or the local
 * build/Release one) and declares what it exports.
 * @internal
 * @module
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * One handle's sockets on the process's I/O thread (native/addon.cc,
 * native/reactor.cc). Channel 0 is the request (or event) socket; dumps get
 * channels of their own; a separate socket serves blocking calls.
 */
export interface NativeSocket {
  /** Queues one sendmsg() of `bytes` on `channel`. */
  submit(channel: number, chunk: number, bytes: Uint8Array): void;
  /** Rewrites bytes of a chunk not yet taken for sending; false once it was taken. */
  patch(chunk: number, offset: number, bytes: Uint8Array): boolean;
  openChannel(channel: number): void;
  closeChannel(channel: number): void;
  pause(channel: number, paused: boolean): void;
  /** Returns a delivery credit (once per block, after yielding to the loop). */
  credit(): void;
  ref(): void;
  unref(): void;
  /** Closes everything; returns the id of the last chunk taken for sending. Idempotent. */
  destroy(): number;
  info(): { rcvbuf: number; sndbuf: number };
  /** Opens the blocking-call socket (once); returns its receive buffer size. */
  openSync(): number;
  /** 0, or the errno of a failed send (nothing was sent). */
  sendSync(bytes: Uint8Array): number;
  /** Records of what arrived, or null after `timeoutMs` without anything. */
  recvSync(timeoutMs: number): Buffer | null;
  stats(): { submitted: number; sent: number; syncSent: number };
  /** A new fd (close-on-exec) of the namespace the sockets were opened in, or -1 for the process's own. */
  dupNetns(): number;
}

/** One TUN/TAP queue read on the event loop (native/tun.cc); owns its fd. */
export interface NativeTunQueue {
  /** Starts reading: frames arrive in batches through the constructor's callback. */
  start(): void;
  /** Stops reading (frames wait in the device's queue). */
  stop(): void;
  /** Writes one frame; the bytes written, or 0 when the queue is full (EAGAIN). Throws with the errno otherwise. */
  write(frame: Uint8Array): number;
  /** Stops and closes the fd (once the event loop is done with it). Idempotent. */
  close(): void;
  ref(): void;
  unref(): void;
}

/** The addon's exports (native/addon.cc). */
export interface Native {
  Socket: new (
    options: { netnsFd?: number; events?: boolean; groups?: number[]; allNsid?: boolean; rcvbuf?: number; dumpChannels?: number; syncSocket?: boolean },
    onBlock: (block: Buffer | null) => void,
  ) => NativeSocket;
  /** Opens a pinned BPF object (BPF_OBJ_GET) and returns its fd (close-on-exec); throws with the errno. */
  bpfObjGet(path: string): number;
  netnsCreate(): number;
  netnsCreateAt(path: string): number;
  /** {@link Native.netnsCreate} off the event loop (the namespace change still on a thread of its own). */
  netnsCreateAsync(): Promise<number>;
  netnsCreateAtAsync(path: string): Promise<number>;
  socketInNetns(nsFd: number, domain: number, type: number, protocol: number): number;
  bindSocket(fd: number, address: string, port: number): number;
  mount(source: string | null, target: string, fstype: string | null, flags: number, data: string | null): void;
  umount(target: string, flags: number): void;
  /**
   * Opens /dev/net/tun inside the namespace of `nsFd` (-1: here) and attaches
   * it to the device `name` with IFF_* `flags` (TUNSETIFF; '' lets the kernel
   * name it). Returns the fd (non-blocking, close-on-exec) and the device's
   * name. `takeNs`: close `nsFd` too (one the addon made, e.g. `dupNetns()`).
   */
  tunOpen(nsFd: number, name: string, flags: number, takeNs: boolean): { fd: number; name: string };
  /** TUNSETPERSIST / TUNSETOWNER / TUNSETGROUP on a tun fd. */
  tunSet(fd: number, op: 'persist' | 'owner' | 'group', value: number): void;
  /** Closes a tun fd that {@link Native.tunOpen} returned. */
  tunClose(fd: number): void;
  TunQueue: new (fd: number, onFrames: (frames: Buffer[], error: Error | null) => void) => NativeTunQueue;
}

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Loads the addon, or throws an error that says which platform tag was looked
 * for, where, and how to get a binary (node-gyp-build alone says only "No
 * native build was found").
 */
function load(): Native {
  const gypBuild = require('node-gyp-build') as { (dir: string): Native; resolve(dir: string): string };
  let file: string | undefined;
  try {
    file = gypBuild.resolve(root);
    return require(file) as Native;
  } catch (e) {
    // The tag node-gyp-build matches prebuilds/ against (its own libc rule).
    const libc = process.env['LIBC'] || (existsSync('/etc/alpine-release') ? 'musl' : 'glibc');
    const tag = `${process.platform}-${process.arch}`;
    const where = file
      ? `${file} was found but does not load: ${String((e as Error).message).split('\n')[0]}`
      : `no build/Release/rtnetlink.node and no prebuilds/${tag}/rtnetlink.napi.${libc}.node under ${root}`;
    throw new Error(
      `rtnetlink: no usable native addon for ${tag} ${libc} (${where}). ` +
        'Prebuilt binaries ship for linux-x64 and linux-arm64 (glibc >= 2.17, musl). ' +
        'To build one from source: `npm rebuild rtnetlink` (it ran no install script if installed with --ignore-scripts), ' +
        "which needs python3, make, a C++17 compiler and Node's headers (npm_config_nodedir=DIR with DIR/include/node, " +
        'or network access for node-gyp to download them).',
      { cause: e },
    );
  }
}

/** The loaded addon. */
export const native: Native = load();
