#include "reactor.h"

#include "spin.h"

#include <errno.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <system_error>

namespace rtnl {

namespace {

constexpr size_t kRoom = 1 << 20;             // receive room per datagram (larger ones are cut, and say so)
constexpr size_t kFlushAt = 64 << 10;         // deliver past this: bounds the JS work per callback
constexpr size_t kSmallBlock = 64 << 10;      // copied out; larger blocks change hands
constexpr int64_t kSpinNs = 100 * 1000;       // stay on the CPU this long after work
constexpr int kMaxErrorsInARow = 8;

char wakeTag;  // epoll data of the wake eventfd

std::mutex instanceMu;
Reactor* instancePtr = nullptr;  // never freed: the thread is joined at exit, the memory stays

}  // namespace

ByteBuf::~ByteBuf() { release(); }

void ByteBuf::release() {
  std::free(data_);
  data_ = nullptr;
  used_ = cap_ = 0;
}

uint8_t* ByteBuf::reserve(size_t extra) {
  if (cap_ - used_ < extra) {
    size_t cap = std::max(cap_ * 2, used_ + extra);
    auto* p = static_cast<uint8_t*>(std::realloc(data_, cap));
    if (!p) return nullptr;
    data_ = p;
    cap_ = cap;
  }
  return data_ + used_;
}

uint8_t* ByteBuf::take(size_t* len) {
  uint8_t* p = data_;
  *len = used_;
  data_ = nullptr;
  used_ = cap_ = 0;
  return p;
}

bool appendRecord(ByteBuf* out, uint32_t chan, uint16_t kind, const void* payload, size_t len) {
  size_t padded = (len + 3) & ~size_t{3};
  uint8_t* at = out->reserve(8 + padded);
  if (!at) return false;
  uint32_t l = static_cast<uint32_t>(len);
  uint16_t c = static_cast<uint16_t>(chan);
  std::memcpy(at, &l, 4);
  std::memcpy(at + 4, &c, 2);
  std::memcpy(at + 6, &kind, 2);
  if (len) std::memcpy(at + 8, payload, len);
  if (padded > len) std::memset(at + 8 + len, 0, padded - len);
  out->commit(8 + padded);
  return true;
}

namespace {
// recvmsg() of one datagram after a 4-byte slot for the sender's nsid (from the
// NETLINK_LISTEN_ALL_NSID control message; -1 when the kernel attached none).
ssize_t receiveWithNsid(int fd, uint8_t* scratch, size_t room, int flags) {
  iovec iov{scratch + 4, room - 4};
  alignas(cmsghdr) uint8_t control[CMSG_SPACE(sizeof(int32_t))];
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n = recvmsg(fd, &msg, flags);
  if (n < 0) return n;
  int32_t nsid = -1;
  // musl's CMSG_NXTHDR compares signed with unsigned inside the macro.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-compare"
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
    if (c->cmsg_level == SOL_NETLINK && c->cmsg_type == NETLINK_LISTEN_ALL_NSID && c->cmsg_len >= CMSG_LEN(sizeof nsid))
      std::memcpy(&nsid, CMSG_DATA(c), sizeof nsid);
#pragma GCC diagnostic pop
  std::memcpy(scratch, &nsid, 4);
  return n + 4;
}
}  // namespace

int receiveRecord(int fd, uint32_t chan, ByteBuf* out, uint8_t* scratch, size_t room, bool wait, bool nsid) {
  ssize_t n;
  int flags = (wait ? 0 : MSG_DONTWAIT) | MSG_TRUNC;
  do n = nsid ? receiveWithNsid(fd, scratch, room, flags) : recv(fd, scratch, room, flags);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    int e = errno;
    if (e == EAGAIN || e == EWOULDBLOCK) return 0;
    int32_t v = e;
    appendRecord(out, chan, kError, &v, sizeof v);
    return -e;
  }
  size_t len = std::min(static_cast<size_t>(n), room);
  // (A cut datagram of an nsid socket stays kDataNsid: its last message then ends past it, which JS reports.)
  RecordKind kind = nsid ? kDataNsid : static_cast<size_t>(n) > room ? kTruncated : kData;
  if (!appendRecord(out, chan, kind, scratch, len)) {
    int32_t v = ENOMEM;
    appendRecord(out, chan, kError, &v, sizeof v);
    return -ENOMEM;
  }
  return 1;
}

