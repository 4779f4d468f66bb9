/* luaopen.c: the one file that knows Lua exists. It lets `require 'stn.core'` and
 * package.searchpath find this library like any C module; the binding itself goes
 * through LuaJIT's FFI (lua/stn/ffi.lua), so no Lua API call is needed here and the
 * build needs no Lua headers. */
#include "stn.h"

struct lua_State;

STN_API int luaopen_stn_core(struct lua_State *L) {
  (void)L;
  return 0; /* require returns true; lua/stn/ffi.lua loads the functions */
}
