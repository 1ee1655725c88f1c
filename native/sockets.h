// Opening NETLINK_ROUTE sockets, in this or another network namespace.
//
// A socket stays in the namespace it was created in, so a socket for another
// namespace is created by a thread that entered it. That thread is the
// opener: one per process, which enters the target, creates the sockets and
// returns to the process's own namespace (or ends, if it cannot, so that it
// never keeps a foreign namespace alive). No other thread changes namespace.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "fd.h"

namespace rtnl {

// A failed system call: its name and errno.
struct SysError {
  int err = 0;
  std::string call;    // "socket", "bind", "setns", ...
  std::string detail;  // what it was for, when that helps ("group 7")
};

// What a socket is for; decides its options.
enum class Role : uint8_t {
  Requests,  // pipelined requests: extended and capped acks, strict checking, a large receive buffer
  Dump,      // one dump at a time: the same options, the kernel's default receive buffer
  Events,    // multicast groups only
};

struct SocketSpec {
  Role role = Role::Requests;
  int rcvbuf = 0;                // bytes asked for; 0: the role's default
  std::vector<uint32_t> groups;  // Events: RTNLGRP_* to join
  bool allNsid = false;          // Events: NETLINK_LISTEN_ALL_NSID (every namespace with an nsid here)
};

// Opens one socket per spec in the namespace open on `nsFd` (-1: the
// caller's own, opened on the calling thread). Blocks until done.
bool openSockets(int nsFd, const std::vector<SocketSpec>& specs, std::vector<Fd>* out, SysError* err);

// Runs `work` inside the namespace open on `nsFd` (-1: here, on the calling
// thread), on the process's one opener thread; blocks until done. What it
// opens (fds) stays in that namespace. `work` reports failures in `err`.
bool runInNetns(int nsFd, const std::function<bool(SysError*)>& work, SysError* err);

// SO_RCVBUF as the kernel accounts it (twice what was asked for).
int receiveBuffer(int fd);
// SO_SNDBUF: the largest datagram a sendmsg() may carry is a little less.
int sendBuffer(int fd);

// Ends the opener thread (process exit).
void stopOpener();

}  // namespace rtnl
