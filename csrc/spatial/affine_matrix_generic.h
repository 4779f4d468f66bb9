/* affine_matrix_generic.h: the CPU loops of the restriction for one element type
 * (scalar_t, see core/dtype.h), on contiguous B x k params and B x 2 x 3 theta: each
 * element's values widened to double, affine.h's arithmetic, the results rounded once. */

static void STN_T(matrix_forward_cpu)(const scalar_t *p, scalar_t *t, int64_t B, int k, int rot, int scale, int trans) {
  for (int64_t b = 0; b < B; b++) {
    double pd[6], td[6];
    for (int i = 0; i < k; i++) pd[i] = p[b * k + i];
    stn_affine_matrix_of_d(pd, td, rot, scale, trans);
    for (int i = 0; i < 6; i++) t[6 * b + i] = (scalar_t)td[i];
  }
}

static void STN_T(matrix_backward_cpu)(const scalar_t *p, const scalar_t *G, scalar_t *gp, int64_t B, int k, int rot,
                                       int scale, int trans) {
  for (int64_t b = 0; b < B; b++) {
    double pd[6], Gd[6], gd[6];
    for (int i = 0; i < k; i++) pd[i] = p[b * k + i];
    for (int i = 0; i < 6; i++) Gd[i] = G[6 * b + i];
    stn_affine_matrix_grad_d(pd, Gd, gd, rot, scale, trans);
    for (int i = 0; i < k; i++) gp[b * k + i] = (scalar_t)gd[i];
  }
}

static stn_status STN_T(matrix_forward_typed)(const stn_tensor *p, stn_tensor *out, int rot, int scale, int trans) {
  STN_T(matrix_forward_cpu)((const scalar_t *)stn_ptr(p), (scalar_t *)stn_ptr(out), p->shape[0], (int)p->shape[1], rot,
                            scale, trans);
  return STN_OK;
}

static stn_status STN_T(matrix_backward_typed)(const stn_tensor *p, const stn_tensor *g, stn_tensor *out, int rot,
                                               int scale, int trans) {
  STN_T(matrix_backward_cpu)((const scalar_t *)stn_ptr(p), (const scalar_t *)stn_ptr(g), (scalar_t *)stn_ptr(out),
                             p->shape[0], (int)p->shape[1], rot, scale, trans);
  return STN_OK;
}
