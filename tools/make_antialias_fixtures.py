"""Golden values for antialiased sampling with reflection padding (stn_sampler_desc.antialias
= 1, padding STN_PADDING_REFLECTION): a float64 numpy reference written from the definition
in docs/spatial_transformer.md ("Antialiased sampling"), which no peer implements. Output,
image gradient and grid gradient on random images and zoom-out grids whose footprints cross
the borders (and reach past them by more than an image, so that taps fold more than once),
both alignments, BCHW images and (x, y) grids.

The reference takes the definition literally: the tent is centred at the unfolded pixel
coordinate u and each tap k reads pixel reflect(k), reflected by the plain sampler's
coordinate rule (fmod of the distance to the border). stn folds u first and reflects
integer taps; agreement checks that the two are the same function. The grid gradient is
the analytic footprint-fixed derivative, checked here against central differences.

    /usr/bin/python3 tools/make_antialias_fixtures.py   # rewrites spec/fixtures/sampler_antialias.lua
"""
import math
import os

import numpy as np

from fixture_utils import lua_value, seeded_rand

rand = seeded_rand(1623)


def pixel(v, size, align):
    return (v + 1) * (size - 1) / 2 if align else ((v + 1) * size - 1) / 2


def pixel_scale(size, align):
    return (size - 1) / 2 if align else size / 2


def reflect(k, size, align):
    """The plain sampler's reflection of coordinate k (docs: 'padding', 'reflection'), clipped."""
    lo, hi = (0.0, size - 1.0) if align else (-0.5, size - 0.5)
    span = hi - lo
    if span <= 0:
        return 0
    r = math.fmod(abs(k - lo), 2 * span)
    c = lo + r if r < span else lo + 2 * span - r
    return int(round(min(max(c, 0.0), size - 1.0)))


def radius(a, b, size):
    s = abs(a) + abs(b)
    if not (s <= size):
        s = size
    if s <= 1 + size * 2.0 ** -20:
        s = 1.0
    return s


def footprints(grid, H, W, align):
    """B x Ho x Wo x 2 radii (sx, sy) from the grid's finite differences."""
    B, Ho, Wo, _ = grid.shape
    u, v = pixel(grid[..., 0], W, align), pixel(grid[..., 1], H, align)
    S = np.zeros((B, Ho, Wo, 2))
    for b in range(B):
        for i in range(Ho):
            for j in range(Wo):
                j0, j1 = max(0, j - 1), min(Wo - 1, j + 1)
                i0, i1 = max(0, i - 1), min(Ho - 1, i + 1)
                hj = 0.5 if j1 - j0 == 2 else 1.0
                hi = 0.5 if i1 - i0 == 2 else 1.0
                S[b, i, j, 0] = radius((u[b, i, j1] - u[b, i, j0]) * hj, (u[b, i1, j] - u[b, i0, j]) * hi, W)
                S[b, i, j, 1] = radius((v[b, i, j1] - v[b, i, j0]) * hj, (v[b, i1, j] - v[b, i0, j]) * hi, H)
    return S


def taps(u, s, size, align):
    """The tent's taps along one axis: (pixel read, weight, sign(k - u)) and the weight sum."""
    ks = range(math.floor(u - s) + 1, math.ceil(u + s))
    t = [(reflect(k, size, align), s - abs(k - u), float(np.sign(k - u))) for k in ks]
    return t, sum(w for _, w, _ in t)


def sample(images, grid, align, S, gout=None):
    """Output; with gout also the image gradient (the adjoint) and the grid gradient (d/du
    with the footprint S fixed, times the pixel scale)."""
    B, C, H, W = images.shape
    _, Ho, Wo, _ = grid.shape
    out = np.zeros((B, C, Ho, Wo))
    gi, gg = np.zeros_like(images), np.zeros_like(grid)
    for b in range(B):
        for i in range(Ho):
            for j in range(Wo):
                tx, zx = taps(pixel(grid[b, i, j, 0], W, align), S[b, i, j, 0], W, align)
                ty, zy = taps(pixel(grid[b, i, j, 1], H, align), S[b, i, j, 1], H, align)
                wx = np.array([w for _, w, _ in tx]) / zx
                wy = np.array([w for _, w, _ in ty]) / zy
                sx = np.array([g for _, _, g in tx])
                sy = np.array([g for _, _, g in ty])
                ix = [p for p, _, _ in tx]
                iy = [p for p, _, _ in ty]
                for c in range(C):
                    a = images[b, c][np.ix_(iy, ix)]  # taps read, rows ky, columns kx
                    val = wy @ a @ wx
                    out[b, c, i, j] = val
                    if gout is None:
                        continue
                    go = gout[b, c, i, j]
                    np.add.at(gi[b, c], (np.array(iy)[:, None], np.array(ix)[None, :]), go * np.outer(wy, wx))
                    dx = wy @ a @ sx / zx - val * sx.sum() / zx
                    dy = sy @ a @ wx / zy - val * sy.sum() / zy
                    gg[b, i, j, 0] += go * dx * pixel_scale(W, align)
                    gg[b, i, j, 1] += go * dy * pixel_scale(H, align)
    return out, gi, gg


