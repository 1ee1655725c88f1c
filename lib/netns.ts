/**
 * Network namespaces: `ip netns add|del|list|attach|identify|exec`, anonymous
 * namespaces owned by an object, and sockets and processes inside any
 * namespace — without forking `ip` and without ever moving the event-loop
 * thread (every `setns()`/`unshare()` runs on a short-lived thread of its own).
 *
 * Named namespaces follow iproute2's layout exactly: `/run/netns` (made a
 * shared mount point, bound onto itself if it is not a mount point yet) holds
 * an empty file per name on which the namespace is bind-mounted, so
 * `ip netns list`, `ip -n NAME …` and this module see the same namespaces.
 *
 * A namespace is named everywhere by a {@link NetnsRef}: a name under
 * /run/netns, `{ path }`, `{ pid }` (`/proc/PID/ns/net`), `{ fd }`, or a
 * {@link Netns} object; `undefined` means the caller's own namespace.
 *
 * ```ts
 * import { netns } from 'rtnetlink';
 * await using a = await netns.create();           // anonymous, gone on close
 * const nl = a.open();                            // a handle inside it
 * await nl.link.set('lo', { up: true });
 * const server = await a.listen({ address: '127.0.0.1', port: 8080 }, (s) => s.end('hi\n'));
 * const client = await a.connect({ host: '127.0.0.1', port: 8080 });
 * ```
 * @module
 */
// child_process is only for netns.spawn(): starting the caller's own program
// inside a namespace. The library never forks ip, tc or any helper of its own work.
import {
  spawn as spawnChild,
  spawnSync as spawnChildSync,
  type ChildProcess,
  type SpawnOptions,
  type SpawnSyncOptions,
  type SpawnSyncOptionsWithStringEncoding,
  type SpawnSyncReturns,
  type StdioOptions,
} from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import { ClosedError } from './errors.js';
import { openSync as openHandle, type Handle, type OpenOptions } from './handle.js';
import { checkNetnsRef, NETNS_RUN_DIR, openNetns } from './resolve.js';
import { findHelper } from './nsexec.js';
import { native } from './native.js';
import { checkInt, type NetnsRef } from './types.js';
import { abortSignal, custom, int, object, oneOf, show, str } from './validate.js';

export type { NetnsRef } from './types.js';
export type { NamedNetns, NetnsId } from './nsid.js';

/** The folder of named namespaces, as iproute2 has it. */
export const RUN_DIR = NETNS_RUN_DIR;

const MS_BIND = 0x1000;
const MS_REC = 0x4000;
const MS_SHARED = 1 << 20;
const MNT_DETACH = 2;
const NSFS_MAGIC = 0x6e736673;
const { O_RDONLY, O_CREAT, O_EXCL } = fs.constants;

/** An error in the shape of Node's fs errors (code, negative errno, syscall, path). */
function sysError(cause: unknown, message: string, path?: string): Error {
  const c = cause as NodeJS.ErrnoException;
  // fs errors carry syscall+code; the addon's carry their own text ("mount --bind: Operation not permitted")
  const detail = c.syscall !== undefined ? c.code : c.message;
  const e = new Error(`${message}: ${detail ?? c.code}`, { cause }) as NodeJS.ErrnoException;
  if (c.code !== undefined) e.code = c.code;
  if (c.errno !== undefined) e.errno = c.errno;
  if (c.syscall !== undefined) e.syscall = c.syscall;
  if (path !== undefined) e.path = path;
  return e;
}

const codeOf = (e: unknown): string | undefined => (e as NodeJS.ErrnoException)?.code;

/** Checks a namespace name as iproute2 does: a single path component. */
function checkName(name: unknown, where: string): string {
  if (typeof name !== 'string') throw new TypeError(`${where}: the namespace name must be a string, got ${typeof name}`);
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0'))
    throw new TypeError(`${where}: '${name}' is not a valid namespace name (one path component, not '.' or '..')`);
  if (Buffer.byteLength(name) > 255) throw new RangeError(`${where}: the namespace name is longer than 255 bytes`);
  return name;
}

