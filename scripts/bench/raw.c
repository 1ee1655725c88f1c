// Raw rtnetlink client for the benchmark: the physical limit the other peers
// are measured against. No library: it builds each message by hand in a
// buffer and talks to the kernel over one NETLINK_ROUTE socket.
//
//   raw WORKLOAD MODE [N] [N2]    MODE: sync (one request, wait for its ack)
//                                       pipe (many messages per sendmsg(),
//                                             windowed so acks fit rcvbuf)
//   raw probe                     waits until an rtnl-taking request is fast
//   raw W6 MODE N D               pod network: N pods, the first D deleted one by one
//   raw produce MODE N [FROM]     only adds N /32 routes dev lo (10.0.0.1+FROM …),
//                                 the producer of the monitor and mirror workloads
//
// It runs inside the network namespace it was started in (`unshare -n`) and
// prints one JSON object: { steps: { name: { n, ms } }, checks: { name: count } }.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

#define BUF_SIZE (4u << 20)
#define RECV_SIZE (1u << 20)
#define WINDOW 1024 /* messages per sendmsg in pipe mode */

static int nl_fd = -1;
static uint32_t nl_seq = 1;
static uint8_t *sbuf, *rbuf;
static size_t spos;
static int pipelined;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void die(const char *what, int err) {
  printf("{\"error\":\"%s: %s\"}\n", what, strerror(err));
  exit(2);
}

// A socket in the calling thread's network namespace (big buffers, ext ack,
// cap ack, strict checking).
static int nl_socket(void) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) die("socket", errno);
  int big = 8 << 20, one = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) < 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof big) < 0)
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
  setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one);
  setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
  setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof one);
  struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) die("bind", errno);
  return fd;
}

static void nl_open(void) {
  nl_fd = nl_socket();
  sbuf = malloc(BUF_SIZE);
  rbuf = malloc(RECV_SIZE);
}

// ---- message building -------------------------------------------------------

static struct nlmsghdr *msg_begin(uint16_t type, uint16_t flags) {
  struct nlmsghdr *h = (struct nlmsghdr *)(sbuf + spos);
  memset(h, 0, sizeof *h);
  h->nlmsg_type = type;
  h->nlmsg_flags = NLM_F_REQUEST | flags;
  h->nlmsg_seq = nl_seq++;
  spos += NLMSG_HDRLEN;
  return h;
}

static void msg_end(struct nlmsghdr *h) {
  h->nlmsg_len = (uint32_t)((sbuf + spos) - (uint8_t *)h);
  spos = NLMSG_ALIGN(spos);
}

static void *put(const void *data, size_t len) {
  void *at = sbuf + spos;
  memcpy(at, data, len);
  spos += NLMSG_ALIGN(len);
  return at;
}

static void attr(uint16_t type, const void *data, size_t len) {
  struct rtattr *a = (struct rtattr *)(sbuf + spos);
  a->rta_type = type;
  a->rta_len = (unsigned short)RTA_LENGTH(len);
  memcpy(RTA_DATA(a), data, len);
  spos += RTA_SPACE(len);
}

static void attr_u32(uint16_t type, uint32_t v) { attr(type, &v, 4); }
static void attr_str(uint16_t type, const char *s) { attr(type, s, strlen(s) + 1); }

static size_t nest_begin(uint16_t type) {
  size_t at = spos;
  struct rtattr *a = (struct rtattr *)(sbuf + spos);
  a->rta_type = type;
  spos += RTA_LENGTH(0);
  return at;
}

static void nest_end(size_t at) {
  ((struct rtattr *)(sbuf + at))->rta_len = (unsigned short)(spos - at);
}

// ---- sending and collecting acks --------------------------------------------

static void send_all(void) {
  if (!spos) return;
  if (send(nl_fd, sbuf, spos, 0) < 0) die("send", errno);
  spos = 0;
}

static void report_error(struct nlmsghdr *h) {
  struct nlmsgerr *e = NLMSG_DATA(h);
  const char *text = "";
  if (h->nlmsg_flags & NLM_F_ACK_TLVS) {
    size_t off = NLMSG_HDRLEN + sizeof(struct nlmsgerr);  // CAP_ACK: no payload copy
    while (off + sizeof(struct nlattr) <= h->nlmsg_len) {
      struct nlattr *a = (struct nlattr *)((uint8_t *)h + off);
      if (a->nla_len < sizeof *a) break;
      if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) text = (const char *)(a + 1);
      off += NLA_ALIGN(a->nla_len);
    }
  }
  printf("{\"error\":\"kernel: %s %s\"}\n", strerror(-e->error), text);
  exit(2);
}

