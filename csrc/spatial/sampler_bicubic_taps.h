/* sampler_bicubic_taps.h: a chunk's bicubic taps (sampler_bicubic.c) on SIMD vectors of
 * BT_L samples, included once per vector width with the macros below defined (AVX2: 8
 * lanes, AVX-512: 16). Every lane does taps_of_float's operations (sampler_taps_generic.h)
 * in its order, so the weights and indices are its bits; the reflection's fold is done in
 * integers (the same pixel), and coordinates beyond BC_FAR go through taps_of_float
 * itself. No include guard; the macros below are undefined at its end.
 *
 * BT_NAME(name), BT_TARGET; VF, VI, VM (float, int32 and mask vectors); F_* float ops,
 * I_* int32 ops, M_* mask ops; F_SEL(m, a, b) / I_SEL: m ? a : b lane by lane;
 * M_NONE, M_ANY(m): the empty mask, whether m has a lane set; BT_SPLIT(p, even, odd):
 * the even and odd floats of p[0 .. 2 BT_L). */

#define F1(x) F_SET1((float)(x))
#define I1(x) I_SET1((int32_t)(x))

/* cubic_near_float ... cubic_far_d_float on vectors: same constants (exact), same order. */
BT_TARGET static inline VF BT_NAME(cubic_near)(VF x) {
  return F_ADD(F_MUL(F_MUL(F_SUB(F_MUL(F1(BC_A + 2), x), F1(BC_A + 3)), x), x), F1(1));
}
BT_TARGET static inline VF BT_NAME(cubic_far)(VF x) {
  return F_SUB(F_MUL(F_ADD(F_MUL(F_SUB(F_MUL(F1(BC_A), x), F1(5 * BC_A)), x), F1(8 * BC_A)), x), F1(4 * BC_A));
}
BT_TARGET static inline VF BT_NAME(cubic_near_d)(VF x) {
  return F_MUL(F_SUB(F_MUL(F1(3 * (BC_A + 2)), x), F1(2 * (BC_A + 3))), x);
}
BT_TARGET static inline VF BT_NAME(cubic_far_d)(VF x) {
  return F_ADD(F_MUL(F_SUB(F_MUL(F1(3 * BC_A), x), F1(10 * BC_A)), x), F1(8 * BC_A));
}

/* reflect_float's pixel of integer coordinates c (|c| up to about BC_FAR), in integers:
 * a = c folded onto the non-negative side, m = a mod 2 span, mirrored above span.
 * span: align ? size - 1 : size (> 0); q: align ? 0 : 1 (the borders half a pixel out). */
BT_TARGET static inline VI BT_NAME(reflect)(VI c, int32_t span, int32_t q) {
  const int32_t period = 2 * span;
  const VI a = I_SEL(I_LT(c, I1(0)), I_SUB(I_SUB(I1(0), c), I1(q)), c);
  const VI quot = F_TOI(F_DIV(I_TOF(a), F1(period)));
  VI m = I_SUB(a, I_MUL(quot, I1(period))); /* off by one period at most */
  m = I_SEL(I_LT(m, I1(0)), I_ADD(m, I1(period)), m);
  m = I_SEL(I_GT(m, I1(period - 1)), I_SUB(m, I1(period)), m);
  return I_SEL(I_GT(m, I1(span - 1)), I_SUB(I1(period - q), m), m);
}

/* One axis of the samples v[0..BC_N) (v[n..) harmless values): taps_of_float's indices,
 * weights and derivatives (d NULL: not wanted), tap k of sample p at [k][p]. */
