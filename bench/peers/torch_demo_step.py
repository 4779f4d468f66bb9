#!/usr/bin/env python3
"""Peer of bench/demo_step.lua: samples per second of the `make demo` networks in PyTorch
(RTS Fashion-MNIST, 1 x 42 x 42, 10 classes, --cnn 32,64,128 --no_cnorm --no_lnorm,
batch 50, SGD with momentum 0.9, dampening 0 as demo.lua trains, lr 0.01; demo_step.lua
leaves Torch7's damped momentum, the same work per step):
  baseline   the CNN alone: two blocks of conv 5x5 (padding 2), ReLU, max-pool 2 (32 and 64
             planes), a fully connected layer of 128 (ReLU) and a linear classifier
  st         the CNN behind one spatial transformer (--st --locnet 20,20,20 --locnet_lr 0.1):
             a localization network on the input max-pooled by 2 (two conv blocks, a fully
             connected layer, 6 outputs with zero weight and identity bias), whose parameters
             learn at lr x 0.1, then F.affine_grid + F.grid_sample (bilinear, zeros padding,
             align_corners=True)
The loss is log_softmax + NLL (stn's nn.CrossEntropyCriterion). For each network: one SGD
step (zero the gradients, forward, backward, update) per iteration (train), and the
test pass's forward in eval mode without autograd (test), medians of interleaved rounds,
after the same 2 warm-up steps as the Lua bench. Both networks' parameter counts are printed
to set beside stn's (they must be equal).

Usage: /usr/bin/python3 bench/peers/torch_demo_step.py [--threads 2] [--steps 20] [--batch 50]
       [--nets baseline,st] [--clock wall|cpu]
"""
import argparse
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_train_step import cpu_model, cpu_path  # noqa: E402  (the machine's description, shared by the peers)

SIZE, CHANNELS, CLASSES = 42, 1, 10
CNN, LOCNET = (32, 64, 128), (20, 20, 20)
LR, MOMENTUM, LOCNET_LR = 0.01, 0.9, 0.1


def conv_block(cin, cout):
    """networks.new_conv without contrastive normalization: conv 5x5 padding 2, ReLU, pool 2."""
    return nn.Sequential(nn.Conv2d(cin, cout, 5, 1, 2), nn.ReLU(), nn.MaxPool2d(2, 2))


def flat_size(blocks, channels, size):
    """Elements per sample after the blocks (networks.convs_noutput)."""
    with torch.no_grad():
        return blocks(torch.zeros(1, channels, size, size)).numel()


class SpatialTransformer(nn.Module):
    """networks.new_spatial_tranformer with the affine transform and the bilinear sampler."""

    def __init__(self, channels, size, locnet):
        super().__init__()
        a, b, c = locnet
        convs = nn.Sequential(conv_block(channels, a), conv_block(a, b))
        n = flat_size(convs, channels, size // 2)
        last = nn.Linear(c, 6)
        nn.init.zeros_(last.weight)
        with torch.no_grad():
            last.bias.copy_(torch.tensor([1., 0, 0, 0, 1, 0]))
        self.loc = nn.Sequential(nn.MaxPool2d(2, 2), convs, nn.Flatten(), nn.Linear(n, c), nn.ReLU(), last)

    def forward(self, x):
        theta = self.loc(x).view(-1, 2, 3)
        grid = F.affine_grid(theta, list(x.shape), align_corners=True)
        return F.grid_sample(x, grid, mode='bilinear', padding_mode='zeros', align_corners=True)


class DemoNet(nn.Module):
    """networks.new({cnn = '32,64,128', no_cnorm = true}) [with st, locnet = '20,20,20']."""

    def __init__(self, st):
        super().__init__()
        s1, s2, s3 = CNN
        self.st = SpatialTransformer(CHANNELS, SIZE, LOCNET) if st else None
        self.convs = nn.Sequential(conv_block(CHANNELS, s1), conv_block(s1, s2))
        n = flat_size(self.convs, CHANNELS, SIZE)
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(n, s3), nn.ReLU(), nn.Linear(s3, CLASSES))

    def forward(self, x):
        if self.st is not None:
            x = self.st(x)
        return F.log_softmax(self.head(self.convs(x)), dim=1)