// Waits for `n` acks; every error is fatal (the benchmark expects none).
static void wait_acks(size_t n) {
  while (n) {
    ssize_t r = recv(nl_fd, rbuf, RECV_SIZE, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      die("recv", errno);
    }
    for (struct nlmsghdr *h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, (size_t)r); h = NLMSG_NEXT(h, r)) {
      if (h->nlmsg_type != NLMSG_ERROR) continue;
      if (((struct nlmsgerr *)NLMSG_DATA(h))->error) report_error(h);
      n--;
    }
  }
}

// Called after each message is built: sync sends it and waits; pipe mode
// sends every WINDOW messages (the kernel runs them inside sendmsg(), so their
// acks are all queued when it returns) and then drains those acks.
static size_t queued;
static void done_msg(void) {
  queued++;
  if (!pipelined || queued >= WINDOW || spos > BUF_SIZE - 4096) {
    send_all();
    wait_acks(queued);
    queued = 0;
  }
}

static void flush_msgs(void) {
  send_all();
  wait_acks(queued);
  queued = 0;
}

// A dump: walks every message (and its attributes, as a client decoding it
// would) and counts those of `type`.
static long dump(uint16_t type, const void *hdr, size_t hlen, uint32_t table) {
  struct nlmsghdr *h = msg_begin(type, NLM_F_DUMP);
  put(hdr, hlen);
  if (table) attr_u32(RTA_TABLE, table);
  msg_end(h);
  uint32_t seq = h->nlmsg_seq;
  send_all();
  long count = 0;
  volatile uint32_t sink = 0;
  for (;;) {
    ssize_t r = recv(nl_fd, rbuf, RECV_SIZE, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      die("recv dump", errno);
    }
    for (struct nlmsghdr *m = (struct nlmsghdr *)rbuf; NLMSG_OK(m, (size_t)r); m = NLMSG_NEXT(m, r)) {
      if (m->nlmsg_seq != seq) continue;
      if (m->nlmsg_type == NLMSG_DONE) return count;
      if (m->nlmsg_type == NLMSG_ERROR) report_error(m);
      if (m->nlmsg_type != type - 2) continue;  // RTM_GETX -> RTM_NEWX
      count++;
      size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(hlen);
      while (off + sizeof(struct rtattr) <= m->nlmsg_len) {
        struct rtattr *a = (struct rtattr *)((uint8_t *)m + off);
        if (a->rta_len < sizeof *a) break;
        sink += a->rta_type;
        off += RTA_ALIGN(a->rta_len);
      }
    }
  }
}

static long count_links(void) {
  struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
  return dump(RTM_GETLINK, &ifi, sizeof ifi, 0);
}

static long count_addrs(int ifindex) {
  struct ifaddrmsg ifa = {.ifa_family = AF_INET, .ifa_index = (uint32_t)ifindex};
  return dump(RTM_GETADDR, &ifa, sizeof ifa, 0);
}

static long count_routes(void) {
  struct rtmsg rt = {.rtm_family = AF_INET};
  return dump(RTM_GETROUTE, &rt, sizeof rt, RT_TABLE_MAIN);
}

// ---- operations ---------------------------------------------------------------

static void veth_add(const char *a, const char *b, int ns_fd) {
  struct nlmsghdr *h = msg_begin(RTM_NEWLINK, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
  struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
  put(&ifi, sizeof ifi);
  attr_str(IFLA_IFNAME, a);
  size_t li = nest_begin(IFLA_LINKINFO);
  attr_str(IFLA_INFO_KIND, "veth");
  size_t data = nest_begin(IFLA_INFO_DATA);
  size_t peer = nest_begin(VETH_INFO_PEER);
  put(&ifi, sizeof ifi);
  attr_str(IFLA_IFNAME, b);
  if (ns_fd >= 0) attr_u32(IFLA_NET_NS_FD, (uint32_t)ns_fd);
  nest_end(peer);
  nest_end(data);
  nest_end(li);
  msg_end(h);
}

static void link_del_index(int index) {
  struct nlmsghdr *h = msg_begin(RTM_DELLINK, NLM_F_ACK);
  struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = index};
  put(&ifi, sizeof ifi);
  msg_end(h);
}

