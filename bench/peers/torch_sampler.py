#!/usr/bin/env python3
"""PyTorch peer of bench/sampler.lua: F.affine_grid + F.grid_sample (bilinear, zeros,
align_corners=True, or the --modes and --padding listed), forward and forward+backward (gradients w.r.t. the images and
theta), at the same shapes, medians of timed samples, a table printed last.

    /usr/bin/python3 bench/peers/torch_sampler.py            # CPU, 2 threads (Debian's python3-torch)
    python3 bench/peers/torch_sampler.py --cuda              # CPU and CUDA (with synchronize)
    options: --threads N  --samples N  --min-time S  --cuda-only  --shape BxCxHxW
             --modes bilinear,nearest,bicubic  --padding zeros,border,reflection
             --cpu-time (process CPU time instead of wall-clock, for CPU runs)
             --volumetric (the 5-D shapes of bench/sampler.lua --volumetric instead)
"""
import argparse
import platform
import statistics
import time

import torch
import torch.nn.functional as F

SHAPES = [(50, 3, 48, 48), (256, 3, 48, 48), (50, 150, 23, 23), (50, 200, 12, 12), (256, 1, 42, 42)]


def nbytes(B, C, H, W, backward):
    """The same count as bench/sampler.lua: the bytes the computation must move at least."""
    img, grid = B * C * H * W * 4, B * H * W * 2 * 4
    fwd = img + 2 * grid + img
    return fwd + (img + img + grid + img + 2 * grid if backward else 0)


def timeit(fn, cuda, samples, min_time, cpu_time=False):
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    clock = time.process_time if cpu_time and not cuda else time.perf_counter
    fn(); fn(); sync()
    t0 = clock(); fn(); sync()
    one = max(clock() - t0, 1e-7)
    reps = max(1, int(min_time / one + 0.999))
    out = []
    for _ in range(samples):
        start = clock()
        for _ in range(reps):
            fn()
        sync()
        out.append((clock() - start) / reps)
    return statistics.median(out)


def bench(shape, device, samples, min_time, cpu_time, mode="bilinear", padding="zeros"):
    B, C, H, W = shape
    g = torch.Generator().manual_seed(1)
    theta = torch.rand(B, 2, 3, generator=g) * 0.2 - 0.1
    theta[:, 0, 0] += 0.9
    theta[:, 1, 1] += 0.9
    images = torch.rand(B, C, H, W, generator=g)
    gout = torch.rand(B, C, H, W, generator=g)
    theta, images, gout = theta.to(device), images.to(device), gout.to(device)

    def forward():
        with torch.no_grad():
            grid = F.affine_grid(theta, (B, C, H, W), align_corners=True)
            return F.grid_sample(images, grid, mode=mode, padding_mode=padding, align_corners=True)

    th = theta.clone().requires_grad_()
    im = images.clone().requires_grad_()

    def forward_backward():
        grid = F.affine_grid(th, (B, C, H, W), align_corners=True)
        out = F.grid_sample(im, grid, mode=mode, padding_mode=padding, align_corners=True)
        out.backward(gout)

    cuda = device == "cuda"
    return (timeit(forward, cuda, samples, min_time, cpu_time),
            timeit(forward_backward, cuda, samples, min_time, cpu_time))


VOLUME_SHAPES = [(4, 8, 32, 32, 32, 32, 32, 32), (2, 1, 128, 128, 128, 64, 64, 64)]