void Endpoint::credit() {
  credits_.fetch_add(1);
}

bool Endpoint::deliver(Block b) {
  std::lock_guard<std::mutex> lock(sinkMu_);
  return alive_ && sink_ && sink_(b);
}

void Endpoint::kill(bool final) {
  Sink old;
  {
    std::lock_guard<std::mutex> lock(sinkMu_);
    alive_ = false;
    final_ = final;
    if (!final) old.swap(sink_);
  }
}

void Endpoint::finish() {
  Sink last;
  {
    std::lock_guard<std::mutex> lock(sinkMu_);
    finished_ = true;
    last.swap(sink_);
    if (final_ && last) {
      Block b;
      b.last = true;
      last(b);
    }
  }
  finishedCv_.notify_all();
}

void Endpoint::waitFinished() {
  std::unique_lock<std::mutex> lock(sinkMu_);
  finishedCv_.wait(lock, [&] { return finished_; });
}

Reactor* Reactor::instance(SysError* err) {
  std::lock_guard<std::mutex> lock(instanceMu);
  if (instancePtr) return instancePtr;
  auto* r = new Reactor();
  if (!r->start(err)) {
    delete r;
    return nullptr;
  }
  instancePtr = r;
  return r;
}

void Reactor::shutdown() {
  Reactor* r;
  {
    std::lock_guard<std::mutex> lock(instanceMu);
    r = instancePtr;
  }
  if (!r || !r->thread_.joinable()) return;
  r->stop_.store(true);
  r->wake();
  r->thread_.join();
  // Nobody may wait for a detach that will not be processed now.
  auto quiet = [](Endpoint& ep) {
    {
      std::lock_guard<std::mutex> lock(ep.sinkMu_);
      ep.final_ = false;
    }
    ep.finish();
  };
  for (auto& [raw, ep] : r->endpoints_) quiet(*ep);
  std::lock_guard<std::mutex> lock(r->mu_);
  for (auto& c : r->queue_)
    if (c.op == Op::Detach) quiet(*c.ep);
}

bool Reactor::start(SysError* err) {
  epoll_.reset(epoll_create1(EPOLL_CLOEXEC));
  if (!epoll_.valid()) {
    err->err = errno;
    err->call = "epoll_create1";
    return false;
  }
  wake_.reset(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake_.valid()) {
    err->err = errno;
    err->call = "eventfd";
    return false;
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = &wakeTag;
  if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, wake_.get(), &ev) != 0) {
    err->err = errno;
    err->call = "epoll_ctl";
    return false;
  }
  scratch_.resize(kRoom);
  try {
    thread_ = std::thread(&Reactor::loop, this);
  } catch (const std::system_error& e) {
    err->err = e.code().value() ? e.code().value() : EAGAIN;
    err->call = "pthread_create";
    return false;
  }
  return true;
}

void Reactor::wake() {
  uint64_t one = 1;
  ssize_t r = write(wake_.get(), &one, sizeof one);
  (void)r;
}

void Reactor::nudge() {
  events_.fetch_add(1);
  if (sleeping_.exchange(false)) wake();
}

void Reactor::post(Command c) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(c));
  }
  events_.fetch_add(1);
  if (sleeping_.exchange(false)) wake();
}

void Reactor::attach(const std::shared_ptr<Endpoint>& ep, uint32_t chan, Fd fd, bool nsid) {
  Command c{Op::Attach, ep};
  c.chan = chan;
  c.fd = std::move(fd);
  c.nsid = nsid;
  post(std::move(c));
}

void Reactor::send(const std::shared_ptr<Endpoint>& ep, uint32_t chan, double chunk, const uint8_t* data, size_t len) {
  Command c{Op::Send, ep};
  c.chan = chan;
  c.chunk = chunk;
  c.bytes.assign(data, data + len);
  ep->submitted_.fetch_add(1);
  post(std::move(c));
}

bool Reactor::patch(Endpoint* ep, double chunk, size_t offset, const uint8_t* data, size_t len) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = queue_.rbegin(); it != queue_.rend(); ++it) {
    if (it->op != Op::Send || it->ep.get() != ep || it->chunk != chunk) continue;
    if (offset + len > it->bytes.size()) return false;
    std::memcpy(it->bytes.data() + offset, data, len);
    return true;
  }
  return false;  // taken for sending (or never submitted)
}

