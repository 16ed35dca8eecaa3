"""PyTorch's time for the training step `parsec bench` times, run beside it in the same invocation.

The step: a DARTS-space search network (stem, `layers` cells with reductions at layers/3 and 2*layers/3,
global average pooling, linear head) holding the weights of every candidate op on every edge, as in
DARTS' model_search.py (non-affine batch norm in the cells, a batch norm after each pool). Each step
draws a new architecture (every intermediate node reads two distinct earlier nodes, ops uniform), then
runs forward, cross-entropy, backward and an SGD step (lr 0.025, momentum 0.9, weight decay 3e-4) on a
fixed batch of random 3-channel images with random labels. Prints one JSON line.

With --samples K each timed unit is instead one PARSEC search iteration as a PyTorch implementation would run
it (what `parsec bench --case iteration` times): K architectures one after another, each a forward and
backward pass on the weight batch whose gradient joins a running log-sum-exp importance-weighted sum (the
accumulated gradients are rescaled whenever a sample raises the maximum), one SGD step, then K forwards
without gradients on a second batch.

    python3 bench/pytorch_reference.py --channels 8 --layers 5 --batch 32 --image-size 32 --threads 2
    python3 bench/pytorch_reference.py --channels 8 --layers 5 --batch 32 --samples 4 --steps 5 --warmup 2 --threads 2
"""
import argparse
import json
import math
import random
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

OPS = ["max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3", "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5"]


def relu_conv(c_in, c_out, kernel, stride, padding, dilation=1, groups=1):
    return [nn.ReLU(), nn.Conv2d(c_in, c_out, kernel, stride, padding, dilation=dilation, groups=groups, bias=False)]


def depthwise_pointwise(c, kernel, stride, padding, dilation):
    """ReLU, depthwise k x k, pointwise 1x1, BN: a dil_conv, or each half of a sep_conv."""
    return relu_conv(c, c, kernel, stride, padding, dilation, groups=c) + [nn.Conv2d(c, c, 1, bias=False), nn.BatchNorm2d(c, affine=False)]


