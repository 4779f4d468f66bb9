/* gtsrb_csv.c: libFuzzer harness for the GTSRB annotation parser,
 * stn.data.gtsrb.readCSV (lua/stn/data/gtsrb.lua), with and without track numbers;
 * the driver is fuzz/lua/gtsrb_csv.lua. */
#define FZ_DRIVER "gtsrb_csv"
#include "lua_harness.h"
