// N-API glue: exposes the engine (native/socket.*) and the namespace
// primitives (native/netns.*) to lib/. Everything here converts arguments and
// results; no netlink knowledge lives in this file.
#include <fcntl.h>
#include <linux/netlink.h>
#include <napi.h>
#include <poll.h>
#include <linux/bpf.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "netns.h"
#include "reactor.h"
#include "sockets.h"
#include "tun.h"

namespace {

// The errno's symbolic name, as strerrorname_np() gives it (glibc 2.32+ only:
// the prebuilt binaries target glibc 2.17 and musl, which lack it). Aliases
// (EWOULDBLOCK, EDEADLOCK, ENOTSUP) give the name listed first in the kernel's
// asm-generic/errno*.h, as glibc does.
const char* errnoName(int err) {
  switch (err) {
#define E(name) \
  case name:    \
    return #name;
    E(EPERM) E(ENOENT) E(ESRCH) E(EINTR) E(EIO) E(ENXIO) E(E2BIG) E(ENOEXEC) E(EBADF) E(ECHILD)
    E(EAGAIN) E(ENOMEM) E(EACCES) E(EFAULT) E(ENOTBLK) E(EBUSY) E(EEXIST) E(EXDEV) E(ENODEV)
    E(ENOTDIR) E(EISDIR) E(EINVAL) E(ENFILE) E(EMFILE) E(ENOTTY) E(ETXTBSY) E(EFBIG) E(ENOSPC)
    E(ESPIPE) E(EROFS) E(EMLINK) E(EPIPE) E(EDOM) E(ERANGE) E(EDEADLK) E(ENAMETOOLONG) E(ENOLCK)
    E(ENOSYS) E(ENOTEMPTY) E(ELOOP) E(ENOMSG) E(EIDRM) E(ECHRNG) E(EL2NSYNC) E(EL3HLT) E(EL3RST)
    E(ELNRNG) E(EUNATCH) E(ENOCSI) E(EL2HLT) E(EBADE) E(EBADR) E(EXFULL) E(ENOANO) E(EBADRQC)
    E(EBADSLT) E(EBFONT) E(ENOSTR) E(ENODATA) E(ETIME) E(ENOSR) E(ENONET) E(ENOPKG) E(EREMOTE)
    E(ENOLINK) E(EADV) E(ESRMNT) E(ECOMM) E(EPROTO) E(EMULTIHOP) E(EDOTDOT) E(EBADMSG) E(EOVERFLOW)
    E(ENOTUNIQ) E(EBADFD) E(EREMCHG) E(ELIBACC) E(ELIBBAD) E(ELIBSCN) E(ELIBMAX) E(ELIBEXEC)
    E(EILSEQ) E(ERESTART) E(ESTRPIPE) E(EUSERS) E(ENOTSOCK) E(EDESTADDRREQ) E(EMSGSIZE)
    E(EPROTOTYPE) E(ENOPROTOOPT) E(EPROTONOSUPPORT) E(ESOCKTNOSUPPORT) E(EOPNOTSUPP) E(EPFNOSUPPORT)
    E(EAFNOSUPPORT) E(EADDRINUSE) E(EADDRNOTAVAIL) E(ENETDOWN) E(ENETUNREACH) E(ENETRESET)
    E(ECONNABORTED) E(ECONNRESET) E(ENOBUFS) E(EISCONN) E(ENOTCONN) E(ESHUTDOWN) E(ETOOMANYREFS)
    E(ETIMEDOUT) E(ECONNREFUSED) E(EHOSTDOWN) E(EHOSTUNREACH) E(EALREADY) E(EINPROGRESS) E(ESTALE)
    E(EUCLEAN) E(ENOTNAM) E(ENAVAIL) E(EISNAM) E(EREMOTEIO) E(EDQUOT) E(ENOMEDIUM) E(EMEDIUMTYPE)
    E(ECANCELED) E(ENOKEY) E(EKEYEXPIRED) E(EKEYREVOKED) E(EKEYREJECTED) E(EOWNERDEAD)
    E(ENOTRECOVERABLE) E(ERFKILL) E(EHWPOISON)
#undef E
    default:
      return nullptr;
  }
}

// An Error shaped like Node's system errors (code, negative errno).
Napi::Error errnoError(Napi::Env env, int err, const std::string& message) {
  Napi::Error e = Napi::Error::New(env, message);
  const char* name = errnoName(err);
  e.Set("code", Napi::String::New(env, name ? name : "EUNKNOWN"));
  e.Set("errno", Napi::Number::New(env, -err));
  return e;
}

// Throws an Error shaped like Node's system errors (code, negative errno).
void throwErrno(Napi::Env env, int err, const std::string& message) {
  errnoError(env, err, message).ThrowAsJavaScriptException();
}

// An Error for a failed system call: code, negative errno, syscall, as Node's own.
Napi::Error sysError(Napi::Env env, const rtnl::SysError& e) {
  std::string msg = e.call + (e.detail.empty() ? "" : " (" + e.detail + ")") + ": " + strerror(e.err);
  Napi::Error err = errnoError(env, e.err, msg);
  err.Set("syscall", Napi::String::New(env, e.call));
  return err;
}

// Wraps a malloc'd block as a Buffer: small ones are copied into V8's heap
// (cheaper than a finalizer), large ones are handed over without a copy.
Napi::Value externalBuffer(Napi::Env env, uint8_t* data, size_t len) {
  if (!data) return Napi::Buffer<uint8_t>::New(env, 0);
  if (len <= 4096) {
    Napi::Value copy = Napi::Buffer<uint8_t>::Copy(env, data, len);
    std::free(data);
    return copy;
  }
  return Napi::Buffer<uint8_t>::New(env, data, len, [](Napi::Env, uint8_t* p) { std::free(p); });
}

int32_t int32Of(const Napi::Object& o, const char* key, int32_t dflt) {
  Napi::Value v = o.Get(key);
  return v.IsNumber() ? v.As<Napi::Number>().Int32Value() : dflt;
}

// What outlives the JS Socket object: the endpoint and the threadsafe
// function, until the reactor is done with them. Released exactly once, on
// the JS thread: by the endpoint's last block (after close() or a collected
// handle), or by the environment's cleanup hook (worker exit, process exit),
// which waits for the reactor first.
struct Life {
  std::shared_ptr<rtnl::Endpoint> ep;
  Napi::ThreadSafeFunction tsfn;
  napi_env env = nullptr;
  std::shared_ptr<Life>* hookArg = nullptr;
  rtnl::Fd nsFd, sync;  // the namespace (to open more channels) and the blocking-call socket
  bool detached = false;
  bool released = false;
  double taken = 0;

