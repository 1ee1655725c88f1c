// Short spins before sleeping: waking a sleeping thread costs ~100 us on a VM.
#pragma once
#include <time.h>

#include <cstdint>

namespace rtnl {

// CLOCK_MONOTONIC in nanoseconds.
inline int64_t nowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// A polite busy-wait step.
inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

}  // namespace rtnl
