/**
 * What a family hands to a connection: one {@link Request} per netlink
 * message, and operations ({@link Op}) written once as generators that yield
 * requests and receive their replies, so the same code runs asynchronously
 * (`nl.link.add`) and synchronously (`nl.sync.link.add`).
 * @module
 */
import type { Writer } from './codec.js';

/**
 * One request: its message type and flags, how to write its body (the fixed
 * header and attributes after nlmsghdr), and how to read each reply message.
 */
export interface Request<T = unknown> {
  type: number;
  /** Extra nlmsghdr flags (REQUEST is implied; ACK is added unless dumping). */
  flags?: number;
  body(w: Writer): void;
  /** Reads one reply message's payload [off, end); `undefined` skips it. May throw a DecodeError. */
  parse?(b: Buffer, off: number, end: number, type: number): T | undefined;
  /** Maps an extended-ack attribute offset (from the message start) to a field name. */
  field?(offset: number): string | undefined;
  /** The kernel may take long over it (a namespace move): never sent from the event loop's thread. */
  slow?: boolean;
}

/** A multi-step operation: yields requests (or arrays of them), receives their replies. */
export type Op<T> = Generator<Request<any> | Request<any>[], T, any>;

const STREAM = Symbol('stream');

declare const streamBrand: unique symbol;
/**
 * An operation that prepares one dump (resolving names first) and returns its
 * request; a handle runs it as an async iterator of the dump's messages.
 */
export type StreamOp<T> = Op<Request<T>> & { [streamBrand]?: T };

/** Marks an op as a stream: `nl.route.stream(filter)` yields routes as they arrive. */
export function streaming<A extends unknown[], T>(fn: (...a: A) => Op<Request<T>>): (...a: A) => StreamOp<T> {
  return Object.assign(fn as (...a: A) => StreamOp<T>, { [STREAM]: true });
}

/** True for an op made by {@link streaming}. */
export function isStream(fn: unknown): boolean {
  return typeof fn === 'function' && STREAM in fn;
}