  double detach(bool wait) {
    rtnl::SysError err;
    rtnl::Reactor* r = rtnl::Reactor::instance(&err);
    if (!detached) {
      detached = true;
      if (r) taken = r->detach(ep, !wait);
    }
    if (wait) ep->waitFinished();
    return taken;
  }

  void release(bool inHook) {
    if (released) return;
    released = true;
    nsFd.reset();
    sync.reset();
    tsfn.Release();
    if (hookArg) {
      if (!inHook) napi_remove_env_cleanup_hook(env, Hook, hookArg);
      auto* arg = hookArg;
      hookArg = nullptr;
      delete arg;  // may drop the last reference to this Life: nothing after
    }
  }

  static void Hook(void* arg) {
    std::shared_ptr<Life> life = *static_cast<std::shared_ptr<Life>*>(arg);
    life->detach(true);  // the reactor never calls into this environment again
    life->release(true);
  }
};

// What the reactor hands to the JS thread.
struct Delivery {
  rtnl::Block block;
  std::shared_ptr<Life> life;  // set on the last one
};

// One handle's sockets. Channel 0 is the request socket (or the event socket
// of a monitor); more channels are opened for dumps; a separate socket serves
// blocking calls on the JS thread. Everything else runs on the reactor.
class Socket : public Napi::ObjectWrap<Socket> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Socket",
                       {InstanceMethod("submit", &Socket::Submit),
                        InstanceMethod("patch", &Socket::Patch),
                        InstanceMethod("openChannel", &Socket::OpenChannel),
                        InstanceMethod("closeChannel", &Socket::CloseChannel),
                        InstanceMethod("pause", &Socket::Pause),
                        InstanceMethod("credit", &Socket::Credit),
                        InstanceMethod("ref", &Socket::Ref),
                        InstanceMethod("unref", &Socket::Unref),
                        InstanceMethod("destroy", &Socket::Destroy),
                        InstanceMethod("info", &Socket::Info),
                        InstanceMethod("openSync", &Socket::OpenSync),
                        InstanceMethod("sendSync", &Socket::SendSync),
                        InstanceMethod("recvSync", &Socket::RecvSync),
                        InstanceMethod("stats", &Socket::Stats),
                        InstanceMethod("dupNetns", &Socket::DupNetns)});
  }

  // new Socket({ netnsFd?, events?, groups?, rcvbuf?, dumpChannels?, syncSocket? }, onBlock(block | null))
  explicit Socket(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Socket>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsFunction()) {
      Napi::TypeError::New(env, "Socket(options, onBlock)").ThrowAsJavaScriptException();
      return;
    }
    Napi::Object o = info[0].As<Napi::Object>();
    int nsFd = int32Of(o, "netnsFd", -1);
    rtnl::SocketSpec spec;
    spec.rcvbuf = int32Of(o, "rcvbuf", 0);
    if (o.Get("events").ToBoolean().Value()) {
      spec.role = rtnl::Role::Events;
      Napi::Value g = o.Get("groups");
      if (g.IsArray()) {
        Napi::Array arr = g.As<Napi::Array>();
        for (uint32_t i = 0; i < arr.Length(); i++) spec.groups.push_back(arr.Get(i).As<Napi::Number>().Uint32Value());
      }
      spec.allNsid = o.Get("allNsid").ToBoolean().Value();
    }
    rtnlRcvbuf_ = spec.rcvbuf;
    rtnl::SysError err;
    rtnl::Reactor* reactor = rtnl::Reactor::instance(&err);
    if (!reactor) {
      sysError(env, err).ThrowAsJavaScriptException();
      return;
    }
    // Dump channels made now come with the same trip to the namespace (1..n).
    std::vector<rtnl::SocketSpec> specs{spec};
    int extra = spec.role == rtnl::Role::Requests ? std::max(0, std::min(int32Of(o, "dumpChannels", 0), 4)) : 0;
    for (int i = 0; i < extra; i++) {
      rtnl::SocketSpec d;
      d.role = rtnl::Role::Dump;
      specs.push_back(d);
    }
    // The blocking-call socket (also used for requests sent inline) comes with the same trip.
    bool withSync = spec.role == rtnl::Role::Requests && o.Get("syncSocket").ToBoolean().Value();
    if (withSync) {
      rtnl::SocketSpec sy;
      sy.rcvbuf = spec.rcvbuf;
      specs.push_back(sy);
    }
    std::vector<rtnl::Fd> fds;
    if (!rtnl::openSockets(nsFd, specs, &fds, &err)) {
      sysError(env, err).ThrowAsJavaScriptException();
      return;
    }
    rtnl::Fd syncFd;
    if (withSync) {
      syncFd = std::move(fds.back());
      fds.pop_back();
    }
    rcvbuf_ = rtnl::receiveBuffer(fds[0].get());
    sndbuf_ = rtnl::sendBuffer(fds[0].get());
    rtnl::Fd keptNs;
    if (nsFd >= 0 && spec.role == rtnl::Role::Requests) {
      // Kept to open more channels (dumps, blocking calls) in the same namespace.
      keptNs.reset(fcntl(nsFd, F_DUPFD_CLOEXEC, 0));
      if (!keptNs.valid()) {
        err.err = errno;
        err.call = "fcntl";
        err.detail = "F_DUPFD_CLOEXEC";
        sysError(env, err).ThrowAsJavaScriptException();
        return;
      }
    }
    life_ = std::make_shared<Life>();
    life_->env = env;
    life_->nsFd = std::move(keptNs);
    life_->sync = std::move(syncFd);
    life_->tsfn = Napi::ThreadSafeFunction::New(env, info[1].As<Napi::Function>(), "rtnetlink", 0, 1);
    (void)napi_unref_threadsafe_function(env, life_->tsfn);
    std::weak_ptr<Life> weak = life_;
    Napi::ThreadSafeFunction tsfn = life_->tsfn;
    life_->ep = std::make_shared<rtnl::Endpoint>([tsfn, weak](rtnl::Block b) mutable {
      auto* d = new Delivery{b, b.last ? weak.lock() : nullptr};
      if (tsfn.NonBlockingCall(d, Deliver) == napi_ok) return true;
      delete d;
      return false;
    });
    for (size_t i = 0; i < fds.size(); i++) reactor->attach(life_->ep, static_cast<uint32_t>(i), std::move(fds[i]), i == 0 && spec.allNsid);
    // Registered after the threadsafe function, so it runs before the one
    // Node registered for it (cleanup hooks run last-in, first-out).
    life_->hookArg = new std::shared_ptr<Life>(life_);
    napi_add_env_cleanup_hook(env, Life::Hook, life_->hookArg);
  }

  ~Socket() override {
    if (life_ && !life_->detached) life_->detach(false);
  }

 private:
  rtnl::Endpoint* ep() const { return life_ && !life_->detached ? life_->ep.get() : nullptr; }
  const std::shared_ptr<rtnl::Endpoint>& epRef() const { return life_->ep; }

  // Runs on the JS thread; also while the environment is torn down, when
  // calls into JS fail: raw N-API here, every failure ignored, nothing thrown.
  static void Deliver(Napi::Env env, Napi::Function fn, Delivery* raw) {
    std::unique_ptr<Delivery> d(raw);
    if (!env || !fn) {  // the environment is going away
      std::free(d->block.data);
      return;
    }
    napi_value arg = nullptr;
    if (d->block.last) {
      napi_get_null(env, &arg);
    } else if (d->block.len <= 4096) {
      // Small blocks are copied into V8's heap (cheaper than a finalizer).
      void* out;
      if (napi_create_buffer_copy(env, d->block.len, d->block.data, &out, &arg) != napi_ok) arg = nullptr;
      std::free(d->block.data);
    } else if (napi_create_external_buffer(env, d->block.len, d->block.data, [](napi_env, void* p, void*) { std::free(p); },
                                           nullptr, &arg) != napi_ok) {
      std::free(d->block.data);
      arg = nullptr;
    }
    if (arg) {
      napi_value undefined, result;
      napi_get_undefined(env, &undefined);
      if (napi_call_function(env, undefined, fn, 1, &arg, &result) != napi_ok) {
        // lib/netlink.ts catches everything; whatever escaped must not reach Node's handler.
        bool pending = false;
        napi_value ex;
        if (napi_is_exception_pending(env, &pending) == napi_ok && pending) napi_get_and_clear_last_exception(env, &ex);
      }
    }
    if (d->block.last && d->life) d->life->release(false);
  }

  bool alive(Napi::Env env) {
    if (ep()) return true;
    throwErrno(env, EBADF, "netlink socket is closed");
    return false;
  }

  rtnl::Reactor* reactor() {
    rtnl::SysError err;
    return rtnl::Reactor::instance(&err);  // exists: the constructor started it
  }

  // submit(channel, chunkId, bytes)
  Napi::Value Submit(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!alive(env)) return env.Undefined();
    auto buf = info[2].As<Napi::Uint8Array>();
    reactor()->send(epRef(), info[0].As<Napi::Number>().Uint32Value(), info[1].As<Napi::Number>().DoubleValue(), buf.Data(),
                    buf.ByteLength());
    return env.Undefined();
  }

  // patch(chunkId, offset, bytes) -> true when the chunk was not taken for sending yet
  Napi::Value Patch(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!ep()) return Napi::Boolean::New(env, false);
    auto buf = info[2].As<Napi::Uint8Array>();
    bool ok = reactor()->patch(ep(), info[0].As<Napi::Number>().DoubleValue(),
                               info[1].As<Napi::Number>().Uint32Value(), buf.Data(), buf.ByteLength());
    return Napi::Boolean::New(env, ok);
  }

  // openChannel(channel): a socket for dumps, in the handle's namespace
  Napi::Value OpenChannel(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!alive(env)) return env.Undefined();
    rtnl::SocketSpec spec;
    spec.role = rtnl::Role::Dump;
    std::vector<rtnl::Fd> fds;
    rtnl::SysError err;
    if (!rtnl::openSockets(life_->nsFd.valid() ? life_->nsFd.get() : -1, {spec}, &fds, &err)) {
      sysError(env, err).ThrowAsJavaScriptException();
      return env.Undefined();
    }
    reactor()->attach(epRef(), info[0].As<Napi::Number>().Uint32Value(), std::move(fds[0]));
    return env.Undefined();
  }

  Napi::Value CloseChannel(const Napi::CallbackInfo& info) {
    if (ep()) reactor()->closeChannel(epRef(), info[0].As<Napi::Number>().Uint32Value());
    return info.Env().Undefined();
  }

  // pause(channel, paused)
  Napi::Value Pause(const Napi::CallbackInfo& info) {
    if (ep()) reactor()->pause(epRef(), info[0].As<Napi::Number>().Uint32Value(), info[1].ToBoolean().Value());
    return info.Env().Undefined();
  }

  Napi::Value Credit(const Napi::CallbackInfo& info) {
    if (ep()) {
      ep()->credit();
      reactor()->nudge();
    }
    return info.Env().Undefined();
  }

  // Raw N-API, failures ignored: while a worker is terminated these calls fail,
  // and node-addon-api's throw of that failure would abort the process.
  Napi::Value Ref(const Napi::CallbackInfo& info) {
    if (ep()) (void)napi_ref_threadsafe_function(info.Env(), life_->tsfn);
    return info.Env().Undefined();
  }

  Napi::Value Unref(const Napi::CallbackInfo& info) {
    if (ep()) (void)napi_unref_threadsafe_function(info.Env(), life_->tsfn);
    return info.Env().Undefined();
  }

  // destroy() -> id of the last chunk taken for sending (later ones were never
  // sent); onBlock(null) follows once the sockets are closed. Idempotent.
  Napi::Value Destroy(const Napi::CallbackInfo& info) {
    // The loop stays alive until the last block says the sockets are closed.
    if (life_ && !life_->detached) (void)napi_ref_threadsafe_function(info.Env(), life_->tsfn);
    double taken = life_ ? life_->detach(false) : 0;
    if (life_) {
      life_->sync.reset();
      life_->nsFd.reset();
    }
    syncBuf_.release();
    return Napi::Number::New(info.Env(), taken);
  }

  // info() -> { rcvbuf, sndbuf } of channel 0
  Napi::Value Info(const Napi::CallbackInfo& info) {
    Napi::Object o = Napi::Object::New(info.Env());
    o.Set("rcvbuf", Napi::Number::New(info.Env(), rcvbuf_));
    o.Set("sndbuf", Napi::Number::New(info.Env(), sndbuf_));
    return o;
  }

  // openSync() -> rcvbuf of the socket that blocking calls use (opened once)
  Napi::Value OpenSync(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!alive(env)) return env.Undefined();
    if (!life_->sync.valid()) {
      rtnl::SocketSpec spec;
      spec.rcvbuf = rtnlRcvbuf_;
      std::vector<rtnl::Fd> fds;
      rtnl::SysError err;
      if (!rtnl::openSockets(life_->nsFd.valid() ? life_->nsFd.get() : -1, {spec}, &fds, &err)) {
        sysError(env, err).ThrowAsJavaScriptException();
        return env.Undefined();
      }
      life_->sync = std::move(fds[0]);
    }
    return Napi::Number::New(env, rtnl::receiveBuffer(life_->sync.get()));
  }

  // sendSync(bytes) -> 0 or a positive errno (nothing of it was sent)
  Napi::Value SendSync(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!alive(env) || !life_->sync.valid()) return Napi::Number::New(env, EBADF);
    auto buf = info[0].As<Napi::Uint8Array>();
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    ssize_t r;
    do r = sendto(life_->sync.get(), buf.Data(), buf.ByteLength(), 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel);
    while (r < 0 && errno == EINTR);
    syncSent_++;
    return Napi::Number::New(env, r < 0 ? errno : 0);
  }

  // recvSync(timeoutMs) -> one datagram as a record (or an error record), or
  // null when nothing came in time. The kernel answers inside sendmsg(), so
  // the answer is usually there already: one recv(), no poll().
  Napi::Value RecvSync(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!alive(env) || !life_->sync.valid()) return env.Null();
    int timeout = info[0].As<Napi::Number>().Int32Value();
    if (syncScratch_.empty()) syncScratch_.resize(1 << 20);
    syncBuf_.clear();
    int fd = life_->sync.get();
    int r = rtnl::receiveRecord(fd, 0, &syncBuf_, syncScratch_.data(), syncScratch_.size(), false);
    if (r == 0) {
      pollfd p{fd, POLLIN, 0};
      int n;
      do n = poll(&p, 1, timeout);
      while (n < 0 && errno == EINTR);
      if (n == 0) return env.Null();
      r = rtnl::receiveRecord(fd, 0, &syncBuf_, syncScratch_.data(), syncScratch_.size(), false);
      if (r == 0) return env.Null();
    }
    size_t len = syncBuf_.size();
    auto* data = static_cast<uint8_t*>(std::malloc(len ? len : 1));
    if (!data) {
      throwErrno(env, ENOMEM, "recvSync");
      return env.Undefined();
    }
    std::memcpy(data, syncBuf_.data(), len);
    return externalBuffer(env, data, len);
  }

  // stats() -> { submitted, sent, syncSent }: chunks handed to the reactor, sendmsg() calls it made, blocking sends
  Napi::Value Stats(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Object o = Napi::Object::New(env);
    o.Set("submitted", Napi::Number::New(env, life_ ? static_cast<double>(life_->ep->submitted()) : 0));
    o.Set("sent", Napi::Number::New(env, life_ ? static_cast<double>(life_->ep->sent()) : 0));
    o.Set("syncSent", Napi::Number::New(env, static_cast<double>(syncSent_)));
    return o;
  }

  // dupNetns() -> a new fd (close-on-exec) of the handle's namespace, or -1 for the caller's own
  Napi::Value DupNetns(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!life_ || !life_->nsFd.valid()) return Napi::Number::New(env, -1);
    int fd = fcntl(life_->nsFd.get(), F_DUPFD_CLOEXEC, 0);
    if (fd < 0) {
      int e = errno;
      throwErrno(env, e, std::string("dup of the namespace fd: ") + strerror(e));
      return env.Undefined();
    }
    return Napi::Number::New(env, fd);
  }

  std::shared_ptr<Life> life_;
  int rcvbuf_ = 0, sndbuf_ = 0, rtnlRcvbuf_ = 0;
  rtnl::ByteBuf syncBuf_;
  std::vector<uint8_t> syncScratch_;
  uint64_t syncSent_ = 0;
};

