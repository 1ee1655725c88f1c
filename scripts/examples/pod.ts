import { netns, open } from 'rtnetlink';

await using nl = await open();
await nl.link.add({ name: 'cni0', kind: 'bridge', up: true });              // the host's bridge, 10.22.0.1/16
await nl.address.add({ dev: 'cni0', address: '10.22.0.1/16' });
await using pod3 = await netns.create();                                    // the pod's namespace (made by the runtime)

const pod = await nl.pod.add({
  netns: pod3,                 // or a name under /run/netns, { path }, { pid }, { fd }
  hostIfname: 'veth3',         // host end: on the bridge and up
  ifname: 'eth0',              // pod end (default eth0): born inside the pod's namespace
  bridge: 'cni0',
  address: '10.22.1.3/16',     // one or several, IPv4 and IPv6
  gateway: '10.22.0.1',        // default route(s), one per family
});                            // → { hostIfname, ifname, index } (index inside the pod)
console.log(pod, await pod3.open().route.get('10.22.0.1'));
await nl.pod.del('veth3');                       // one pod: its pod end goes with it