static void link_set_group(int index, uint32_t group) {
  struct nlmsghdr *h = msg_begin(RTM_NEWLINK, NLM_F_ACK);
  struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = index};
  put(&ifi, sizeof ifi);
  attr_u32(IFLA_GROUP, group);
  msg_end(h);
}

static void link_del_group(uint32_t group) {
  struct nlmsghdr *h = msg_begin(RTM_DELLINK, NLM_F_ACK);
  struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
  put(&ifi, sizeof ifi);
  attr_u32(IFLA_GROUP, group);
  msg_end(h);
}

static void link_up(int index) {
  struct nlmsghdr *h = msg_begin(RTM_NEWLINK, NLM_F_ACK);
  struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = index, .ifi_flags = IFF_UP, .ifi_change = IFF_UP};
  put(&ifi, sizeof ifi);
  msg_end(h);
}

static void link_set_ns(const char *name, int ns_fd) {
  struct nlmsghdr *h = msg_begin(RTM_NEWLINK, NLM_F_ACK);
  struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
  put(&ifi, sizeof ifi);
  attr_str(IFLA_IFNAME, name);
  attr_u32(IFLA_NET_NS_FD, (uint32_t)ns_fd);
  msg_end(h);
}

static void link_set_mtu(int index, uint32_t mtu) {
  struct nlmsghdr *h = msg_begin(RTM_NEWLINK, NLM_F_ACK);
  struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = index};
  put(&ifi, sizeof ifi);
  attr_u32(IFLA_MTU, mtu);
  msg_end(h);
}

// 10.0.0.0 + i + 1 (host order in, network order out)
static uint32_t v4(uint32_t i) { return htonl((10u << 24) + i + 1); }

static void addr_msg(uint16_t type, uint16_t flags, int ifindex, uint32_t a) {
  struct nlmsghdr *h = msg_begin(type, NLM_F_ACK | flags);
  struct ifaddrmsg ifa = {.ifa_family = AF_INET, .ifa_prefixlen = 32, .ifa_index = (uint32_t)ifindex};
  put(&ifa, sizeof ifa);
  attr(IFA_LOCAL, &a, 4);
  attr(IFA_ADDRESS, &a, 4);
  msg_end(h);
}

static void route_msg(uint16_t type, uint16_t flags, int ifindex, uint32_t dst) {
  struct nlmsghdr *h = msg_begin(type, NLM_F_ACK | flags);
  struct rtmsg rt = {.rtm_family = AF_INET, .rtm_dst_len = 32, .rtm_table = RT_TABLE_MAIN};
  if (type == RTM_NEWROUTE) {
    rt.rtm_protocol = RTPROT_BOOT;
    rt.rtm_scope = RT_SCOPE_LINK;
    rt.rtm_type = RTN_UNICAST;
  } else {
    rt.rtm_scope = RT_SCOPE_NOWHERE;
  }
  put(&rt, sizeof rt);
  attr(RTA_DST, &dst, 4);
  attr_u32(RTA_OIF, (uint32_t)ifindex);
  msg_end(h);
}

// ---- output -------------------------------------------------------------------

static char out[8192];
static size_t out_len;
static int n_steps, n_checks;
static char checks[4096];
static size_t checks_len;

static void step(const char *name, long n, double ms) {
  out_len += snprintf(out + out_len, sizeof out - out_len, "%s\"%s\":{\"n\":%ld,\"ms\":%.3f}", n_steps++ ? "," : "", name, n, ms);
}

static void check(const char *name, long count) {
  checks_len += snprintf(checks + checks_len, sizeof checks - checks_len, "%s\"%s\":%ld", n_checks++ ? "," : "", name, count);
}

static void emit(void) { printf("{\"steps\":{%s},\"checks\":{%s}}\n", out, checks); }

// ---- workloads ------------------------------------------------------------------

static char name_a[32], name_b[32];
static void names(long i) {
  snprintf(name_a, sizeof name_a, "va%ld", i);
  snprintf(name_b, sizeof name_b, "vb%ld", i);
}

static void create_veths(long n) {
  for (long i = 0; i < n; i++) {
    names(i);
    veth_add(name_a, name_b, -1);
    done_msg();
  }
  flush_msgs();
}

