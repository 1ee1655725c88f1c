import { monitor, open } from 'rtnetlink';

await using nl = await open();
const events = monitor({ families: ['link', 'address', 'route'] });
setTimeout(() => void nl.link.add({ name: 'veth0', kind: 'veth', info: { peer: { name: 'veth1' } } }), 100);
for await (const ev of events) {
  console.log(ev.type, ev.action, ev.data);   // 'link' 'new' { index, name, operstate, … }
  if (ev.type === 'link' && ev.data.name === 'veth1') break;   // leaving the loop closes the monitor
}