function namedPath(name: unknown, where: string): string {
  return `${RUN_DIR}/${checkName(name, where)}`;
}

/** What to do when /run is not ours (a user namespace over the host's /run). */
function rootlessHint(e: unknown): string {
  const c = codeOf(e);
  return c === 'EACCES' || c === 'EPERM' || c === 'EROFS'
    ? ' (needs CAP_SYS_ADMIN and a writable /run; in a user namespace, mount a tmpfs on /run first)'
    : '';
}

/**
 * Makes /run/netns exist (mode 0755) and be a shared mount point, so that
 * mounts made below it show in every mount namespace that shares it — the
 * steps `ip netns add` takes: try MS_SHARED|MS_REC; if the folder is not a
 * mount point yet (EINVAL), bind it onto itself and try again.
 */
function prepareRunDir(where: string): void {
  try {
    fs.mkdirSync(RUN_DIR, { mode: 0o755 });
  } catch (e) {
    if (codeOf(e) !== 'EEXIST') throw sysError(e, `${where}: cannot create ${RUN_DIR}${rootlessHint(e)}`, RUN_DIR);
  }
  try {
    native.mount(null, RUN_DIR, 'none', MS_SHARED | MS_REC, null);
  } catch (e) {
    if (codeOf(e) !== 'EINVAL') throw sysError(e, `${where}: cannot make ${RUN_DIR} a shared mount${rootlessHint(e)}`, RUN_DIR);
    try {
      native.mount(RUN_DIR, RUN_DIR, 'none', MS_BIND | MS_REC, null);
      native.mount(null, RUN_DIR, 'none', MS_SHARED | MS_REC, null);
    } catch (e2) {
      throw sysError(e2, `${where}: cannot make ${RUN_DIR} a shared mount${rootlessHint(e2)}`, RUN_DIR);
    }
  }
}

/** Creates the empty mount target (mode 0, as iproute2); EEXIST when the name is taken. */
function createFile(path: string, name: string, where: string): void {
  let fd: number;
  try {
    fd = fs.openSync(path, O_RDONLY | O_CREAT | O_EXCL, 0);
  } catch (e) {
    if (codeOf(e) === 'EEXIST') throw sysError(e, `${where}: a namespace named '${name}' already exists`, path);
    throw sysError(e, `${where}: cannot create ${path}`, path);
  }
  fs.closeSync(fd);
}

function removeFile(path: string): void {
  try {
    fs.unlinkSync(path);
  } catch {
    // best effort: it was ours a moment ago
  }
}

/**
 * Creates the named namespace NAME. Equivalent to `ip netns add NAME`.
 * Throws EEXIST when the name is taken; nothing is left behind on failure.
 */
export function addSync(name: string): void {
  const path = namedPath(name, 'netns.add');
  prepareRunDir('netns.add');
  createFile(path, name, 'netns.add');
  try {
    native.netnsCreateAt(path);
  } catch (e) {
    removeFile(path);
    throw sysError(e, `netns.add: cannot create namespace '${name}'`, path);
  }
}

/**
 * Creates the named namespace NAME off the event loop. Equivalent to
 * `ip netns add NAME`. Rejects with EEXIST when the name is taken.
 */
export async function add(name: string): Promise<void> {
  const path = namedPath(name, 'netns.add');
  prepareRunDir('netns.add');
  createFile(path, name, 'netns.add');
  try {
    await native.netnsCreateAtAsync(path);
  } catch (e) {
    removeFile(path);
    throw sysError(e, `netns.add: cannot create namespace '${name}'`, path);
  }
}

/**
 * Deletes the named namespace NAME: detaches its mount and removes the name.
 * The namespace itself goes away once nothing else (a process, an fd, a
 * handle, a socket) holds it. Equivalent to `ip netns del NAME`. ENOENT when
 * there is no such name.
 */
