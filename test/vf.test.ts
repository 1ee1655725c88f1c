/**
 * SR-IOV virtual functions (IFLA_NUM_VF, IFLA_VFINFO_LIST): there are none on
 * this machine, so the decoder is checked on hand-made bytes laid out as
 * linux/if_link.h says (kernel-free), and the requests in a namespace the
 * test made: RTEXT_FILTER_VF is asked for only when the caller wants VFs.
 */
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../lib/errors.js';
import { linkParser } from '../lib/link.js';
import { withNs } from './helpers.js';

/** One netlink attribute: header, payload, padding to 4 bytes. */
function nla(type: number, payload: Buffer): Buffer {
  const len = 4 + payload.length;
  const b = Buffer.alloc((len + 3) & ~3);
  b.writeUInt16LE(len, 0);
  b.writeUInt16LE(type, 2);
  payload.copy(b, 4);
  return b;
}
const u32s = (...v: number[]) => {
  const b = Buffer.alloc(4 * v.length);
  v.forEach((x, i) => b.writeUInt32LE(x >>> 0, 4 * i));
  return b;
};
const u64 = (v: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(v));
  return b;
};
const str = (s: string) => Buffer.concat([Buffer.from(s), Buffer.alloc(1)]);

// linux/if_link.h
const IFLA_IFNAME = 3, IFLA_NUM_VF = 21, IFLA_VFINFO_LIST = 22, IFLA_VF_INFO = 1;
const IFLA_VF_MAC = 1, IFLA_VF_VLAN = 2, IFLA_VF_TX_RATE = 3, IFLA_VF_SPOOFCHK = 4, IFLA_VF_LINK_STATE = 5, IFLA_VF_RATE = 6, IFLA_VF_RSS_QUERY_EN = 7, IFLA_VF_STATS = 8, IFLA_VF_TRUST = 9;
const IFLA_VF_STATS_RX_PACKETS = 0, IFLA_VF_STATS_TX_PACKETS = 1, IFLA_VF_STATS_RX_BYTES = 2, IFLA_VF_STATS_TX_BYTES = 3, IFLA_VF_STATS_BROADCAST = 4, IFLA_VF_STATS_MULTICAST = 5, IFLA_VF_STATS_PAD = 6, IFLA_VF_STATS_RX_DROPPED = 7, IFLA_VF_STATS_TX_DROPPED = 8;

/** struct ifla_vf_mac: u32 vf, u8 mac[32]. */
function vfMac(vf: number, mac: string): Buffer {
  const b = Buffer.alloc(36);
  b.writeUInt32LE(vf, 0);
  Buffer.from(mac.split(':').map((x) => parseInt(x, 16))).copy(b, 4);
  return nla(IFLA_VF_MAC, b);
}

function vf(n: number, o: { mac: string; vlan: number; qos: number; min: number; max: number; spoof: number; state: number; trust: number; rss: number; stats?: boolean }): Buffer {
  const parts = [
    vfMac(n, o.mac),
    nla(IFLA_VF_VLAN, u32s(n, o.vlan, o.qos)),
    nla(IFLA_VF_TX_RATE, u32s(n, o.max)),
    nla(IFLA_VF_RATE, u32s(n, o.min, o.max)),
    nla(IFLA_VF_SPOOFCHK, u32s(n, o.spoof)),
    nla(IFLA_VF_LINK_STATE, u32s(n, o.state)),
    nla(IFLA_VF_RSS_QUERY_EN, u32s(n, o.rss)),
    nla(IFLA_VF_TRUST, u32s(n, o.trust)),
  ];
  if (o.stats)
    parts.push(
      nla(IFLA_VF_STATS, Buffer.concat([
        nla(IFLA_VF_STATS_RX_PACKETS, u64(10)), nla(IFLA_VF_STATS_TX_PACKETS, u64(20)), nla(IFLA_VF_STATS_RX_BYTES, u64(1000)),
        nla(IFLA_VF_STATS_TX_BYTES, u64(2000)), nla(IFLA_VF_STATS_BROADCAST, u64(3)), nla(IFLA_VF_STATS_MULTICAST, u64(4)),
        nla(IFLA_VF_STATS_PAD, Buffer.alloc(0)), nla(IFLA_VF_STATS_RX_DROPPED, u64(5)), nla(IFLA_VF_STATS_TX_DROPPED, u64(2 ** 40)),
      ])),
    );
  return nla(IFLA_VF_INFO, Buffer.concat(parts));
}

/** An RTM_NEWLINK payload of a PF with two VFs, as a kernel with RTEXT_FILTER_VF sends it. */
function pf(vfs = [
  vf(0, { mac: '02:11:22:33:44:55', vlan: 100, qos: 3, min: 10, max: 1000, spoof: 1, state: 2, trust: 0, rss: 0xffffffff, stats: true }),
  vf(1, { mac: '00:00:00:00:00:00', vlan: 0, qos: 0, min: 0, max: 0, spoof: 0xffffffff, state: 0, trust: 1, rss: 1 }),
]): Buffer {
  const ifi = Buffer.alloc(16);
  ifi.writeUInt16LE(1, 2); // ARPHRD_ETHER
  ifi.writeInt32LE(7, 4);
  return Buffer.concat([ifi, nla(IFLA_IFNAME, str('eth0')), nla(IFLA_NUM_VF, u32s(vfs.length)), nla(IFLA_VFINFO_LIST, Buffer.concat(vfs))]);
}

