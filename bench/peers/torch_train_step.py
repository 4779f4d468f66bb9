#!/usr/bin/env python3
"""Peer of bench/train_step.lua: one SGD step (forward, backward, update) of the
gtsrb.torch IDSIA network (--cnn 150,200,300,350) at batch 50, in PyTorch.

PyTorch has no SpatialContrastiveNormalization: here it is composed from PyTorch ops
(channel sum, a 9x9 all-ones conv2d, sqrt, threshold, divisions) with Torch7's
semantics, so both sides run the same network; --no-cnorm drops it on this side
(pass --no-cnorm to the Lua bench too for the matching figure). The spatial
transformers use F.affine_grid + F.grid_sample (align_corners=True). TF32 is off
(cuDNN would use it for convolutions by default): fp32 against stn's fp32, unless
--tf32 (allow_tf32 for cuBLAS and cuDNN; stn: stn.setPrecision('tf32')). --bf16 runs
the forward and loss under autocast(bfloat16). --compile wraps the whole step (zero_grad,
forward, loss, backward, optimizer step) in torch.compile (PyTorch 2.x; --compile-mode
picks its mode, e.g. reduce-overhead for CUDA graphs); the compiling steps are part of
the warm-up, never timed.

Usage: /usr/bin/python3 bench/peers/torch_train_step.py [--steps N] [--device cpu|cuda|all]
       [--threads 2] [--no-cnorm] [--nets st,plain] [--ghz 3.66]
       [--compile [--compile-mode MODE]] [--tf32] [--bf16] [--deterministic]
Prints the CPU model and the instruction set PyTorch's kernels use, the fp32 FMA peak,
and samples/s (median of the timed steps) per network and device with the
convolutions' GFLOP/s over the whole step (a lower bound on their own rate); on CUDA
also the peak device memory of one step (torch.cuda.max_memory_allocated after
reset_peak_memory_stats), as bench/train_step.lua prints stn's.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class ContrastiveNorm(nn.Module):
    """Torch7 nn.SpatialContrastiveNormalization(n, ones(9, 9)): subtractive then
    divisive normalization with the kernel's in-image mass as border coefficient."""

    def __init__(self, k=9, threshold=1e-4):
        super().__init__()
        self.k, self.threshold = k, threshold
        self.register_buffer('kernel', torch.ones(1, 1, k, k) / (k * k))

    def local(self, s):  # kernel-weighted local sums of a B x 1 x H x W map
        return F.conv2d(s, self.kernel, padding=self.k // 2)

    def forward(self, x):
        n = x.shape[1]
        ones = torch.ones(1, 1, x.shape[2], x.shape[3], device=x.device)
        coef = self.local(ones)  # fraction of the kernel inside the image
        mean = self.local(x.sum(1, keepdim=True)) / n / coef
        y = x - mean
        std = torch.sqrt(self.local((y * y).sum(1, keepdim=True)) / n) / coef
        std = torch.where(std > self.threshold, std, torch.full_like(std, self.threshold))
        return y / std


def conv_block(cin, cout, k, cnorm):
    layers = [nn.Conv2d(cin, cout, k, 1, 2), nn.ReLU(), nn.MaxPool2d(2, 2)]
    if cnorm:
        layers.append(ContrastiveNorm())
    return layers


class SpatialTransformer(nn.Module):
    """gtsrb.torch's transformer: a localization net (pool, two conv blocks without
    normalization, fc, 6 affine parameters initialized to the identity)."""

    def __init__(self, channels, size, locnet):
        super().__init__()
        a, b, c = locnet
        s = size // 2
        s = (s + 4 - 5 + 1) // 2
        s = (s + 4 - 5 + 1) // 2
        fc_in = b * s * s
        last = nn.Linear(c, 6)
        nn.init.zeros_(last.weight)
        last.bias.data.copy_(torch.tensor([1., 0, 0, 0, 1, 0]))
        self.loc = nn.Sequential(nn.MaxPool2d(2, 2), *conv_block(channels, a, 5, False), *conv_block(a, b, 5, False),
                                 nn.Flatten(), nn.Linear(fc_in, c), nn.ReLU(), last)

    def forward(self, x):
        theta = self.loc(x).view(-1, 2, 3)
        grid = F.affine_grid(theta, list(x.shape), align_corners=True)
        return F.grid_sample(x, grid, align_corners=True)


def idsia(st, cnorm):
    layers = []
    if st:
        layers.append(SpatialTransformer(3, 48, (200, 300, 200)))
    layers += conv_block(3, 150, 7, cnorm)
    layers += conv_block(150, 200, 4, cnorm)
    if st:
        layers.append(SpatialTransformer(200, 12, (150, 150, 150)))
    layers += conv_block(200, 300, 4, cnorm)
    layers += [nn.Flatten(), nn.Linear(300 * 6 * 6, 350), nn.ReLU(), nn.Linear(350, 43)]
    return nn.Sequential(*layers)


def cpu_model():
    """/proc/cpuinfo's model name, vendor, family and clock (MHz, as the kernel reports it)."""
    info = {}
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                k, _, v = line.partition(':')
                info.setdefault(k.strip(), v.strip())
    except OSError:
        pass
    return info


def cpu_path():
    """The instruction sets PyTorch's CPU kernels run: ATen's (torch.backends.cpu.get_cpu_capability()
    where this torch has it, else the "CPU capability usage" line of torch.__config__.show())
    and oneDNN's, which runs the convolutions (DNNL_VERBOSE, in a child process so that this
    one's output stays clean)."""
    cap = getattr(getattr(torch.backends, 'cpu', None), 'get_cpu_capability', None)
    aten = cap() if cap is not None else None
    if aten is None:
        for line in torch.__config__.show().splitlines():
            if 'CPU capability usage:' in line:
                aten = line.split(':', 1)[1].strip()
    env = dict(os.environ, DNNL_VERBOSE='1', MKLDNN_VERBOSE='1')
    code = 'import torch; torch.nn.functional.conv2d(torch.randn(8, 64, 16, 16), torch.randn(64, 64, 3, 3))'  # oneDNN's size
    try:
        r = subprocess.run([sys.executable, '-c', code], env=env, capture_output=True, text=True, timeout=120)
        out = r.stdout + r.stderr
    except (OSError, subprocess.SubprocessError):
        out = ''
    dnnl = 'oneDNN (run-time)'
    for line in out.splitlines():
        if 'isa:' in line:
            dnnl = 'oneDNN ' + line.split('isa:', 1)[1].strip()
            break
    return f"ATen {aten or '?'}, {dnnl}"


def fma_peak(threads, info, isa, ghz):
    """threads x clock x 2 FMA/cycle x lanes x 2, as bench/common.lua's fma_peak: the clock
    is ghz when given (bench/fma_peak.c measures it), else cpu MHz (nominal under a
    hypervisor); 512-bit lanes only on Intel's AVX-512."""
    clock = ghz or float(info.get('cpu MHz', 0) or 0) * 1e-3
    if not clock:
        return None, 'no clock in /proc/cpuinfo (pass --ghz)'
    lanes = 16 if ('AVX-512' in isa or 'AVX512' in isa) and info.get('vendor_id') == 'GenuineIntel' else 8
    return (threads * clock * 2 * lanes * 2,
            f"{threads} cores x {clock:.2f} GHz ({'--ghz' if ghz else 'cpu MHz'}) x 2 FMA/cycle (assumed) x {lanes} "
            'fp32 lanes x 2 flops')


def conv_flops(net, x):
    """The network's Conv2d work per training step: forward, weight gradient, and input
    gradient where the input needs one (2 B O C kH kW oH oW flops each)."""
    total = [0]

    def hook(m, inp, out):
        b, o, oh, ow = out.shape
        per = 2 * b * o * m.in_channels * m.kernel_size[0] * m.kernel_size[1] * oh * ow
        total[0] += per * (3 if inp[0].requires_grad else 2)

    hs = [m.register_forward_hook(hook) for m in net.modules() if isinstance(m, nn.Conv2d)]
    net(x)
    for h in hs:
        h.remove()
    return total[0]


def profile_steps(step, device):
    """Prints where a few steps' time goes, by operator (torch.profiler)."""
    from torch.profiler import ProfilerActivity, profile
    acts = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if device == 'cuda' else [])
    with profile(activities=acts) as prof:
        for _ in range(5):
            step()
        if device == 'cuda':
            torch.cuda.synchronize()
    key = 'self_cuda_time_total' if device == 'cuda' else 'self_cpu_time_total'
    print(prof.key_averages().table(sort_by=key, row_limit=20, max_name_column_width=60), flush=True)


