#include "socket.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <limits.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

namespace rtnl {

namespace {

constexpr size_t kRecvRoom = 1 << 20;      // free space offered to each recv()
constexpr size_t kFlushAt = 64 << 10;  // hand received data to JS past this (bounds the JS work per callback)
constexpr size_t kSmallDelivery = 64 << 10;  // copied out; larger blocks change hands
constexpr int kCredits = 2;                  // deliveries handed to JS and not yet consumed
constexpr size_t kMaxWindow = 1024;        // messages in flight per socket
constexpr size_t kBytesPerReply = 4096;    // rcvbuf budget per in-flight request
constexpr uint16_t kTruncatedFlag = 0x8000;  // marks a synthetic error (reply too big)
constexpr std::chrono::microseconds kSpin{100};  // busy-wait for the next request after a reply

inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

void setOpt(int fd, int level, int name, int value) {
  setsockopt(fd, level, name, &value, sizeof value);
}

int getOpt(int fd, int level, int name) {
  int value = 0;
  socklen_t len = sizeof value;
  getsockopt(fd, level, name, &value, &len);
  return value;
}

// Grows a buffer: SO_*BUFFORCE works with CAP_NET_ADMIN; the plain option is
// capped by net.core.[rw]mem_max otherwise.
void setBuf(int fd, int force, int plain, int bytes) {
  if (setsockopt(fd, SOL_SOCKET, force, &bytes, sizeof bytes) != 0)
    setOpt(fd, SOL_SOCKET, plain, bytes);
}

bool isTerminator(const nlmsghdr* h) {
  if (h->nlmsg_flags & kTruncatedFlag) return false;
  return h->nlmsg_type == NLMSG_ERROR || h->nlmsg_type == NLMSG_DONE;
}

// Writes an NLMSG_ERROR(-EMSGSIZE) for the truncated datagram at `at`, flagged
// so that it does not count as the request's end (its real ack still comes).
size_t writeTruncated(uint8_t* at) {
  nlmsghdr orig;
  std::memcpy(&orig, at, sizeof orig);
  nlmsghdr h{};
  h.nlmsg_len = NLMSG_LENGTH(sizeof(nlmsgerr));
  h.nlmsg_type = NLMSG_ERROR;
  h.nlmsg_flags = kTruncatedFlag;
  h.nlmsg_seq = orig.nlmsg_seq;
  nlmsgerr e{};
  e.error = -EMSGSIZE;
  e.msg = orig;
  std::memcpy(at, &h, sizeof h);
  std::memcpy(at + NLMSG_HDRLEN, &e, sizeof e);
  return h.nlmsg_len;
}

}  // namespace

RecvBuf::~RecvBuf() { release(); }

void RecvBuf::release() {
  std::free(data_);
  data_ = nullptr;
  used_ = cap_ = 0;
}

uint8_t* RecvBuf::reserve(size_t extra) {
  if (cap_ - used_ < extra) {
    size_t cap = std::max(cap_ * 2, used_ + extra);
    auto* p = static_cast<uint8_t*>(std::realloc(data_, cap));
    if (!p) return nullptr;
    data_ = p;
    cap_ = cap;
  }
  return data_ + used_;
}

uint8_t* RecvBuf::take(size_t* len) {
  uint8_t* p = data_;
  *len = used_;
  data_ = nullptr;
  used_ = cap_ = 0;
  return p;
}

Fd openRouteSocket(const EngineOptions& opts, bool requests, std::string* err) {
  Fd fd(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
  if (!fd.valid()) {
    *err = std::string("socket(NETLINK_ROUTE): ") + strerror(errno);
    return fd;
  }
  setBuf(fd.get(), SO_RCVBUFFORCE, SO_RCVBUF, opts.rcvbuf);
  setBuf(fd.get(), SO_SNDBUFFORCE, SO_SNDBUF, 1 << 20);
  if (requests) {
    setOpt(fd.get(), SOL_NETLINK, NETLINK_EXT_ACK, 1);
    setOpt(fd.get(), SOL_NETLINK, NETLINK_CAP_ACK, 1);
    setOpt(fd.get(), SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1);  // absent before 4.20: ignored
  }
  sockaddr_nl sa{};
  sa.nl_family = AF_NETLINK;
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    *err = std::string("bind(netlink): ") + strerror(errno);
    return Fd();
  }
  for (uint32_t g : opts.groups) {
    int group = static_cast<int>(g);
    if (setsockopt(fd.get(), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof group) != 0) {
      *err = "NETLINK_ADD_MEMBERSHIP " + std::to_string(g) + ": " + strerror(errno);
      return Fd();
    }
  }
  if (!opts.groups.empty()) setOpt(fd.get(), SOL_NETLINK, NETLINK_LISTEN_ALL_NSID, 0);
  return fd;
}

Pipe::Pipe(Fd fd) : fd_(std::move(fd)) {
  // The kernel may drop acks (and set ENOBUFS) when the receive buffer is full,
  // so the window of unacknowledged requests is sized from it.
  size_t rcv = static_cast<size_t>(getOpt(fd_.get(), SOL_SOCKET, SO_RCVBUF));
  window_ = std::clamp<size_t>(rcv / kBytesPerReply, 16, kMaxWindow);
  size_t snd = static_cast<size_t>(getOpt(fd_.get(), SOL_SOCKET, SO_SNDBUF));
  maxSend_ = std::clamp<size_t>(snd > 1024 ? snd - 1024 : snd, 16384, 1 << 20);
}

int Pipe::send(const std::vector<Pending>& msgs, size_t from, size_t to) {
  std::vector<iovec> iov;
  iov.reserve(to - from);
  for (size_t i = from; i < to; i++)
    iov.push_back({msgs[i].chunk->data() + msgs[i].off, msgs[i].len});
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  msghdr mh{};
  mh.msg_name = &kernel;
  mh.msg_namelen = sizeof kernel;
  mh.msg_iov = iov.data();
  mh.msg_iovlen = iov.size();
  for (;;) {
    if (sendmsg(fd_.get(), &mh, 0) >= 0) return 0;
    if (errno != EINTR) return errno;
  }
}

int Pipe::recvOne(RecvBuf* out, bool block, std::vector<uint32_t>* ended) {
  uint8_t* at = out->reserve(kRecvRoom);
  if (!at) return -ENOMEM;
  ssize_t n;
  do n = recv(fd_.get(), at, kRecvRoom, (block ? 0 : MSG_DONTWAIT) | MSG_TRUNC);
  while (n < 0 && errno == EINTR);
  if (n < 0) return errno == EWOULDBLOCK ? -EAGAIN : -errno;
  size_t len = static_cast<size_t>(n);
  if (len > kRecvRoom) len = writeTruncated(at);
  int terminators = 0;
  for (size_t off = 0; off + NLMSG_HDRLEN <= len;) {
    auto* h = reinterpret_cast<nlmsghdr*>(at + off);
    if (h->nlmsg_len < NLMSG_HDRLEN || off + h->nlmsg_len > len) break;
    if (isTerminator(h)) {
      terminators++;
      if (ended) ended->push_back(h->nlmsg_seq);
    }
    off += NLMSG_ALIGN(h->nlmsg_len);
  }
  out->commit(len);
  return terminators;
}

Engine::Engine(EngineOptions opts, Sink sink) : opts_(std::move(opts)), sink_(std::move(sink)), credits_(kCredits) {}

Engine::~Engine() = default;

std::shared_ptr<Engine> Engine::start(const EngineOptions& opts, Sink sink, std::string* err) {
  std::shared_ptr<Engine> e(new Engine(opts, std::move(sink)));
  std::promise<std::string> ready;
  auto result = ready.get_future();
  std::thread(&Engine::run, e.get(), e, &ready).detach();
  *err = result.get();
  return err->empty() ? e : nullptr;
}

bool Engine::initSockets(std::string* err) {
  if (opts_.netnsFd >= 0 && setns(opts_.netnsFd, CLONE_NEWNET) != 0) {
    *err = std::string("setns: ") + strerror(errno);
    return false;
  }
  bool requests = opts_.groups.empty();
  Fd main = openRouteSocket(opts_, requests, err);
  if (!main.valid()) return false;
  pipe_ = std::make_unique<Pipe>(std::move(main));
  if (requests) {
    Fd sync = openRouteSocket(opts_, true, err);
    if (!sync.valid()) return false;
    syncPipe_ = std::make_unique<Pipe>(std::move(sync));
  }
  wakeFd_.reset(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wakeFd_.valid()) {
    *err = std::string("eventfd: ") + strerror(errno);
    return false;
  }
  return true;
}

void Engine::run(std::shared_ptr<Engine> self, std::promise<std::string>* ready) {
  {
    std::string err;
    bool ok = initSockets(&err);
    ready->set_value(err);  // `ready` is gone after this
    if (!ok) return;
  }
  while (!stop_.load()) {
    uint64_t seen = submitted_.load();  // before sendReady: a submit after it changes the count
    flush();  // a block held for want of a credit goes as soon as one came back
    sendReady();
    if (spinForWork(seen)) continue;
    pollfd fds[2] = {{wakeFd_.get(), POLLIN, 0},
                     {pipe_->fd(), static_cast<short>(paused_.load() || held() ? 0 : POLLIN), 0}};
    int n = poll(fds, 2, -1);
    sleeping_.store(false);
    if (n < 0 && errno != EINTR) break;
    if (fds[0].revents & POLLIN) {
      uint64_t v;
      ssize_t r = read(wakeFd_.get(), &v, sizeof v);
      (void)r;
    }
    if (stop_.load()) break;
    if (fds[1].revents & (POLLIN | POLLERR)) drain();
    flush();
  }
  pipe_.reset();
  Delivery last;
  last.closed = true;
  sink_(last);
  sink_ = nullptr;  // releases what the sink holds (the JS callback) on this thread
  (void)self;
}

void Engine::sendReady() {
  for (;;) {
    std::vector<Pending> batch;
    size_t bytes = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      while (!queue_.empty() && inflight_ + batch.size() < pipe_->window() &&
             batch.size() < IOV_MAX) {
        const Pending& p = queue_.front();
        if (p.dump && dumpActive_) break;  // one dump at a time per socket (EBUSY)
        if (!batch.empty() && bytes + p.len > pipe_->maxSend()) break;
        if (p.dump) {
          dumpActive_ = true;
          dumpSeq_ = p.seq;
        }
        bytes += p.len;
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    if (batch.empty() || stop_.load()) return;
    inflight_ += batch.size();
    int err = pipe_->send(batch, 0, batch.size());
    if (err) {
      // Report the failure as an error reply to each message of the batch.
      for (const Pending& p : batch) {
        uint8_t* at = out_.reserve(NLMSG_LENGTH(sizeof(nlmsgerr)));
        nlmsghdr h{};
        h.nlmsg_len = NLMSG_LENGTH(sizeof(nlmsgerr));
        h.nlmsg_type = NLMSG_ERROR;
        h.nlmsg_seq = p.seq;
        nlmsgerr e{};
        e.error = -err;
        std::memcpy(&e.msg, p.chunk->data() + p.off, sizeof e.msg);
        std::memcpy(at, &h, sizeof h);
        std::memcpy(at + NLMSG_HDRLEN, &e, sizeof e);
        out_.commit(h.nlmsg_len);
        if (p.dump) dumpActive_ = false;
      }
      inflight_ -= batch.size();
      flush();
      continue;
    }
    drain();
    flush();
  }
}

void Engine::drain() {
  std::vector<uint32_t> ended;
  while (!paused_.load() && !held()) {
    ended.clear();
    int r = pipe_->recvOne(&out_, false, &ended);
    if (r == -EAGAIN) return;
    if (r < 0) {
      flush();
      Delivery d;
      d.error = -r;
      sink_(d);
      if (r != -ENOBUFS) return;
      // Acks were lost: nothing tells which requests are still open.
      inflight_ = 0;
      dumpActive_ = false;
      continue;
    }
    inflight_ -= std::min(inflight_, static_cast<size_t>(r));
    for (uint32_t seq : ended)
      if (dumpActive_ && seq == dumpSeq_) dumpActive_ = false;
    if (out_.size() >= kFlushAt) flush();
    // Every request has its answer: skip the recv() that would say EAGAIN.
    if (r > 0 && inflight_ == 0 && !dumpActive_ && opts_.groups.empty()) return;
    if (r > 0 && inflight_ <= pipe_->window() / 2) {
      std::lock_guard<std::mutex> lock(mu_);
      if (!queue_.empty()) return;  // room in the window: send more first
    }
  }
}

bool Engine::held() const { return out_.size() >= kFlushAt && credits_.load() <= 0; }

void Engine::flush() {
  if (out_.size() == 0 || !sink_) return;
  // Node runs every queued delivery back to back, starving timers: keep at most
  // kCredits deliveries unconsumed; JS returns a credit once it has yielded.
  if (credits_.load() <= 0) return;
  credits_.fetch_sub(1);
  lastWork_ = std::chrono::steady_clock::now();
  Delivery d;
  if (out_.size() <= kSmallDelivery) {
    // Keep the large receive block for the next recv; a fresh 1 MiB block per
    // reply would cost an mmap, page faults and an munmap every round trip.
    d.len = out_.size();
    d.data = static_cast<uint8_t*>(std::malloc(d.len));
    if (!d.data) return;
    std::memcpy(d.data, out_.data(), d.len);
    out_.clear();
  } else {
    d.data = out_.take(&d.len);
  }
  sink_(d);
}

bool Engine::spinForWork(uint64_t seen) {
  // A caller awaiting one request at a time submits the next one a few
  // microseconds after its reply; waking a sleeping thread costs far more
  // than that on a VM, so stay on the CPU briefly after doing work.
  auto now = std::chrono::steady_clock::now();
  if (lastWork_ + kSpin > now) {
    while (std::chrono::steady_clock::now() < lastWork_ + kSpin) {
      if (submitted_.load(std::memory_order_relaxed) != seen || stop_.load(std::memory_order_relaxed)) return true;
      if (out_.size() > 0 && credits_.load(std::memory_order_relaxed) > 0) return true;
      cpuRelax();
    }
  }
  sleeping_.store(true);
  if (submitted_.load() != seen || (out_.size() > 0 && credits_.load() > 0)) {  // raced with going to sleep
    sleeping_.store(false);
    return true;
  }
  return false;
}

void Engine::wake() {
  uint64_t one = 1;
  ssize_t r = write(wakeFd_.get(), &one, sizeof one);
  (void)r;
}

void Engine::submit(std::shared_ptr<std::vector<uint8_t>> chunk) {
  std::lock_guard<std::mutex> lock(mu_);
  const uint8_t* base = chunk->data();
  size_t len = chunk->size();
  for (size_t off = 0; off + NLMSG_HDRLEN <= len;) {
    nlmsghdr h;
    std::memcpy(&h, base + off, sizeof h);
    if (h.nlmsg_len < NLMSG_HDRLEN || off + h.nlmsg_len > len) break;
    queue_.push_back({chunk, static_cast<uint32_t>(off), h.nlmsg_len, h.nlmsg_seq,
                      (h.nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP});
    off += NLMSG_ALIGN(h.nlmsg_len);
  }
  submitted_.fetch_add(1);
  if (sleeping_.exchange(false)) wake();
}

void Engine::credit() {
  credits_.fetch_add(1);
  if (sleeping_.exchange(false)) wake();
}

void Engine::setPaused(bool paused) {
  paused_.store(paused);
  if (!paused) wake();
}

void Engine::stop() {
  stop_.store(true);
  wake();
}

int Engine::requestSync(const uint8_t* data, size_t len, RecvBuf* result) {
  if (!syncPipe_) return EOPNOTSUPP;
  std::lock_guard<std::mutex> lock(syncMu_);
  RecvBuf* out = &syncBuf_;  // reused: a fresh 1 MiB block per call would be mmap'd
  out->clear();
  auto chunk = std::make_shared<std::vector<uint8_t>>(data, data + len);
  std::vector<Pending> msgs;
  for (size_t off = 0; off + NLMSG_HDRLEN <= len;) {
    nlmsghdr h;
    std::memcpy(&h, data + off, sizeof h);
    if (h.nlmsg_len < NLMSG_HDRLEN || off + h.nlmsg_len > len) return EINVAL;
    msgs.push_back({chunk, static_cast<uint32_t>(off), h.nlmsg_len, h.nlmsg_seq, false});
    off += NLMSG_ALIGN(h.nlmsg_len);
  }
  // Windowed like the I/O thread: send a slice, wait for its ends, repeat.
  size_t next = 0, open = 0;
  while (next < msgs.size() || open > 0) {
    size_t bytes = 0, end = next;
    while (end < msgs.size() && open + (end - next) < syncPipe_->window() &&
           end - next < IOV_MAX && (end == next || bytes + msgs[end].len <= syncPipe_->maxSend()))
      bytes += msgs[end++].len;
    if (end > next) {
      int err = syncPipe_->send(msgs, next, end);
      if (err) return err;
      open += end - next;
      next = end;
    }
    int r = syncPipe_->recvOne(out, true, nullptr);
    if (r < 0) return -r;
    open -= std::min(open, static_cast<size_t>(r));
  }
  uint8_t* at = result->reserve(out->size());
  if (!at) return ENOMEM;
  std::memcpy(at, out->data(), out->size());
  result->commit(out->size());
  if (out->size() > kSmallDelivery) out->release();  // give a big dump's memory back
  return 0;
}

}  // namespace rtnl
