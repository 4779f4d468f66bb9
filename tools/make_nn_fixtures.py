#!/usr/bin/python3
"""Writes spec/fixtures/nn_layers.lua: golden values for the nn layer specs from an
independent implementation, PyTorch in float64 (Debian's python3-torch; run with
/usr/bin/python3), gradients by autograd.

Convolution, pooling (ceil mode, padding, count_include_pad) and log-softmax /
cross-entropy are PyTorch's own ops. The local normalizations are Torch7's module
graphs rebuilt literally from PyTorch ops: zero padding, a convolution whose weights
are the normalized kernel for every input plane (for a 1-D kernel: a per-plane
horizontal pass then a vertical pass summing the planes), replication over the
planes, the coefficient map from the same estimator applied to ones, then CSub /
CDiv / Sqrt / Threshold as in nn/SpatialSubtractiveNormalization.lua and
nn/SpatialDivisiveNormalization.lua.

    /usr/bin/python3 tools/make_nn_fixtures.py     # rewrites spec/fixtures/nn_layers.lua
"""
import math
import os

import torch
import torch.nn.functional as F

from fixture_utils import f32, lua_tensor, seeded_rand

rand = seeded_rand(19980607)


def gaussian1d(size, sigma=0.25, amplitude=1.0, mean=0.5):
    """Torch7's image.gaussian1D."""
    center = mean * size + 0.5
    return f32(torch.tensor([amplitude * math.exp(-(((i - center) / (sigma * size)) ** 2) / 2)
                             for i in range(1, size + 1)]))


def gaussian2d(size, sigma=0.25, amplitude=1.0):
    """Torch7's image.gaussian (square, centred)."""
    c = 0.5 * size + 0.5
    return f32(torch.tensor([[amplitude * math.exp(-(((u - c) / (sigma * size)) ** 2 + ((v - c) / (sigma * size)) ** 2) / 2)
                              for u in range(1, size + 1)] for v in range(1, size + 1)]))


# ---------------------------------------------------------------- Torch7's local normalizations
def estimator(x, kernel, n, norm):
    """Torch7's mean/std estimator (without the square and sqrt): zero padding, the
    kernel on every plane summed into one map, replicated over the n planes. norm:
    the divisor Torch7 applies to the kernel (kernel.sum() * n, or * sqrt(n) for a 1-D
    kernel in the divisive module)."""
    k = kernel / norm
    if kernel.dim() == 2:
        ph, pw = kernel.shape[0] // 2, kernel.shape[1] // 2
        xp = F.pad(x, (pw, pw, ph, ph))
        out = F.conv2d(xp, k.expand(1, n, *kernel.shape).contiguous())
    else:
        p = kernel.shape[0] // 2
        xp = F.pad(x, (p, p, p, p))
        horiz = F.conv2d(xp, k.view(1, 1, 1, -1).repeat(n, 1, 1, 1), groups=n)  # SpatialConvolutionMap(oneToOne)
        out = F.conv2d(horiz, k.view(1, 1, -1, 1).repeat(1, n, 1, 1))            # SpatialConvolution(n, 1, 1, k)
    return out.expand(-1, n, -1, -1)


def subtractive(x, kernel):
    n = x.shape[1]
    norm = kernel.sum() * n
    coef = estimator(torch.ones_like(x[:1]), kernel, n, norm)
    return x - estimator(x, kernel, n, norm) / coef


def divisive(x, kernel, threshold=1e-4, thresval=None):
    thresval = threshold if thresval is None else thresval
    n = x.shape[1]
    norm = kernel.sum() * (n if kernel.dim() == 2 else math.sqrt(n))
    coef = estimator(torch.ones_like(x[:1]), kernel, n, norm)
    stds = torch.sqrt(estimator(x * x, kernel, n, norm))
    adjusted = stds / coef
    return x / F.threshold(adjusted, threshold, thresval)


def contrastive(x, kernel, threshold=1e-4, thresval=None):
    return divisive(subtractive(x, kernel), kernel, threshold, thresval)


# ---------------------------------------------------------------- cases
def grads(out, *leaves):
    g = rand(*out.shape)
    got = torch.autograd.grad(out, leaves, g)
    return g, got