describe('VF info decoding (kernel-free bytes)', () => {
  it('reads every VF with its MAC, VLAN, rates, flags, link state and counters', () => {
    const b = pf();
    const l = linkParser(true, false, true)(b, 0, b.length);
    expect(l).toMatchObject({ index: 7, name: 'eth0', numVf: 2 });
    expect(l.vfinfoList).toEqual([
      { vf: 0, mac: '02:11:22:33:44:55', vlan: 100, qos: 3, txRate: 1000, minTxRate: 10, maxTxRate: 1000, spoofchk: true, linkState: 'disable', trust: false,
        stats: { rxPackets: 10, txPackets: 20, rxBytes: 1000, txBytes: 2000, broadcast: 3, multicast: 4, rxDropped: 5, txDropped: 2 ** 40 } },
      // spoofchk ~0: the driver does not report it (left out, as ip leaves out the word)
      { vf: 1, mac: '00:00:00:00:00:00', vlan: 0, qos: 0, txRate: 0, minTxRate: 0, maxTxRate: 0, linkState: 'auto', trust: true, rssQueryEn: true },
    ]);
  });

  it('without vf: true the same bytes give no VF fields', () => {
    const b = pf();
    const l = linkParser(true, false, false)(b, 0, b.length);
    expect(l.name).toBe('eth0');
    expect(l.numVf).toBeUndefined();
    expect(l.vfinfoList).toBeUndefined();
  });

  it('a VF attribute too short for its struct is a DecodeError naming where', () => {
    const short = nla(IFLA_VF_INFO, nla(IFLA_VF_MAC, u32s(0))); // 4 bytes: no MAC
    const b = pf([short]);
    let err: unknown;
    try {
      linkParser(true, false, true)(b, 0, b.length);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DecodeError);
    expect(String(err)).toMatch(/vfinfoList\[0\]\.mac/);
    // a nest whose length runs past the message
    const cut = pf();
    cut.writeUInt16LE(0xfff0, 16 + 12 + 8); // IFLA_VFINFO_LIST's length
    expect(() => linkParser(true, false, true)(cut, 0, cut.length)).toThrow(DecodeError);
  });
});

describe('VF info on request only (IFLA_EXT_MASK)', () => {
  it('a list carries RTEXT_FILTER_VF only with vf: true (dump and by-name lookup), and still decodes here', async () => {
    await withNs(async (ns) => {
      const got: Buffer[] = [];
      ns.nl.conn.tap = (m) => got.push(Buffer.from(m));
      const mask = async (f: Parameters<typeof ns.nl.link.list>[0]) => {
        got.length = 0;
        const links = await ns.nl.link.list(f);
        const reqs = got.filter((m) => m.readUInt16LE(4) === 18);
        expect(reqs.length).toBe(1);
        const m = reqs[0];
        // the attributes after nlmsghdr (16) + ifinfomsg (16): find IFLA_EXT_MASK (29)
        for (let off = 32; off + 4 <= m.length; off += (m.readUInt16LE(off) + 3) & ~3)
          if (m.readUInt16LE(off + 2) === 29) return { mask: m.readUInt32LE(off + 4), dump: (m.readUInt16LE(6) & 0x300) !== 0, links };
        return { mask: undefined, dump: (m.readUInt16LE(6) & 0x300) !== 0, links };
      };
      try {
        expect(await mask({})).toMatchObject({ mask: 0, dump: true });
        expect(await mask({ stats: false })).toMatchObject({ mask: 8, dump: true }); // SKIP_STATS
        const withVf = await mask({ vf: true });
        expect(withVf).toMatchObject({ mask: 1, dump: true }); // RTEXT_FILTER_VF
        expect(withVf.links.find((l) => l.name === 'lo')?.numVf).toBeUndefined(); // lo has no VFs: the kernel sends no IFLA_NUM_VF
        expect(await mask({ vf: true, stats: false })).toMatchObject({ mask: 9, dump: true });
        expect(await mask({ name: 'lo', vf: true })).toMatchObject({ mask: 1, dump: false });
        expect(await mask({ name: 'lo' })).toMatchObject({ mask: 0, dump: false });
      } finally {
        ns.nl.conn.tap = undefined;
      }
    });
  });

  it('vf must be a boolean', async () => {
    await withNs(async (ns) => {
      await expect(ns.nl.link.list({ vf: 1 as never })).rejects.toThrow(/filter\.vf must be a boolean/);
      await expect(ns.nl.link.list({ afSpec: 'yes' as never })).rejects.toThrow(/filter\.afSpec must be a boolean/);
    });
  });
});