export function delSync(name: string): void {
  const path = namedPath(name, 'netns.del');
  try {
    native.umount(path, MNT_DETACH);
  } catch (e) {
    // EINVAL: the file is there but nothing is mounted on it (a stale name); remove it anyway.
    if (codeOf(e) === 'ENOENT') throw sysError(e, `netns.del: no namespace named '${name}'`, path);
    if (codeOf(e) !== 'EINVAL') throw sysError(e, `netns.del: cannot unmount ${path}`, path);
  }
  try {
    fs.unlinkSync(path);
  } catch (e) {
    if (codeOf(e) === 'ENOENT') throw sysError(e, `netns.del: no namespace named '${name}'`, path);
    throw sysError(e, `netns.del: cannot remove ${path}`, path);
  }
}

/** Promise form of {@link delSync} (a few microseconds of work). Equivalent to `ip netns del NAME`. */
export async function del(name: string): Promise<void> {
  delSync(name);
}

/**
 * The names under /run/netns, in directory order; `[]` when the folder does
 * not exist. Equivalent to `ip netns list` (for the ids too, use
 * `nl.netns.list()` on a handle).
 */
export function listSync(): string[] {
  try {
    return fs.readdirSync(RUN_DIR);
  } catch (e) {
    if (codeOf(e) === 'ENOENT') return [];
    throw sysError(e, `netns.list: cannot read ${RUN_DIR}`, RUN_DIR);
  }
}

/** Promise form of {@link listSync}. Equivalent to `ip netns list`. */
export async function list(): Promise<string[]> {
  try {
    return await fs.promises.readdir(RUN_DIR);
  } catch (e) {
    if (codeOf(e) === 'ENOENT') return [];
    throw sysError(e, `netns.list: cannot read ${RUN_DIR}`, RUN_DIR);
  }
}

/**
 * True when /run/netns/NAME is a mounted namespace (what `ip -n NAME` can
 * enter); false for a missing name or a stale file with nothing mounted on it.
 */
export function existsSync(name: string): boolean {
  const path = namedPath(name, 'netns.exists');
  try {
    return fs.statfsSync(path).type === NSFS_MAGIC;
  } catch {
    return false;
  }
}

/** Promise form of {@link existsSync}. */
export async function exists(name: string): Promise<boolean> {
  const path = namedPath(name, 'netns.exists');
  try {
    return (await fs.promises.statfs(path)).type === NSFS_MAGIC;
  } catch {
    return false;
  }
}

/** A path naming the namespace `ref` (for a bind-mount source or stat()). */
function refPath(ref: NetnsRef, where: string): string {
  if (typeof ref === 'string') return namedPath(ref, where);
  checkNetnsRef(ref, where);
  if (ref && typeof ref === 'object') {
    if ('fd' in ref) return `/proc/self/fd/${checkInt(ref.fd, `${where}.fd`, 0, 0x7fffffff)}`;
    if ('pid' in ref) return `/proc/${checkInt(ref.pid, `${where}.pid`, 1, 0x7fffffff)}/ns/net`;
    if ('path' in ref && typeof ref.path === 'string') return ref.path;
  }
  throw new TypeError(`${where} must be a namespace name, { path }, { pid } or { fd }`);
}

/**
 * Gives the namespace `ref` the name NAME (bind-mounts it on /run/netns/NAME).
 * Equivalent to `ip netns attach NAME PID` (and to it for a path or an fd).
 */
export function attachSync(name: string, ref: NetnsRef): void {
  const path = namedPath(name, 'netns.attach');
  const src = refPath(ref, 'netns.attach');
  let type: number;
  try {
    type = fs.statfsSync(src).type;
  } catch (e) {
    throw sysError(e, `netns.attach: cannot open ${src}`, src);
  }
  if (type !== NSFS_MAGIC) throw new TypeError(`netns.attach: ${src} is not a namespace file`);
  prepareRunDir('netns.attach');
  createFile(path, name, 'netns.attach');
  try {
    native.mount(src, path, 'none', MS_BIND, null);
  } catch (e) {
    removeFile(path);
    throw sysError(e, `netns.attach: cannot bind ${src} on ${path}`, path);
  }
}

