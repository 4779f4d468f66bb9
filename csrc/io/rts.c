/* rts.c: the RTS distortion of the STN paper's distorted-MNIST protocol: each image
 * rotated, scaled and placed at a random position in a larger canvas, with bilinear
 * sampling. The four draws of image k come from one Philox counter chosen by the image's
 * id, so a result depends on (seed, stream, id) alone: not on threads, not on batch.
 *
 * Geometry (pixel k spans [k, k + 1) in both images, y down): a canvas point p comes
 * from the source point  src = (W/2, H/2) + R(-a) (p - c) / s,  where c is the centre
 * drawn for the image and R(a) rotates by a counter-clockwise as displayed. The
 * centre is uniform in [s W/2, canvas - s W/2] x [s H/2, canvas - s H/2]: the scaled,
 * unrotated frame lies inside the canvas; rotated, its corners may be clipped (for
 * 28 x 28 at scale 1.2 and 45 degrees no placement could keep them). */
#include "core/context.h"
#include "core/copy.h"
#include "core/error.h"
#include "core/philox.h"
#include "core/storage.h"
#include "core/tensor.h"

#include <math.h>
#include <string.h>

/* Bilinear sample of plane (H x W) at index coordinates (x, y); zero outside. */
static inline float sample(const float *plane, int H, int W, float x, float y) {
  if (!(x > -1 && y > -1 && x < W && y < H)) return 0; /* all four neighbours outside */
  float fx0 = floorf(x), fy0 = floorf(y);
  int x0 = (int)fx0, y0 = (int)fy0;
  float ax = x - fx0, ay = y - fy0, v = 0;
  if (x0 >= 0 && y0 >= 0 && x0 + 1 < W && y0 + 1 < H) { /* inside: no checks */
    const float *r0 = plane + (size_t)y0 * W + x0, *r1 = r0 + W;
    return (1 - ay) * ((1 - ax) * r0[0] + ax * r0[1]) + ay * ((1 - ax) * r1[0] + ax * r1[1]);
  }
  if (y0 >= 0 && y0 < H) {
    const float *row = plane + (size_t)y0 * W;
    if (x0 >= 0 && x0 < W) v += (1 - ax) * (1 - ay) * row[x0];
    if (x0 + 1 >= 0 && x0 + 1 < W) v += ax * (1 - ay) * row[x0 + 1];
  }
  if (y0 + 1 >= 0 && y0 + 1 < H) {
    const float *row = plane + (size_t)(y0 + 1) * W;
    if (x0 >= 0 && x0 < W) v += (1 - ax) * ay * row[x0];
    if (x0 + 1 >= 0 && x0 + 1 < W) v += ax * ay * row[x0 + 1];
  }
  return v;
}

