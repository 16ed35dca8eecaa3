"""PyTorch's time for the training step `parsec bench` times, run beside it in the same invocation.

Two kinds of step (--network):

sampled (the default): a DARTS-space search network (stem, `layers` cells with reductions at layers/3 and
2*layers/3, global average pooling, linear head) holding the weights of every candidate op on every edge, as in
DARTS' model_search.py (non-affine batch norm in the cells, a batch norm after each pool). Each step draws a new
architecture (every intermediate node reads two distinct earlier nodes, ops uniform), then runs forward,
cross-entropy, backward and an SGD step (lr 0.025, momentum 0.9, weight decay 3e-4).

eval: `parsec train`'s step on the DARTS_V2 genotype, as DARTS' model.py and train.py run it: the evaluation network
(affine batch norms, bare pools), drop path on every non-identity op (--drop-path), the auxiliary head after cell
2*layers/3 with its loss weighted 0.4 (--auxiliary), gradient clipping at norm 5, then the same SGD step.

Both train on a fixed batch of random 3-channel images with random labels and print one JSON line: the median and
minimum step time after warm-up, the first step's time, and the parameter count (Parsec compares it with its own).

With --samples K each timed unit is instead one PARSEC search iteration as a PyTorch implementation would run
it (what `parsec bench --case iteration` times): K architectures one after another, each a forward and
backward pass on the weight batch whose gradient joins a running log-sum-exp importance-weighted sum (the
accumulated gradients are rescaled whenever a sample raises the maximum), one SGD step, then K forwards
without gradients on a second batch.

    python3 bench/pytorch_reference.py --channels 8 --layers 5 --batch 32 --image-size 32 --threads 2
    python3 bench/pytorch_reference.py --channels 8 --layers 5 --batch 32 --samples 4 --steps 5 --warmup 2 --threads 2
    python3 bench/pytorch_reference.py --network eval --channels 16 --layers 8 --batch 64 --threads 2
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


def depthwise_pointwise(c, kernel, stride, padding, dilation, affine=False):
    """ReLU, depthwise k x k, pointwise 1x1, BN: a dil_conv, or each half of a sep_conv."""
    return relu_conv(c, c, kernel, stride, padding, dilation, groups=c) + [nn.Conv2d(c, c, 1, bias=False), nn.BatchNorm2d(c, affine=affine)]


class FactorizedReduce(nn.Module):
    def __init__(self, c_in, c_out, affine=False):
        super().__init__()
        self.conv_1 = nn.Conv2d(c_in, c_out // 2, 1, 2, bias=False)
        self.conv_2 = nn.Conv2d(c_in, c_out // 2, 1, 2, bias=False)
        self.bn = nn.BatchNorm2d(c_out, affine=affine)

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


DARTS_V2 = {
    "normal": [("sep_conv_3x3", 0), ("sep_conv_3x3", 1), ("sep_conv_3x3", 0), ("sep_conv_3x3", 1),
               ("sep_conv_3x3", 1), ("skip_connect", 0), ("skip_connect", 0), ("dil_conv_3x3", 2)],
    "reduce": [("max_pool_3x3", 0), ("max_pool_3x3", 1), ("skip_connect", 2), ("max_pool_3x3", 1),
               ("max_pool_3x3", 0), ("skip_connect", 2), ("skip_connect", 2), ("max_pool_3x3", 1)],
}


def relu_conv_bn(c_in, c_out):
    return nn.Sequential(*relu_conv(c_in, c_out, 1, 1, 0), nn.BatchNorm2d(c_out))


def eval_op(name, c, stride):
    """DARTS' OPS with affine batch norms; pools stand alone."""
    if name == "max_pool_3x3":
        return nn.MaxPool2d(3, stride, 1)
    if name == "skip_connect":
        return nn.Identity() if stride == 1 else FactorizedReduce(c, c, affine=True)
    kernel = int(name[-1])
    if name.startswith("sep_conv"):
        pad = (kernel - 1) // 2
        return nn.Sequential(*depthwise_pointwise(c, kernel, stride, pad, 1, affine=True), *depthwise_pointwise(c, kernel, 1, pad, 1, affine=True))
    return nn.Sequential(*depthwise_pointwise(c, kernel, stride, kernel - 1, 2, affine=True))


def drop_path(x, drop_prob):
    keep = 1.0 - drop_prob
    mask = torch.bernoulli(torch.full((x.size(0), 1, 1, 1), keep, device=x.device))
    return x / keep * mask


class EvalCell(nn.Module):
    def __init__(self, genotype, c_prev_prev, c_prev, c, reduction, after_reduction):
        super().__init__()
        self.reduction = reduction
        self.pre0 = FactorizedReduce(c_prev_prev, c, affine=True) if after_reduction else relu_conv_bn(c_prev_prev, c)
        self.pre1 = relu_conv_bn(c_prev, c)
        terms = genotype["reduce" if reduction else "normal"]
        self.inputs = [i for _, i in terms]
        self.ops = nn.ModuleList(eval_op(name, c, 2 if reduction and i < 2 else 1) for name, i in terms)

    def forward(self, s0, s1, drop_prob):
        states = [self.pre0(s0), self.pre1(s1)]
        for node in range(4):
            h = 0
            for t in (2 * node, 2 * node + 1):
                y = self.ops[t](states[self.inputs[t]])
                if self.training and drop_prob > 0 and not isinstance(self.ops[t], nn.Identity):
                    y = drop_path(y, drop_prob)
                h = h + y
            states.append(h)
        return torch.cat(states[2:], 1)


