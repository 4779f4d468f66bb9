/* lua_harness.h: the harnesses whose reader is Lua code (stn.load, the GTSRB CSV
 * parser, the GTSRB cache loader) embed LuaJIT and call a driver,
 * fuzz/lua/<FZ_DRIVER>.lua, which returns setup({root =, tmp =}) -> function(path, size).
 * The driver calls the reader under pcall and raises only for a finding (an error
 * that is not stn's clear message, or a result that breaks a promise); this file
 * turns that into an abort, which libFuzzer records as a crash.
 *
 * The C side of stn is instrumented for coverage as usual; the Lua side is made
 * visible to libFuzzer through a line hook that counts transitions between
 * (chunk, line) pairs, AFL style, in libFuzzer's extra counters. The JIT is off so
 * that every line reaches the hook (and runs are reproducible). The Lua heap comes
 * from malloc, so LeakSanitizer sees through it and the memory rule counts it; a
 * full collection after each input frees what the input left. */
#ifndef STN_FUZZ_LUA_HARNESS_H
#define STN_FUZZ_LUA_HARNESS_H

#include "fuzz.h"

#include <ftw.h>
#include <time.h>
#include <lauxlib.h>
#include <lua.h>
#include <luajit.h>
#include <lualib.h>

#ifndef FZ_ROOT
#error "FZ_ROOT (the stn checkout) must be defined by the build"
#endif
#ifndef FZ_CORE
#error "FZ_CORE (the instrumented stn/core.so) must be defined by the build"
#endif

enum { FZ_LUA_COUNTERS = 1 << 16 };
__attribute__((used, section("__libfuzzer_extra_counters"))) static uint8_t fz_lua_counters[FZ_LUA_COUNTERS];
static uintptr_t fz_lua_prev;
static lua_State *fz_L;
static int fz_driver_ref = LUA_NOREF;
static char fz_tmp[4096];

static inline void fz_lua_hook(lua_State *L, lua_Debug *ar) {
  if (!lua_getinfo(L, "S", ar)) return;
  /* ar->source points into the chunk's name, fixed for the life of its prototypes */
  uint64_t cur = ((uint64_t)(uintptr_t)ar->source * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)ar->currentline * 0xC2B2AE3D27D4EB4Full);
  cur ^= cur >> 29;
  uint8_t *c = &fz_lua_counters[(cur ^ fz_lua_prev) & (FZ_LUA_COUNTERS - 1)];
  if (*c != 255) (*c)++;
  fz_lua_prev = (uintptr_t)(cur >> 1);
}

static void *fz_lua_alloc(void *ud, void *p, size_t osize, size_t nsize) {
  (void)ud, (void)osize;
  if (nsize == 0) {
    free(p);
    return NULL;
  }
  return realloc(p, nsize);
}

static inline int fz_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb, (void)flag, (void)ftw;
  remove(path);
  return 0;
}
static inline void fz_rm_tmp(void) {
  if (fz_tmp[0]) nftw(fz_tmp, fz_rm, 16, FTW_DEPTH | FTW_PHYS);
}

/* ASan reports show the C stack only; the Lua calls that led there are printed after
 * the report. The JIT is off, so a C function reached through the FFI runs inside an
 * ordinary Lua C call and the state can be walked. */
void __asan_set_error_report_callback(void (*callback)(const char *));
static void fz_lua_where(const char *report) {
  (void)report;
  if (!fz_L) return;
  luaL_traceback(fz_L, fz_L, "Lua stack at this report:", 0);
  fprintf(stderr, "%s\n", lua_tostring(fz_L, -1));
  lua_pop(fz_L, 1);
}

static inline int fz_traceback(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  luaL_traceback(L, L, msg ? msg : "(error object is not a string)", 1);
  return 1;
}