static void w1(long n, long ndel) {
  double t = now_ms();
  create_veths(n);
  step("create", n, now_ms() - t);
  check("linksAfterCreate", count_links());

  // One by one: by index (resolved before the clock starts, as every peer does).
  int *idx = malloc(sizeof(int) * (size_t)n);
  for (long i = 0; i < n; i++) {
    names(i);
    idx[i] = (int)if_nametoindex(name_a);
  }
  t = now_ms();
  for (long i = 0; i < ndel; i++) {
    link_del_index(idx[i]);
    done_msg();
  }
  flush_msgs();
  step("delOne", ndel, now_ms() - t);
  check("linksAfterDelOne", count_links());

  // Bulk: put the remaining pairs' first ends in a group, delete the group
  // (deleting one end of a veth deletes its peer).
  t = now_ms();
  for (long i = ndel; i < n; i++) {
    link_set_group(idx[i], 77);
    done_msg();
  }
  link_del_group(77);
  done_msg();
  flush_msgs();
  step("bulkDel", n - ndel, now_ms() - t);
  check("linksAfterBulkDel", count_links());
  free(idx);
}

static int setup_pair_up(void) {
  veth_add("va0", "vb0", -1);
  done_msg();
  flush_msgs();
  int a = (int)if_nametoindex("va0"), b = (int)if_nametoindex("vb0");
  link_up(a);
  done_msg();
  link_up(b);
  done_msg();
  flush_msgs();
  return a;
}

static void w2(long n) {
  int dev = setup_pair_up();
  double t = now_ms();
  for (long i = 0; i < n; i++) {
    addr_msg(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, dev, v4((uint32_t)i));
    done_msg();
  }
  flush_msgs();
  step("add", n, now_ms() - t);
  t = now_ms();
  long c = count_addrs(dev);
  step("list", c, now_ms() - t);
  check("listed", c);
  t = now_ms();
  for (long i = 0; i < n; i++) {
    addr_msg(RTM_DELADDR, 0, dev, v4((uint32_t)i));
    done_msg();
  }
  flush_msgs();
  step("del", n, now_ms() - t);
  check("afterDel", count_addrs(dev));
}

static void w3(long n) {
  int dev = setup_pair_up();
  double t = now_ms();
  for (long i = 0; i < n; i++) {
    route_msg(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, dev, v4((uint32_t)i));
    done_msg();
  }
  flush_msgs();
  step("add", n, now_ms() - t);
  t = now_ms();
  long c = count_routes();
  step("dump", c, now_ms() - t);
  check("dumped", c);
  t = now_ms();
  for (long i = 0; i < n; i++) {
    route_msg(RTM_DELROUTE, 0, dev, v4((uint32_t)i));
    done_msg();
  }
  flush_msgs();
  step("del", n, now_ms() - t);
  check("afterDel", count_routes());
}

// The producer of W7/W8: N route adds on lo (which must be up), nothing else;
// the consumers under test are other sockets in the same namespace.
static void produce(long n, long from) {
  int lo = (int)if_nametoindex("lo");
  if (!lo) die("if_nametoindex lo", errno);
  double t = now_ms();
  for (long i = from; i < from + n; i++) {
    route_msg(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, lo, v4((uint32_t)i));
    done_msg();
  }
  flush_msgs();
  step("add", n, now_ms() - t);
}

static void w4(long n, long rounds) {
  int saved = pipelined;
  pipelined = 1;  // setup, not measured
  create_veths(n);
  pipelined = saved;
  long c = 0, min = -1;
  double t = now_ms();
  for (long r = 0; r < rounds; r++) {
    c = count_links();
    if (min < 0 || c < min) min = c;
  }
  step("dump", rounds, now_ms() - t);
  check("links", c);
  check("minLinks", min);
}

// iproute2's way of naming a namespace: a bind mount of it under /run/netns.
static int orig_ns = -1;
static void netns_add(const char *name) {
  char path[256];
  snprintf(path, sizeof path, "/run/netns/%s", name);
  int f = open(path, O_RDONLY | O_CREAT | O_EXCL, 0);
  if (f < 0) die("create netns file", errno);
  close(f);
  if (unshare(CLONE_NEWNET) < 0) die("unshare", errno);
  if (mount("/proc/self/ns/net", path, "none", MS_BIND, NULL) < 0) die("bind netns", errno);
  if (setns(orig_ns, CLONE_NEWNET) < 0) die("setns back", errno);
}

