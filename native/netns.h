// Network-namespace primitives. Each runs its namespace-changing part on a
// short-lived thread of its own, so no other thread (least of all the event
// loop) ever changes namespace.
#pragma once
#include <string>

namespace rtnl {

// Creates a new network namespace; returns an fd that keeps it alive, or -errno.
int netnsCreate(std::string* err);
// Creates a new network namespace and bind-mounts it on `path` (an existing file).
int netnsCreateAt(const std::string& path, std::string* err);
// Opens a socket(domain, type, protocol) inside the namespace of `nsFd`.
int socketInNetns(int nsFd, int domain, int type, int protocol, std::string* err);
// Binds `fd` to an IPv4/IPv6 address given as text (SO_REUSEADDR on TCP sockets).
int bindSocket(int fd, const std::string& addr, int port, std::string* err);

}  // namespace rtnl
