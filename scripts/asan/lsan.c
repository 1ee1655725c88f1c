/*
 * Test-only helper for scripts/asan.sh: exposes LeakSanitizer's on-demand check
 * to JavaScript, so a vitest worker can look for leaks while it is still alive
 * (vitest ends its fork workers with SIGTERM, then SIGKILL 500 ms later, so
 * LeakSanitizer's usual check at exit never runs). Not part of the library.
 */
#include <node_api.h>
#include <sanitizer/lsan_interface.h>

/* leakCheck(): runs a leak check now; returns 1 when it found leaks (reported
 * to ASAN_OPTIONS' log_path), 0 otherwise. */
static napi_value LeakCheck(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
  napi_create_int32(env, __lsan_do_recoverable_leak_check(), &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "leakCheck", NAPI_AUTO_LENGTH, LeakCheck, NULL, &fn);
  napi_set_named_property(env, exports, "leakCheck", fn);
  return exports;
}
