#include "netns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>

#include <cstring>
#include <functional>
#include <thread>

#include "fd.h"

namespace rtnl {

namespace {

// Runs `fn` on a fresh thread and waits for it: the thread may change its own
// namespace freely and dies with the change.
int onOwnThread(const std::function<int()>& fn) {
  int result = 0;
  std::thread([&] { result = fn(); }).join();
  return result;
}

int fail(std::string* err, const char* what) {
  int e = errno;
  *err = std::string(what) + ": " + strerror(e);
  return -e;
}

}  // namespace

int netnsCreate(std::string* err) {
  return onOwnThread([&] {
    if (unshare(CLONE_NEWNET) != 0) return fail(err, "unshare(CLONE_NEWNET)");
    int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    return fd >= 0 ? fd : fail(err, "open /proc/thread-self/ns/net");
  });
}

int netnsCreateAt(const std::string& path, std::string* err) {
  return onOwnThread([&] {
    if (unshare(CLONE_NEWNET) != 0) return fail(err, "unshare(CLONE_NEWNET)");
    // /proc/self would be the main thread's namespace, not this thread's.
    if (mount("/proc/thread-self/ns/net", path.c_str(), "none", MS_BIND, nullptr) != 0)
      return fail(err, "mount --bind");
    return 0;
  });
}

int socketInNetns(int nsFd, int domain, int type, int protocol, std::string* err) {
  return onOwnThread([&] {
    if (nsFd >= 0 && setns(nsFd, CLONE_NEWNET) != 0) return fail(err, "setns");
    int fd = socket(domain, type | SOCK_CLOEXEC, protocol);
    return fd >= 0 ? fd : fail(err, "socket");
  });
}

int bindSocket(int fd, const std::string& addr, int port, std::string* err) {
  sockaddr_storage ss{};
  socklen_t len;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, addr.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    len = sizeof *v4;
  } else if (inet_pton(AF_INET6, addr.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    len = sizeof *v6;
  } else {
    *err = "not an IP address: " + addr;
    return -EINVAL;
  }
  // SO_REUSEADDR only for TCP, so a server can re-bind a port in TIME_WAIT;
  // on UDP it would let two sockets share a port, which nobody asked for.
  int type = 0;
  socklen_t tlen = sizeof type;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) == 0 && type == SOCK_STREAM) {
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  }
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) return fail(err, "bind");
  return 0;
}

}  // namespace rtnl