static void netns_del(const char *name) {
  char path[256];
  snprintf(path, sizeof path, "/run/netns/%s", name);
  if (umount2(path, MNT_DETACH) < 0) die("umount netns", errno);
  if (unlink(path) < 0) die("unlink netns", errno);
}

static int netns_open(const char *name) {
  char path[256];
  snprintf(path, sizeof path, "/run/netns/%s", name);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) die("open netns", errno);
  return fd;
}

static long count_run_netns(void) {
  long c = 0;
  FILE *p = popen("ls /run/netns | wc -l", "r");
  if (p) {
    if (fscanf(p, "%ld", &c) != 1) c = -1;
    pclose(p);
  }
  return c;
}

static void settle_links(long want) {
  double until = now_ms() + 30000;
  while (count_links() > want && now_ms() < until) usleep(20000);
}

static void w5(long n) {
  orig_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  mkdir("/run/netns", 0755);
  char ns[64];
  double t = now_ms();
  if (!pipelined) {
    for (long i = 0; i < n; i++) {
      snprintf(ns, sizeof ns, "bench%ld", i);
      names(i);
      netns_add(ns);
      veth_add(name_a, name_b, -1);
      done_msg();
      int fd = netns_open(ns);
      link_set_ns(name_b, fd);
      done_msg();
      close(fd);
      netns_del(ns);
    }
  } else {
    // Pipelined: all namespaces, then every create and move in few sendmsg()s.
    int *fds = malloc(sizeof(int) * (size_t)n);
    for (long i = 0; i < n; i++) {
      snprintf(ns, sizeof ns, "bench%ld", i);
      netns_add(ns);
      fds[i] = netns_open(ns);
    }
    for (long i = 0; i < n; i++) {
      names(i);
      veth_add(name_a, name_b, -1);
      done_msg();
      link_set_ns(name_b, fds[i]);
      done_msg();
    }
    flush_msgs();
    for (long i = 0; i < n; i++) {
      close(fds[i]);
      snprintf(ns, sizeof ns, "bench%ld", i);
      netns_del(ns);
    }
    free(fds);
  }
  step("cycle", n, now_ms() - t);
  check("namedLeft", count_run_netns());
  settle_links(1);
  check("linksSettled", count_links());
}

// ---- W6: pod network ------------------------------------------------------------
// A bridge cni0 (10.22.0.1/16) and N named namespaces pod0..; per pod a veth
// pair: vethI on the bridge and up, its peer born as eth0 inside podI
// (IFLA_NET_NS_FD), then in podI: eth0 up, 10.22.1.0+I/16, default via 10.22.0.1.

static int bridge_index;
static const char *pod_check = "sh ./podcheck.sh";

static void bridge_add(const char *name) {
  struct nlmsghdr *h = msg_begin(RTM_NEWLINK, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
  struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_flags = IFF_UP, .ifi_change = IFF_UP};
  put(&ifi, sizeof ifi);
  attr_str(IFLA_IFNAME, name);
  size_t li = nest_begin(IFLA_LINKINFO);
  attr_str(IFLA_INFO_KIND, "bridge");
  nest_end(li);
  msg_end(h);
}

