/**
 * The registry of event decoders (`ip monitor`): message type → the family it
 * belongs to, whether it is a new or a deleted object, and the family's own
 * decoder, so events carry the same fields as lists. Families register here
 * when they load; the monitor only reads.
 * @module
 */

/** The object families a monitor can follow (`ip monitor link address route …`). */
export type MonitorFamily = 'link' | 'address' | 'route' | 'neigh' | 'rule' | 'nsid' | 'qdisc' | 'class' | 'filter' | 'action' | 'nexthop' | 'netconf';

/** Decodes one notification's payload [off, end) of message `type`; `undefined` skips it. May throw a DecodeError. */
export type EventDecoder = (b: Buffer, off: number, end: number, type: number) => Record<string, unknown> | undefined;

/** What a message type means to a monitor. */
export interface EventKind {
  family: MonitorFamily;
  action: 'new' | 'del';
  decode: EventDecoder;
}

const registry = new Map<number, EventKind>();

/** Lets a family decode its notifications (`RTM_NEW*` and `RTM_DEL*`); called when the family module loads. */
export function registerEvents(family: MonitorFamily, newType: number, delType: number, decode: EventDecoder): void {
  registry.set(newType, { family, action: 'new', decode });
  registry.set(delType, { family, action: 'del', decode });
}

/** What message type `type` is to a monitor, if any family registered it. */
export function eventKind(type: number): EventKind | undefined {
  return registry.get(type);
}

/** Every registered message type (for tests that feed all decoders). */
export function eventKinds(): ReadonlyMap<number, EventKind> {
  return registry;
}