def bench(net_name, st, cnorm, device, steps, batch=50, profiled=False, compiled=None, bf16=False):
    torch.manual_seed(1)
    net = idsia(st, cnorm).to(device)
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.randn(batch, 3, 48, 48, device=device)
    y = torch.randint(0, 43, (batch,), device=device)

    def step():
        opt.zero_grad(set_to_none=False)
        with torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=bf16):
            loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()

    if compiled is not None:  # the whole step: forward, loss, backward, optimizer
        step = torch.compile(step, mode=compiled)
    warm = 3 if device == 'cpu' else 10
    if compiled is not None:
        warm = max(warm, 15)  # compiling (and CUDA graph recording in reduce-overhead) happens here
    for _ in range(warm):
        step()
    peak = None
    if device == 'cuda':  # the high-water mark of one step, after the warm-up
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        step()
        torch.cuda.synchronize()
        peak = torch.cuda.max_memory_allocated()
    times = []
    for _ in range(steps):
        if device == 'cuda':
            torch.cuda.synchronize()
        t0 = time.perf_counter()
        step()
        if device == 'cuda':
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    if profiled:
        profile_steps(step, device)
    name = torch.cuda.get_device_name() if device == 'cuda' else f'cpu, {torch.get_num_threads()} threads'
    flops = conv_flops(net, x)
    mem = f'; peak {peak / 2 ** 20:.1f} MiB (max_memory_allocated)' if peak is not None else ''
    print(f'{net_name:34s} {device:4s}  {batch / med:9.1f} samples/s  ({med * 1e3:8.2f} ms/step, '
          f'median of {steps}; {name}); conv {flops * 1e-9:.2f} GFLOP/step, {flops / med * 1e-9:.1f} GFLOP/s '
          f'over the whole step{mem}', flush=True)
    return batch / med


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--steps', type=int, default=10)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--device', default='all', choices=['cpu', 'cuda', 'all'])
    p.add_argument('--cuda', action='store_true', help='same as --device cuda (tools/gpu_check.sh)')
    p.add_argument('--no-cnorm', action='store_true')
    p.add_argument('--nets', default='st,plain', help='comma list of st (with transformers), plain (without)')
    p.add_argument('--deterministic', action='store_true',
                   help="torch.use_deterministic_algorithms(True), as stn's bitwise-repeatable CUDA training")
    p.add_argument('--profile', action='store_true', help='also print the top operators of 5 steps (torch.profiler)')
    p.add_argument('--ghz', type=float, default=0, help='the clock for the FMA peak (bench/fma_peak.c measures it)')
    p.add_argument('--compile', action='store_true',
                   help='torch.compile the whole step (forward, loss, backward, optimizer step); PyTorch 2.x')
    p.add_argument('--compile-mode', default='default',
                   choices=['default', 'reduce-overhead', 'max-autotune', 'max-autotune-no-cudagraphs'],
                   help="torch.compile's mode (reduce-overhead: CUDA graphs)")
    p.add_argument('--tf32', action='store_true', help="allow TF32 in cuBLAS and cuDNN (stn.setPrecision('tf32'))")
    p.add_argument('--bf16', action='store_true', help='forward and loss under torch.autocast(bfloat16)')
    a = p.parse_args()
    if a.compile and not hasattr(torch, 'compile'):
        sys.exit(f'torch_train_step.py: --compile needs torch.compile (PyTorch 2.0 or later); this is torch '
                 f'{torch.__version__}')
    if a.deterministic:
        os.environ.setdefault('CUBLAS_WORKSPACE_CONFIG', ':4096:8')
        torch.use_deterministic_algorithms(True, warn_only=True)  # grid_sample's backward has no deterministic CUDA version: it warns
        torch.backends.cudnn.benchmark = False
    torch.set_num_threads(a.threads)
    # fp32 throughout, as stn (cuDNN would otherwise run the convolutions in TF32), unless --tf32
    torch.backends.cudnn.allow_tf32 = a.tf32
    torch.backends.cuda.matmul.allow_tf32 = a.tf32
    if a.cuda:
        a.device = 'cuda'
    devices = ['cpu', 'cuda'] if a.device == 'all' else [a.device]
    if 'cuda' in devices and not torch.cuda.is_available():
        devices.remove('cuda')
        print('(no CUDA device: CPU only)')
    cn = 'no cnorm' if a.no_cnorm else 'cnorm composed'
    info, isa = cpu_model(), cpu_path()
    print(f"CPU: {info.get('model name', 'unknown CPU')}, instruction-set path {isa}")
    peak, how = fma_peak(a.threads, info, isa, a.ghz)
    if peak and 'cpu' in devices:
        print(f'fp32 FMA peak {peak:.0f} GFLOP/s = {how}')
    precision = 'autocast bf16' if a.bf16 else 'fp32'
    precision += ' (TF32 on)' if a.tf32 else ' (TF32 off)'
    mode = f'torch.compile (mode {a.compile_mode}) of the whole step' if a.compile else 'eager'
    print(f'torch {torch.__version__}, mkldnn {torch.backends.mkldnn.enabled}, batch 50, {precision}, {mode}'
          + (', deterministic algorithms' if a.deterministic else ''))
    for dev in devices:
        for net in a.nets.split(','):
            st = net == 'st'
            label = ('idsia + 2 transformers' if st else 'idsia, no transformers') + f' ({cn})'
            bench(label, st, not a.no_cnorm, dev, a.steps if dev == 'cpu' else 10 * a.steps, profiled=a.profile,
                  compiled=a.compile_mode if a.compile else None, bf16=a.bf16)


if __name__ == '__main__':
    main()
