// Reads the netlink requests a program sent from strace's output
// (`strace -f -e trace=sendmsg -e write=all`): one buffer per sendmsg
// iovec hex dump, split into netlink messages. Shared by test/golden.ts
// (live tc/ip comparisons) and scripts/capture-golden.mjs (the committed
// iproute2 fixtures), so both read traces the same way.

/**
 * The netlink messages of a trace, in the order they were sent.
 * @param {string} text strace's output file
 * @returns {Buffer[]}
 */
export function parseTrace(text) {
  const out = [];
  let cur;
  const flush = () => {
    if (!cur) return;
    const b = Buffer.from(cur);
    for (let off = 0; off + 16 <= b.length; ) {
      const len = b.readUInt32LE(off);
      if (len < 16 || off + len > b.length) break;
      out.push(b.subarray(off, off + len));
      off += (len + 3) & ~3;
    }
    cur = undefined;
  };
  for (const line of text.split('\n')) {
    if (/^\s*\d*\s*sendmsg\(/.test(line) || /^ \* \d+ bytes in buffer/.test(line)) {
      flush();
      cur = [];
      continue;
    }
    const m = /^ \| [0-9a-f]{5}  ((?:[0-9a-f]{2} {1,2}){1,16})/.exec(line);
    if (m && cur) for (const h of m[1].trim().split(/\s+/)) cur.push(parseInt(h, 16));
  }
  flush();
  return out;
}

/** The strace arguments that write a parsable trace of every sendmsg to `out`. */
export const straceArgs = (out) => ['-qq', '-f', '-e', 'trace=sendmsg', '-e', 'write=all', '-o', out];

/** Message types iproute2 sends for lookups (a name to an index), not for the command itself. */
export const LOOKUPS = new Set([18 /* RTM_GETLINK */]);

/** A copy of a message with nlmsg_seq and nlmsg_pid zeroed. */
export function masked(msg) {
  const b = Buffer.from(msg);
  b.fill(0, 8, 16);
  return b;
}