def bench_volumetric_shape(shape, device, mode, samples, min_time, cpu_time, padding="zeros"):
    """F.affine_grid on a 5-D size + F.grid_sample (align_corners=True), as
    bench/sampler.lua --volumetric: forward, and forward+backward w.r.t. images and theta."""
    B, C, D, H, W, Do, Ho, Wo = shape
    g = torch.Generator().manual_seed(1)
    theta = torch.rand(B, 3, 4, generator=g) * 0.2 - 0.1
    for i in range(3):
        theta[:, i, i] += 0.9
    images = torch.rand(B, C, D, H, W, generator=g)
    gout = torch.rand(B, C, Do, Ho, Wo, generator=g)
    theta, images, gout = theta.to(device), images.to(device), gout.to(device)
    size = (B, C, Do, Ho, Wo)

    def forward():
        with torch.no_grad():
            grid = F.affine_grid(theta, size, align_corners=True)
            return F.grid_sample(images, grid, mode=mode, padding_mode=padding, align_corners=True)

    th = theta.clone().requires_grad_()
    im = images.clone().requires_grad_()

    def forward_backward():
        grid = F.affine_grid(th, size, align_corners=True)
        out = F.grid_sample(im, grid, mode=mode, padding_mode=padding, align_corners=True)
        out.backward(gout)

    cuda = device == "cuda"
    return (timeit(forward, cuda, samples, min_time, cpu_time),
            timeit(forward_backward, cuda, samples, min_time, cpu_time))


def volumetric_main(a, devices):
    rows = []
    for device in devices:
        for mode in ("bilinear", "nearest"):
            for padding in a.padding.split(","):
                for shape in VOLUME_SHAPES:
                    f, fb = bench_volumetric_shape(shape, device, mode, a.samples, a.min_time, a.cpu_time, padding)
                    name = "%dx%dx%dx%dx%d->%dx%dx%d" % shape
                    row = "%-5s %-9s %-10s %-26s %10.1f %12.1f" % (device, mode, padding, name, f * 1e6, fb * 1e6)
                    rows.append(row)
                    print(row, flush=True)
    print()
    print("PyTorch 5-D affine_grid + grid_sample (align_corners=True; bilinear = trilinear), median us per call")
    print("%-5s %-9s %-10s %-26s %10s %12s" % ("dev", "mode", "padding", "B x C x D x H x W -> grid", "fwd us",
                                              "fwd+bwd us"))
    for r in rows:
        print(r)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cuda", action="store_true")
    ap.add_argument("--cuda-only", action="store_true")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--samples", type=int, default=7)
    ap.add_argument("--min-time", type=float, default=0.05)
    ap.add_argument("--cpu-time", action="store_true")
    ap.add_argument("--volumetric", action="store_true")
    ap.add_argument("--modes", default="bilinear")
    ap.add_argument("--padding", default="zeros")
    ap.add_argument("--shape", default="")
    a = ap.parse_args()
    shapes = [tuple(int(v) for v in a.shape.split("x"))] if a.shape else SHAPES
    torch.set_num_threads(a.threads)
    devices = [] if a.cuda_only else ["cpu"]
    if a.cuda or a.cuda_only:
        if torch.cuda.is_available():
            devices.append("cuda")
        else:
            print("no CUDA device: CUDA skipped")
    gpu = "; GPU: " + torch.cuda.get_device_name(0) if "cuda" in devices else ""
    print("PyTorch %s sampler benchmark; CPU: %s, %d threads%s%s" % (
        torch.__version__, platform.processor() or platform.machine(), a.threads, " (CPU time)" if a.cpu_time else "", gpu))
    if a.volumetric:
        return volumetric_main(a, devices)
    rows = []
    for device in devices:
        for mode in a.modes.split(","):
            for padding in a.padding.split(","):
                for shape in shapes:
                    f, fb = bench(shape, device, a.samples, a.min_time, a.cpu_time, mode, padding)
                    row = "%-5s %-4s %-8s %-10s %-16s %10.1f %8.1f %12.1f %8.1f" % (
                        device, "bchw", mode, padding, "x".join(map(str, shape)), f * 1e6,
                        nbytes(*shape, False) / f / 1e9, fb * 1e6, nbytes(*shape, True) / fb / 1e9)
                    rows.append(row)
                    print(row, flush=True)
    print()
    print("PyTorch affine_grid + grid_sample (align_corners=True), median us per call")
    print("%-5s %-4s %-8s %-10s %-16s %10s %8s %12s %8s" % ("dev", "fam", "mode", "padding", "B x C x H x W", "fwd us",
                                                        "GB/s", "fwd+bwd us", "GB/s"))
    for r in rows:
        print(r)


if __name__ == "__main__":
    main()
