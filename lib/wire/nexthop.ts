/**
 * The nexthop messages' wire tables: struct nhmsg, NHA_*, NHA_RES_GROUP_*
 * and struct nexthop_grp (linux/nexthop.h), each entry
 * `name: [id, type, 'UAPI_NAME']`. The rt-nexthop YNL spec is not among the
 * copied specs; the UAPI header is the source.
 * @module
 */
import { attrs, fail, rd, struct, t, type ValueCodec } from '../codec.js';
import { rawEncap, type RawEncap } from './route.js';

/** struct nhmsg (linux/nexthop.h). */
export interface NhMsg {
  family: number;
  /** nh_scope: the kernel reports it; requests send 0. */
  scope: number;
  protocol: number;
  /** nh_flags: RTNH_F_* (linux/rtnetlink.h). */
  flags: number;
}
/** The nhmsg header codec. */
export const nhmsg = struct<NhMsg>('nhmsg', [
  ['family', 'u8', 'nh_family'],
  ['scope', 'u8', 'nh_scope'],
  ['protocol', 'u8', 'nh_protocol'],
  ['_resvd', 'pad8', 'resvd'],
  ['flags', 'u32', 'nh_flags'],
]);

/** RTNH_F_* (linux/rtnetlink.h): the flags of a nexthop (`onlink` is the one a caller sets). */
export const RTNH_F = { dead: 1, pervasive: 2, onlink: 4, offload: 8, linkdown: 16, unresolved: 32, trap: 64 } as const;

/** NEXTHOP_GRP_TYPE_* (linux/nexthop.h), as `ip nexthop … type T` names them. */
export const NEXTHOP_GRP_TYPE = { mpath: 0, resilient: 1 } as const;

/** One member of a group as the wire holds it: its id, and its weight (1..256; nexthop_grp stores weight - 1). */
export interface GroupMember {
  id: number;
  weight: number;
}

/** struct nexthop_grp (linux/nexthop.h): id u32, weight u8, resvd1 u8, resvd2 u16. */
const nexthopGrp = struct<{ id: number; weight: number }>('nexthop_grp', [
  ['id', 'u32', 'id'],
  ['weight', 'u8', 'weight'],
  ['_resvd1', 'pad8', 'resvd1'],
  ['_resvd2', 'pad16', 'resvd2'],
]);

/** NHA_GROUP: an array of struct nexthop_grp, weights as `ip` writes them (1..256). */
const group: ValueCodec<GroupMember[]> = {
  encode(w, v, field) {
    if (!Array.isArray(v)) throw new TypeError(`${field} must be an array`);
    v.forEach((m, i) => {
      if (!Number.isInteger(m.weight) || m.weight < 1 || m.weight > 256) throw new RangeError(`${field}[${i}].weight must be an integer in 1..256, got ${m.weight}`);
      nexthopGrp.encode(w, { id: m.id, weight: m.weight - 1 }, `${field}[${i}]`);
    });
  },
  decode(b, off, len, at, name) {
    if (len % nexthopGrp.size) fail(at, name, `payload of ${len} bytes is not a whole number of struct nexthop_grp (${nexthopGrp.size} bytes each)`);
    const out: GroupMember[] = [];
    for (let p = off; p < off + len; p += nexthopGrp.size) out.push({ id: rd.u32(b, p), weight: b[p + 4] + 1 });
    return out;
  },
};

/** A clock_t in USER_HZ (1/100 s) shown in seconds, as `ip nexthop … idle_timer N` takes it. */
function centis(base: 'u32' | 'u64'): ValueCodec<number> {
  const c = base === 'u32' ? t.u32 : t.u64;
  return {
    sizes: c.sizes,
    encode(w, v, field) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new TypeError(`${field} must be a non-negative number of seconds, got ${String(v)}`);
      c.encode(w, Math.round(v * 100), field);
    },
    decode: (b, o) => (base === 'u32' ? rd.u32(b, o) : rd.u64(b, o)) / 100,
  };
}

