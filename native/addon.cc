// N-API glue: exposes the engine (native/socket.*) and the namespace
// primitives (native/netns.*) to lib/. Everything here converts arguments and
// results; no netlink knowledge lives in this file.
#include <napi.h>
#include <sys/mount.h>

#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <utility>

#include "netns.h"
#include "socket.h"

namespace {

using rtnl::Delivery;
using rtnl::Engine;

// An Error shaped like Node's system errors (code, negative errno).
Napi::Error errnoError(Napi::Env env, int err, const std::string& message) {
  Napi::Error e = Napi::Error::New(env, message);
  const char* name = strerrorname_np(err);
  e.Set("code", Napi::String::New(env, name ? name : "EUNKNOWN"));
  e.Set("errno", Napi::Number::New(env, -err));
  return e;
}

// Throws an Error shaped like Node's system errors (code, negative errno).
void throwErrno(Napi::Env env, int err, const std::string& message) {
  errnoError(env, err, message).ThrowAsJavaScriptException();
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

class Socket : public Napi::ObjectWrap<Socket> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Socket",
                       {InstanceMethod("submit", &Socket::Submit),
                        InstanceMethod("requestSync", &Socket::RequestSync),
                        InstanceMethod("pause", &Socket::Pause),
                        InstanceMethod("credit", &Socket::Credit),
                        InstanceMethod("ref", &Socket::Ref),
                        InstanceMethod("unref", &Socket::Unref),
                        InstanceMethod("close", &Socket::Close)});
  }

  // new Socket({ netnsFd?, groups?, rcvbuf? }, onData(buffer|null, errno, closed))
  explicit Socket(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Socket>(info) {
    Napi::Env env = info.Env();
    if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsFunction()) {
      Napi::TypeError::New(env, "Socket(options, onData)").ThrowAsJavaScriptException();
      return;
    }
    rtnl::EngineOptions opts;
    Napi::Object o = info[0].As<Napi::Object>();
    if (o.Has("netnsFd") && o.Get("netnsFd").IsNumber())
      opts.netnsFd = o.Get("netnsFd").As<Napi::Number>().Int32Value();
    if (o.Has("rcvbuf") && o.Get("rcvbuf").IsNumber())
      opts.rcvbuf = o.Get("rcvbuf").As<Napi::Number>().Int32Value();
    if (o.Has("groups") && o.Get("groups").IsArray()) {
      Napi::Array g = o.Get("groups").As<Napi::Array>();
      for (uint32_t i = 0; i < g.Length(); i++)
        opts.groups.push_back(g.Get(i).As<Napi::Number>().Uint32Value());
    }
    tsfn_ = Napi::ThreadSafeFunction::New(env, info[1].As<Napi::Function>(), "rtnetlink-io", 0, 1);
    tsfn_.Unref(env);
    Napi::ThreadSafeFunction tsfn = tsfn_;
    auto sink = [tsfn](Delivery d) mutable {
      bool last = d.closed;
      tsfn.NonBlockingCall(new Delivery(d), Deliver);
      if (last) tsfn.Release();
    };
    std::string err;
    engine_ = Engine::start(opts, sink, &err);
    if (!engine_) {
      tsfn_.Release();
      throwErrno(env, errno ? errno : EIO, err);
    }
  }

  ~Socket() override {
    if (engine_) engine_->stop();
  }

 private:
  static void Deliver(Napi::Env env, Napi::Function fn, Delivery* raw) {
    std::unique_ptr<Delivery> d(raw);
    if (!env) {
      std::free(d->data);
      return;
    }
    Napi::Value buf = d->data ? externalBuffer(env, d->data, d->len) : env.Null();
    fn.Call({buf, Napi::Number::New(env, d->error), Napi::Boolean::New(env, d->closed)});
  }

  bool open(Napi::Env env) {
    if (engine_) return true;
    throwErrno(env, EBADF, "netlink socket is closed");
    return false;
  }

  Napi::Value Submit(const Napi::CallbackInfo& info) {
    if (!open(info.Env())) return info.Env().Undefined();
    auto buf = info[0].As<Napi::Uint8Array>();
    engine_->submit(std::make_shared<std::vector<uint8_t>>(buf.Data(), buf.Data() + buf.ByteLength()));
    return info.Env().Undefined();
  }

  Napi::Value RequestSync(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!open(env)) return env.Undefined();
    auto buf = info[0].As<Napi::Uint8Array>();
    rtnl::RecvBuf out;
    int err = engine_->requestSync(buf.Data(), buf.ByteLength(), &out);
    if (err) {
      throwErrno(env, err, std::string("netlink request: ") + strerror(err));
      return env.Undefined();
    }
    size_t len;
    uint8_t* data = out.take(&len);
    return externalBuffer(env, data, len);
  }

  Napi::Value Pause(const Napi::CallbackInfo& info) {
    if (engine_) engine_->setPaused(info[0].ToBoolean().Value());
    return info.Env().Undefined();
  }

  Napi::Value Credit(const Napi::CallbackInfo& info) {
    if (engine_) engine_->credit();
    return info.Env().Undefined();
  }

  Napi::Value Ref(const Napi::CallbackInfo& info) {
    if (engine_) tsfn_.Ref(info.Env());
    return info.Env().Undefined();
  }

  Napi::Value Unref(const Napi::CallbackInfo& info) {
    if (engine_) tsfn_.Unref(info.Env());
    return info.Env().Undefined();
  }

  // Stops the I/O thread; onData(null, 0, true) follows once it has exited.
  Napi::Value Close(const Napi::CallbackInfo& info) {
    if (engine_) {
      tsfn_.Ref(info.Env());  // keep the loop alive until the closed delivery
      engine_->stop();
      engine_.reset();
    }
    return info.Env().Undefined();
  }

  std::shared_ptr<Engine> engine_;
  Napi::ThreadSafeFunction tsfn_;
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

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("Socket", Socket::Define(env));
  exports.Set("netnsCreate", Napi::Function::New(env, NetnsCreate));
  exports.Set("netnsCreateAt", Napi::Function::New(env, NetnsCreateAt));
  exports.Set("netnsCreateAsync", Napi::Function::New(env, NetnsCreateAsync));
  exports.Set("netnsCreateAtAsync", Napi::Function::New(env, NetnsCreateAtAsync));
  exports.Set("socketInNetns", Napi::Function::New(env, SocketInNetns));
  exports.Set("bindSocket", Napi::Function::New(env, BindSocket));
  exports.Set("mount", Napi::Function::New(env, Mount));
  exports.Set("umount", Napi::Function::New(env, Umount));
  return exports;
}

}  // namespace

NODE_API_MODULE(rtnetlink, Init)