Napi::Value resultOrThrow(Napi::Env env, int r, const std::string& err) {
  if (r < 0) {
    throwErrno(env, -r, err);
    return env.Undefined();
  }
  return Napi::Number::New(env, r);
}

// Runs a namespace primitive (which itself changes namespace only on a thread
// of its own, never on this pool thread) off the event loop; settles a promise
// with its non-negative result or an errno-shaped error.
class NetnsWorker : public Napi::AsyncWorker {
 public:
  using Fn = std::function<int(std::string*)>;
  NetnsWorker(Napi::Env env, Fn fn)
      : Napi::AsyncWorker(env, "rtnetlink-netns"), fn_(std::move(fn)), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override { result_ = fn_(&err_); }
  void OnOK() override {
    Napi::Env env = Env();
    if (result_ < 0)
      deferred_.Reject(errnoError(env, -result_, err_).Value());
    else
      deferred_.Resolve(Napi::Number::New(env, result_));
  }

 private:
  Fn fn_;
  Napi::Promise::Deferred deferred_;
  int result_ = 0;
  std::string err_;
};

Napi::Value startWorker(Napi::Env env, NetnsWorker::Fn fn) {
  auto* w = new NetnsWorker(env, std::move(fn));  // deletes itself when done
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

// netnsCreateAsync() -> Promise<fd>
Napi::Value NetnsCreateAsync(const Napi::CallbackInfo& info) {
  return startWorker(info.Env(), [](std::string* err) { return rtnl::netnsCreate(err); });
}

// netnsCreateAtAsync(path) -> Promise<0>
Napi::Value NetnsCreateAtAsync(const Napi::CallbackInfo& info) {
  std::string path = info[0].As<Napi::String>();
  return startWorker(info.Env(), [path](std::string* err) { return rtnl::netnsCreateAt(path, err); });
}

Napi::Value NetnsCreate(const Napi::CallbackInfo& info) {
  std::string err;
  return resultOrThrow(info.Env(), rtnl::netnsCreate(&err), err);
}

Napi::Value NetnsCreateAt(const Napi::CallbackInfo& info) {
  std::string err;
  return resultOrThrow(info.Env(), rtnl::netnsCreateAt(info[0].As<Napi::String>(), &err), err);
}

// socketInNetns(nsFd, domain, type, protocol) -> fd
Napi::Value SocketInNetns(const Napi::CallbackInfo& info) {
  std::string err;
  int r = rtnl::socketInNetns(info[0].As<Napi::Number>().Int32Value(),
                              info[1].As<Napi::Number>().Int32Value(),
                              info[2].As<Napi::Number>().Int32Value(),
                              info[3].As<Napi::Number>().Int32Value(), &err);
  return resultOrThrow(info.Env(), r, err);
}

// bindSocket(fd, address, port)
Napi::Value BindSocket(const Napi::CallbackInfo& info) {
  std::string err;
  int r = rtnl::bindSocket(info[0].As<Napi::Number>().Int32Value(), info[1].As<Napi::String>(),
                           info[2].As<Napi::Number>().Int32Value(), &err);
  return resultOrThrow(info.Env(), r, err);
}

// mount(source, target, fstype, flags, data)
// bpfObjGet(path) -> fd: opens a pinned BPF object (BPF_OBJ_GET), close-on-exec.
// Generic fd plumbing, as `tc … bpf pinned PATH` opens the program it attaches.
Napi::Value BpfObjGet(const Napi::CallbackInfo& info) {
  std::string path = info[0].As<Napi::String>().Utf8Value();
  union bpf_attr attr;
  std::memset(&attr, 0, sizeof attr);
  attr.pathname = reinterpret_cast<uint64_t>(path.c_str());
  attr.file_flags = 0;
  long fd = syscall(__NR_bpf, BPF_OBJ_GET, &attr, sizeof attr);
  if (fd < 0) {
    int e = errno;
    throwErrno(info.Env(), e, "bpf(BPF_OBJ_GET) " + path + ": " + strerror(e));
    return info.Env().Undefined();
  }
  fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC);
  return Napi::Number::New(info.Env(), static_cast<double>(fd));
}