/** Promise form of {@link attachSync}. Equivalent to `ip netns attach NAME PID`. */
export async function attach(name: string, ref: NetnsRef): Promise<void> {
  attachSync(name, ref);
}

/**
 * The names under /run/netns that refer to the namespace `ref` (default: the
 * caller's own). Equivalent to `ip netns identify [PID]`.
 */
export function identifySync(ref: NetnsRef = { path: '/proc/self/ns/net' }): string[] {
  const src = refPath(ref, 'netns.identify');
  let want: fs.Stats;
  try {
    want = fs.statSync(src);
  } catch (e) {
    throw sysError(e, `netns.identify: cannot open ${src}`, src);
  }
  const out: string[] = [];
  for (const name of listSync()) {
    try {
      const st = fs.statSync(`${RUN_DIR}/${name}`);
      if (st.dev === want.dev && st.ino === want.ino) out.push(name);
    } catch {
      // vanished meanwhile
    }
  }
  return out;
}

/** Promise form of {@link identifySync}. Equivalent to `ip netns identify [PID]`. */
export async function identify(ref?: NetnsRef): Promise<string[]> {
  return identifySync(ref);
}

/** Options of {@link create}. */
export interface CreateOptions {
  /**
   * Also give the namespace this name under /run/netns (`ip netns add NAME`);
   * closing the object then deletes the name (`ip netns del NAME`).
   */
  name?: string;
}

/**
 * A network namespace owned by this object: it lives as long as the object's
 * fd, the handles opened with {@link Netns.open} and any socket or process
 * inside it hold it. `close()` (or `using`/`await using`) closes the handles it
 * opened and its fd, and deletes its name if it has one. Usable wherever a
 * {@link NetnsRef} is expected.
 */
export class Netns implements Disposable, AsyncDisposable {
  #fd: number;
  #handles = new Set<Handle>();
  #closing: Promise<void> | undefined;
  /** The name under /run/netns, for a namespace made with `{ name }`. */
  readonly name?: string;

  /** @internal Use {@link create} / {@link createSync}. */
  constructor(fd: number, name?: string) {
    this.#fd = fd;
    if (name !== undefined) this.name = name;
  }

