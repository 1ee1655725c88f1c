// TUN/TAP devices (linux/if_tun.h): opened on /dev/net/tun inside a network
// namespace, and one queue's frames read on the event loop (a uv_poll handle).
#pragma once
#include <napi.h>

namespace rtnl {

// The errno's symbolic name ("EBUSY"), or nullptr (addon.cc: no strerrorname_np on old glibc/musl).
const char* errnoNameOf(int err);

// Adds tunOpen, tunSet and the TunQueue class to the addon's exports.
void tunInit(Napi::Env env, Napi::Object exports);

}  // namespace rtnl