void Reactor::closeChannel(const std::shared_ptr<Endpoint>& ep, uint32_t chan) {
  Command c{Op::CloseChannel, ep};
  c.chan = chan;
  post(std::move(c));
}

void Reactor::pause(const std::shared_ptr<Endpoint>& ep, uint32_t chan, bool paused) {
  Command c{paused ? Op::Pause : Op::Resume, ep};
  c.chan = chan;
  post(std::move(c));
}

double Reactor::detach(const std::shared_ptr<Endpoint>& ep, bool final) {
  // Before the Detach command exists: the reactor may process it at once.
  ep->kill(final);  // returns once a delivery in progress is over
  double taken;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Chunks not taken yet are never sent; the rest of the queue stays in order.
    queue_.erase(std::remove_if(queue_.begin(), queue_.end(),
                                [&](const Command& c) { return c.ep == ep && c.op == Op::Send; }),
                 queue_.end());
    taken = ep->taken_;
    Command c{Op::Detach, ep};
    queue_.push_back(std::move(c));
  }
  events_.fetch_add(1);
  if (sleeping_.exchange(false)) wake();
  return taken;
}

void Reactor::handle(Command& c) {
  Endpoint& ep = *c.ep;
  switch (c.op) {
    case Op::Attach: {
      if (ep.detached_) return;
      auto ch = std::make_unique<Endpoint::Chan>();
      ch->owner = &ep;
      ch->id = c.chan;
      ch->fd = std::move(c.fd);
      ch->nsid = c.nsid;
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLET;
      ev.data.ptr = ch.get();
      if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, ch->fd.get(), &ev) != 0) {
        int32_t e = errno;
        appendRecord(&ep.out_, c.chan, kError, &e, sizeof e);
      }
      endpoints_.emplace(&ep, c.ep);
      ep.chans_[c.chan] = std::move(ch);
      active_.insert(&ep);
      return;
    }
    case Op::Send:
      doSend(ep, c);
      return;
    case Op::CloseChannel: {
      auto it = ep.chans_.find(c.chan);
      if (it == ep.chans_.end()) return;
      epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, it->second->fd.get(), nullptr);
      ep.chans_.erase(it);  // closes the socket: the kernel drops a dump still running on it
      return;
    }
    case Op::Pause:
    case Op::Resume: {
      auto it = ep.chans_.find(c.chan);
      if (it == ep.chans_.end()) return;
      it->second->paused = c.op == Op::Pause;
      if (c.op == Op::Resume) active_.insert(&ep);
      return;
    }
    case Op::Detach: {
      for (auto& [id, ch] : ep.chans_) epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, ch->fd.get(), nullptr);
      ep.chans_.clear();
      ep.out_.release();
      ep.detached_ = true;
      active_.erase(&ep);
      ep.finish();
      endpoints_.erase(&ep);  // the command still holds the endpoint
      return;
    }
  }
}

void Reactor::doSend(Endpoint& ep, Command& c) {
  if (ep.detached_) return;
  auto it = ep.chans_.find(c.chan);
  int err = 0;
  if (it == ep.chans_.end()) {
    err = EBADF;
  } else {
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    iovec iov{c.bytes.data(), c.bytes.size()};
    msghdr mh{};
    mh.msg_name = &kernel;
    mh.msg_namelen = sizeof kernel;
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    ssize_t r;
    do r = sendmsg(it->second->fd.get(), &mh, 0);
    while (r < 0 && errno == EINTR);
    if (r < 0) err = errno;
  }
  ep.sent_.fetch_add(1);
  if (err) {
    uint8_t payload[12];
    int32_t e = err;
    std::memcpy(payload, &c.chunk, 8);
    std::memcpy(payload + 8, &e, 4);
    appendRecord(&ep.out_, c.chan, kSendFailed, payload, sizeof payload);
    active_.insert(&ep);
    return;
  }
  // The kernel queued the replies inside sendmsg(): read them before the next send.
  it->second->readable = true;
  active_.insert(&ep);
  drain(ep, *it->second);
}

