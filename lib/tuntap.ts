/**
 * TUN/TAP devices: `ip tuntap add|del` (TUNSETIFF on /dev/net/tun, then
 * TUNSETOWNER/TUNSETGROUP/TUNSETPERSIST, as `ip` does), and `open`, which
 * attaches to a device and hands its frames over as a Node stream, so a
 * program (a test) can be the far end of a link in userspace.
 *
 * /dev/net/tun is opened by a thread that entered the handle's namespace: a
 * device is born in the namespace of its opener, never the event loop's.
 * Once made, a tun/tap link lists and changes like any other (`nl.link`,
 * kind `'tun'`).
 * @module
 */
import { readFileSync } from 'node:fs';
import { Duplex } from 'node:stream';
import { NetlinkError } from './errors.js';
import { linkOps, type Link } from './link.js';
import { native, type NativeTunQueue } from './native.js';
import type { Connection } from './netlink.js';
import { checkIfname } from './types.js';
import { bool, custom, int, object, oneOf, show, type Check } from './validate.js';

/** IFF_* of struct ifreq for TUNSETIFF (linux/if_tun.h). */
export const TUN_FLAGS = { TUN: 0x0001, TAP: 0x0002, MULTI_QUEUE: 0x0100, NO_PI: 0x1000, VNET_HDR: 0x4000 } as const;

/** `mode tun|tap`: IP packets, or Ethernet frames. */
export type TuntapMode = 'tun' | 'tap';

/** What `tuntap.add` takes: `ip tuntap add [dev NAME] mode tun|tap [user U] [group G] [multi_queue] [vnet_hdr] [pi]`. */
export interface TuntapAddOptions {
  /** `dev NAME` (default: the kernel names it, tunN/tapN; a `%d` in the name is numbered by the kernel). */
  name?: string;
  /** `mode tun|tap`. */
  mode: TuntapMode;
  /** `user U`: the uid (or user name, from /etc/passwd) that may attach without CAP_NET_ADMIN. */
  user?: number | string;
  /** `group G`: the gid (or group name, from /etc/group). */
  group?: number | string;
  /** `multi_queue` (IFF_MULTI_QUEUE): several fds may attach, one queue each. */
  multiQueue?: boolean;
  /** `vnet_hdr` (IFF_VNET_HDR): frames carry a struct virtio_net_hdr first. */
  vnetHdr?: boolean;
  /** `pi`: frames carry struct tun_pi (flags, protocol) first; off by default (IFF_NO_PI), as with `ip`. */
  pi?: boolean;
}

/** What `tuntap.del` takes: `ip tuntap del dev NAME [mode tun|tap] [multi_queue]` (mode and queueing looked up when left out). */
export interface TuntapDelOptions {
  name: string;
  mode?: TuntapMode;
  multiQueue?: boolean;
}

/** What `tuntap.open` takes: the device to attach to (made if missing, gone with the stream unless persistent). */
export interface TuntapOpenOptions extends Omit<TuntapAddOptions, 'user' | 'group'> {
  /** Make the device persistent (TUNSETPERSIST): it stays when the stream closes. Default: as it is. */
  persist?: boolean;
}

/**
 * One queue of a TUN/TAP device as a duplex stream in object mode: each
 * chunk read is one frame (a Buffer: an Ethernet frame for tap, an IP packet
 * for tun, after the `pi`/`vnetHdr` headers when asked for), each chunk
 * written is sent as one frame. Reading runs on the event loop (no thread);
 * `destroy()` (or `end()`) closes the fd. While it reads it keeps the process
 * alive, as a socket does; `unref()` stops that. A stream dropped while not
 * reading is collected and its fd closed (a non-persistent device then goes).
 */
export class TunStream extends Duplex {
  /** The device's name (the kernel's, when it chose one). */
  readonly name: string;
  readonly #queue: NativeTunQueue;
  /** The queue holds its callback weakly while not reading: the stream keeps it. */
  readonly #onFrames: (frames: Buffer[], error: Error | null) => void;

