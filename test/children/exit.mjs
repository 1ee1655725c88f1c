// Child of lifecycle.test.ts: opens N handles in a namespace of its own, leaves
// some with requests in flight and some with a paused monitor, then ends —
// naturally (`natural`) or with process.exit(0) while work is in flight (`exit`).
// Usage: node exit.mjs DIST N natural|exit
const [dist, n, mode] = process.argv.slice(2);
const { openSync, monitor } = await import(`${dist}/index.js`);
const { native } = await import(`${dist}/native.js`);
const fd = native.netnsCreate();
const N = Number(n);
const handles = [];
for (let i = 0; i < N; i++) handles.push(openSync({ netns: { fd } }));
const monitors = [];
for (let i = 0; i < N; i++) {
  const nl = handles[i];
  switch (i % 4) {
    case 0: // used, then idle
      await nl.link.set('lo', { up: true });
      break;
    case 1: // requests in flight at the end
      for (let j = 0; j < 4; j++) void nl.link.add({ name: `v${i}x${j}`, kind: 'veth', info: { peer: { name: `p${i}x${j}` } } }).catch(() => {});
      void nl.link.list();
      break;
    case 2: { // a monitor that nobody reads, paused after it filled up
      const m = monitor({ netns: { fd }, families: ['link'], highWaterMark: 1 });
      monitors.push(m);
      await nl.link.add({ name: `m${i}`, kind: 'veth', info: { peer: { name: `mp${i}` } } });
      break;
    }
    default: // never used
  }
}
if (mode === 'exit') process.exit(0);
