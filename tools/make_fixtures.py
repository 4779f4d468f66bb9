#!/usr/bin/python3
"""Writes spec/fixtures/spatial_transformer.lua: golden values for the spatial
transformer specs from an independent implementation, PyTorch's affine_grid and
grid_sample in float64 (Debian's python3-torch; run with /usr/bin/python3).

BCHW family: nn.AffineGridGenerator + nn.GridSampler are affine_grid + grid_sample
with the same align_corners and padding. BHWD family (stnbhwd): the same computation
with the images in B x H x W x C, the grid in (y, x) order and theta's rows and
columns permuted accordingly (corners aligned, zeros padding). The restriction
(AffineTransformMatrixGenerator) is stnbhwd's module re-implemented here in float64 from
its published source (3x3 rotation, scale and translation buffers multiplied in its order,
and its analytic backward), which is checked against autograd to 1e-12 for every flag
combination. The spec suite reads the result as plain Lua.

    /usr/bin/python3 tools/make_fixtures.py     # rewrites spec/fixtures/spatial_transformer.lua
"""
import math
import os

import torch
import torch.nn.functional as F

from fixture_utils import f32, lua_value, seeded_rand

rand = seeded_rand(20150605)


def random_theta(batch, spread):
    """Near-identity affine matrices: rotation, anisotropic scale, shear, translation."""
    thetas = []
    for _ in range(batch):
        a = float(rand(1, lo=-0.6, hi=0.6))
        sx, sy = (float(v) for v in rand(2, lo=0.6, hi=1.3))
        sh = float(rand(1, lo=-0.2, hi=0.2))
        tx, ty = (float(v) for v in rand(2, lo=-spread, hi=spread))
        c, s = math.cos(a), math.sin(a)
        thetas.append([[c * sx, -s * sy + sh, tx], [s * sx, c * sy, ty]])
    return f32(torch.tensor(thetas))


def bchw_case(name, batch, channels, h, w, ho, wo, align, padding, spread, grid=None):
    theta = random_theta(batch, spread).requires_grad_()
    images = rand(batch, channels, h, w).requires_grad_()
    if grid is None:
        g = F.affine_grid(theta, (batch, channels, ho, wo), align_corners=align)
    else:
        g = grid
    leaf = g.detach().clone().requires_grad_()
    out = F.grid_sample(images, leaf, mode="bilinear", padding_mode=padding, align_corners=align)
    gout = rand(*out.shape)
    gi, gg = torch.autograd.grad(out, (images, leaf), gout)
    case = dict(name=name, align=align, padding=padding, height=ho, width=wo, theta=theta, images=images, grid=g,
                output=out, grad_output=gout, grad_images=gi, grad_grid=gg)
    if grid is None:
        (case["grad_theta"],) = torch.autograd.grad(g, theta, gg)
    else:
        del case["theta"]
    return case


def to_bhwd(case):
    """The same computation in stnbhwd's conventions (corners aligned, zeros)."""
    perm = lambda t: t.detach().permute(0, 2, 3, 1)
    # (y', x') = theta_bhwd * (y, x, 1) for (x', y') = theta * (x, y, 1)
    swap = lambda t: torch.stack([torch.stack([t[:, 1, 1], t[:, 1, 0], t[:, 1, 2]], 1),
                                  torch.stack([t[:, 0, 1], t[:, 0, 0], t[:, 0, 2]], 1)], 1)
    return dict(name=case["name"].replace("bchw", "bhwd"), height=case["height"], width=case["width"],
                theta=swap(case["theta"].detach()), images=perm(case["images"]), grid=case["grid"].detach().flip(-1),
                output=perm(case["output"]), grad_output=perm(case["grad_output"]),
                grad_images=perm(case["grad_images"]), grad_grid=case["grad_grid"].flip(-1),
                grad_theta=swap(case["grad_theta"]))


def stnbhwd_restriction_forward(params, rot, scale, trans):
    """stnbhwd's AffineTransformMatrixGenerator forward, written from its published module:
    3x3 homogeneous buffers (rotation, then scale, then translation, for the flags set)
    right-multiplied in that order onto the identity; theta is the product's first two rows.
    The rotation buffer has (1,1) = (2,2) = cos a, (2,1) = sin a, (1,2) = -sin a. Also
    returns the 2x2 blocks after the rotation and after the scale, which its backward uses."""
    batch = params.shape[0]
    if not (rot or scale or trans):
        return params.view(batch, 2, 3), None, None
    complete = torch.eye(3).repeat(batch, 1, 1)
    i = 0
    if rot:
        a = params[:, i]; i += 1
        buf = torch.zeros(batch, 3, 3)
        buf[:, 2, 2] = 1
        buf[:, 0, 0] = torch.cos(a)
        buf[:, 1, 1] = torch.cos(a)
        buf[:, 1, 0] = torch.sin(a)
        buf[:, 0, 1] = -torch.sin(a)
        complete = torch.bmm(complete, buf)
    rotation_output = complete[:, :2, :2].clone()
    if scale:
        s = params[:, i]; i += 1
        buf = torch.zeros(batch, 3, 3)
        buf[:, 0, 0] = s
        buf[:, 1, 1] = s
        buf[:, 2, 2] = 1
        complete = torch.bmm(complete, buf)
    scale_output = complete[:, :2, :2].clone()
    if trans:
        buf = torch.eye(3).repeat(batch, 1, 1)
        buf[:, 0, 2] = params[:, i]
        buf[:, 1, 2] = params[:, i + 1]
        complete = torch.bmm(complete, buf)
    return complete[:, :2, :], rotation_output, scale_output


