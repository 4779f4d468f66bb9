/* stn.h: the public header of libstn, the C core of stn (Spatial Transformer Networks
 * for LuaJIT). Plain C; every function returns stn_status and leaves a message for
 * stn_last_error() on failure. Tensors are float32 strided views over refcounted storage
 * on the CPU or on a CUDA device; an op runs where its tensors live.
 *
 * One part per room of the library, each usable alone (it includes what it needs):
 *   stn/core.h     status, context, storages and tensors, tensor ops, random numbers
 *   stn/nn.h       nn layers, criterions, the SGD step
 *   stn/spatial.h  the spatial transformer: restrictions, grid generators, samplers
 *   stn/io.h       serialization, data files, image files, pictures */
#ifndef STN_H
#define STN_H

#include "stn/core.h"
#include "stn/nn.h"
#include "stn/spatial.h"
#include "stn/io.h"

#endif /* STN_H */