/** NHA_RES_GROUP_* (linux/nexthop.h): a resilient group's parameters. */
export interface NhaResGroupAttrs {
  buckets: number;
  /** Seconds (clock_t on the wire). */
  idleTimer: number;
  /** Seconds (clock_t on the wire). */
  unbalancedTimer: number;
  /** Seconds the group has been unbalanced (reported only). */
  unbalancedTime: number;
}
/** The NHA_RES_GROUP nest. */
export const resGroupAttrs = attrs<NhaResGroupAttrs>('nexthop.resilient', {
  buckets: [1, t.u16, 'NHA_RES_GROUP_BUCKETS'],
  idleTimer: [2, centis('u32'), 'NHA_RES_GROUP_IDLE_TIMER'],
  unbalancedTimer: [3, centis('u32'), 'NHA_RES_GROUP_UNBALANCED_TIMER'],
  unbalancedTime: [4, centis('u64'), 'NHA_RES_GROUP_UNBALANCED_TIME'],
});

/** NHA_RES_BUCKET_* (linux/nexthop.h): one bucket of a resilient group. */
export interface NhaResBucketAttrs {
  index: number;
  /** Seconds since the bucket was last used (clock_t on the wire). */
  idleTime: number;
  /** The member nexthop the bucket holds. */
  nhid: number;
}
/** The NHA_RES_BUCKET nest. */
export const resBucketAttrs = attrs<NhaResBucketAttrs>('nexthop.bucket', {
  index: [1, t.u16, 'NHA_RES_BUCKET_INDEX'],
  idleTime: [2, centis('u64'), 'NHA_RES_BUCKET_IDLE_TIME'],
  nhid: [3, t.u32, 'NHA_RES_BUCKET_NH_ID'],
});

/** NHA_* (linux/nexthop.h), by their kernel meaning. */
export interface NhaAttrs {
  id: number;
  group: GroupMember[];
  /** NEXTHOP_GRP_TYPE_*. */
  groupType: number;
  blackhole: boolean;
  oif: number;
  gateway: string;
  encapType: number;
  /** NHA_ENCAP, read once NHA_ENCAP_TYPE (sent after it) is known: the route encapsulation tables (./route.ts) read it. */
  encap: RawEncap;
  /** Dump filter: groups only. */
  groups: boolean;
  /** Dump filter: nexthops whose device has this master. */
  master: number;
  fdb: boolean;
  resGroup: Partial<NhaResGroupAttrs>;
  resBucket: Partial<NhaResBucketAttrs>;
}
/** The nexthop table. */
export const nexthopAttrs = attrs<NhaAttrs>('nexthop', {
  id: [1, t.u32, 'NHA_ID'],
  group: [2, group, 'NHA_GROUP'],
  groupType: [3, t.u16, 'NHA_GROUP_TYPE'],
  blackhole: [4, t.flag, 'NHA_BLACKHOLE'],
  oif: [5, t.u32, 'NHA_OIF'],
  gateway: [6, t.ip, 'NHA_GATEWAY'],
  encapType: [7, t.u16, 'NHA_ENCAP_TYPE'],
  encap: { id: 8, uapi: 'NHA_ENCAP', codec: rawEncap, nestedFlag: true },
  groups: [9, t.flag, 'NHA_GROUPS'],
  master: [10, t.u32, 'NHA_MASTER'],
  fdb: [11, t.flag, 'NHA_FDB'],
  resGroup: { id: 12, uapi: 'NHA_RES_GROUP', nest: resGroupAttrs, nestedFlag: true },
  resBucket: { id: 13, uapi: 'NHA_RES_BUCKET', nest: resBucketAttrs, nestedFlag: true },
}, {
  // reported, not decoded (newer than the headers here: linux/nexthop.h of 6.10+)
  NHA_OP_FLAGS: 14, NHA_GROUP_STATS: 15, NHA_HW_STATS_ENABLE: 16, NHA_HW_STATS_USED: 17,
});