  /** An fd open on the namespace; a {@link ClosedError} once closed. */
  get fd(): number {
    if (this.#fd < 0) throw new ClosedError('network namespace', '');
    return this.#fd;
  }

  /**
   * A path that names the namespace for other tools: /run/netns/NAME for a
   * named one, else /proc/PID/fd/FD (e.g. `nsenter --net=PATH`).
   */
  get path(): string {
    return this.name !== undefined ? `${RUN_DIR}/${this.name}` : `/proc/${process.pid}/fd/${this.fd}`;
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#fd < 0;
  }

  /**
   * Opens a handle inside the namespace (its socket is made by a thread that
   * entered it). Equivalent to the context of `ip -n NAME …`. Closed with the
   * namespace object, or earlier by its own `close()`.
   */
  open(options: Omit<OpenOptions, 'netns'> = {}): Handle {
    const h = openHandle({ ...options, netns: { fd: this.fd } });
    this.#handles.add(h);
    void h.conn.closed.then(() => this.#handles.delete(h));
    return h;
  }

  /** {@link socket} inside this namespace. */
  socket(options: SocketOptions): number {
    return socket(this, options);
  }

  /** {@link listen} inside this namespace. */
  listen(options?: ListenOptions, server?: net.Server | ((socket: net.Socket) => void)): Promise<net.Server> {
    return listen(this, options, server);
  }

  /** {@link connect} inside this namespace. */
  connect(options: ConnectOptions): Promise<net.Socket> {
    return connect(this, options);
  }

  /** {@link udp} inside this namespace. */
  udp(options?: UdpOptions): Promise<dgram.Socket> {
    return udp(this, options);
  }

  /** {@link spawn} inside this namespace. Equivalent to `ip netns exec NAME CMD ARGS…`. */
  spawn(command: string, args: readonly string[] = [], options: SpawnOptions = {}): ChildProcess {
    return spawn(this, command, args, options);
  }

  /** {@link spawnSync} inside this namespace; output as text with an `encoding`. */
  spawnSync(command: string, args: readonly string[], options: SpawnSyncOptionsWithStringEncoding): SpawnSyncReturns<string>;
  /** {@link spawnSync} inside this namespace. */
  spawnSync(command: string, args?: readonly string[], options?: SpawnSyncOptions): SpawnSyncReturns<Buffer | string>;
  spawnSync(command: string, args: readonly string[] = [], options: SpawnSyncOptions = {}): SpawnSyncReturns<Buffer | string> {
    return spawnSync(this, command, args, options);
  }

  /** Starts closing; what finishes later is returned as a promise. */
  #close(): Promise<void> {
    if (this.#closing) return this.#closing;
    const handles = [...this.#handles].map((h) => h.close());
    this.#handles.clear();
    const fd = this.#fd;
    this.#fd = -1;
    let failure: unknown;
    try {
      fs.closeSync(fd);
    } catch (e) {
      failure = e;
    }
    if (this.name !== undefined) {
      try {
        delSync(this.name);
      } catch (e) {
        if (codeOf(e) !== 'ENOENT') failure ??= e;
      }
    }
    this.#closing = Promise.all(handles).then(() => {
      if (failure) throw failure;
    });
    return this.#closing;
  }

  /**
   * Closes the handles opened through {@link Netns.open}, the fd, and deletes
   * the name of a named namespace. Resolves once the handles' I/O threads have
   * exited. Idempotent.
   */
  close(): Promise<void> {
    return this.#close();
  }

  /** Same as {@link Netns.close}, without waiting for the handles' threads. */
  [Symbol.dispose](): void {
    this.#close().catch(() => {});
  }

  /** Same as {@link Netns.close}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.#close();
  }
}

function openNamed(name: string, where: string): number {
  try {
    return fs.openSync(`${RUN_DIR}/${name}`, O_RDONLY);
  } catch (e) {
    throw sysError(e, `${where}: cannot open the new namespace '${name}'`);
  }
}

/**
 * Creates a new network namespace (only `lo`, down) owned by the returned
 * object; with `{ name }` it is also named under /run/netns until closed.
 * Equivalent to `unshare --net` (or `ip netns add NAME`).
 */
const createOptions = object({ name: custom('a namespace name', ['', '..', 'a/b', 'a\0b', 42], (v, p) => checkName(v, p)) });
const bindOptions = object({ address: str(), port: int(0, 65535) });
const socketOptions = object({ type: { check: oneOf(['tcp', 'udp'] as const), required: true }, family: custom('4 or 6', [5, '4', 0], (v, p) => { if (v !== 4 && v !== 6) throw new TypeError(`${p} must be 4 or 6, got ${show(v)}`); return v as 4 | 6; }), bind: bindOptions });
const listenOptions = object({ address: str(), port: int(0, 65535), family: socketOptions.fields.family.check, backlog: int(0, 0x7fffffff) });
const connectOptions = object({ host: { check: str({ nonEmpty: true }), required: true }, port: { check: int(0, 65535), required: true }, family: socketOptions.fields.family.check, localAddress: str(), localPort: int(0, 65535), signal: abortSignal });
const udpOptions = object({ address: str(), port: int(0, 65535), family: socketOptions.fields.family.check });

export function createSync(options: CreateOptions = {}): Netns {
  options = createOptions(options, 'netns.create options') as CreateOptions;
  if (options.name === undefined) return new Netns(native.netnsCreate());
  addSync(options.name);
  try {
    return new Netns(openNamed(options.name, 'netns.create'), options.name);
  } catch (e) {
    delSync(options.name);
    throw e;
  }
}

/** Promise form of {@link createSync}; the kernel work runs off the event loop. */
export async function create(options: CreateOptions = {}): Promise<Netns> {
  options = createOptions(options, 'netns.create options') as CreateOptions;
  if (options.name === undefined) return new Netns(await native.netnsCreateAsync());
  await add(options.name);
  try {
    return new Netns(openNamed(options.name, 'netns.create'), options.name);
  } catch (e) {
    delSync(options.name);
    throw e;
  }
}

/** Runs `fn` with an fd on the namespace `ref` (-1: the caller's own), closing what it opened. */
function withNsFd<T>(ref: NetnsRef | null | undefined, where: string, fn: (fd: number) => T): T {
  if (ref === undefined || ref === null) return fn(-1);
  const r = ref && typeof ref === 'object' && 'pid' in ref ? { path: refPath(ref, where) } : ref;
  const ns = openNetns(r, where);
  try {
    return fn(ns.fd!);
  } finally {
    if (ns.owned) fs.closeSync(ns.fd!);
  }
}

/** Options of {@link socket}. */
export interface SocketOptions {
  /** `'tcp'` (SOCK_STREAM) or `'udp'` (SOCK_DGRAM). */
  type: 'tcp' | 'udp';
  /** 4 (AF_INET) or 6 (AF_INET6); default: that of `bind.address`, else 4. */
  family?: 4 | 6;
  /** Bind to this address and port (TCP sockets get SO_REUSEADDR). */
  bind?: { address?: string; port?: number };
}

function familyOf(address: string | undefined, family: unknown, where: string): 4 | 6 {
  if (family !== undefined && family !== 4 && family !== 6) throw new TypeError(`${where}.family must be 4 or 6, got ${String(family)}`);
  if (address === undefined) return family ?? 4;
  const v = net.isIP(address);
  if (v === 0) throw new TypeError(`${where}: ${JSON.stringify(address)} is not an IPv4 or IPv6 address`);
  if (family !== undefined && family !== v) throw new TypeError(`${where}: ${address} is not an IPv${family} address`);
  return v as 4 | 6;
}

function checkPort(port: unknown, where: string): number {
  return checkInt(port, where, 0, 65535);
}

/**
 * Creates a socket inside the namespace `ref` (made by a thread that entered
 * it, so it stays there) and returns its fd (close-on-exec), optionally bound.
 * Hand it to Node with `server.listen({ fd })`, `new net.Socket({ fd })` or
 * `dgram` `socket.bind({ fd })` — or use {@link listen}, {@link connect},
 * {@link udp}. The socket keeps the namespace alive until it is closed.
 */
export function socket(ref: NetnsRef | null | undefined, options: SocketOptions): number {
  options = socketOptions(options, 'netns.socket options') as SocketOptions;
  const b = options.bind;
  const family = familyOf(b?.address, options.family, 'netns.socket');
  const port = b?.port === undefined ? 0 : checkPort(b.port, 'netns.socket: bind.port');
  const domain = family === 6 ? 10 : 2; // AF_INET6 : AF_INET
  const type = options.type === 'tcp' ? 1 : 2; // SOCK_STREAM : SOCK_DGRAM
  const fd = withNsFd(ref, 'netns', (nsFd) => native.socketInNetns(nsFd, domain, type, 0));
  if (b) {
    try {
      native.bindSocket(fd, b.address ?? (family === 6 ? '::' : '0.0.0.0'), port);
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
  }
  return fd;
}

/** Options of {@link listen}. */
export interface ListenOptions {
  /** Local address (default `0.0.0.0`, or `::` for family 6). */
  address?: string;
  /** Port (default 0: the kernel picks one; see `server.address()`). */
  port?: number;
  /** 4 or 6; default that of `address`, else 4. */
  family?: 4 | 6;
  /** listen() backlog (default 511, as Node). */
  backlog?: number;
}

/**
 * A `net.Server` listening on a TCP socket inside the namespace `ref`.
 * Pass a server of your own, or a connection listener. Resolves once it
 * listens. Like `ip netns exec NS` running a server, inside this process.
 */
export function listen(
  ref: NetnsRef | null | undefined,
  options: ListenOptions = {},
  server?: net.Server | ((socket: net.Socket) => void),
): Promise<net.Server> {
  try {
    options = listenOptions(options, 'netns.listen options') as ListenOptions;
    const family = familyOf(options.address, options.family, 'netns.listen');
    const backlog = options.backlog === undefined ? 511 : checkInt(options.backlog, 'netns.listen: backlog', 0, 0x7fffffff);
    const srv = server instanceof net.Server ? server : net.createServer(server);
    const fd = socket(ref, { type: 'tcp', family, bind: { address: options.address, port: options.port } });
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => {
        srv.off('listening', onListening);
        reject(e);
      };
      const onListening = () => {
        srv.off('error', onError);
        resolve(srv);
      };
      srv.once('error', onError);
      srv.once('listening', onListening);
      srv.listen({ fd, backlog });
    });
  } catch (e) {
    return Promise.reject(e);
  }
}

/** Options of {@link connect}. */
export interface ConnectOptions {
  /** Address to connect to (an IP address; a host name is resolved by this process, outside the namespace). */
  host: string;
  port: number;
  /** 4 or 6; default that of `host` (or of `localAddress`), else 4. */
  family?: 4 | 6;
  /** Bind the client to this local address first. */
  localAddress?: string;
  localPort?: number;
  /** Abort the connection attempt. */
  signal?: AbortSignal;
}

/**
 * A `net.Socket` connected over TCP from inside the namespace `ref`: the socket
 * is made there and Node's own `connect()` drives it. Rejects with the
 * connect error (`ECONNREFUSED`, `ENETUNREACH`, …) or an `AbortError`.
 */
export function connect(ref: NetnsRef | null | undefined, options: ConnectOptions): Promise<net.Socket> {
  try {
    options = connectOptions(options, 'netns.connect options') as ConnectOptions;
    const port = options.port;
    const family = familyOf(net.isIP(options.host) ? options.host : options.localAddress, options.family, 'netns.connect');
    if (options.localAddress !== undefined) familyOf(options.localAddress, family, 'netns.connect: localAddress');
    options.signal?.throwIfAborted();
    const bind = options.localAddress !== undefined || options.localPort !== undefined
      ? { address: options.localAddress, port: options.localPort }
      : undefined;
    const fd = socket(ref, { type: 'tcp', family, bind });
    const sock = new net.Socket({ fd });
    return new Promise((resolve, reject) => {
      const signal = options.signal;
      const onAbort = () => {
        sock.destroy();
        reject(signal!.reason ?? new DOMException('The operation was aborted', 'AbortError'));
      };
      const onError = (e: Error) => {
        signal?.removeEventListener('abort', onAbort);
        sock.destroy();
        reject(e);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      sock.once('error', onError);
      sock.connect({ host: options.host, port, family }, () => {
        signal?.removeEventListener('abort', onAbort);
        sock.off('error', onError);
        resolve(sock);
      });
    });
  } catch (e) {
    return Promise.reject(e);
  }
}

/** Options of {@link udp}. */
export interface UdpOptions {
  /** Local address (default `0.0.0.0`, or `::` for family 6). */
  address?: string;
  /** Local port (default 0: the kernel picks one). */
  port?: number;
  family?: 4 | 6;
}

/**
 * A bound `dgram.Socket` (UDP) inside the namespace `ref` (Node adopts the fd
 * with `socket.bind({ fd })`). Resolves once it is listening.
 */
export function udp(ref: NetnsRef | null | undefined, options: UdpOptions = {}): Promise<dgram.Socket> {
  try {
    options = udpOptions(options, 'netns.udp options') as UdpOptions;
    const family = familyOf(options.address, options.family, 'netns.udp');
    const fd = socket(ref, { type: 'udp', family, bind: { address: options.address, port: options.port } });
    const sock = dgram.createSocket({ type: family === 6 ? 'udp6' : 'udp4' });
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => {
        sock.close();
        reject(e);
      };
      sock.once('error', onError);
      sock.bind({ fd }, () => {
        sock.off('error', onError);
        resolve(sock);
      });
    });
  } catch (e) {
    return Promise.reject(e);
  }
}


