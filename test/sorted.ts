/**
 * Netlink messages with sibling attributes in a canonical order, for
 * comparing the library's requests with iproute2's where only the order of
 * attributes differs (the kernel reads them by type, not by position).
 */

/** Message header + fixed family header, by message type (RTM_*). */
const FIXED: Record<number, number> = {
  16: 16, 17: 16, 19: 16, // RTM_NEWLINK/DELLINK/SETLINK: ifinfomsg
  20: 8, 21: 8, // RTM_NEWADDR/DELADDR: ifaddrmsg
  24: 12, 25: 12, // RTM_NEWROUTE/DELROUTE: rtmsg
  28: 12, 29: 12, // RTM_NEWNEIGH/DELNEIGH: ndmsg
  32: 12, 33: 12, // RTM_NEWRULE/DELRULE: fib_rule_hdr
};

/** Nested attributes whose members are sorted too: IFLA_LINKINFO, and in it IFLA_INFO_DATA / IFLA_INFO_SLAVE_DATA. */
const NESTS: Record<string, number[]> = { link: [18], linkinfo: [2, 5] };

function sortAttrs(b: Buffer, off: number, end: number, nests: number[], depth: number, kind: string | undefined): Buffer {
  const parts: { type: number; bytes: Buffer }[] = [];
  let innerKind = kind;
  for (let o = off; o + 4 <= end; ) {
    const len = b.readUInt16LE(o);
    if (len < 4 || o + len > end) break;
    const type = b.readUInt16LE(o + 2) & 0x3fff;
    if (depth === 1 && type === 1) innerKind = b.toString('latin1', o + 4, o + len).replace(/\0+$/, '');
    parts.push({ type, bytes: b.subarray(o, o + ((len + 3) & ~3)) });
    o += (len + 3) & ~3;
  }
  const out = parts.map(({ type, bytes }) => {
    // A veth/vxcan peer (IFLA_INFO_DATA of those kinds) holds an ifinfomsg: kept as it is.
    if (!nests.includes(type) || (depth === 1 && (innerKind === 'veth' || innerKind === 'vxcan'))) return { type, bytes };
    const len = bytes.readUInt16LE(0);
    const inner = sortAttrs(bytes, 4, len, depth === 0 ? NESTS.linkinfo : [], depth + 1, innerKind);
    return { type, bytes: Buffer.concat([bytes.subarray(0, 4), inner, bytes.subarray(4 + inner.length)]) };
  });
  out.sort((x, y) => x.type - y.type || Buffer.compare(x.bytes, y.bytes));
  return Buffer.concat(out.map((p) => p.bytes));
}

/** A copy of `msg` (seq/pid already masked) with its attributes sorted by type, nests included. */
export function sorted(msg: Buffer): Buffer {
  const type = msg.readUInt16LE(4);
  const fixed = 16 + (FIXED[type] ?? 0);
  const len = Math.min(msg.readUInt32LE(0), msg.length);
  const nests = type >= 16 && type <= 19 ? NESTS.link : [];
  return Buffer.concat([msg.subarray(0, fixed), sortAttrs(msg, fixed, len, nests, 0, undefined)]);
}
