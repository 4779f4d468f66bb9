/* gtsrb_cache.c: libFuzzer harness for the GTSRB loader's decoded-set cache as the
 * loader itself reads it (stn_blob_read, then stn.data.gtsrb's checks and use of the
 * sections): the input becomes the cache file of a small fake GTSRB tree and
 * stn.data.gtsrb.train loads it (fuzz/lua/gtsrb_cache.lua). The CRC-32 is recomputed
 * after most mutations (blob_crc.h). */
#define FZ_DRIVER "gtsrb_cache"
#include "lua_harness.h"
#include "blob_crc.h"
