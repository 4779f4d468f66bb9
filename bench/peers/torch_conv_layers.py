#!/usr/bin/env python3
"""PyTorch peer of bench/conv_paths.lua: conv2d's three passes (forward, input gradient,
weight gradient) at the flagship's layer shapes, batch 50, fp32, on the CPU, through
aten::convolution_backward with one output mask per pass, so that each pass is timed alone
on whatever backend PyTorch picks (oneDNN for these shapes in 1.13). Medians over rounds,
milliseconds and GFLOP/s counted as bench/conv_paths.lua counts them (every pass as the
forward's 2 B O C kH kW oH oW).

    /usr/bin/python3 bench/peers/torch_conv_layers.py --threads 1 --clock cpu --rounds 3
"""
import argparse
import platform
import statistics
import time

import torch

SHAPES = [  # name, nIn, nOut, k, pad, H (stride 1), as bench/conv_paths.lua
    ('conv1 3->150 7x7 p2 48x48', 3, 150, 7, 2, 48),
    ('conv2 150->200 4x4 p2 23x23', 150, 200, 4, 2, 23),
    ('conv3 200->300 4x4 p2 12x12', 200, 300, 4, 2, 12),
    ('loc1a 3->200 5x5 p2 24x24', 3, 200, 5, 2, 24),
    ('loc1b 200->300 5x5 p2 12x12', 200, 300, 5, 2, 12),
    ('loc2a 200->150 5x5 p2 6x6', 200, 150, 5, 2, 6),
    ('loc2b 150->150 5x5 p2 3x3', 150, 150, 5, 2, 3),
]


def cpu_model():
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or 'unknown CPU'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--batch', type=int, default=50)
    ap.add_argument('--clock', choices=['wall', 'cpu'], default='wall')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    clock = time.process_time if a.clock == 'cpu' else time.perf_counter
    print(f'CPU: {cpu_model()}; torch {torch.__version__}, mkldnn {torch.backends.mkldnn.is_available()}, '
          f'{a.threads} thread(s), {a.clock} clock, batch {a.batch}, median of {a.rounds} rounds')
    torch.manual_seed(1)
    print(f'{"layer":30s} {"forward":>16s} {"gradInput":>16s} {"gradWeight":>16s}')
    for name, C, O, k, pad, H in SHAPES:
        x = torch.randn(a.batch, C, H, H)
        w = torch.randn(O, C, k, k) * 0.05
        b = torch.randn(O)
        y = torch.nn.functional.conv2d(x, w, b, padding=pad)
        gy = torch.randn_like(y)
        oH = y.shape[2]
        gflop = 2.0 * a.batch * O * C * k * k * oH * oH / 1e9

        def fwd():
            torch.nn.functional.conv2d(x, w, b, padding=pad)

        def bwd(mask):
            return lambda: torch.ops.aten.convolution_backward(gy, x, w, [O], [1, 1], [pad, pad], [1, 1], False,
                                                                [0, 0], 1, mask)
        passes = [fwd, bwd([True, False, False]), bwd([False, True, True])]
        if C == 3:  # bench/conv_paths.lua leaves the 3-plane layers' input gradient out as well
            passes[1] = None
        cells = []
        for fn in passes:
            if fn is None:
                cells.append(f'{"-":>16s}')
                continue
            fn()
            ts = []
            for _ in range(a.rounds):
                t0 = clock()
                fn()
                ts.append(clock() - t0)
            ms = statistics.median(ts) * 1e3
            cells.append(f'{ms:8.2f} ({gflop / ms * 1e3:5.0f})')
        print(f'{name:30s} ' + ' '.join(cells))


if __name__ == '__main__':
    main()
