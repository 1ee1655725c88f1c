"""Benchmark peer: pyroute2 (Debian's python3-pyroute2, run by /usr/bin/python3).

    peer.py WORKLOAD [N] [N2]
    peer.py W7 N RAW                 monitor: IPRoute().bind() + get() loop
    peer.py W8 ROUTES LINKS BURST RAW  mirror: NDB

Runs in the namespace it was started in (`unshare -n`) through one IPRoute
socket, one request at a time (each call waits for its ack), as pyroute2 users
write it (W6: the pod side through NetNS, which forks a helper in the pod's
namespace). W7 and W8 consume route adds made by another process (RAW, the
raw C peer's `produce` mode, pipelined). Prints { steps: { name: { n, ms } },
checks: { name: count } }.
"""
import errno
import json
import os
import select
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


def lo_up():
    ipr.link('set', index=ipr.link_lookup(ifname='lo')[0], state='up')


def rss_kib():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    return 0


def ours(m):
    """A route add of the producer's: 10.x.y.z/32 in table main."""
    if m['event'] != 'RTM_NEWROUTE' or m['family'] != 2 or m['dst_len'] != 32:
        return False
    dst = m.get_attr('RTA_DST') or ''
    return dst.startswith('10.') and (m.get_attr('RTA_TABLE') or m['table']) == 254


def produce(raw, n, start=0):
    """Runs the producer (another process, another socket) to its end; returns its JSON."""
    r = subprocess.run([raw, 'produce', 'pipe', str(n), str(start)], capture_output=True, text=True)
    out = json.loads(r.stdout.strip().split('\n')[-1])
    if 'error' in out:
        raise RuntimeError('producer: ' + out['error'])
    return out


def w7(n, raw):
    """IPRoute().bind() (default groups, default 1 MiB rcvbuf) and a get() loop,
    counting the producer's route adds; ENOBUFS counted, the loop goes on."""
    lo_up()
    mon = IPRoute()
    mon.bind()
    t0 = time.perf_counter()
    prod = subprocess.Popen([raw, 'produce', 'pipe', str(n)], stdout=subprocess.PIPE, text=True)
    seen = enobufs = 0
    first = last = None
    exited = None
    while seen < n:
        ready, _, _ = select.select([mon], [], [], 0.2)
        if not ready:
            if exited is None and prod.poll() is not None:
                exited = time.perf_counter()
            if exited is not None and time.perf_counter() - exited > 3:
                break  # nothing more is coming: the rest was lost
            continue
        try:
            msgs = mon.get()
        except OSError as e:
            if e.errno == errno.ENOBUFS:
                enobufs += 1
                continue
            raise
        for m in msgs:
            if ours(m):
                seen += 1
                last = time.perf_counter()
                if first is None:
                    first = last
    out = json.loads(prod.communicate()[0].strip().split('\n')[-1])
    mon.close()
    steps['consume'] = {'n': seen, 'ms': ((last or t0) - t0) * 1e3, 'lost': n - seen, 'enobufs': enobufs,
                        'ratePerS': seen / (last - first) if last and last > first else None,
                        'producerMs': out['steps']['add']['ms']}
    checks['routes'] = routes()


def wait_count(count, want, limit_s=120):
    """Polls count() every 10 ms until it returns want; (ms, reached)."""
    t = time.perf_counter()
    c = count()
    while c < want and time.perf_counter() - t < limit_s:
        time.sleep(0.01)
        c = count()
    return (time.perf_counter() - t) * 1e3, c


def ip_batch(lines):
    r = subprocess.run(['ip', '-batch', '-'], input=''.join(lines), capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError('ip -batch: ' + r.stderr.strip().split('\n')[-1])


def w8(nroutes, nlinks, burst, raw):
    """NDB (default source: this namespace, in-memory SQLite). Memory: RSS
    growth while LINKS links, then ROUTES routes arrive (made by other
    processes); convergence: until the routes view counts every route."""
    from pyroute2 import NDB
    lo_up()
    ndb = NDB()
    wait_count(ndb.interfaces.count, len(ipr.get_links()), 30)
    time.sleep(0.5)  # NDB loads its sources in the background: let it settle
    base_links = ndb.interfaces.count()  # (its count is not the number of links: it has a row more)
    base_routes = ndb.routes.count()
    r0 = rss_kib()
    t = time.perf_counter()
    ip_batch(['link add m%d type veth peer name n%d\n' % (i, i) for i in range(nlinks // 2)])
    ms, c = wait_count(ndb.interfaces.count, base_links + nlinks)
    steps['links'] = {'n': c - base_links, 'ms': (time.perf_counter() - t) * 1e3}
    checks['links'] = c - base_links
    r1 = rss_kib()
    t = time.perf_counter()
    p1 = produce(raw, nroutes)
    tp = time.perf_counter()
    ms, c = wait_count(ndb.routes.count, base_routes + nroutes)
    steps['routes'] = {'n': c - base_routes, 'ms': (time.perf_counter() - t) * 1e3, 'afterProducerMs': (time.perf_counter() - tp) * 1e3,
                       'producerMs': p1['steps']['add']['ms']}
    checks['routes'] = c - base_routes
    r2 = rss_kib()
    t = time.perf_counter()
    p2 = produce(raw, burst, nroutes)
    tp = time.perf_counter()
    ms, c = wait_count(ndb.routes.count, base_routes + nroutes + burst)
    steps['burst'] = {'n': c - base_routes - nroutes, 'ms': (time.perf_counter() - t) * 1e3, 'afterProducerMs': (time.perf_counter() - tp) * 1e3,
                      'producerMs': p2['steps']['add']['ms']}
    checks['burst'] = c - base_routes - nroutes
    steps['memory'] = {'n': 0, 'ms': 0, 'bytesPerLink': (r1 - r0) * 1024 / max(1, nlinks), 'bytesPerRoute': (r2 - r1) * 1024 / max(1, nroutes), 'rssKiB': r2}
    ndb.close()


def main():
    w = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    n2 = int(sys.argv[3]) if len(sys.argv) > 3 and w not in ('W7', 'W8') else -1
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
        elif w == 'W7':
            w7(n, sys.argv[3])
        elif w == 'W8':
            w8(n, int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
        else:
            raise SystemExit('unknown workload ' + w)
    except Exception as e:  # reported, not hidden
        print(json.dumps({'error': '%s: %s' % (type(e).__name__, e)}))
        sys.exit(2)
    print(json.dumps({'steps': steps, 'checks': checks}))


main()