Napi::Value Mount(const Napi::CallbackInfo& info) {
  auto str = [&](size_t i) -> std::string {
    return info[i].IsString() ? info[i].As<Napi::String>().Utf8Value() : std::string();
  };
  std::string src = str(0), target = str(1), type = str(2), data = str(4);
  unsigned long flags = static_cast<unsigned long>(info[3].As<Napi::Number>().Int64Value());
  if (mount(src.empty() ? nullptr : src.c_str(), target.c_str(), type.empty() ? nullptr : type.c_str(),
            flags, data.empty() ? nullptr : data.c_str()) != 0) {
    int e = errno;
    throwErrno(info.Env(), e, "mount " + target + ": " + strerror(e));
  }
  return info.Env().Undefined();
}

// umount2(target, flags)
Napi::Value Umount(const Napi::CallbackInfo& info) {
  std::string target = info[0].As<Napi::String>();
  if (umount2(target.c_str(), info[1].As<Napi::Number>().Int32Value()) != 0) {
    int e = errno;
    throwErrno(info.Env(), e, "umount " + target + ": " + strerror(e));
  }
  return info.Env().Undefined();
}

// At process exit (natural or process.exit()), the I/O and opener threads are
// stopped and joined before static destructors run. Worker threads' handles
// were detached by their environments' cleanup hooks already.
void atExit() {
  rtnl::Reactor::shutdown();
  rtnl::stopOpener();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  static std::once_flag once;
  std::call_once(once, [] { std::atexit(atExit); });
  exports.Set("Socket", Socket::Define(env));
  exports.Set("netnsCreate", Napi::Function::New(env, NetnsCreate));
  exports.Set("netnsCreateAt", Napi::Function::New(env, NetnsCreateAt));
  exports.Set("netnsCreateAsync", Napi::Function::New(env, NetnsCreateAsync));
  exports.Set("netnsCreateAtAsync", Napi::Function::New(env, NetnsCreateAtAsync));
  exports.Set("socketInNetns", Napi::Function::New(env, SocketInNetns));
  exports.Set("bindSocket", Napi::Function::New(env, BindSocket));
  exports.Set("mount", Napi::Function::New(env, Mount));
  exports.Set("bpfObjGet", Napi::Function::New(env, BpfObjGet));
  exports.Set("umount", Napi::Function::New(env, Umount));
  rtnl::tunInit(env, exports);
  return exports;
}

}  // namespace

namespace rtnl {
const char* errnoNameOf(int err) { return errnoName(err); }
}  // namespace rtnl

NODE_API_MODULE(rtnetlink, Init)
