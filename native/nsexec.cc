// rtnetlink-nsexec: the helper behind netns.spawn() (lib/netns.ts).
//
//   rtnetlink-nsexec FD FILE ARGV0 [ARG...]
//
// Joins the network namespace open on FD, closes FD, and replaces itself with
// FILE (searched in PATH) given ARGV0 ARG... as its argv. Nothing else of the
// process changes (mount namespace, user, cwd, environment, other fds).
// Exit status when it cannot run FILE: 125 (bad usage or setns failed),
// 126 (FILE not executable), 127 (FILE not found), as env(1) and nsenter(1).
#include <errno.h>
#include <sched.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: rtnetlink-nsexec FD FILE ARGV0 [ARG...]\n");
    return 125;
  }
  char* end = nullptr;
  long fd = std::strtol(argv[1], &end, 10);
  if (*argv[1] == '\0' || *end != '\0' || fd < 0 || fd > 0x7fffffff) {
    std::fprintf(stderr, "rtnetlink-nsexec: bad namespace fd '%s'\n", argv[1]);
    return 125;
  }
  if (setns(static_cast<int>(fd), CLONE_NEWNET) != 0) {
    std::fprintf(stderr, "rtnetlink-nsexec: setns(%ld, CLONE_NEWNET): %s\n", fd, std::strerror(errno));
    return 125;
  }
  close(static_cast<int>(fd));
  execvp(argv[2], argv + 3);
  int e = errno;
  std::fprintf(stderr, "rtnetlink-nsexec: %s: %s\n", argv[2], std::strerror(e));
  return e == ENOENT ? 127 : 126;
}
