// The I/O thread: one per process, serving every netlink socket of every
// handle (and of every worker thread's handles) with epoll.
//
// The kernel executes an rtnetlink request inside sendmsg(), so sends happen
// here, never on an event loop. The reactor knows no protocol: it sends the
// chunks JS gives it, in order, and hands back what the sockets return as
// framed records. JS decides what to send when (lib/protocol.ts).
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "fd.h"
#include "sockets.h"

namespace rtnl {

// What a record holds. Each record is an 8-byte header (u32 payload length,
// u16 channel, u16 kind, host order) and its payload, padded to 4 bytes.
enum RecordKind : uint16_t {
  kData = 0,        // one datagram
  kTruncated = 1,   // one datagram cut at the receive room (the rest is lost)
  kError = 2,       // s32 errno that recv() reported (ENOBUFS: the kernel dropped messages)
  kSendFailed = 3,  // f64 chunk id, s32 errno: sendmsg() failed, nothing of the chunk was sent
  kDataNsid = 4,    // s32 nsid of the sender's namespace (-1: none), then one datagram (NETLINK_LISTEN_ALL_NSID sockets)
};

// A malloc'd block of records handed to JS (the receiver frees it), or the
// endpoint's last word: its sockets are closed.
struct Block {
  uint8_t* data = nullptr;
  size_t len = 0;
  bool last = false;
};

// A growable byte block.
class ByteBuf {
 public:
  ByteBuf() = default;
  ByteBuf(const ByteBuf&) = delete;
  ByteBuf& operator=(const ByteBuf&) = delete;
  ~ByteBuf();
  uint8_t* reserve(size_t extra);  // room for `extra` bytes after size(), or nullptr
  void commit(size_t n) { used_ += n; }
  size_t size() const { return used_; }
  const uint8_t* data() const { return data_; }
  void clear() { used_ = 0; }
  void release();
  uint8_t* take(size_t* len);  // hands the block over (free() it)

 private:
  uint8_t* data_ = nullptr;
  size_t used_ = 0, cap_ = 0;
};

// Appends one record (header + payload + padding) to `out`.
bool appendRecord(ByteBuf* out, uint32_t chan, uint16_t kind, const void* payload, size_t len);
// Receives one datagram from `fd` into `out` as a record; returns 1, 0 (would
// block) or -errno (also recorded, as a kError record).
int receiveRecord(int fd, uint32_t chan, ByteBuf* out, uint8_t* scratch, size_t room, bool wait, bool nsid = false);

class Reactor;

// The native side of one handle (one JS connection): its channels (sockets)
// and the sink that carries blocks to its JS thread.
class Endpoint {
 public:
  using Sink = std::function<bool(Block)>;
  explicit Endpoint(Sink sink) : sink_(std::move(sink)) {}
  Endpoint(const Endpoint&) = delete;
  Endpoint& operator=(const Endpoint&) = delete;

  // JS has consumed a block and let its loop turn: one more may come.
  void credit();
  uint64_t submitted() const { return submitted_.load(); }
  uint64_t sent() const { return sent_.load(); }

 private:
  friend class Reactor;
  struct Chan {
    Endpoint* owner;
    uint32_t id;
    Fd fd;
    bool readable = true;  // edge-triggered: true until recv() says EAGAIN
    bool paused = false;
    bool nsid = false;  // NETLINK_LISTEN_ALL_NSID: read with recvmsg() and pass the sender's nsid on
  };
  // Hands a block to JS unless the endpoint was detached; false: not taken.
  bool deliver(Block b);
  // No more data for JS; `final`: say when the sockets are closed (finish()).
  void kill(bool final);
  // The reactor is done with the endpoint (its sockets are closed).
  void finish();

 public:
  // Blocks until the reactor has processed the endpoint's detach.
  void waitFinished();

 private:
  std::mutex sinkMu_;  // held while delivering, so detach waits for a delivery in progress
  std::condition_variable finishedCv_;
  bool alive_ = true, final_ = false, finished_ = false;
  Sink sink_;
  std::atomic<int> credits_{2};  // blocks handed to JS and not yet consumed, at most 2
  std::atomic<uint64_t> submitted_{0}, sent_{0};
  double taken_ = 0;  // last chunk taken for sending (guarded by the reactor's queue mutex)
  // Owned by the reactor thread.
  std::unordered_map<uint32_t, std::unique_ptr<Chan>> chans_;
  ByteBuf out_;
  bool detached_ = false;
};

class Reactor {
 public:
  // The process's reactor, started on first use; nullptr with `err` if it cannot start.
  static Reactor* instance(SysError* err);
  // Stops and joins the thread (process exit).
  static void shutdown();

  void attach(const std::shared_ptr<Endpoint>& ep, uint32_t chan, Fd fd, bool nsid = false);
  void send(const std::shared_ptr<Endpoint>& ep, uint32_t chan, double chunk, const uint8_t* data, size_t len);
  // Rewrites bytes of a chunk that has not been taken for sending yet.
  bool patch(Endpoint* ep, double chunk, size_t offset, const uint8_t* data, size_t len);
  void closeChannel(const std::shared_ptr<Endpoint>& ep, uint32_t chan);
  void pause(const std::shared_ptr<Endpoint>& ep, uint32_t chan, bool paused);
  // Drops what was not taken for sending, stops deliveries (waiting for one in
  // progress), and lets the thread close the sockets; `final`: then deliver a
  // last block saying so. Returns the id of the last chunk taken for sending
  // (0: none).
  double detach(const std::shared_ptr<Endpoint>& ep, bool final);
  // Something changed for a waiting endpoint (a credit came back): look again.
  void nudge();
  void wake();

 private:
  enum class Op : uint8_t { Attach, Send, CloseChannel, Pause, Resume, Detach };
  struct Command {
    Command() = default;
    Command(Op o, std::shared_ptr<Endpoint> e) : op(o), ep(std::move(e)) {}
    Op op = Op::Send;
    std::shared_ptr<Endpoint> ep;
    uint32_t chan = 0;
    double chunk = 0;
    std::vector<uint8_t> bytes;
    Fd fd;
    bool nsid = false;
  };

  Reactor() = default;
  bool start(SysError* err);
  void post(Command c);
  void loop();
  void handle(Command& c);
  void doSend(Endpoint& ep, Command& c);
  bool drain(Endpoint& ep, Endpoint::Chan& c);
  bool readAll();
  void flush(Endpoint& ep);
  bool held(const Endpoint& ep) const;
  bool idleSpin();

  Fd epoll_, wake_;
  std::thread thread_;
  std::mutex mu_;
  std::deque<Command> queue_;
  std::atomic<bool> stop_{false}, sleeping_{false};
  std::atomic<uint64_t> events_{0};  // commands posted and credits returned
  // Owned by the reactor thread.
  std::unordered_map<Endpoint*, std::shared_ptr<Endpoint>> endpoints_;
  std::unordered_set<Endpoint*> active_;  // may have something to read or deliver
  std::vector<uint8_t> scratch_;
  int64_t lastWork_ = 0;
};

}  // namespace rtnl