class AuxiliaryHead(nn.Module):
    """DARTS' AuxiliaryHeadCIFAR, for the 8x8 features of 32x32 inputs."""
    def __init__(self, c, classes):
        super().__init__()
        self.features = nn.Sequential(nn.ReLU(), nn.AvgPool2d(5, stride=3, padding=0, count_include_pad=False),
                                      nn.Conv2d(c, 128, 1, bias=False), nn.BatchNorm2d(128), nn.ReLU(),
                                      nn.Conv2d(128, 768, 2, bias=False), nn.BatchNorm2d(768), nn.ReLU())
        self.classifier = nn.Linear(768, classes)

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


class EvalNetwork(nn.Module):
    def __init__(self, c, layers, classes, genotype, auxiliary, drop_prob):
        super().__init__()
        self.drop_prob = drop_prob
        stem = 3 * c
        self.stem = nn.Sequential(nn.Conv2d(3, stem, 3, padding=1, bias=False), nn.BatchNorm2d(stem))
        c_prev_prev, c_prev, after_reduction = stem, stem, False
        self.cells = nn.ModuleList()
        self.auxiliary_cell = 2 * layers // 3
        self.auxiliary = None
        for i in range(layers):
            reduction = i in (layers // 3, 2 * layers // 3)
            if reduction:
                c *= 2
            self.cells.append(EvalCell(genotype, c_prev_prev, c_prev, c, reduction, after_reduction))
            c_prev_prev, c_prev, after_reduction = c_prev, 4 * c, reduction
            if i == self.auxiliary_cell and auxiliary:
                self.auxiliary = AuxiliaryHead(c_prev, classes)
        self.classifier = nn.Linear(c_prev, classes)

    def forward(self, x):
        s0 = s1 = self.stem(x)
        aux = None
        for i, cell in enumerate(self.cells):
            s0, s1 = s1, cell(s0, s1, self.drop_prob)
            if i == self.auxiliary_cell and self.auxiliary is not None and self.training:
                aux = self.auxiliary(s1)
        return self.classifier(F.adaptive_avg_pool2d(s1, 1).flatten(1)), aux


def sample_architecture(rng):
    def cell():
        return [[(i, rng.randrange(len(OPS))) for i in rng.sample(range(2 + j), 2)] for j in range(4)]
    return {"normal": cell(), "reduce": cell()}


def sampled_step(net, opt, x, y, rng):
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


def eval_step(net, opt, x, y, rng):
    opt.zero_grad(set_to_none=True)
    logits, aux = net(x)
    loss = F.cross_entropy(logits, y)
    if aux is not None:
        loss = loss + 0.4 * F.cross_entropy(aux, y)
    loss.backward()
    nn.utils.clip_grad_norm_(net.parameters(), 5)
    opt.step()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--network", choices=["sampled", "eval"], default="sampled")
    ap.add_argument("--channels", type=int, default=8)
    ap.add_argument("--layers", type=int, default=5)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--image-size", type=int, default=32)
    ap.add_argument("--auxiliary", action="store_true", help="eval: DARTS' auxiliary head, its loss weighted 0.4")
    ap.add_argument("--drop-path", type=float, default=0.0, help="eval: drop-path probability")
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
    if args.network == "eval":
        net, step_fn = EvalNetwork(args.channels, args.layers, 10, DARTS_V2, args.auxiliary, args.drop_path), eval_step
    else:
        net, step_fn = SearchNetwork(args.channels, args.layers, 10), sampled_step
    net = net.to(device).train()
    opt = torch.optim.SGD(net.parameters(), lr=0.025, momentum=0.9, weight_decay=3e-4)
    x = torch.randn(args.batch, 3, args.image_size, args.image_size, device=device)
    y = torch.randint(0, 10, (args.batch,), device=device)
    xv = torch.randn(args.batch, 3, args.image_size, args.image_size, device=device)
    yv = torch.randint(0, 10, (args.batch,), device=device)
    if args.samples > 0:
        if args.network != "sampled":
            ap.error("--samples times search iterations of the sampled network")
        step_fn = lambda net, opt, x, y, rng: search_iteration(net, opt, x, y, xv, yv, rng, args.samples)  # noqa: E731
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats()
    times = []
    for step in range(args.warmup + args.steps):
        start = time.perf_counter()
        step_fn(net, opt, x, y, rng)
        if device.type == "cuda":
            torch.cuda.synchronize()
        times.append((time.perf_counter() - start) * 1000)
    first, timed = times[0], sorted(times[args.warmup:])
    result = {
        "median_ms": round(timed[len(timed) // 2], 2), "min_ms": round(timed[0], 2), "first_step_ms": round(first, 2),
        "torch": torch.__version__, "threads": torch.get_num_threads(), "device": str(device),
        "parameters": sum(p.numel() for p in net.parameters()), "samples": args.samples,
    }
    if device.type == "cuda":
        result["peak_mib"] = round(torch.cuda.max_memory_allocated() / 2**20, 1)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
