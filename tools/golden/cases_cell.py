"""Golden cases for one whole DARTS cell, forward and backward.

Search form (the shared weights of the search): the structure of shared/anchors/pytorch_darts_step.py's
Cell (non-affine batch norms, pools followed by a batch norm, stride-2 skip_connect as a factorized
reduction); each op is named by its edge, "node{j}.input{i}.{op}". Evaluation form (one genotype, as
DARTS' model.py): affine batch norms, bare pools, each op named by its term, "node{j}.term{t}.{op}".
Modules carry DARTS' attribute names, so PyTorch's parameter names are the C# cell's names
(src/Parsec.Search/Model/Network.cs lists the scheme), e.g. "preprocess0.op.1.weight",
"node0.input1.sep_conv_5x5.op.5.weight", "node2.input3.max_pool_3x3.1.running_mean".
Only the ops the genotype picks are built: the others get no gradient and their weights do not matter.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from fixture import Case, leaves

N, C = 3, 4


class Phase:
    def __init__(self, search):
        self.search = search

    def bn(self, channels):
        return nn.BatchNorm2d(channels, affine=not self.search, momentum=0.1, eps=1e-5)


class ReLUConvBN(nn.Module):
    def __init__(self, phase, c_in, c_out):
        super().__init__()
        self.op = nn.Sequential(nn.ReLU(), nn.Conv2d(c_in, c_out, 1, bias=False), phase.bn(c_out))

    def forward(self, x):
        return self.op(x)


def relu_dw_pw_bn(phase, c, kernel, stride, padding, dilation):
    return [nn.ReLU(), nn.Conv2d(c, c, kernel, stride, padding, dilation=dilation, groups=c, bias=False),
            nn.Conv2d(c, c, 1, bias=False), phase.bn(c)]


class DilConv(nn.Module):
    def __init__(self, phase, c, kernel, stride):
        super().__init__()
        self.op = nn.Sequential(*relu_dw_pw_bn(phase, c, kernel, stride, kernel - 1, 2))

    def forward(self, x):
        return self.op(x)


class SepConv(nn.Module):
    def __init__(self, phase, c, kernel, stride):
        super().__init__()
        p = (kernel - 1) // 2
        self.op = nn.Sequential(*relu_dw_pw_bn(phase, c, kernel, stride, p, 1), *relu_dw_pw_bn(phase, c, kernel, 1, p, 1))

    def forward(self, x):
        return self.op(x)


class FactorizedReduce(nn.Module):
    def __init__(self, phase, c_in, c_out):
        super().__init__()
        self.conv_1 = nn.Conv2d(c_in, c_out // 2, 1, 2, bias=False)
        self.conv_2 = nn.Conv2d(c_in, c_out // 2, 1, 2, bias=False)
        self.bn = phase.bn(c_out)

    def forward(self, x):
        x = F.relu(x)
        return self.bn(torch.cat([self.conv_1(x), self.conv_2(x[:, :, 1:, 1:])], 1))


def make_op(phase, name, c, stride):
    if name in ("max_pool_3x3", "avg_pool_3x3"):
        pool = nn.MaxPool2d(3, stride, 1) if name == "max_pool_3x3" else nn.AvgPool2d(3, stride, 1, count_include_pad=False)
        return nn.Sequential(pool, phase.bn(c)) if phase.search else pool
    if name == "skip_connect":
        return nn.Identity() if stride == 1 else FactorizedReduce(phase, c, c)
    kind, size = name.rsplit("_", 1)
    kernel = int(size[0])
    return SepConv(phase, c, kernel, stride) if kind == "sep_conv" else DilConv(phase, c, kernel, stride)


def child(parent, key):
    """The sub-module `key` of parent, created empty on first use (gives names like node0.input1.sep_conv_3x3)."""
    if key not in parent._modules:
        parent.add_module(key, nn.ModuleDict())
    return parent._modules[key]


class Cell(nn.Module):
    """terms: 8 (op, input) pairs, two per intermediate node; node j may read inputs 0..j+1."""

    def __init__(self, phase, c_prev_prev, c_prev, c, reduction, reduction_prev, terms):
        super().__init__()
        self.terms = terms
        self.preprocess0 = FactorizedReduce(phase, c_prev_prev, c) if reduction_prev else ReLUConvBN(phase, c_prev_prev, c)
        self.preprocess1 = ReLUConvBN(phase, c_prev, c)
        # The search form holds ops per edge (node, input); the evaluation form per term (node, slot).
        self.edge_names = [f"input{i}" if phase.search else f"term{k % 2}" for k, (_, i) in enumerate(terms)]
        for k, (op, i) in enumerate(terms):
            child(child(self, f"node{k // 2}"), self.edge_names[k])[op] = make_op(phase, op, c, 2 if reduction and i < 2 else 1)

    def forward(self, s0, s1):
        states = [self.preprocess0(s0), self.preprocess1(s1)]
        for j in range(4):
            node = getattr(self, f"node{j}")
            states.append(sum(node[self.edge_names[k]][op](states[i])
                              for k, (op, i) in enumerate(self.terms) if k // 2 == j))
        return torch.cat(states[2:], 1)


NORMAL = [("sep_conv_3x3", 0), ("sep_conv_5x5", 1), ("dil_conv_3x3", 0), ("skip_connect", 2),
          ("dil_conv_5x5", 1), ("max_pool_3x3", 3), ("avg_pool_3x3", 2), ("skip_connect", 4)]
# Stride 2 on inputs 0 and 1: strided pools, convolutions and a factorized-reduction skip; stride 1 elsewhere.
REDUCE = [("max_pool_3x3", 0), ("sep_conv_5x5", 1), ("skip_connect", 0), ("avg_pool_3x3", 1),
          ("dil_conv_3x3", 1), ("skip_connect", 2), ("sep_conv_3x3", 0), ("dil_conv_5x5", 3)]


def cell_case(name, search, reduction, reduction_prev, s0_shape, s1_shape, terms):
    case = Case(name, "cell", phase="search" if search else "evaluation", cell_type="reduce" if reduction else "normal",
                after_reduction=reduction_prev, prev_prev_channels=s0_shape[1], prev_channels=s1_shape[1], channels=C,
                terms=[list(t) for t in terms])
    cell = Cell(Phase(search), s0_shape[1], s1_shape[1], C, reduction, reduction_prev, terms).double()
    with torch.no_grad():
        # Affine norms start at gamma 1, beta 0; move them off so that a swapped or ignored one shows.
        for module in cell.modules():
            if isinstance(module, nn.BatchNorm2d) and module.affine:
                module.weight.add_(0.2 * torch.randn_like(module.weight))
                module.bias.add_(0.2 * torch.randn_like(module.bias))
    t = leaves(s0=torch.randn(*s0_shape), s1=torch.randn(*s1_shape))
    case.add("inputs", "s0", t["s0"])
    case.add("inputs", "s1", t["s1"])
    params = dict(cell.named_parameters())
    for k, v in params.items():
        case.add("params", k, v)
    y = cell(t["s0"], t["s1"])
    case.backward("y", y, {**t, **params})
    for k, v in cell.named_buffers():
        if not k.endswith("num_batches_tracked"):
            case.add("outputs", k, v)
    return case


def all_cases():
    yield cell_case("cell_normal", True, False, False, (N, 5, 7, 9), (N, 7, 7, 9), NORMAL)
    yield cell_case("cell_reduce", True, True, False, (N, 5, 6, 10), (N, 7, 6, 10), REDUCE)
    yield cell_case("cell_normal_after_reduce", True, False, True, (N, 5, 6, 10), (N, 7, 3, 5), NORMAL)
    yield cell_case("cell_reduce_evaluation_phase", False, True, False, (N, 5, 6, 10), (N, 7, 6, 10), REDUCE)