  /** @internal Use `nl.tuntap.open()`. */
  constructor(fd: number, name: string) {
    super({ objectMode: true, highWaterMark: 256 });
    this.name = name;
    this.#onFrames = (frames, error) => {
      let more = true;
      for (const f of frames) more = this.push(f);
      if (error) this.destroy(error);
      else if (!more) this.#queue.stop();
    };
    this.#queue = new native.TunQueue(fd, this.#onFrames);
  }

  /** @internal */
  override _read(): void {
    this.#queue.start();
  }

  /** @internal */
  override _write(chunk: unknown, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    if (!(chunk instanceof Uint8Array)) return cb(new TypeError(`a frame must be a Buffer or Uint8Array, got ${show(chunk)}`));
    try {
      const n = this.#queue.write(chunk);
      if (n === 0) return cb(Object.assign(new Error(`${this.name}: the device's queue is full (EAGAIN); the frame was not sent`), { code: 'EAGAIN', errno: -11 }));
      cb();
    } catch (e) {
      cb(e as Error);
    }
  }

  /** @internal */
  override _final(cb: (e?: Error | null) => void): void {
    this.#queue.close();
    cb();
  }

  /** @internal */
  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    this.#queue.close();
    cb(err);
  }

  /** Keeps the process alive while reading (the default). */
  ref(): this {
    this.#queue.ref();
    return this;
  }

  /** Lets the process end even while reading. */
  unref(): this {
    this.#queue.unref();
    return this;
  }
}

/** `nl.tuntap`: TUN/TAP devices in the handle's namespace. */
export interface TuntapOps {
  /**
   * Creates a persistent device; resolves with its name. Equivalent to
   * `ip tuntap add [dev NAME] mode tun|tap [user U] [group G] [multi_queue] [vnet_hdr] [pi]`.
   */
  add(options: TuntapAddOptions): Promise<{ name: string }>;
  /** Deletes a persistent device. Equivalent to `ip tuntap del dev NAME mode tun|tap`. */
  del(options: TuntapDelOptions): Promise<void>;
  /**
   * Attaches to a device (creating a non-persistent one when none has the
   * name) and returns its frames as a {@link TunStream}. There is no `ip`
   * equivalent: it is what a VPN daemon or a VM monitor does with the fd.
   */
  open(options: TuntapOpenOptions): Promise<TunStream>;
}

// ---------------------------------------------------------------------------
// Input

const TUN_NAME = 'an interface name (1..15 bytes; no NUL, "/", ":" or whitespace)';
const tunName = custom<string>(TUN_NAME, ['', 'a\0b', 'a b', 'x'.repeat(16), 42, null], (v, path) => checkIfname(v, path));
const mode = oneOf<TuntapMode>(['tun', 'tap']);

/** Reads a uid/gid by name from /etc/passwd or /etc/group (as `ip tuntap … user NAME` does through getpwnam). */
function idByName(file: '/etc/passwd' | '/etc/group', name: string, path: string): number {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    /* no such file: unknown name */
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f.length > 2 && /^\d+$/.test(f[2])) return Number(f[2]);
  }
  throw new TypeError(`${path}: no ${file === '/etc/passwd' ? 'user' : 'group'} named '${name}' in ${file}`);
}

function owner(file: '/etc/passwd' | '/etc/group'): Check<number> {
  const id = int(0, 0xfffffffe);
  return custom(`a ${file === '/etc/passwd' ? 'uid' : 'gid'} (0..2^32-2) or a name`, [-1, 1.5, '', 'a:b', null, true], (v, path) => {
    if (typeof v === 'string') {
      if (v === '' || /[:\n\0]/.test(v)) throw new TypeError(`${path} must be a name or a number, got ${show(v)}`);
      return idByName(file, v, path);
    }
    return id(v, path);
  });
}

const common = { name: tunName, mode: { check: mode, required: true }, multiQueue: bool, vnetHdr: bool, pi: bool };
const addSchema = object({ ...common, user: owner('/etc/passwd'), group: owner('/etc/group') }, { what: "a plain object { name?, mode: 'tun'|'tap', user?, group?, … }" });
const delSchema = object({ name: { check: tunName, required: true }, mode, multiQueue: bool }, { what: 'a plain object { name, mode?, multiQueue? }' });
const openSchema = object({ ...common, persist: bool }, { what: "a plain object { name?, mode: 'tun'|'tap', … }" });

