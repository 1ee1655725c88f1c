"""Benchmark peer: pyroute2 (Debian's python3-pyroute2, run by /usr/bin/python3).

    peer.py WORKLOAD [N] [N2]

Runs in the namespace it was started in (`unshare -n`) through one IPRoute
socket, one request at a time (each call waits for its ack), as pyroute2 users
write it (W6: the pod side through NetNS, which forks a helper in the pod's
namespace). Prints { steps: { name: { n, ms } }, checks: { name: count } }.
"""
import json
import os
import subprocess
import sys
import time

from pyroute2 import IPRoute, NetNS, netns

ipr = IPRoute()
steps = {}
checks = {}


def timed(name, n, fn):
    t = time.perf_counter()
    r = fn()
    steps[name] = {'n': n if r is None else r, 'ms': (time.perf_counter() - t) * 1e3}
    return r


def v4(i):
    v = (10 << 24) + i + 1
    return '%d.%d.%d.%d' % (v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255)


def count_links():
    return len(ipr.get_links())


def create_veths(n):
    for i in range(n):
        ipr.link('add', ifname='va%d' % i, kind='veth', peer='vb%d' % i)


def w1(n, d):
    timed('create', n, lambda: create_veths(n))
    checks['linksAfterCreate'] = count_links()
    idx = [ipr.link_lookup(ifname='va%d' % i)[0] for i in range(n)]  # before the clock

    def del_one():
        for i in range(d):
            ipr.link('del', index=idx[i])

    timed('delOne', d, del_one)
    checks['linksAfterDelOne'] = count_links()

    def bulk():
        for i in range(d, n):
            ipr.link('set', index=idx[i], group=77)
        ipr.link('del', group=77)

    timed('bulkDel', n - d, bulk)
    checks['linksAfterBulkDel'] = count_links()


def pair_up():
    ipr.link('add', ifname='va0', kind='veth', peer='vb0')
    a = ipr.link_lookup(ifname='va0')[0]
    b = ipr.link_lookup(ifname='vb0')[0]
    ipr.link('set', index=a, state='up')
    ipr.link('set', index=b, state='up')
    return a


def w2(n):
    dev = pair_up()

    def add():
        for i in range(n):
            ipr.addr('add', index=dev, address=v4(i), prefixlen=32)

    timed('add', n, add)
    c = timed('list', 0, lambda: len(ipr.get_addr(index=dev, family=2)))
    checks['listed'] = c

    def delete():
        for i in range(n):
            ipr.addr('del', index=dev, address=v4(i), prefixlen=32)

    timed('del', n, delete)
    checks['afterDel'] = len(ipr.get_addr(index=dev, family=2))


def routes():
    return len(ipr.get_routes(family=2, table=254))


def w3(n):
    dev = pair_up()

    def add():
        for i in range(n):
            ipr.route('add', dst=v4(i), dst_len=32, oif=dev, scope=253)

    timed('add', n, add)
    c = timed('dump', 0, routes)
    checks['dumped'] = c

    def delete():
        for i in range(n):
            ipr.route('del', dst=v4(i), dst_len=32, oif=dev, scope=255)

    timed('del', n, delete)
    checks['afterDel'] = routes()


def w4(n, rounds):
    create_veths(n)
    counts = []

    def dumps():
        for _ in range(rounds):
            counts.append(count_links())

    timed('dump', rounds, dumps)
    checks['links'] = counts[-1]
    checks['minLinks'] = min(counts)


def w5(n):
    def cycle():
        for i in range(n):
            name = 'bench%d' % i
            netns.create(name)
            ipr.link('add', ifname='va%d' % i, kind='veth', peer='vb%d' % i)
            peer = ipr.link_lookup(ifname='vb%d' % i)[0]
            ipr.link('set', index=peer, net_ns_fd=name)
            netns.remove(name)

    timed('cycle', n, cycle)
    checks['namedLeft'] = len(os.listdir('/run/netns'))
    until = time.monotonic() + 30
    while count_links() > 1 and time.monotonic() < until:
        time.sleep(0.02)
    checks['linksSettled'] = count_links()


def pod_checks(when, n, d):
    ready, bare = -1, -1
    try:
        ready, bare = map(int, subprocess.run(['sh', './podcheck.sh', str(n), str(d)], capture_output=True, text=True).stdout.split())
    except ValueError:
        pass
    checks['podsReady' + when] = ready
    checks['podsBare' + when] = bare
    checks['links' + when] = count_links()


def w6(n, d):
    # Setup, not measured: the bridge with the gateway address, the named namespaces.
    ipr.link('add', ifname='cni0', kind='bridge')
    br = ipr.link_lookup(ifname='cni0')[0]
    ipr.link('set', index=br, state='up')
    ipr.addr('add', index=br, address='10.22.0.1', prefixlen=16)
    for i in range(n):
        netns.create('pod%d' % i)

    def add():
        for i in range(n):
            pod = 'pod%d' % i
            ipr.link('add', ifname='veth%d' % i, kind='veth', peer={'ifname': 'eth0', 'net_ns_fd': pod})
            host = ipr.link_lookup(ifname='veth%d' % i)[0]
            ipr.link('set', index=host, master=br, state='up')
            ns = NetNS(pod, flags=0)  # pyroute2 forks a helper that lives in the namespace
            try:
                eth0 = ns.link_lookup(ifname='eth0')[0]
                ns.link('set', index=eth0, state='up')
                ns.addr('add', index=eth0, address='10.22.%d.%d' % (1 + (i >> 8), i & 255), prefixlen=16)
                ns.route('add', dst='0.0.0.0/0', gateway='10.22.0.1')
            finally:
                ns.close()

    timed('addAwait', n, add)
    pod_checks('AfterAdd', n, d)
    idx = [ipr.link_lookup(ifname='veth%d' % i)[0] for i in range(n)]  # before the clock

    def del_one():
        for i in range(d):
            ipr.link('del', index=idx[i])

    timed('delOne', d, del_one)
    pod_checks('AfterDelOne', n, d)

    def bulk():
        for i in range(d, n):
            ipr.link('set', index=idx[i], group=77)
        ipr.link('del', group=77)

    timed('bulkDel', n - d, bulk)
    pod_checks('AfterBulkDel', n, d)
    for i in range(n):
        netns.remove('pod%d' % i)


def main():
    w = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    n2 = int(sys.argv[3]) if len(sys.argv) > 3 else -1
    try:
        if w == 'W1':
            w1(n, n2 if 0 <= n2 < n else n - 1)
        elif w == 'W2':
            w2(n)
        elif w == 'W3':
            w3(n)
        elif w == 'W4':
            w4(n, n2 if n2 > 0 else 20)
        elif w == 'W5':
            w5(n)
        elif w == 'W6':
            w6(n, n2 if 0 <= n2 < n else n // 5)
        else:
            raise SystemExit('unknown workload ' + w)
    except Exception as e:  # reported, not hidden
        print(json.dumps({'error': '%s: %s' % (type(e).__name__, e)}))
        sys.exit(2)
    print(json.dumps({'steps': steps, 'checks': checks}))


main()