stn_status stn_rts_distort(stn_ctx *ctx, const stn_tensor *input, stn_tensor *output, stn_tensor *params,
                           const stn_rts_config *config, const int64_t *ids) {
  static const char *fn = "stn_rts_distort";
  if (!config) return STN_FAIL(STN_ERR_ARG, "%s: config is NULL", fn);
  const int canvas = config->canvas;
  const float max_angle = config->max_angle, min_scale = config->min_scale, max_scale = config->max_scale;
  const uint64_t seed = config->seed, stream = config->stream;
  STN_TRY(stn_check_tensor(fn, "input", input));
  STN_TRY(stn_check_tensor(fn, "output", output));
  if (params) STN_TRY(stn_check_tensor(fn, "params", params));
  if (input->device != STN_CPU || output->device != STN_CPU || (params && params->device != STN_CPU))
    return STN_FAIL(STN_ERR_DEVICE, "%s: input, output and params must be cpu tensors", fn);
  if (input->ndim != 3 && input->ndim != 4)
    return STN_FAIL(STN_ERR_ARG, "%s: input must be N x H x W or N x C x H x W, got %s", fn, stn_shape_str(input));
  if (canvas < 1 || canvas > 1 << 16) return STN_FAIL(STN_ERR_ARG, "%s: canvas size %d out of range", fn, canvas);
  if (!(max_angle >= 0 && max_angle <= 360))
    return STN_FAIL(STN_ERR_ARG, "%s: max_angle %g must be in [0, 360] degrees", fn, max_angle);
  if (!(min_scale > 0 && min_scale <= max_scale && max_scale < 1e4))
    return STN_FAIL(STN_ERR_ARG, "%s: scales [%g, %g] must satisfy 0 < min <= max", fn, min_scale, max_scale);
  int nd = input->ndim;
  int64_t N = input->shape[0], C = nd == 4 ? input->shape[1] : 1;
  int H = (int)input->shape[nd - 2], W = (int)input->shape[nd - 1];
  if (N < 1 || C < 1 || H < 1 || W < 1) return STN_FAIL(STN_ERR_ARG, "%s: empty input %s", fn, stn_shape_str(input));
  if (ids)
    for (int64_t k = 0; k < N; k++)
      if (ids[k] < 0 || ids[k] > (int64_t)0xFFFFFFFF)
        return STN_FAIL(STN_ERR_ARG, "%s: id %lld of image %lld is outside [0, 2^32)", fn, (long long)ids[k], (long long)k + 1);
  if (stream > 0xFFFFFFFFull) return STN_FAIL(STN_ERR_ARG, "%s: stream %llu is outside [0, 2^32)", fn, (unsigned long long)stream);

  int64_t osize[4] = {N, C, canvas, canvas}, psize[2] = {N, 4};
  if (nd == 3) osize[1] = canvas, osize[2] = canvas;
  STN_TRY(stn_resize_out(ctx, output, STN_FLOAT, nd, osize));
  if (params) STN_TRY(stn_resize_out(ctx, params, STN_FLOAT, 2, psize));
  /* work on contiguous tensors: the input or a copy, the outputs or scratch copied back */
  stn_tensor in = {0}, out = {0}, par = {0};
  stn_status st = stn_contiguous_copy(ctx, &in, input);
  if (st == STN_OK) st = stn_contiguous_copy(ctx, &out, output);
  if (st == STN_OK) st = params ? stn_contiguous_copy(ctx, &par, params) : stn_tensor_new(ctx, &par, STN_CPU, 2, psize);
  if (st != STN_OK) goto done;

  const float *src = stn_data(&in);
  float *dst = stn_data(&out), *pp = stn_data(&par);
  const float deg = 3.14159265358979f / 180.f;
#pragma omp parallel for schedule(static) if (N * C * canvas * canvas >= STN_OMP_MIN)
  for (int64_t k = 0; k < N; k++) {
    uint64_t id = ids ? (uint64_t)ids[k] : (uint64_t)k;
    stn_philox4 r = stn_philox(seed, stream << 32 | id);
    float angle = -max_angle + 2 * max_angle * stn_u01(r.v[0]);
    float s = min_scale + (max_scale - min_scale) * stn_u01(r.v[1]);
    float hw = 0.5f * s * W, hh = 0.5f * s * H;
    float cx = hw + (canvas - 2 * hw) * stn_u01(r.v[2]);
    float cy = hh + (canvas - 2 * hh) * stn_u01(r.v[3]);
    float ca = cosf(angle * deg) / s, sa = sinf(angle * deg) / s;
    pp[4 * k] = angle, pp[4 * k + 1] = s, pp[4 * k + 2] = cx, pp[4 * k + 3] = cy;
    for (int64_t c = 0; c < C; c++) {
      const float *plane = src + ((size_t)k * C + c) * H * W;
      float *o = dst + ((size_t)k * C + c) * canvas * canvas;
      for (int i = 0; i < canvas; i++) {
        float py = i + 0.5f - cy;
        for (int j = 0; j < canvas; j++) {
          float px = j + 0.5f - cx;
          /* source point, shifted by half a pixel into index coordinates */
          float sx = ca * px - sa * py + 0.5f * W - 0.5f;
          float sy = sa * px + ca * py + 0.5f * H - 0.5f;
          o[(size_t)i * canvas + j] = sample(plane, H, W, sx, sy);
        }
      }
    }
  }
  if (out.mem != output->mem) st = stn_copy(ctx, output, &out);
  if (st == STN_OK && params && par.mem != params->mem) st = stn_copy(ctx, params, &par);
done:
  stn_tensor_release(&in);
  stn_tensor_release(&out);
  stn_tensor_release(&par);
  return st;
}