class FactorizedReduce(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv_1 = nn.Conv2d(c_in, c_out // 2, 1, 2, bias=False)
        self.conv_2 = nn.Conv2d(c_in, c_out // 2, 1, 2, bias=False)
        self.bn = nn.BatchNorm2d(c_out, affine=False)

    def forward(self, x):
        x = F.relu(x)
        return self.bn(torch.cat([self.conv_1(x), self.conv_2(x[:, :, 1:, 1:])], 1))


def candidate(name, c, stride):
    if name == "max_pool_3x3":
        return nn.Sequential(nn.MaxPool2d(3, stride, 1), nn.BatchNorm2d(c, affine=False))
    if name == "avg_pool_3x3":
        return nn.Sequential(nn.AvgPool2d(3, stride, 1, count_include_pad=False), nn.BatchNorm2d(c, affine=False))
    if name == "skip_connect":
        return nn.Identity() if stride == 1 else FactorizedReduce(c, c)
    kernel = int(name[-1])
    if name.startswith("sep_conv"):
        pad = (kernel - 1) // 2
        return nn.Sequential(*depthwise_pointwise(c, kernel, stride, pad, 1), *depthwise_pointwise(c, kernel, 1, pad, 1))
    return nn.Sequential(*depthwise_pointwise(c, kernel, stride, kernel - 1, 2))


class Cell(nn.Module):
    def __init__(self, c_prev_prev, c_prev, c, reduction, after_reduction):
        super().__init__()
        self.reduction = reduction
        self.pre0 = FactorizedReduce(c_prev_prev, c) if after_reduction else nn.Sequential(
            *relu_conv(c_prev_prev, c, 1, 1, 0), nn.BatchNorm2d(c, affine=False))
        self.pre1 = nn.Sequential(*relu_conv(c_prev, c, 1, 1, 0), nn.BatchNorm2d(c, affine=False))
        # edges[node][input][op]
        self.edges = nn.ModuleList(
            nn.ModuleList(nn.ModuleList(candidate(o, c, 2 if reduction and i < 2 else 1) for o in OPS) for i in range(2 + j))
            for j in range(4))

    def forward(self, s0, s1, terms):
        states = [self.pre0(s0), self.pre1(s1)]
        for node, pairs in enumerate(terms):
            states.append(sum(self.edges[node][i][o](states[i]) for i, o in pairs))
        return torch.cat(states[2:], 1)


class SearchNetwork(nn.Module):
    def __init__(self, c, layers, classes):
        super().__init__()
        stem = 3 * c
        self.stem = nn.Sequential(nn.Conv2d(3, stem, 3, padding=1, bias=False), nn.BatchNorm2d(stem))
        c_prev_prev, c_prev, after_reduction = stem, stem, False
        self.cells = nn.ModuleList()
        for i in range(layers):
            reduction = i in (layers // 3, 2 * layers // 3)
            if reduction:
                c *= 2
            self.cells.append(Cell(c_prev_prev, c_prev, c, reduction, after_reduction))
            c_prev_prev, c_prev, after_reduction = c_prev, 4 * c, reduction
        self.classifier = nn.Linear(c_prev, classes)

    def forward(self, x, architecture):
        s0 = s1 = self.stem(x)
        for cell in self.cells:
            s0, s1 = s1, cell(s0, s1, architecture["reduce" if cell.reduction else "normal"])
        return self.classifier(F.adaptive_avg_pool2d(s1, 1).flatten(1))


def sample_architecture(rng):
    def cell():
        return [[(i, rng.randrange(len(OPS))) for i in rng.sample(range(2 + j), 2)] for j in range(4)]
    return {"normal": cell(), "reduce": cell()}


def training_step(net, opt, x, y, rng):
    opt.zero_grad(set_to_none=True)
    F.cross_entropy(net(x, sample_architecture(rng)), y).backward()
    opt.step()


def search_iteration(net, opt, x, y, xv, yv, rng, samples):
    architectures = [sample_architecture(rng) for _ in range(samples)]
    params = [p for p in net.parameters()]
    opt.zero_grad(set_to_none=True)
    best, total = -math.inf, 0.0  # running maximum of the log-likelihoods, sum of exp(l - best)
    for architecture in architectures:
        log_likelihood = -F.cross_entropy(net(x, architecture), y, reduction="sum")
        value = log_likelihood.item()
        if value > best:
            if total > 0:
                rescale = math.exp(best - value)
                total *= rescale
                for p in params:
                    if p.grad is not None:
                        p.grad.mul_(rescale)
            best = value
        seed = math.exp(value - best)
        total += seed
        (-log_likelihood / x.shape[0] * seed).backward()
    for p in params:
        if p.grad is not None:
            p.grad.div_(total)
    opt.step()
    with torch.no_grad():
        for architecture in architectures:
            F.cross_entropy(net(xv, architecture), yv, reduction="sum").item()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--channels", type=int, default=8)
    ap.add_argument("--layers", type=int, default=5)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--image-size", type=int, default=32)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=8)
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads; 0 keeps PyTorch's default")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--samples", type=int, default=0, help="K > 0: time whole search iterations of K samples instead of single steps")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rng = random.Random(0)
    device = torch.device(args.device)
    net = SearchNetwork(args.channels, args.layers, 10).to(device)
    opt = torch.optim.SGD(net.parameters(), lr=0.025, momentum=0.9, weight_decay=3e-4)
    x = torch.randn(args.batch, 3, args.image_size, args.image_size, device=device)
    y = torch.randint(0, 10, (args.batch,), device=device)
    xv = torch.randn(args.batch, 3, args.image_size, args.image_size, device=device)
    yv = torch.randint(0, 10, (args.batch,), device=device)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats()
    times = []
    for step in range(args.warmup + args.steps):
        start = time.perf_counter()
        if args.samples > 0:
            search_iteration(net, opt, x, y, xv, yv, rng, args.samples)
        else:
            training_step(net, opt, x, y, rng)
        if device.type == "cuda":
            torch.cuda.synchronize()
        if step >= args.warmup:
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(json.dumps({
        "median_ms": round(times[len(times) // 2], 2), "min_ms": round(times[0], 2),
        "torch": torch.__version__, "threads": torch.get_num_threads(), "device": str(device),
        "parameters": sum(p.numel() for p in net.parameters()), "samples": args.samples,
        "peak_mib": round(torch.cuda.max_memory_allocated() / 2**20, 1) if device.type == "cuda" else None,
    }), flush=True)


if __name__ == "__main__":
    main()