static inline void fz_lua_fail(const char *when) {
  const char *msg = lua_tostring(fz_L, -1);
  fz_finding("%s: %s", when, msg ? msg : "(no message)");
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  /* the library this binary is linked with: ffi.load of the same file shares it */
  setenv("STN_CORE", FZ_CORE, 1);
  const char *base = getenv("STN_FUZZ_TMP");
  if (!base || !*base) base = getenv("TMPDIR");
  if (!base || !*base) base = "/tmp";
  snprintf(fz_tmp, sizeof fz_tmp, "%s/stn-fuzz-%s-XXXXXX", base, FZ_DRIVER);
  if (!mkdtemp(fz_tmp)) fz_finding("cannot create a temporary folder %s (the harness, not stn)", fz_tmp);
  atexit(fz_rm_tmp);

  fz_L = lua_newstate(fz_lua_alloc, NULL);
  if (!fz_L) fz_finding("lua_newstate failed (a LuaJIT built without GC64 refuses custom allocators)");
  luaL_openlibs(fz_L);
  luaJIT_setmode(fz_L, 0, LUAJIT_MODE_ENGINE | LUAJIT_MODE_OFF);
  lua_pushcfunction(fz_L, fz_traceback);
  int handler = lua_gettop(fz_L);
  const char *root = getenv("STN_FUZZ_ROOT");
  if (!root || !*root) root = FZ_ROOT;
  lua_getglobal(fz_L, "package");
  lua_pushfstring(fz_L, "%s/lua/?.lua;%s/lua/?/init.lua;%s/fuzz/lua/?.lua;", root, root, root);
  lua_getfield(fz_L, -2, "path");
  lua_concat(fz_L, 2);
  lua_setfield(fz_L, -2, "path");
  lua_pop(fz_L, 1);
  char driver[4096];
  snprintf(driver, sizeof driver, "%s/fuzz/lua/%s.lua", root, FZ_DRIVER);
  if (luaL_loadfile(fz_L, driver) != 0) fz_lua_fail("loading the driver");
  if (lua_pcall(fz_L, 0, 1, handler) != 0) fz_lua_fail("running the driver");
  lua_newtable(fz_L);
  lua_pushstring(fz_L, root);
  lua_setfield(fz_L, -2, "root");
  lua_pushstring(fz_L, fz_tmp);
  lua_setfield(fz_L, -2, "tmp");
  if (lua_pcall(fz_L, 1, 1, handler) != 0) fz_lua_fail("the driver's setup");
  if (!lua_isfunction(fz_L, -1)) fz_finding("the driver's setup did not return a function");
  fz_driver_ref = luaL_ref(fz_L, LUA_REGISTRYINDEX);
  lua_pop(fz_L, 1);
  lua_gc(fz_L, LUA_GCCOLLECT, 0);
  lua_sethook(fz_L, fz_lua_hook, LUA_MASKLINE, 0);
  __asan_set_error_report_callback(fz_lua_where);
  return 0;
}

static double fz_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Runs the driver on the input and frees what it left; returns the seconds it took. */
static double fz_run_driver(const char *path, size_t size) {
  double t0 = fz_now();
  lua_pushcfunction(fz_L, fz_traceback);
  lua_rawgeti(fz_L, LUA_REGISTRYINDEX, fz_driver_ref);
  lua_pushstring(fz_L, path);
  lua_pushnumber(fz_L, (lua_Number)size);
  if (lua_pcall(fz_L, 2, 0, -4) != 0) fz_lua_fail("finding");
  lua_pop(fz_L, 1);
  double dt = fz_now() - t0;
  /* twice: the first pass runs finalizers (storages are freed by ffi.gc), the second
   * frees what they released */
  lua_gc(fz_L, LUA_GCCOLLECT, 0);
  lua_gc(fz_L, LUA_GCCOLLECT, 0);
  return dt;
}

/* The time rule (no more than 1 s for a file under 1 MiB) is about stn as it runs for
 * users: the coverage hook and the JIT turned off make the Lua side about 5 times
 * slower, so an input over 1 s is run again with the JIT on and no hook, and only that
 * time counts. libFuzzer's own -timeout (tools/fuzz.sh) stays as the backstop for hangs. */
enum { FZ_SLOW_SECONDS = 1 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_begin(size);
  const char *path = fz_file(data, size);
  fz_lua_prev = 0;
  double dt = fz_run_driver(path, size);
  if (dt > FZ_SLOW_SECONDS) {
    lua_sethook(fz_L, NULL, 0, 0);
    luaJIT_setmode(fz_L, 0, LUAJIT_MODE_ENGINE | LUAJIT_MODE_ON);
    double fast = fz_run_driver(path, size);
    luaJIT_setmode(fz_L, 0, LUAJIT_MODE_ENGINE | LUAJIT_MODE_FLUSH);
    luaJIT_setmode(fz_L, 0, LUAJIT_MODE_ENGINE | LUAJIT_MODE_OFF);
    lua_sethook(fz_L, fz_lua_hook, LUA_MASKLINE, 0);
    if (fast > FZ_SLOW_SECONDS)
      fz_finding("an input of %zu bytes took %.2f s with the JIT on and no coverage hook (%.2f s under the hook), "
                 "more than %d s", size, fast, dt, FZ_SLOW_SECONDS);
  }
  fz_end(size);
  return 0;
}

#endif /* STN_FUZZ_LUA_HARNESS_H */