interface Prepared {
  file: string;
  args: string[];
  options: SpawnOptions & SpawnSyncOptions;
  done(): void;
}

/**
 * Builds the child's command line: the namespace fd is passed as one more
 * stdio entry, and the helper (or nsenter) enters it and execs the program.
 */
function prepareSpawn(ref: NetnsRef | null | undefined, command: string, args: readonly string[], options: SpawnOptions & SpawnSyncOptions): Prepared {
  if (typeof command !== 'string' || command === '') throw new TypeError('netns.spawn: command must be a non-empty string');
  if (!Array.isArray(args) || args.some((a) => typeof a !== 'string')) throw new TypeError('netns.spawn: args must be an array of strings');
  const { argv0, shell, stdio: given, ...rest } = options ?? {};
  let file = command;
  let argv = [...args];
  if (shell) {
    file = typeof shell === 'string' ? shell : '/bin/sh';
    argv = ['-c', [command, ...args].join(' ')];
  }
  if (ref === undefined || ref === null) return { file, args: argv, options: { ...rest, stdio: given, argv0 }, done() {} };
  const stdio: unknown[] = typeof given === 'string' ? [given, given, given] : given ? [...given] : ['pipe', 'pipe', 'pipe'];
  while (stdio.length < 3) stdio.push(undefined);
  const r = typeof ref === 'object' && 'pid' in ref ? { path: refPath(ref, 'netns') } : ref;
  const ns = openNetns(r, 'netns');
  const slot = stdio.length;
  stdio.push(ns.fd);
  const done = () => {
    if (ns.owned) fs.closeSync(ns.fd!);
  };
  const h = findHelper();
  const out: Prepared = h
    ? { file: h, args: [String(slot), file, argv0 ?? file, ...argv], options: { ...rest, stdio: stdio as StdioOptions }, done }
    : // nsenter(1) leaves the namespace fd open in the program; the helper closes it.
      { file: 'nsenter', args: [`--net=/proc/self/fd/${slot}`, '--', file, ...argv], options: { ...rest, stdio: stdio as StdioOptions }, done };
  return out;
}

