import { monitor, open, type MonitorEvent, type MonitorSnapshot } from 'rtnetlink';

await using nl = await open();
const links = new Map<number, string>();
const replaceAll = (s: MonitorSnapshot) => { links.clear(); for (const l of s.link ?? []) links.set(l.index, l.name); };
const apply = (ev: MonitorEvent) => { if (ev.type === 'link') ev.action === 'del' ? links.delete(ev.data.index) : links.set(ev.data.index, ev.data.name); };
setTimeout(() => void nl.link.add({ name: 'veth0', kind: 'veth', info: { peer: { name: 'veth1' } } }), 100);
for await (const ev of monitor({ families: ['link', 'address'], listExisting: true, overflow: 'resync' })) {
  if (ev.type === 'resync') replaceAll(ev.snapshot);   // first: action 'listed'; after lost events: 'lost'
  else apply(ev);
  if (links.size === 3) break;                         // lo, veth0, veth1
}
console.log([...links.values()]);
