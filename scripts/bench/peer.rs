// Benchmark peer: Rust's rtnetlink crate (Debian's packaged 0.10, built
// offline by cargo against /usr/share/cargo/registry).
//
//   rust-peer WORKLOAD [N] [N2]
//
// Runs in the namespace it was started in (`unshare -n`) on one connection
// driven by a current-thread tokio runtime; each request is awaited before the
// next, as the crate's examples do. Requests the crate has no builder for (a
// delete by group, an address or route delete without a dump first) are built
// from its own packet types. Prints { steps: { name: { n, ms } }, checks: { … } }.
use futures::stream::{StreamExt, TryStreamExt};
use rtnetlink::packet::{
    address::nlas::Nla as AddrNla, link::nlas::Nla as LinkNla, route::nlas::Nla as RouteNla,
    AddressMessage, LinkMessage, NetlinkMessage, NetlinkPayload, RouteMessage, RtnlMessage, AF_INET, NLM_F_ACK,
    NLM_F_REQUEST, RT_SCOPE_LINK, RT_SCOPE_NOWHERE, RT_TABLE_MAIN,
};
use rtnetlink::{Handle, IpVersion, NetworkNamespace};
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::os::unix::io::AsRawFd;
use std::time::{Duration, Instant};

struct Out {
    steps: BTreeMap<String, (u64, f64)>,
    checks: BTreeMap<String, i64>,
}

fn fail(what: &str, e: impl std::fmt::Display) -> ! {
    println!("{{\"error\":\"{}: {}\"}}", what, e.to_string().replace('"', "'"));
    std::process::exit(2);
}

fn v4(i: u64) -> Ipv4Addr {
    Ipv4Addr::from((10u32 << 24) + i as u32 + 1)
}

async fn count_links(h: &Handle) -> i64 {
    let mut s = h.link().get().execute();
    let mut n = 0;
    while let Some(_) = s.try_next().await.unwrap_or_else(|e| fail("link get", e)) {
        n += 1;
    }
    n
}

async fn index_of(h: &Handle, name: &str) -> u32 {
    let mut s = h.link().get().match_name(name.to_string()).execute();
    match s.try_next().await {
        Ok(Some(l)) => l.header.index,
        Ok(None) => fail("link get", "not found"),
        Err(e) => fail("link get", e),
    }
}

// The crate's LinkDelRequest sets NLM_F_EXCL|NLM_F_CREATE, and kernels since
// 5.19 read NLM_F_EXCL on a delete as NLM_F_BULK and refuse it (EOPNOTSUPP):
// send the crate's own RTM_DELLINK message with REQUEST|ACK instead.
async fn link_del(h: &Handle, index: u32, group: Option<u32>) {
    let mut m = LinkMessage::default();
    m.header.index = index;
    if let Some(g) = group {
        m.nlas.push(LinkNla::Group(g));
    }
    let mut req = NetlinkMessage::from(RtnlMessage::DelLink(m));
    req.header.flags = NLM_F_REQUEST | NLM_F_ACK;
    let mut resp = h.clone().request(req).unwrap_or_else(|e| fail("link del", e));
    while let Some(msg) = resp.next().await {
        if let NetlinkPayload::Error(e) = msg.payload {
            fail("link del", e);
        }
    }
}

async fn add_veth(h: &Handle, i: u64) {
    h.link().add().veth(format!("va{}", i), format!("vb{}", i)).execute().await.unwrap_or_else(|e| fail("link add", e));
}