def stnbhwd_restriction_backward(params, grad_theta, rot, scale, trans):
    """stnbhwd's analytic updateGradInput, written from its published module: from the last
    parameter back, translation (dt = (G's third column)^T * (s R), then G's 2x2 block
    gains G's third column times t^T), scale (ds = sum(R .* G2x2), then G2x2 *= s),
    rotation (da = sum(dR/da .* G2x2), dR/da = [[-sin a, -cos a], [cos a, -sin a]])."""
    batch, k = params.shape
    if not (rot or scale or trans):
        return grad_theta.reshape(batch, 6).clone()
    _, rotation_output, scale_output = stnbhwd_restriction_forward(params, rot, scale, trans)
    g = grad_theta.clone()
    grad = torch.zeros(batch, k)
    i = k
    if trans:
        t = params[:, i - 2:i].unsqueeze(1)                     # B x 1 x 2
        gcol = g[:, :, 2:3]                                     # B x 2 x 1
        grad[:, i - 2:i] = torch.bmm(gcol.transpose(1, 2), scale_output).squeeze(1)
        g[:, :, :2] += torch.bmm(gcol, t)
        i -= 2
    if scale:
        s = params[:, i - 1]
        grad[:, i - 1] = (rotation_output * g[:, :, :2]).sum((1, 2))
        g[:, :, :2] *= s.view(batch, 1, 1)
        i -= 1
    if rot:
        a = params[:, i - 1]
        dR = torch.zeros(batch, 2, 2)
        dR[:, 0, 0] = -torch.sin(a)
        dR[:, 1, 1] = -torch.sin(a)
        dR[:, 1, 0] = torch.cos(a)
        dR[:, 0, 1] = -torch.cos(a)
        grad[:, i - 1] = (dR * g[:, :, :2]).sum((1, 2))
    return grad


def restriction_case(rot, scale, trans, batch=3):
    k = (1 if rot else 0) + (1 if scale else 0) + (2 if trans else 0)
    if k == 0:
        params = rand(batch, 6)
    else:
        cols = []
        if rot: cols.append(rand(batch, 1, lo=-3.0, hi=3.0))
        if scale: cols.append(rand(batch, 1, lo=0.3, hi=1.5))
        if trans: cols.append(rand(batch, 2))
        params = torch.cat(cols, 1)
    gout = rand(batch, 2, 3)
    with torch.no_grad():
        theta, _, _ = stnbhwd_restriction_forward(params, rot, scale, trans)
        gp = stnbhwd_restriction_backward(params, gout, rot, scale, trans)
    # the analytic backward must be the derivative of the forward
    leaf = params.clone().requires_grad_()
    (auto,) = torch.autograd.grad(stnbhwd_restriction_forward(leaf, rot, scale, trans)[0], leaf, gout)
    err = (auto - gp).abs().max().item()
    assert err <= 1e-12, "restriction %s %s %s: analytic backward differs from autograd by %g" % (rot, scale, trans, err)
    return dict(rotation=rot, scale=scale, translation=trans, params=params, theta=theta, grad_theta=gout,
                grad_params=gp)


def check_restriction_direction():
    """A quarter turn by hand: a = pi/2, s = 1, t = 0 gives [[0, -1, 0], [1, 0, 0]]."""
    theta, _, _ = stnbhwd_restriction_forward(torch.tensor([[math.pi / 2]]), True, False, False)
    want = torch.tensor([[[0.0, -1.0, 0.0], [1.0, 0.0, 0.0]]])
    assert (theta - want).abs().max().item() < 1e-15, theta


def lua_case(case):
    return "  {\n" + "".join("    %s = %s,\n" % (k, lua_value(v)) for k, v in case.items()) + "  },\n"


def main():
    bchw = [
        bchw_case("bchw aligned zeros", 2, 3, 5, 6, 4, 7, True, "zeros", 0.4),
        bchw_case("bchw unaligned zeros", 2, 2, 6, 5, 5, 3, False, "zeros", 0.4),
        bchw_case("bchw aligned border", 3, 1, 4, 7, 6, 4, True, "border", 0.7),
        bchw_case("bchw unaligned border", 2, 2, 5, 5, 3, 6, False, "border", 0.7),
    ]
    free_grid = rand(2, 4, 5, 2, lo=-1.25, hi=1.25)
    grids = [
        bchw_case("bchw free grid unaligned zeros", 2, 3, 4, 6, 4, 5, False, "zeros", 0, grid=free_grid),
        bchw_case("bchw free grid aligned border", 2, 3, 4, 6, 4, 5, True, "border", 0, grid=free_grid),
    ]
    bhwd = [to_bhwd(bchw_case("bchw for bhwd", 2, 3, 5, 4, 6, 3, True, "zeros", 0.4)),
            to_bhwd(bchw_case("bchw for bhwd batch 3", 3, 2, 4, 6, 5, 5, True, "zeros", 0.6))]
    check_restriction_direction()
    restriction = [restriction_case(r, s, t) for r in (False, True) for s in (False, True) for t in (False, True)]
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "spec", "fixtures", "spatial_transformer.lua")
    with open(path, "w") as f:
        f.write("-- Generated by tools/make_fixtures.py from PyTorch %s (float64): do not edit.\n" % torch.__version__)
        f.write("-- Tensors are { sizes = {...}, data = {row-major values} }.\n")
        f.write("return {\n")
        for section, cases in (("bchw", bchw + grids), ("bhwd", bhwd), ("restriction", restriction)):
            f.write("%s = {\n" % section)
            for case in cases:
                f.write(lua_case(case))
            f.write("},\n")
        f.write("}\n")
    print("wrote", os.path.normpath(path), os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
