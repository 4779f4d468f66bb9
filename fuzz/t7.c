/* t7.c: libFuzzer harness for the Torch7-file reader, torch.load (lua/stn/t7.lua): the
 * driver fuzz/lua/t7.lua loads the bytes as a binary file, and as an ascii one when they
 * start like one, then uses what came back as a program would. Torch7 files carry no
 * checksum, so libFuzzer's own mutations reach the parser directly. */
#define FZ_DRIVER "t7"
#include "lua_harness.h"