async fn w1(h: &Handle, o: &mut Out, n: u64, d: u64) {
    let t = Instant::now();
    for i in 0..n {
        add_veth(h, i).await;
    }
    o.steps.insert("create".into(), (n, t.elapsed().as_secs_f64() * 1e3));
    o.checks.insert("linksAfterCreate".into(), count_links(h).await);
    let mut idx = Vec::new();
    for i in 0..n {
        idx.push(index_of(h, &format!("va{}", i)).await); // before the clock
    }
    let t = Instant::now();
    for i in 0..d as usize {
        link_del(h, idx[i], None).await;
    }
    o.steps.insert("delOne".into(), (d, t.elapsed().as_secs_f64() * 1e3));
    o.checks.insert("linksAfterDelOne".into(), count_links(h).await);
    let t = Instant::now();
    for i in d as usize..n as usize {
        let mut req = h.link().set(idx[i]);
        req.message_mut().nlas.push(LinkNla::Group(77));
        req.execute().await.unwrap_or_else(|e| fail("link set group", e));
    }
    link_del(h, 0, Some(77)).await;
    o.steps.insert("bulkDel".into(), (n - d, t.elapsed().as_secs_f64() * 1e3));
    o.checks.insert("linksAfterBulkDel".into(), count_links(h).await);
}

async fn pair_up(h: &Handle) -> u32 {
    add_veth(h, 0).await;
    let a = index_of(h, "va0").await;
    let b = index_of(h, "vb0").await;
    h.link().set(a).up().execute().await.unwrap_or_else(|e| fail("link up", e));
    h.link().set(b).up().execute().await.unwrap_or_else(|e| fail("link up", e));
    a
}

async fn count_addrs(h: &Handle, dev: u32) -> i64 {
    let mut s = h.address().get().set_link_index_filter(dev).execute();
    let mut n = 0;
    while let Some(a) = s.try_next().await.unwrap_or_else(|e| fail("address get", e)) {
        if a.header.family as u16 == AF_INET {
            n += 1;
        }
    }
    n
}

fn addr_msg(dev: u32, a: Ipv4Addr) -> AddressMessage {
    let mut m = AddressMessage::default();
    m.header.family = AF_INET as u8;
    m.header.prefix_len = 32;
    m.header.index = dev;
    m.nlas.push(AddrNla::Local(a.octets().to_vec()));
    m.nlas.push(AddrNla::Address(a.octets().to_vec()));
    m
}

async fn w2(h: &Handle, o: &mut Out, n: u64) {
    let dev = pair_up(h).await;
    let t = Instant::now();
    for i in 0..n {
        h.address().add(dev, IpAddr::V4(v4(i)), 32).execute().await.unwrap_or_else(|e| fail("address add", e));
    }
    o.steps.insert("add".into(), (n, t.elapsed().as_secs_f64() * 1e3));
    let t = Instant::now();
    let c = count_addrs(h, dev).await;
    o.steps.insert("list".into(), (c as u64, t.elapsed().as_secs_f64() * 1e3));
    o.checks.insert("listed".into(), c);
    let t = Instant::now();
    for i in 0..n {
        h.address().del(addr_msg(dev, v4(i))).execute().await.unwrap_or_else(|e| fail("address del", e));
    }
    o.steps.insert("del".into(), (n, t.elapsed().as_secs_f64() * 1e3));
    o.checks.insert("afterDel".into(), count_addrs(h, dev).await);
}

async fn count_routes(h: &Handle) -> i64 {
    let mut s = h.route().get(IpVersion::V4).execute();
    let mut n = 0;
    while let Some(r) = s.try_next().await.unwrap_or_else(|e| fail("route get", e)) {
        if r.header.table == RT_TABLE_MAIN {
            n += 1;
        }
    }
    n
}

fn route_msg(dev: u32, a: Ipv4Addr) -> RouteMessage {
    let mut m = RouteMessage::default();
    m.header.address_family = AF_INET as u8;
    m.header.destination_prefix_length = 32;
    m.header.table = RT_TABLE_MAIN;
    m.header.scope = RT_SCOPE_NOWHERE;
    m.nlas.push(RouteNla::Destination(a.octets().to_vec()));
    m.nlas.push(RouteNla::Oif(dev));
    m
}

