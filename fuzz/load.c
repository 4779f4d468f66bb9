/* load.c: libFuzzer harness for stn.load, stn's model format (lua/stn/serialize.lua,
 * csrc/io/serialize.c): the driver fuzz/lua/load.lua loads the bytes as a file, then uses
 * what came back as a program would (reads every tensor, resizes and fills the empty
 * ones, runs a saved model on its saved input). The 32-byte header holds the payload
 * length, a CRC-32 of the payload and a CRC-32 of the header, so the custom mutator
 * recomputes all three after most mutations; otherwise the checksum would refuse
 * nearly every input and the loader behind it would go untested. */
#define FZ_DRIVER "load"
#include "lua_harness.h"

enum { HEADER = 32 };

static void put32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* Header: magic 8, version 4, header size 4, payload bytes 8 (at 16), payload CRC 4
 * (at 24), header CRC 4 (at 28, over bytes 0-27); little-endian. */
static void fix_header(uint8_t *d, size_t size) {
  if (size < HEADER) return;
  uint64_t total = size - HEADER;
  for (int i = 0; i < 8; i++) d[16 + i] = (uint8_t)(total >> (8 * i));
  uint32_t crc = 0;
  stn_crc32(d + HEADER, (int64_t)total, &crc);
  put32(d + 24, crc);
  crc = 0;
  stn_crc32(d, 28, &crc);
  put32(d + 28, crc);
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed) {
  /* mutate the payload only, most of the time: the header's fixed fields are checked
   * before anything else and are covered by the 1 in 16 raw mutations */
  if (size > HEADER && seed % 16 != 0) {
    size_t n = LLVMFuzzerMutate(data + HEADER, size - HEADER, max_size - HEADER);
    size = HEADER + n;
  } else {
    size = LLVMFuzzerMutate(data, size, max_size);
  }
  if (seed % 16 != 1) fix_header(data, size);
  return size;
}