def conv_case():
    x = rand(2, 3, 7, 8).requires_grad_()
    w = rand(4, 3, 3, 2, lo=-0.5, hi=0.5).requires_grad_()
    b = rand(4).requires_grad_()
    y = F.conv2d(x, w, b, stride=(1, 2), padding=(2, 1))  # kH=3, kW=2, dH=1, dW=2, padH=2, padW=1
    g, (gx, gw, gb) = grads(y, x, w, b)
    return ("conv = { kW = 2, kH = 3, dW = 2, dH = 1, padW = 1, padH = 2,\n  input = %s,\n  weight = %s,\n"
            "  bias = %s,\n  output = %s,\n  gradOutput = %s,\n  gradInput = %s,\n  gradWeight = %s,\n  gradBias = %s },\n"
            % tuple(lua_tensor(t) for t in (x, w, b, y, g, gx, gw, gb)))


def pool_case(name, fn):
    x = rand(2, 2, 7, 6).requires_grad_()
    y = fn(x)
    g, (gx,) = grads(y, x)
    return "%s = { input = %s,\n  output = %s,\n  gradOutput = %s,\n  gradInput = %s },\n" % (
        name, lua_tensor(x), lua_tensor(y), lua_tensor(g), lua_tensor(gx))


def softmax_case():
    x = rand(4, 6, lo=-3, hi=3).requires_grad_()
    labels = torch.tensor([6, 1, 3, 3])
    y = F.log_softmax(x, 1)
    g, (gx,) = grads(y, x)
    loss = F.cross_entropy(x, labels - 1)
    (gce,) = torch.autograd.grad(loss, (x,))
    return ("logsoftmax = { input = %s,\n  output = %s,\n  gradOutput = %s,\n  gradInput = %s,\n"
            "  labels = { %s }, crossentropy = %.17g,\n  crossentropyGrad = %s },\n"
            % (lua_tensor(x), lua_tensor(y), lua_tensor(g), lua_tensor(gx),
               ", ".join(str(int(v)) for v in labels), loss.item(), lua_tensor(gce)))


def norm_case(name, module, kernel, fn, **kw):
    x = rand(2, 3, 6, 7).requires_grad_()
    y = fn(x, kernel, **kw)
    g, (gx,) = grads(y, x)
    extra = "".join(", %s = %.9g" % (k, v) for k, v in kw.items())
    return ('{ name = "%s", module = "%s"%s,\n  kernel = %s,\n  input = %s,\n  output = %s,\n  gradOutput = %s,\n'
            '  gradInput = %s },\n' % (name, module, extra, lua_tensor(kernel), lua_tensor(x), lua_tensor(y),
                                      lua_tensor(g), lua_tensor(gx)))


def main():
    parts = ["-- Generated by tools/make_nn_fixtures.py from PyTorch %s (float64): do not edit.\n" % torch.__version__,
             "-- Tensors are { sizes = {...}, data = {row-major values} }.\nreturn {\n"]
    parts.append(conv_case())
    parts.append(pool_case("maxpool", lambda x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True)))
    parts.append(pool_case("avgpool", lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=True)))
    parts.append(pool_case("avgpool_exclude", lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True,
                                                                      count_include_pad=False)))
    parts.append(softmax_case())
    parts.append("normalization = {\n")
    ones9 = torch.ones(9, 9)
    g1, g2 = gaussian1d(5), gaussian2d(5)
    parts.append(norm_case("subtractive, 9x9 ones", "SpatialSubtractiveNormalization", ones9, subtractive))
    parts.append(norm_case("subtractive, 1-D gaussian", "SpatialSubtractiveNormalization", g1, subtractive))
    parts.append(norm_case("divisive, 9x9 ones", "SpatialDivisiveNormalization", ones9, divisive))
    parts.append(norm_case("divisive, 2-D gaussian, threshold in play", "SpatialDivisiveNormalization", g2, divisive,
                           threshold=0.45, thresval=0.7))
    parts.append(norm_case("divisive, 1-D gaussian", "SpatialDivisiveNormalization", g1, divisive))
    parts.append(norm_case("contrastive, 9x9 ones", "SpatialContrastiveNormalization", ones9, contrastive))
    parts.append(norm_case("contrastive, 1-D gaussian", "SpatialContrastiveNormalization", g1, contrastive))
    parts.append(norm_case("contrastive, 3x5 gaussian-like", "SpatialContrastiveNormalization",
                           f32(torch.outer(gaussian1d(3), gaussian1d(5))), contrastive))
    parts.append("},\n}\n")
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "spec", "fixtures", "nn_layers.lua")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("".join(parts))
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
