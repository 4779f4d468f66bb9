/* generic_math.h: the libm functions of the nn generic files (nn/<op>_generic.h) for
 * the instance's type: the float functions for float (as the float kernels always
 * used), the double ones for double. No include guard: each generic file includes it
 * once per instance. */
#undef NN_EXP
#undef NN_LOG
#undef NN_TANH
#undef NN_SQRT
#undef NN_FLOOR
#if STN_DTYPE == 0
#define NN_EXP expf
#define NN_LOG logf
#define NN_TANH tanhf
#define NN_SQRT sqrtf
#define NN_FLOOR floorf
#else
#define NN_EXP exp
#define NN_LOG log
#define NN_TANH tanh
#define NN_SQRT sqrt
#define NN_FLOOR floor
#endif