/**
 * Starts `command` inside the namespace `ref`, like `child_process.spawn`.
 * Equivalent to `ip netns exec NAME command args…`, for any {@link NetnsRef}
 * and without forking `ip`: the namespace is handed to the child as an fd and
 * a tiny setns+exec helper (native/nsexec.cc; nsenter(1) if it was not built)
 * enters it. Unlike `ip netns exec`, the child keeps the caller's mount
 * namespace (no private /sys remount, no /etc/netns/NAME binds). Exit code
 * 127/126 means `command` was not found / not executable.
 */
export function spawn(ref: NetnsRef | null | undefined, command: string, args: readonly string[] = [], options: SpawnOptions = {}): ChildProcess {
  const p = prepareSpawn(ref, command, args, options);
  try {
    // child_process starts the caller's program; the library itself never forks ip.
    return spawnChild(p.file, p.args, p.options);
  } finally {
    p.done();
  }
}

/** Like {@link spawn}, waiting for the child (`child_process.spawnSync`); output as text with an `encoding`. */
export function spawnSync(
  ref: NetnsRef | null | undefined,
  command: string,
  args: readonly string[],
  options: SpawnSyncOptionsWithStringEncoding,
): SpawnSyncReturns<string>;
/** Like {@link spawn}, waiting for the child (`child_process.spawnSync`). */
export function spawnSync(
  ref: NetnsRef | null | undefined,
  command: string,
  args?: readonly string[],
  options?: SpawnSyncOptions,
): SpawnSyncReturns<Buffer | string>;
export function spawnSync(
  ref: NetnsRef | null | undefined,
  command: string,
  args: readonly string[] = [],
  options: SpawnSyncOptions = {},
): SpawnSyncReturns<Buffer | string> {
  const p = prepareSpawn(ref, command, args, options);
  try {
    // child_process starts the caller's program; the library itself never forks ip.
    return spawnChildSync(p.file, p.args, p.options);
  } finally {
    p.done();
  }
}