async fn w3(h: &Handle, o: &mut Out, n: u64) {
    let dev = pair_up(h).await;
    let t = Instant::now();
    for i in 0..n {
        h.route()
            .add()
            .v4()
            .destination_prefix(v4(i), 32)
            .output_interface(dev)
            .scope(RT_SCOPE_LINK)
            .execute()
            .await
            .unwrap_or_else(|e| fail("route add", e));
    }
    o.steps.insert("add".into(), (n, t.elapsed().as_secs_f64() * 1e3));
    let t = Instant::now();
    let c = count_routes(h).await;
    o.steps.insert("dump".into(), (c as u64, t.elapsed().as_secs_f64() * 1e3));
    o.checks.insert("dumped".into(), c);
    let t = Instant::now();
    for i in 0..n {
        h.route().del(route_msg(dev, v4(i))).execute().await.unwrap_or_else(|e| fail("route del", e));
    }
    o.steps.insert("del".into(), (n, t.elapsed().as_secs_f64() * 1e3));
    o.checks.insert("afterDel".into(), count_routes(h).await);
}

async fn w4(h: &Handle, o: &mut Out, n: u64, rounds: u64) {
    for i in 0..n {
        add_veth(h, i).await;
    }
    let (mut c, mut min) = (0, i64::MAX);
    let t = Instant::now();
    for _ in 0..rounds {
        c = count_links(h).await;
        min = min.min(c);
    }
    o.steps.insert("dump".into(), (rounds, t.elapsed().as_secs_f64() * 1e3));
    o.checks.insert("links".into(), c);
    o.checks.insert("minLinks".into(), min);
}

async fn w5(h: &Handle, o: &mut Out, n: u64) {
    let t = Instant::now();
    for i in 0..n {
        let name = format!("bench{}", i);
        NetworkNamespace::add(name.clone()).await.unwrap_or_else(|e| fail("netns add", e));
        add_veth(h, i).await;
        let peer = index_of(h, &format!("vb{}", i)).await;
        let f = std::fs::File::open(format!("/run/netns/{}", name)).unwrap_or_else(|e| fail("open netns", e));
        h.link().set(peer).setns_by_fd(f.as_raw_fd()).execute().await.unwrap_or_else(|e| fail("link set netns", e));
        drop(f);
        NetworkNamespace::del(name).await.unwrap_or_else(|e| fail("netns del", e));
    }
    o.steps.insert("cycle".into(), (n, t.elapsed().as_secs_f64() * 1e3));
    let left = std::fs::read_dir("/run/netns").map(|d| d.count() as i64).unwrap_or(-1);
    o.checks.insert("namedLeft".into(), left);
    let until = Instant::now() + Duration::from_secs(30);
    while count_links(h).await > 1 && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    o.checks.insert("linksSettled".into(), count_links(h).await);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 2 {
        eprintln!("usage: rust-peer W1|W2|W3|W4|W5 [N] [N2]");
        std::process::exit(1);
    }
    let n: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let n2: Option<u64> = args.get(3).and_then(|s| s.parse().ok());
    let rt = tokio::runtime::Builder::new_current_thread().enable_io().build().unwrap_or_else(|e| fail("runtime", e));
    let mut o = Out { steps: BTreeMap::new(), checks: BTreeMap::new() };
    rt.block_on(async {
        let (conn, h, _) = rtnetlink::new_connection().unwrap_or_else(|e| fail("connection", e));
        tokio::spawn(conn);
        match args[1].as_str() {
            "W1" => w1(&h, &mut o, n, n2.filter(|&d| d < n).unwrap_or(n - 1)).await,
            "W2" => w2(&h, &mut o, n).await,
            "W3" => w3(&h, &mut o, n).await,
            "W4" => w4(&h, &mut o, n, n2.unwrap_or(20)).await,
            "W5" => w5(&h, &mut o, n).await,
            w => fail("workload", w),
        }
    });
    let steps: Vec<String> = o.steps.iter().map(|(k, (n, ms))| format!("\"{}\":{{\"n\":{},\"ms\":{:.3}}}", k, n, ms)).collect();
    let checks: Vec<String> = o.checks.iter().map(|(k, v)| format!("\"{}\":{}", k, v)).collect();
    println!("{{\"steps\":{{{}}},\"checks\":{{{}}}}}", steps.join(","), checks.join(","));
}