def build(name, batch):
    torch.manual_seed(1)
    net = DemoNet(name == 'st')
    # trainer.initialize: the localization network's parameters learn at lr x locnet_lr
    loc = list(net.st.parameters()) if net.st is not None else []
    loc_ids = {id(p) for p in loc}
    rest = [p for p in net.parameters() if id(p) not in loc_ids]
    groups = [{'params': rest}] + ([{'params': loc, 'lr': LR * LOCNET_LR}] if loc else [])
    opt = torch.optim.SGD(groups, lr=LR, momentum=MOMENTUM, dampening=0)
    x = torch.randn(batch, CHANNELS, SIZE, SIZE)
    y = torch.randint(0, CLASSES, (batch,))
    return {'name': name, 'net': net, 'opt': opt, 'x': x, 'y': y, 'train': [], 'test': [],
            'params': sum(p.numel() for p in net.parameters()),
            'loc_params': sum(p.numel() for p in loc)}


def train_step(n):
    n['opt'].zero_grad(set_to_none=False)  # stn zeroes its flat gradient vector
    loss = F.nll_loss(n['net'](n['x']), n['y'])
    loss.backward()
    n['opt'].step()


def test_forward(n):
    with torch.no_grad():
        n['net'](n['x'])


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--steps', type=int, default=20)
    p.add_argument('--batch', type=int, default=50)
    p.add_argument('--nets', default='baseline,st')
    p.add_argument('--clock', default='wall', choices=['wall', 'cpu'],
                   help='cpu: process CPU seconds (steadier on a shared machine, meaningful with --threads 1 only)')
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    clock = time.process_time if a.clock == 'cpu' else time.perf_counter

    nets = []
    for name in a.nets.split(','):
        if name not in ('baseline', 'st'):
            sys.exit(f'torch_demo_step.py: unknown network {name}')
        nets.append(build(name, a.batch))
    for n in nets:
        for _ in range(2):  # warm up, as demo_step.lua
            train_step(n)
    for _ in range(a.steps):  # interleaved, so that a noisy minute hits every network alike
        for n in nets:
            n['net'].train()
            t0 = clock()
            train_step(n)
            n['train'].append(clock() - t0)
            n['net'].eval()
            t0 = clock()
            test_forward(n)
            n['test'].append(clock() - t0)

    info = cpu_model()
    print(f"CPU: {info.get('model name', 'unknown CPU')}, instruction-set path {cpu_path()}")
    print(f'torch {torch.__version__}, mkldnn {torch.backends.mkldnn.enabled}, fp32')
    for n in nets:
        loc = f" (localization network {n['loc_params']})" if n['loc_params'] else ''
        print(f"{n['name']}: {n['params']} parameters{loc}")
    load = open('/proc/loadavg').read().strip() if os.path.exists('/proc/loadavg') else '?'
    print(f'demo step (PyTorch), --cnn 32,64,128 on 1x42x42, batch {a.batch}, cpu, {torch.get_num_threads()} '
          f'threads, {a.clock} clock, median of {a.steps}; load {load}')
    print(f"{'network':<10s} {'train smp/s':>12s} {'ms/step':>10s} {'test smp/s':>12s} {'ms/batch':>10s}")
    for n in nets:
        tr, te = statistics.median(n['train']), statistics.median(n['test'])
        print(f"{n['name']:<10s} {a.batch / tr:12.1f} {tr * 1e3:10.2f} {a.batch / te:12.1f} {te * 1e3:10.2f}")
    for n in nets:  # an epoch of the demo: 400 training steps and 200 test batches
        est = 400 * statistics.median(n['train']) + 200 * statistics.median(n['test'])
        print(f"{n['name']}: about {est:.1f} s per epoch (400 steps + 200 test batches)")


if __name__ == '__main__':
    main()