BT_TARGET static void BT_NAME(axis_taps)(const float *restrict v, int n, int size, int align, int pad,
                                         int32_t (*restrict idx)[BC_N], float (*restrict w)[BC_N],
                                         float (*restrict d)[BC_N]) {
  const int reflection = pad == STN_PADDING_REFLECTION;
  const float scale = pixel_scale_of_float(size, align), shift = align ? 0.0f : 0.5f;
  const int32_t last = size - 1, span = align ? size - 1 : size, q = align ? 0 : 1;
  const int32_t rspan = span > 0 ? span : 1; /* one aligned pixel: every tap reads it (min with last) */
  const VF zero = F1(0), one = F1(1), lo = F1(-3), hi = F1((float)size + 2);
  VM far = M_NONE;
  for (int p = 0; p < BC_N; p += BT_L) {
    VF u = F_SUB(F_MUL(F_ADD(F_LOAD(v + p), one), F1(scale)), F1(shift)), ok; /* to_pixel_float */
    if (reflection) { /* not finite: reads as 0, no derivative */
      const VM finite = F_CMP(F_SUB(u, u), zero, _CMP_EQ_OQ);
      ok = F_SEL(finite, one, zero);
      u = F_SEL(finite, u, zero);
    } else { /* not finite or far off: clamped 3 pixels out (NaN below), no derivative */
      const VM below = M_NOT(F_CMP(u, lo, _CMP_GE_OQ)), above = F_CMP(u, hi, _CMP_GT_OQ);
      ok = F_SEL(M_OR(below, above), zero, one);
      u = F_SEL(below, lo, F_SEL(above, hi, u));
    }
    const VF f = F_FLOOR(u), x = F_SUB(u, f), nok = F_NEG(ok);
    VF wk[4], dk[4] = {zero, zero, zero, zero};
    wk[0] = BT_NAME(cubic_far)(F_ADD(x, one));
    wk[1] = BT_NAME(cubic_near)(x);
    wk[2] = BT_NAME(cubic_near)(F_SUB(one, x));
    wk[3] = BT_NAME(cubic_far)(F_SUB(F1(2), x));
    if (d) {
      dk[0] = F_MUL(ok, BT_NAME(cubic_far_d)(F_ADD(x, one)));
      dk[1] = F_MUL(ok, BT_NAME(cubic_near_d)(x));
      dk[2] = F_MUL(nok, BT_NAME(cubic_near_d)(F_SUB(one, x)));
      dk[3] = F_MUL(nok, BT_NAME(cubic_far_d)(F_SUB(F1(2), x)));
    }
    /* far reflected coordinates: index 0 here, taps_of_float below */
    VI fi = F_TOI(f);
    if (reflection) {
      const VM near = F_CMP(F_ABS(f), F1(BC_FAR), _CMP_LE_OQ);
      fi = F_TOI(F_SEL(near, f, zero));
      far = M_OR(far, M_NOT(near));
    }
    for (int k = 0; k < 4; k++) {
      const VI c = I_ADD(fi, I1(k - 1));
      VI ik;
      VF wv = wk[k], dv = dk[k];
      if (pad == STN_PADDING_ZEROS) {
        const VM outside = M_OR(I_LT(c, I1(0)), I_GT(c, I1(last)));
        ik = I_SEL(outside, I1(0), c);
        wv = F_SEL(outside, zero, wv);
        dv = F_SEL(outside, zero, dv);
      } else if (pad == STN_PADDING_BORDER) {
        ik = I_MIN(I_MAX(c, I1(0)), I1(last));
      } else {
        ik = I_MIN(BT_NAME(reflect)(c, rspan, q), I1(last));
      }
      I_STORE(idx[k] + p, ik);
      F_STORE(w[k] + p, wv);
      if (d) F_STORE(d[k] + p, dv);
    }
  }
  if (M_ANY(far))
    for (int p = 0; p < n; p++) {
      const float u = to_pixel_float(v[p], size, align);
      if (!(u - u == 0) || fabsf(floorf(u)) <= BC_FAR) continue;
      const taps_float t = taps_of_float(v[p], size, align, pad, STN_SAMPLER_BICUBIC);
      for (int k = 0; k < 4; k++) {
        idx[k][p] = t.i[k], w[k][p] = t.w[k];
        if (d) d[k][p] = t.d[k];
      }
    }
}

/* The taps of output pixels [p0, p0 + n) of batch element b (n <= BC_N; grads: with the
 * derivatives). */
BT_TARGET static void BT_NAME(chunk_taps)(const stn_sampler_geom *g, const float *grid, int64_t b, int64_t p0, int n,
                                          bc_chunk *restrict tc, int grads) {
  _Alignas(64) float vx[BC_N], vy[BC_N];
  _Alignas(64) int32_t ix[4][BC_N], iy[4][BC_N];
  if (n == BC_N) { /* the (x, y) pairs split into x and y vectors */
    const float *gp = grid + (b * g->Ho * g->Wo + p0) * 2;
    const int xs = stn_grid_x_slot(g->desc.grid_order);
    for (int p = 0; p < BC_N; p += BT_L) {
      VF first, second;
      BT_SPLIT(gp + 2 * p, first, second);
      F_STORE(vx + p, xs ? second : first);
      F_STORE(vy + p, xs ? first : second);
    }
  } else
    bc_grid_values(g, grid, b, p0, n, vx, vy);
  const int pad = g->desc.padding, align = g->desc.align_corners;
  BT_NAME(axis_taps)(vx, n, (int)g->W, align, pad, ix, tc->wx, grads ? tc->dx : NULL);
  BT_NAME(axis_taps)(vy, n, (int)g->H, align, pad, iy, tc->wy, grads ? tc->dy : NULL);
  const VI W = I1(g->W);
  for (int j = 0; j < 4; j++)
    for (int i = 0; i < 4; i++)
      for (int p = 0; p < BC_N; p += BT_L)
        I_STORE(tc->o[4 * j + i] + p, I_ADD(I_MUL(I_LOAD(iy[j] + p), W), I_LOAD(ix[i] + p)));
}

#undef F1
#undef I1
/* the including file's definitions, ready for the next width */
#undef BT_NAME
#undef BT_TARGET
#undef BT_L
#undef VF
#undef VI
#undef VM
#undef F_SET1
#undef F_LOAD
#undef F_STORE
#undef F_ADD
#undef F_SUB
#undef F_MUL
#undef F_DIV
#undef F_NEG
#undef F_ABS
#undef F_FLOOR
#undef F_CMP
#undef F_SEL
#undef F_TOI
#undef I_TOF
#undef I_SET1
#undef I_LOAD
#undef I_STORE
#undef I_ADD
#undef I_SUB
#undef I_MUL
#undef I_MIN
#undef I_MAX
#undef I_LT
#undef I_GT
#undef I_SEL
#undef M_OR
#undef M_NOT
#undef M_NONE
#undef M_ANY
#undef BT_SPLIT