/** The schemas of the tuntap calls (for the property test). */
export const tuntapSchemas = { add: addSchema, del: delSchema, open: openSchema };

function flagsOf(o: { mode?: TuntapMode; multiQueue?: boolean; vnetHdr?: boolean; pi?: boolean }): number {
  let f = o.mode === 'tap' ? TUN_FLAGS.TAP : TUN_FLAGS.TUN;
  if (!o.pi) f |= TUN_FLAGS.NO_PI;
  if (o.multiQueue) f |= TUN_FLAGS.MULTI_QUEUE;
  if (o.vnetHdr) f |= TUN_FLAGS.VNET_HDR;
  return f;
}

/** Opens /dev/net/tun in the handle's namespace and attaches it (TUNSETIFF); errors in Node's shape. */
function attach(conn: Connection, name: string, flags: number, where: string): { fd: number; name: string } {
  const ns = conn.netnsFd();
  try {
    return native.tunOpen(ns, name, flags, true); // the addon's dup of the namespace fd: closed there
  } catch (e) {
    const err = e as Error & { code?: string };
    err.message = `${where}: ${err.message}${err.code === 'EINVAL' && name ? ` (is '${name}' a device of another mode or queueing, or not a tun/tap?)` : ''}`;
    throw err;
  }
}

/** A TUNSET* ioctl whose error names the caller's field. */
function set(fd: number, op: 'persist' | 'owner' | 'group', value: number, where: string): void {
  try {
    native.tunSet(fd, op, value);
  } catch (e) {
    const err = e as Error & { code?: string };
    err.message = `${where}: ${err.message}${err.code === 'EINVAL' && op !== 'persist' ? ` (${value} is not mapped in this user namespace)` : ''}`;
    throw err;
  }
}

/** `nl.tuntap` bound to a connection. */
export function tuntapOps(conn: Connection): TuntapOps {
  return {
    async add(options) {
      const o = addSchema(options, 'tuntap');
      const t = attach(conn, o.name ?? '', flagsOf(o), 'tuntap.add');
      try {
        // the device is not persistent until the last step: a failure here leaves nothing behind
        if (o.user !== undefined) set(t.fd, 'owner', o.user, 'tuntap.user');
        if (o.group !== undefined) set(t.fd, 'group', o.group, 'tuntap.group');
        set(t.fd, 'persist', 1, 'tuntap');
      } finally {
        native.tunClose(t.fd);
      }
      return { name: t.name };
    },

    async del(options) {
      const o = delSchema(options, 'tuntap');
      let m = o.mode;
      let mq = o.multiQueue;
      if (m === undefined || mq === undefined) {
        // TUNSETIFF must name the device's own mode and queueing: read them (one RTM_GETLINK)
        const l = (await conn.run(linkOps.get(o.name!))) as Link;
        if (l.kind !== 'tun') throw new NetlinkError(22, 'RTM_GETLINK', {}, `tuntap.del: '${o.name}' is not a tun/tap device (kind ${l.kind ?? 'none'})`);
        const info = l.info ?? {};
        m ??= info.type === 'tap' ? 'tap' : 'tun';
        mq ??= info.multiQueue === true;
      }
      const t = attach(conn, o.name!, flagsOf({ mode: m, multiQueue: mq }), 'tuntap.del');
      try {
        set(t.fd, 'persist', 0, 'tuntap.del');
      } finally {
        native.tunClose(t.fd);
      }
    },

    async open(options) {
      const o = openSchema(options, 'tuntap');
      const t = attach(conn, o.name ?? '', flagsOf(o), 'tuntap.open');
      try {
        if (o.persist !== undefined) set(t.fd, 'persist', o.persist ? 1 : 0, 'tuntap.persist');
        return new TunStream(t.fd, t.name);
      } catch (e) {
        native.tunClose(t.fd);
        throw e;
      }
    },
  };
}