def affine_grid(theta, Ho, Wo, align):
    """B x Ho x Wo x 2 (x, y) grid of B x 2 x 3 thetas, rounded to float32."""
    def base(n):
        k = np.arange(n)
        return (2 * k - (n - 1)) / (n - 1) if align else (2 * k + 1 - n) / n
    X, Y = np.meshgrid(base(Wo), base(Ho))
    P = np.stack([X, Y, np.ones_like(X)], -1)
    return np.einsum('hwk,bjk->bhwj', P, theta).astype(np.float32).astype(np.float64)


def check_grid_gradient(images, grid, align, S, gout, gg):
    eps = 1e-6
    fd = np.zeros_like(grid)
    for idx in np.ndindex(grid.shape):
        g = grid.copy()
        g[idx] += eps
        up = (sample(images, g, align, S)[0] * gout).sum()
        g[idx] -= 2 * eps
        down = (sample(images, g, align, S)[0] * gout).sum()
        fd[idx] = (up - down) / (2 * eps)
    err = np.abs(fd - gg).max()
    assert err < 1e-5 * max(1.0, np.abs(gg).max()), err


def case(name, align, images, grid):
    B, C, H, W = images.shape
    Ho, Wo = grid.shape[1:3]
    S = footprints(grid, H, W, align)
    gout = rand(B, C, Ho, Wo).numpy()
    out, gi, gg = sample(images, grid, align, S, gout)
    check_grid_gradient(images, grid, align, S, gout, gg)
    wide = (S > 1).any(-1)
    return dict(name=name, align=align, wide=int(wide.sum()), images=images, grid=grid, output=out, grad_output=gout,
                grad_images=gi, grad_grid=gg)


def zoom_theta(B, scale, shift):
    """Rotated zoom-outs, one per batch element, shifted towards a border."""
    th = np.zeros((B, 2, 3))
    for b in range(B):
        a = 0.35 + 0.5 * b
        s = scale * (1 + 0.15 * b)
        th[b] = [[s * math.cos(a), -s * math.sin(a), shift[0] * (1 - 2 * b)],
                 [s * math.sin(a), s * math.cos(a), shift[1]]]
    return th


def main():
    images = rand(2, 2, 13, 17).numpy()
    cases = []
    for align in (True, False):
        tag = "aligned" if align else "unaligned"
        # 2.5-3x zoom-outs reaching past the left/right and bottom borders
        cases.append(case("zoom-out 2.5x crossing the borders, " + tag, align, images,
                          affine_grid(zoom_theta(2, 2.5, (0.7, 0.5)), 5, 6, align)))
        # 6x: samples up to ~3 image sizes out, radii capped at the image size
        cases.append(case("zoom-out 6x, taps folding more than once, " + tag, align, images,
                          affine_grid(zoom_theta(2, 6.0, (1.5, -2.0)), 4, 5, align)))
        # x shrunk 3x, y enlarged: wide along x only (radius 1 along y), past the top
        # (no round numbers: a tap exactly at u or u +- s is a kink)
        th = np.array([[[3.0713, 0.0, 0.4137], [0.0, 0.5219, -0.9071]],
                       [[-3.2291, 0.1133, -0.3117], [0.0, 0.4571, 0.8123]]])
        cases.append(case("x shrunk 3x, y enlarged, " + tag, align, images, affine_grid(th, 7, 5, align)))
        # the image's own size, x stretched quadratically on the right (footprints growing
        # from 1 to ~3 pixels) and shifted left: plain reflection (radius 1) on the left half,
        # past the left border, antialiased on the right, past the right border
        g = affine_grid(np.tile(np.array([[[1.0, 0.0, -0.2913], [0.0, 0.9, 0.0713]]]), (2, 1, 1)), 13, 17, align)
        X = g[..., 0] + 0.2913
        g[..., 0] = (X + 0.8 * np.maximum(X, 0) ** 2 - 0.2913).astype(np.float32)
        cases.append(case("stretched on the right only, " + tag, align, images, g))
    # one pixel high: aligned, every tap along y reads it (a constant: no y gradient)
    thin = rand(1, 2, 1, 9).numpy()
    for align in (True, False):
        cases.append(case("1 x 9 image, 3x, " + ("aligned" if align else "unaligned"), align, thin,
                          affine_grid(zoom_theta(1, 3.0, (0.4, 0.3)), 3, 3, align)))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "spec", "fixtures",
                        "sampler_antialias.lua")
    with open(path, "w") as f:
        f.write("-- Generated by tools/make_antialias_fixtures.py (numpy %s, float64): do not edit.\n"
                % np.__version__)
        f.write("-- Antialiased sampling with reflection padding; BCHW images, (x, y) grids; wide = the\n")
        f.write("-- number of output pixels whose footprint is wider than one pixel.\n")
        f.write("-- Tensors are { sizes = {...}, data = {row-major values} }.\n")
        # the images, shared by the cases, written once
        shared = {id(images): "images", id(thin): "thin"}
        for v, name in ((images, "images"), (thin, "thin")):
            f.write("local %s = %s\n" % (name, lua_value(v, 17)))
        f.write("return {\n")
        for c in cases:
            f.write("  {\n" + "".join("    %s = %s,\n" % (k, shared.get(id(v)) or lua_value(v, 17)) for k, v in c.items())
                    + "  },\n")
        f.write("}\n")
    for c in cases:
        print(c["name"], "wide", c["wide"], "of", c["output"].shape[0] * c["output"].shape[2] * c["output"].shape[3])


if __name__ == "__main__":
    main()