static void addr_add_len(int ifindex, uint32_t a, uint8_t len) {
  struct nlmsghdr *h = msg_begin(RTM_NEWADDR, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
  struct ifaddrmsg ifa = {.ifa_family = AF_INET, .ifa_prefixlen = len, .ifa_index = (uint32_t)ifindex};
  put(&ifa, sizeof ifa);
  attr(IFA_LOCAL, &a, 4);
  attr(IFA_ADDRESS, &a, 4);
  msg_end(h);
}

static void route_default_via(uint32_t gw) {
  struct nlmsghdr *h = msg_begin(RTM_NEWROUTE, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
  struct rtmsg rt = {.rtm_family = AF_INET, .rtm_table = RT_TABLE_MAIN, .rtm_protocol = RTPROT_BOOT,
                     .rtm_scope = RT_SCOPE_UNIVERSE, .rtm_type = RTN_UNICAST};
  put(&rt, sizeof rt);
  attr(RTA_GATEWAY, &gw, 4);
  msg_end(h);
}

// One message: the host end on the bridge and up, the peer eth0 in ns_fd.
static void pod_veth_add(const char *host, int ns_fd) {
  struct nlmsghdr *h = msg_begin(RTM_NEWLINK, NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
  struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_flags = IFF_UP, .ifi_change = IFF_UP};
  put(&ifi, sizeof ifi);
  attr_str(IFLA_IFNAME, host);
  attr_u32(IFLA_MASTER, (uint32_t)bridge_index);
  size_t li = nest_begin(IFLA_LINKINFO);
  attr_str(IFLA_INFO_KIND, "veth");
  size_t data = nest_begin(IFLA_INFO_DATA);
  size_t peer = nest_begin(VETH_INFO_PEER);
  struct ifinfomsg pi = {.ifi_family = AF_UNSPEC};
  put(&pi, sizeof pi);
  attr_str(IFLA_IFNAME, "eth0");
  attr_u32(IFLA_NET_NS_FD, (uint32_t)ns_fd);
  nest_end(peer);
  nest_end(data);
  nest_end(li);
  msg_end(h);
}

static void get_link_msg(const char *name) {
  struct nlmsghdr *h = msg_begin(RTM_GETLINK, 0);
  struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
  put(&ifi, sizeof ifi);
  attr_str(IFLA_IFNAME, name);
  attr_u32(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
  msg_end(h);
}

// The answer to get_link_msg on nl_fd: the link's index.
static int recv_link_index(void) {
  for (;;) {
    ssize_t r = recv(nl_fd, rbuf, RECV_SIZE, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      die("recv link", errno);
    }
    for (struct nlmsghdr *h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, (size_t)r); h = NLMSG_NEXT(h, r)) {
      if (h->nlmsg_type == NLMSG_ERROR) report_error(h);
      if (h->nlmsg_type == RTM_NEWLINK) return ((struct ifinfomsg *)NLMSG_DATA(h))->ifi_index;
    }
  }
}

static uint32_t pod_addr(long i) { return htonl((10u << 24) | (22u << 16) | (256u + (uint32_t)i)); }

// A socket inside pod i's namespace: setns there, socket(), setns back.
static int pod_socket(long i, int *ns_out) {
  char ns[64];
  snprintf(ns, sizeof ns, "pod%ld", i);
  int fd = netns_open(ns);
  if (setns(fd, CLONE_NEWNET) < 0) die("setns pod", errno);
  int s = nl_socket();
  if (setns(orig_ns, CLONE_NEWNET) < 0) die("setns back", errno);
  *ns_out = fd;
  return s;
}

// eth0 up, its address, the default route (queued on nl_fd, the pod's socket).
static void pod_config_msgs(long i, int eth0) {
  link_up(eth0);
  done_msg();
  addr_add_len(eth0, pod_addr(i), 16);
  done_msg();
  route_default_via(htonl((10u << 24) | (22u << 16) | 1u));
  done_msg();
}

// Sampled pods: fully configured, and bare (only lo), as podcheck.sh counts them.
static void pod_checks(const char *when, long n, long d) {
  char cmd[256], name[64];
  snprintf(cmd, sizeof cmd, "%s %ld %ld", pod_check, n, d);
  long ready = -1, bare = -1;
  FILE *p = popen(cmd, "r");
  if (p) {
    if (fscanf(p, "%ld %ld", &ready, &bare) != 2) ready = bare = -1;
    pclose(p);
  }
  snprintf(name, sizeof name, "podsReady%s", when);
  check(name, ready);
  snprintf(name, sizeof name, "podsBare%s", when);
  check(name, bare);
  snprintf(name, sizeof name, "links%s", when);
  check(name, count_links());
}

static void w6(long n, long d) {
  orig_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  mkdir("/run/netns", 0755);
  char ns[64], host[32];
  // Setup, not measured: the bridge with the gateway address, the named namespaces.
  int saved = pipelined;
  pipelined = 0;
  bridge_add("cni0");
  done_msg();
  bridge_index = (int)if_nametoindex("cni0");
  addr_add_len(bridge_index, htonl((10u << 24) | (22u << 16) | 1u), 16);
  done_msg();
  pipelined = saved;
  for (long i = 0; i < n; i++) {
    snprintf(ns, sizeof ns, "pod%ld", i);
    netns_add(ns);
  }
  int main_fd = nl_fd;
  int *socks = malloc(sizeof(int) * (size_t)n), *nsfds = malloc(sizeof(int) * (size_t)n), *eth0 = malloc(sizeof(int) * (size_t)n);

  double t = now_ms();
  if (!pipelined) {
    for (long i = 0; i < n; i++) {
      int nsfd, s = pod_socket(i, &nsfd);
      snprintf(host, sizeof host, "veth%ld", i);
      pod_veth_add(host, nsfd);
      done_msg();
      nl_fd = s;
      get_link_msg("eth0");
      send_all();
      pod_config_msgs(i, recv_link_index());
      close(s);
      close(nsfd);
      nl_fd = main_fd;
    }
    step("addAwait", n, now_ms() - t);
  } else {
    // Every pod's socket, every create in few sendmsg()s, every eth0 lookup,
    // then each pod's three messages in one sendmsg(), then all their acks.
    for (long i = 0; i < n; i++) socks[i] = pod_socket(i, &nsfds[i]);
    for (long i = 0; i < n; i++) {
      snprintf(host, sizeof host, "veth%ld", i);
      pod_veth_add(host, nsfds[i]);
      done_msg();
    }
    flush_msgs();
    for (long i = 0; i < n; i++) {
      nl_fd = socks[i];
      get_link_msg("eth0");
      send_all();
    }
    for (long i = 0; i < n; i++) {
      nl_fd = socks[i];
      eth0[i] = recv_link_index();
    }
    for (long i = 0; i < n; i++) {
      nl_fd = socks[i];
      pod_config_msgs(i, eth0[i]);
      send_all();
      queued = 0;
    }
    for (long i = 0; i < n; i++) {
      nl_fd = socks[i];
      wait_acks(3);
      close(socks[i]);
      close(nsfds[i]);
    }
    nl_fd = main_fd;
    step("addConcurrent", n, now_ms() - t);
  }
  pod_checks("AfterAdd", n, d);

  int *idx = malloc(sizeof(int) * (size_t)n);
  for (long i = 0; i < n; i++) {
    snprintf(host, sizeof host, "veth%ld", i);
    idx[i] = (int)if_nametoindex(host);
  }
  t = now_ms();
  for (long i = 0; i < d; i++) {
    link_del_index(idx[i]);
    done_msg();
  }
  flush_msgs();
  step("delOne", d, now_ms() - t);
  pod_checks("AfterDelOne", n, d);

  t = now_ms();
  for (long i = d; i < n; i++) {
    link_set_group(idx[i], 77);
    done_msg();
  }
  link_del_group(77);
  done_msg();
  flush_msgs();
  step("bulkDel", n - d, now_ms() - t);
  pod_checks("AfterBulkDel", n, d);

  for (long i = 0; i < n; i++) {
    snprintf(ns, sizeof ns, "pod%ld", i);
    netns_del(ns);
  }
  free(idx);
  free(socks);
  free(nsfds);
  free(eth0);
}

// Waits until an rtnl-taking request (set lo's mtu) is fast 10 times running.
static void probe(void) {
  int lo = (int)if_nametoindex("lo");
  double start = now_ms(), worst = 0;
  int good = 0, tries = 0;
  while (good < 10 && now_ms() - start < 60000) {
    double t = now_ms();
    link_set_mtu(lo, (tries++ & 1) ? 1500 : 1400);
    done_msg();
    double d = now_ms() - t;
    if (d > worst) worst = d;
    good = d < 1.0 ? good + 1 : 0;
    usleep(5000);
  }
  printf("{\"waitedMs\":%.1f,\"worstMs\":%.3f,\"settled\":%s}\n", now_ms() - start, worst, good >= 10 ? "true" : "false");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: raw W1|W2|W3|W4|W5|W6 sync|pipe [N] [N2] | raw produce sync|pipe N [FROM] | raw probe\n");
    return 1;
  }
  nl_open();
  if (!strcmp(argv[1], "probe")) {
    probe();
    return 0;
  }
  if (argc < 3) return 1;
  pipelined = !strcmp(argv[2], "pipe");
  long n = argc > 3 ? atol(argv[3]) : 1000;
  long n2 = argc > 4 ? atol(argv[4]) : n;
  if (!strcmp(argv[1], "W1")) w1(n, n2 < n ? n2 : n - 1);
  else if (!strcmp(argv[1], "W2")) w2(n);
  else if (!strcmp(argv[1], "W3")) w3(n);
  else if (!strcmp(argv[1], "W4")) w4(n, n2);
  else if (!strcmp(argv[1], "W5")) w5(n);
  else if (!strcmp(argv[1], "W6")) w6(n, n2 < n ? n2 : n / 5);
  else if (!strcmp(argv[1], "produce")) produce(n, argc > 4 ? n2 : 0);
  else return 1;
  emit();
  return 0;
}
