// TUN/TAP: TUNSETIFF on /dev/net/tun (opened by a thread that entered the
// handle's namespace: the device is born in the namespace of the opener), the
// TUNSET* ioctls `ip tuntap add` uses, and TunQueue, which reads one queue's
// frames on the event loop through a uv_poll handle and writes frames back.
#include "tun.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <uv.h>

#include <cstring>
#include <string>
#include <vector>

#include "fd.h"
#include "sockets.h"

namespace rtnl {

namespace {

Napi::Error errnoError(Napi::Env env, int err, const std::string& what) {
  Napi::Error e = Napi::Error::New(env, what + ": " + strerror(err));
  const char* name = errnoNameOf(err);
  e.Set("code", Napi::String::New(env, name ? name : "EUNKNOWN"));
  e.Set("errno", Napi::Number::New(env, -err));
  return e;
}

// Opens /dev/net/tun and attaches it to the device `name` (TUNSETIFF) inside
// `nsFd` (-1: this namespace), on the opener thread that makes the handles'
// sockets there. Returns the fd (non-blocking, close-on-exec) or -errno;
// `name` gets the kernel's name for the device, `what` the call that failed.
int openTun(int nsFd, std::string* name, int flags, std::string* what) {
  int result = -1;
  rtnl::SysError err;
  bool ok = rtnl::runInNetns(
      nsFd,
      [&](rtnl::SysError* e) {
        Fd fd(open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK));
        if (!fd.valid()) {
          e->err = errno;
          e->call = "open /dev/net/tun";
          return false;
        }
        ifreq ifr;
        std::memset(&ifr, 0, sizeof ifr);
        ifr.ifr_flags = static_cast<short>(flags);
        std::strncpy(ifr.ifr_name, name->c_str(), IFNAMSIZ - 1);
        if (ioctl(fd.get(), TUNSETIFF, &ifr) != 0) {
          e->err = errno;
          e->call = "ioctl(TUNSETIFF)";
          return false;
        }
        *name = std::string(ifr.ifr_name, strnlen(ifr.ifr_name, IFNAMSIZ));
        result = fd.release();
        return true;
      },
      &err);
  if (ok) return result;
  *what = err.call;
  return -(err.err ? err.err : EIO);
}

// tunOpen(nsFd, name, flags, takeNs) -> { fd, name }; with takeNs, nsFd is
// closed here (an fd the addon made: Node's fs would warn about closing it in a worker).
Napi::Value TunOpen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = info[1].As<Napi::String>().Utf8Value();
  std::string what;
  int nsFd = info[0].As<Napi::Number>().Int32Value();
  Fd owned(info[3].ToBoolean().Value() ? nsFd : -1);
  int fd = openTun(nsFd, &name, info[2].As<Napi::Number>().Int32Value(), &what);
  if (fd < 0) {
    errnoError(env, -fd, what).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("fd", Napi::Number::New(env, fd));
  o.Set("name", Napi::String::New(env, name));
  return o;
}

// tunSet(fd, 'persist'|'owner'|'group', value): TUNSETPERSIST / TUNSETOWNER / TUNSETGROUP.
Napi::Value TunSet(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = info[0].As<Napi::Number>().Int32Value();
  std::string op = info[1].As<Napi::String>().Utf8Value();
  unsigned long value = static_cast<unsigned long>(info[2].As<Napi::Number>().Int64Value());
  unsigned long req;
  const char* what;
  if (op == "persist") req = TUNSETPERSIST, what = "ioctl(TUNSETPERSIST)";
  else if (op == "owner") req = TUNSETOWNER, what = "ioctl(TUNSETOWNER)";
  else if (op == "group") req = TUNSETGROUP, what = "ioctl(TUNSETGROUP)";
  else {
    Napi::TypeError::New(env, "tunSet: unknown request " + op).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (ioctl(fd, req, value) != 0) errnoError(env, errno, what).ThrowAsJavaScriptException();
  return env.Undefined();
}

// tunClose(fd): closes a tun fd the addon opened (Node's fs warns when a worker closes fds it did not open).
Napi::Value TunClose(const Napi::CallbackInfo& info) {
  Fd(info[0].As<Napi::Number>().Int32Value()).reset();
  return info.Env().Undefined();
}

// The uv side of a queue: lives until libuv has closed the poll handle, which
// may be after the JS object is gone; the fd is closed with it.
struct Poll {
  uv_poll_t handle;
  Fd fd;
  class TunQueue* owner = nullptr;
  napi_async_cleanup_hook_handle hook = nullptr;
};

void closed(uv_handle_t* h) {
  Poll* p = static_cast<Poll*>(h->data);
  if (p->hook) napi_remove_async_cleanup_hook(p->hook);  // also tells a teardown in progress that this one is done
  delete p;
}

// Stops polling and closes the handle (once). The fd closes at once (libuv
// allows that after uv_poll_stop), so the device is free for another opener
// (or gone, when nothing else holds it) when close() returns.
void shut(Poll* p) {
  if (uv_is_closing(reinterpret_cast<uv_handle_t*>(&p->handle))) return;
  uv_poll_stop(&p->handle);
  uv_close(reinterpret_cast<uv_handle_t*>(&p->handle), closed);
  p->fd.reset();
}

// At environment teardown (worker or process exit) a queue still open is closed.
void forget(class TunQueue* q);
void envCleanup(napi_async_cleanup_hook_handle, void* arg) {
  Poll* p = static_cast<Poll*>(arg);
  if (p->owner) forget(p->owner);
  p->owner = nullptr;
  shut(p);
}

// new TunQueue(fd, onFrames(frames[])): owns fd. start()/stop() reading,
// write(frame) -> bytes, close(), ref()/unref() of the event loop.
class TunQueue : public Napi::ObjectWrap<TunQueue> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "TunQueue",
                       {InstanceMethod("start", &TunQueue::Start), InstanceMethod("stop", &TunQueue::Stop),
                        InstanceMethod("write", &TunQueue::Write), InstanceMethod("close", &TunQueue::Close),
                        InstanceMethod("ref", &TunQueue::Ref), InstanceMethod("unref", &TunQueue::Unref)});
  }

  explicit TunQueue(const Napi::CallbackInfo& info) : Napi::ObjectWrap<TunQueue>(info), buf_(kFrameMax) {
    Napi::Env env = info.Env();
    int fd = info[0].As<Napi::Number>().Int32Value();
    // Held weakly while not reading (the JS stream holds it): a stream dropped
    // without destroy() is collected and its fd closed by the destructor.
    onFrames_ = Napi::Weak(info[1].As<Napi::Function>());
    uv_loop_t* loop = nullptr;
    if (napi_get_uv_event_loop(env, &loop) != napi_ok || !loop) {
      Napi::Error::New(env, "TunQueue: no event loop").ThrowAsJavaScriptException();
      return;
    }
    auto p = std::make_unique<Poll>();
    p->fd.reset(fd);
    if (int r = uv_poll_init(loop, &p->handle, fd); r != 0) {
      p->fd.release();  // the caller keeps the fd when the queue cannot be made
      errnoError(env, -r, "uv_poll_init").ThrowAsJavaScriptException();
      return;
    }
    p->handle.data = p.get();
    p->owner = this;
    poll_ = p.release();
    napi_add_async_cleanup_hook(env, envCleanup, poll_, &poll_->hook);
    context_ = std::make_unique<Napi::AsyncContext>(env, "TunQueue");
  }

  ~TunQueue() override { release(); }

  // The environment is going away and has closed the poll handle itself.
  void forgetPoll() { poll_ = nullptr; }

 private:
  // The largest frame: a 64 KiB packet plus virtio-net and packet-info headers.
  static constexpr size_t kFrameMax = 65536 + 64;
  // Frames read per wakeup before the loop gets a turn.
  static constexpr int kBatch = 64;

  // poll_ is set exactly while this queue and its Poll are linked both ways.
  bool open() const { return poll_ != nullptr; }

  void release() {
    if (poll_) {
      poll_->owner = nullptr;
      shut(poll_);
      poll_ = nullptr;
    }
    unhold();
  }

  // While reading, the queue and its callback stay alive (as a socket's handle does).
  void hold() {
    if (!self_.IsEmpty()) return;
    self_ = Napi::Persistent(Value());
    (void)napi_reference_ref(Env(), onFrames_, nullptr);  // raw: a failure (worker terminating) must not throw
  }
  void unhold() {
    if (self_.IsEmpty()) return;
    self_.Reset();
    (void)napi_reference_unref(Env(), onFrames_, nullptr);
  }

  static void onReadable(uv_poll_t* h, int status, int) {
    Poll* p = static_cast<Poll*>(h->data);
    if (p->owner) p->owner->drain(status);
  }

  void drain(int status) {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    std::vector<napi_value> frames;
    int err = status < 0 ? -status : 0;
    for (int i = 0; i < kBatch && !err; i++) {
      ssize_t n = ::read(poll_->fd.get(), buf_.data(), buf_.size());
      if (n < 0) {
        if (errno != EAGAIN && errno != EINTR) err = errno;
        break;
      }
      frames.push_back(Napi::Buffer<uint8_t>::Copy(env, buf_.data(), static_cast<size_t>(n)));
    }
    if (frames.empty() && !err) return;
    if (onFrames_.IsEmpty() || onFrames_.Value().IsEmpty()) return;
    Napi::Array list = Napi::Array::New(env, frames.size());
    for (size_t i = 0; i < frames.size(); i++) list.Set(static_cast<uint32_t>(i), frames[i]);
    Napi::Value e = err ? errnoError(env, err, "read").Value() : env.Null();
    onFrames_.MakeCallback(Value(), {list, e}, *context_);
    if (env.IsExceptionPending()) {
      // no JS caller to hand it to: it is the process's uncaught exception, as in any event callback
      Napi::Error x = env.GetAndClearPendingException();
      napi_fatal_exception(env, x.Value());
    }
  }

  Napi::Value Start(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!open()) return env.Undefined();
    if (int r = uv_poll_start(&poll_->handle, UV_READABLE, onReadable); r != 0) {
      errnoError(env, -r, "uv_poll_start").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    hold();
    return env.Undefined();
  }

  Napi::Value Stop(const Napi::CallbackInfo& info) {
    if (open()) uv_poll_stop(&poll_->handle);
    unhold();
    return info.Env().Undefined();
  }

  // write(frame) -> bytes written (0: the queue is full, EAGAIN)
  Napi::Value Write(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!open()) {
      errnoError(env, EBADF, "write").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    Napi::Uint8Array b = info[0].As<Napi::Uint8Array>();
    ssize_t n;
    do n = ::write(poll_->fd.get(), b.Data(), b.ByteLength());
    while (n < 0 && errno == EINTR);
    if (n < 0) {
      if (errno == EAGAIN) return Napi::Number::New(env, 0);
      errnoError(env, errno, "write").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    return Napi::Number::New(env, static_cast<double>(n));
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    release();
    return info.Env().Undefined();
  }

  Napi::Value Ref(const Napi::CallbackInfo& info) {
    if (open()) uv_ref(reinterpret_cast<uv_handle_t*>(&poll_->handle));
    return info.Env().Undefined();
  }

  Napi::Value Unref(const Napi::CallbackInfo& info) {
    if (open()) uv_unref(reinterpret_cast<uv_handle_t*>(&poll_->handle));
    return info.Env().Undefined();
  }

  Poll* poll_ = nullptr;
  std::vector<uint8_t> buf_;
  Napi::FunctionReference onFrames_;
  Napi::ObjectReference self_;
  std::unique_ptr<Napi::AsyncContext> context_;
};

void forget(TunQueue* q) { q->forgetPoll(); }

}  // namespace

void tunInit(Napi::Env env, Napi::Object exports) {
  exports.Set("tunOpen", Napi::Function::New(env, TunOpen));
  exports.Set("tunSet", Napi::Function::New(env, TunSet));
  exports.Set("tunClose", Napi::Function::New(env, TunClose));
  exports.Set("TunQueue", TunQueue::Define(env));
}

}  // namespace rtnl
