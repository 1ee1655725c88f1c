// The netlink engine: one NETLINK_ROUTE socket driven by its own I/O thread.
//
// The kernel executes an rtnetlink request inside the sender's sendmsg(), so all
// socket I/O happens on a dedicated thread (opened inside the requested network
// namespace); the event loop only hands over encoded messages and receives raw
// reply datagrams. Requests are pipelined: many messages go out per sendmsg(),
// bounded by a window so the kernel's acks always fit the receive buffer.
#pragma once
#include <linux/netlink.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "fd.h"

namespace rtnl {

// A growable byte block filled by recv() without zero-initialising it.
class RecvBuf {
 public:
  RecvBuf() = default;
  RecvBuf(const RecvBuf&) = delete;
  RecvBuf& operator=(const RecvBuf&) = delete;
  ~RecvBuf();
  uint8_t* reserve(size_t extra);  // room for `extra` more bytes after size()
  void commit(size_t n) { used_ += n; }
  size_t size() const { return used_; }
  void clear() { used_ = 0; }
  void release();  // frees the block
  uint8_t* data() const { return data_; }
  uint8_t* take(size_t* len);  // hand the block to a new owner (free() it)

 private:
  uint8_t* data_ = nullptr;
  size_t used_ = 0, cap_ = 0;
};

// One message waiting to be sent; it points into a chunk submitted by JS.
struct Pending {
  std::shared_ptr<std::vector<uint8_t>> chunk;
  uint32_t off, len, seq;
  bool dump;
};

// What the I/O thread reports: a block of datagrams, an errno, or its end.
struct Delivery {
  uint8_t* data = nullptr;  // malloc'd; the receiver frees it
  size_t len = 0;
  int error = 0;            // positive errno (ENOBUFS: events or acks were lost)
  bool closed = false;      // last delivery; the thread has exited
};

struct EngineOptions {
  int netnsFd = -1;              // -1: the namespace of the creating thread
  std::vector<uint32_t> groups;  // multicast groups (monitor sockets)
  int rcvbuf = 8 << 20;
};

// Sends batches of messages on one socket and collects what comes back.
// Used by the I/O thread and, on a second socket, by synchronous calls.
class Pipe {
 public:
  explicit Pipe(Fd fd);
  int fd() const { return fd_.get(); }
  size_t window() const { return window_; }
  size_t maxSend() const { return maxSend_; }
  // Sends msgs[from, to) in one sendmsg(); 0 or a positive errno.
  int send(const std::vector<Pending>& msgs, size_t from, size_t to);
  // Receives one datagram (waiting for it when `block`), appending it to `out`.
  // Returns how many requests it ends (acks, errors, NLMSG_DONE), or -errno
  // (-EAGAIN: nothing there). `ended` collects the seqs of those ends.
  int recvOne(RecvBuf* out, bool block, std::vector<uint32_t>* ended);

 private:
  Fd fd_;
  size_t window_, maxSend_;
};

// Opens a NETLINK_ROUTE socket in the calling thread's namespace, configured
// for requests (ext ack, cap ack, strict checking) or for events (groups).
Fd openRouteSocket(const EngineOptions& opts, bool requests, std::string* err);

class Engine : public std::enable_shared_from_this<Engine> {
 public:
  using Sink = std::function<void(Delivery)>;  // runs on the I/O thread

  // Starts the I/O thread and waits until its socket is open.
  static std::shared_ptr<Engine> start(const EngineOptions& opts, Sink sink,
                                       std::string* err);
  ~Engine();

  // Queues a chunk of encoded messages (any thread). Seq numbers are the caller's.
  void submit(std::shared_ptr<std::vector<uint8_t>> chunk);
  void setPaused(bool paused);
  // JS has consumed a delivery and let the event loop turn: one more may come.
  void credit();
  void stop();  // returns at once; the thread ends after its current syscall
  // Synchronous round trip on the caller's thread over a second socket.
  // Returns 0 and every reply datagram in `out`, or a positive errno.
  int requestSync(const uint8_t* data, size_t len, RecvBuf* out);

 private:
  Engine(EngineOptions opts, Sink sink);
  void run(std::shared_ptr<Engine> self, std::promise<std::string>* ready);
  bool initSockets(std::string* err);
  void sendReady();
  void drain();
  void flush();
  void wake();
  bool spinForWork(uint64_t seen);  // true: new work arrived while spinning
  bool held() const;  // a full block waits for JS to consume earlier ones

  EngineOptions opts_;
  Sink sink_;
  std::unique_ptr<Pipe> pipe_, syncPipe_;
  Fd wakeFd_;
  std::mutex mu_;
  std::deque<Pending> queue_;
  std::mutex syncMu_;
  RecvBuf syncBuf_;
  std::atomic<bool> stop_{false}, paused_{false}, sleeping_{false};
  std::atomic<uint64_t> submitted_{0};
  std::atomic<int> credits_;
  std::chrono::steady_clock::time_point lastWork_;
  // Owned by the I/O thread.
  size_t inflight_ = 0;
  bool dumpActive_ = false;
  uint32_t dumpSeq_ = 0;
  RecvBuf out_;
};

}  // namespace rtnl