bool Reactor::held(const Endpoint& ep) const {
  return ep.out_.size() >= kFlushAt && ep.credits_.load() <= 0;
}

bool Reactor::drain(Endpoint& ep, Endpoint::Chan& c) {
  bool any = false;
  int errors = 0;
  while (c.readable && !c.paused && !held(ep)) {
    int r = receiveRecord(c.fd.get(), c.id, &ep.out_, scratch_.data(), kRoom, false, c.nsid);
    if (r == 0) {
      c.readable = false;
      break;
    }
    any = true;
    if (r < 0 && ++errors >= kMaxErrorsInARow) break;  // reported; epoll says when there is more
    if (ep.out_.size() >= kFlushAt) flush(ep);
  }
  return any;
}

bool Reactor::readAll() {
  bool any = false;
  std::vector<Endpoint*> done;
  for (Endpoint* ep : active_) {
    for (auto& [id, ch] : ep->chans_)
      if (drain(*ep, *ch)) any = true;
    flush(*ep);
    bool more = ep->out_.size() > 0;
    for (auto& [id, ch] : ep->chans_)
      if (ch->readable && !ch->paused) more = true;
    if (!more) done.push_back(ep);
  }
  for (Endpoint* ep : done) active_.erase(ep);
  return any;
}

void Reactor::flush(Endpoint& ep) {
  if (ep.out_.size() == 0 || ep.credits_.load() <= 0) return;
  ep.credits_.fetch_sub(1);
  Block b;
  if (ep.out_.size() <= kSmallBlock) {
    // Keep the receive block for the next datagrams: a fresh one per reply would cost an mmap.
    b.len = ep.out_.size();
    b.data = static_cast<uint8_t*>(std::malloc(b.len));
    if (!b.data) {
      ep.credits_.fetch_add(1);
      return;
    }
    std::memcpy(b.data, ep.out_.data(), b.len);
    ep.out_.clear();
  } else {
    b.data = ep.out_.take(&b.len);
  }
  if (!ep.deliver(b)) {
    std::free(b.data);
    ep.credits_.fetch_add(1);
  }
}

bool Reactor::idleSpin() {
  // A caller awaiting one request at a time submits the next a few
  // microseconds after its reply; waking a sleeping thread costs more than
  // that on a VM, so stay on the CPU briefly after doing work.
  uint64_t seen = events_.load();
  while (nowNs() < lastWork_ + kSpinNs) {
    if (events_.load(std::memory_order_relaxed) != seen || stop_.load(std::memory_order_relaxed)) return true;
    cpuRelax();
  }
  return false;
}

void Reactor::loop() {
  epoll_event evs[64];
  while (!stop_.load()) {
    bool worked = false;
    bool io = false;
    for (;;) {
      Command c;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (queue_.empty()) break;
        c = std::move(queue_.front());
        queue_.pop_front();
        if (c.op == Op::Send) c.ep->taken_ = c.chunk;  // from here on it counts as sent
      }
      worked = true;
      // Only I/O keeps the thread spinning for the next request: attaching and detaching
      // sockets (handles opened and closed in bursts) would take a core from the opener.
      if (c.op == Op::Send) io = true;
      handle(c);
      if (stop_.load()) break;
    }
    if (readAll()) worked = io = true;
    if (io) lastWork_ = nowNs();
    int timeout = 0;
    if (!worked && !idleSpin()) {
      // Credits returned meanwhile make held endpoints readable again.
      sleeping_.store(true);
      bool pending;
      {
        std::lock_guard<std::mutex> lock(mu_);
        pending = !queue_.empty();
      }
      timeout = pending ? 0 : -1;
      if (timeout < 0) {
        for (Endpoint* ep : active_)
          if (ep->credits_.load() > 0) timeout = 0;
      }
    }
    int n = epoll_wait(epoll_.get(), evs, 64, timeout);
    sleeping_.store(false);
    for (int i = 0; i < n; i++) {
      if (evs[i].data.ptr == &wakeTag) {
        uint64_t v;
        ssize_t r = read(wake_.get(), &v, sizeof v);
        (void)r;
        continue;
      }
      auto* ch = static_cast<Endpoint::Chan*>(evs[i].data.ptr);
      ch->readable = true;
      active_.insert(ch->owner);
    }
  }
}

}  // namespace rtnl
