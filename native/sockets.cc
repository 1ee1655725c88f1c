#include "sockets.h"

#include "spin.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <sched.h>
#include <sys/socket.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <system_error>

#include <thread>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

namespace rtnl {

namespace {

constexpr int kRequestRcvbuf = 8 << 20;
constexpr int kSndbuf = 1 << 20;

void setOpt(int fd, int level, int name, int value) { setsockopt(fd, level, name, &value, sizeof value); }

int getOpt(int fd, int level, int name) {
  int value = 0;
  socklen_t len = sizeof value;
  getsockopt(fd, level, name, &value, &len);
  return value;
}

// SO_*BUFFORCE works with CAP_NET_ADMIN; the plain option is capped by
// net.core.[rw]mem_max otherwise.
void setBuf(int fd, int force, int plain, int bytes) {
  if (setsockopt(fd, SOL_SOCKET, force, &bytes, sizeof bytes) != 0) setOpt(fd, SOL_SOCKET, plain, bytes);
}

bool fail(SysError* err, const char* call, std::string detail = {}) {
  err->err = errno ? errno : EIO;
  err->call = call;
  err->detail = std::move(detail);
  return false;
}

bool openOne(const SocketSpec& spec, Fd* out, SysError* err) {
  Fd fd(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
  if (!fd.valid()) return fail(err, "socket");
  int rcvbuf = spec.rcvbuf > 0 ? spec.rcvbuf : spec.role == Role::Requests ? kRequestRcvbuf : 0;
  if (rcvbuf > 0) setBuf(fd.get(), SO_RCVBUFFORCE, SO_RCVBUF, rcvbuf);
  if (spec.role != Role::Events) {
    setBuf(fd.get(), SO_SNDBUFFORCE, SO_SNDBUF, kSndbuf);
    setOpt(fd.get(), SOL_NETLINK, NETLINK_EXT_ACK, 1);
    setOpt(fd.get(), SOL_NETLINK, NETLINK_CAP_ACK, 1);
    setOpt(fd.get(), SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1);  // absent before 4.20: ignored
  } else if (spec.allNsid) {
    // A monitor of every nsid lists the other namespaces' addresses on this socket: the
    // kernel reads IFA_TARGET_NETNSID of a RTM_GETADDR dump only under strict checking.
    setOpt(fd.get(), SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1);
  }
  sockaddr_nl sa{};
  sa.nl_family = AF_NETLINK;
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) return fail(err, "bind");
  for (uint32_t g : spec.groups) {
    int group = static_cast<int>(g);
    if (setsockopt(fd.get(), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof group) != 0)
      return fail(err, "setsockopt", "NETLINK_ADD_MEMBERSHIP group " + std::to_string(g));
  }
  if (spec.allNsid) {
    int on = 1;
    if (setsockopt(fd.get(), SOL_NETLINK, NETLINK_LISTEN_ALL_NSID, &on, sizeof on) != 0)
      return fail(err, "setsockopt", "NETLINK_LISTEN_ALL_NSID");
  }
  *out = std::move(fd);
  return true;
}

bool openHere(const std::vector<SocketSpec>& specs, std::vector<Fd>* out, SysError* err) {
  std::vector<Fd> fds(specs.size());
  for (size_t i = 0; i < specs.size(); i++)
    if (!openOne(specs[i], &fds[i], err)) return false;
  for (auto& f : fds) out->push_back(std::move(f));
  return true;
}

struct Job {
  int nsFd;
  const std::function<bool(SysError*)>* work;
  SysError* err;
  bool ok = false;
  std::atomic<bool> done{false};
};

// Waking a sleeping thread costs ~100 us on a VM; opens come in bursts (a
// handle per pod namespace), so both sides spin briefly before sleeping.
constexpr int64_t kOpenerSpinNs = 300 * 1000;
constexpr int64_t kCallerSpinNs = 2 * 1000 * 1000;

// The one thread that enters other namespaces to create sockets there.
class Opener {
 public:
  bool run(int nsFd, const std::function<bool(SysError*)>& work, SysError* err) {
    std::lock_guard<std::mutex> one(callMu_);  // callers (JS threads of several workers) take turns
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!running_) {
        if (thread_.joinable()) thread_.join();  // it ended after failing to return home
        stop_ = false;
        try {
          thread_ = std::thread(&Opener::loop, this);
        } catch (const std::system_error& e) {
          err->err = e.code().value() ? e.code().value() : EAGAIN;
          err->call = "pthread_create";
          return false;
        }
        running_ = true;
      }
    }
    Job job{nsFd, &work, err};
    {
      std::lock_guard<std::mutex> lock(mu_);
      job_.store(&job);
    }
    cv_.notify_all();
    // Yielding, not pausing: on a busy machine the opener may be waiting for this very core.
    for (int64_t until = nowNs() + kCallerSpinNs; !job.done.load(std::memory_order_acquire) && nowNs() < until;) sched_yield();
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return job.done.load(); });
    return job.ok;
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void loop() {
    // The thread starts in the namespace of the thread that made it: the
    // process's own (JS threads never change namespace).
    Fd home(open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
    int64_t lastWork = nowNs();
    for (;;) {
      Job* job = job_.exchange(nullptr);
      if (!job) {
        if (nowNs() - lastWork < kOpenerSpinNs) {
          cpuRelax();
          continue;
        }
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return stop_ || job_.load() != nullptr; });
        if (stop_) break;
        continue;
      }
      bool goHome = false;
      if (setns(job->nsFd, CLONE_NEWNET) != 0) {
        fail(job->err, "setns");
      } else {
        goHome = true;
        job->ok = (*job->work)(job->err);
      }
      // A thread that cannot go back would keep the namespace alive: it ends instead.
      bool lost = goHome && (!home.valid() || setns(home.get(), CLONE_NEWNET) != 0);
      {
        std::lock_guard<std::mutex> lock(mu_);
        job->done.store(true, std::memory_order_release);
        if (lost) running_ = false;
      }
      cv_.notify_all();
      lastWork = nowNs();
      if (lost) return;
    }
    std::lock_guard<std::mutex> lock(mu_);
    running_ = false;
  }

  std::mutex callMu_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<Job*> job_{nullptr};
  std::thread thread_;
  bool running_ = false;
  bool stop_ = false;
};

Opener& opener() {
  static Opener* o = new Opener();  // never destroyed: stopped by stopOpener() at exit
  return *o;
}

}  // namespace

bool runInNetns(int nsFd, const std::function<bool(SysError*)>& work, SysError* err) {
  if (nsFd < 0) return work(err);
  return opener().run(nsFd, work, err);
}

bool openSockets(int nsFd, const std::vector<SocketSpec>& specs, std::vector<Fd>* out, SysError* err) {
  return runInNetns(nsFd, [&](SysError* e) { return openHere(specs, out, e); }, err);
}

int receiveBuffer(int fd) { return getOpt(fd, SOL_SOCKET, SO_RCVBUF); }
int sendBuffer(int fd) { return getOpt(fd, SOL_SOCKET, SO_SNDBUF); }

void stopOpener() { opener().stop(); }

}  // namespace rtnl
