"""Golden cases for one whole DARTS cell of the search space, forward and backward.

The modules follow the structure of shared/anchors/pytorch_darts_step.py's Cell (search phase: non-affine
batch norms, pools followed by a batch norm, stride-2 skip_connect as a factorized reduction), with
DARTS' attribute names, so that PyTorch's parameter names are the C# cell's names
(src/Parsec.Search/Model/Network.cs lists the scheme): "preprocess0.op.1.weight",
"node{j}.input{i}.{op}.op.5.weight", "node{j}.input{i}.max_pool_3x3.1.running_mean", ...
Only the ops the genotype picks are built: the others get no gradient and their weights do not matter.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from fixture import Case, leaves

N, C = 3, 4


def bn(channels):
    return nn.BatchNorm2d(channels, affine=False, momentum=0.1, eps=1e-5)


class ReLUConvBN(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.op = nn.Sequential(nn.ReLU(), nn.Conv2d(c_in, c_out, 1, bias=False), bn(c_out))

    def forward(self, x):
        return self.op(x)


def relu_dw_pw_bn(c, kernel, stride, padding, dilation):
    return [nn.ReLU(), nn.Conv2d(c, c, kernel, stride, padding, dilation=dilation, groups=c, bias=False),
            nn.Conv2d(c, c, 1, bias=False), bn(c)]


class DilConv(nn.Module):
    def __init__(self, c, kernel, stride):
        super().__init__()
        self.op = nn.Sequential(*relu_dw_pw_bn(c, kernel, stride, kernel - 1, 2))

    def forward(self, x):
        return self.op(x)


class SepConv(nn.Module):
    def __init__(self, c, kernel, stride):
        super().__init__()
        p = (kernel - 1) // 2
        self.op = nn.Sequential(*relu_dw_pw_bn(c, kernel, stride, p, 1), *relu_dw_pw_bn(c, kernel, 1, p, 1))

    def forward(self, x):
        return self.op(x)


class FactorizedReduce(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv_1 = nn.Conv2d(c_in, c_out // 2, 1, 2, bias=False)
        self.conv_2 = nn.Conv2d(c_in, c_out // 2, 1, 2, bias=False)
        self.bn = bn(c_out)

    def forward(self, x):
        x = F.relu(x)
        return self.bn(torch.cat([self.conv_1(x), self.conv_2(x[:, :, 1:, 1:])], 1))


def make_op(name, c, stride):
    if name == "max_pool_3x3":
        return nn.Sequential(nn.MaxPool2d(3, stride, 1), bn(c))
    if name == "avg_pool_3x3":
        return nn.Sequential(nn.AvgPool2d(3, stride, 1, count_include_pad=False), bn(c))
    if name == "skip_connect":
        return nn.Identity() if stride == 1 else FactorizedReduce(c, c)
    kind, size = name.rsplit("_", 1)
    kernel = int(size[0])
    return SepConv(c, kernel, stride) if kind == "sep_conv" else DilConv(c, kernel, stride)


def child(parent, key):
    """The sub-module `key` of parent, created empty on first use (gives names like node0.input1.sep_conv_3x3)."""
    if key not in parent._modules:
        parent.add_module(key, nn.ModuleDict())
    return parent._modules[key]


class Cell(nn.Module):
    """terms: 8 (op, input) pairs, two per intermediate node; node j may read inputs 0..j+1."""

    def __init__(self, c_prev_prev, c_prev, c, reduction, reduction_prev, terms):
        super().__init__()
        self.terms = terms
        self.preprocess0 = FactorizedReduce(c_prev_prev, c) if reduction_prev else ReLUConvBN(c_prev_prev, c)
        self.preprocess1 = ReLUConvBN(c_prev, c)
        for k, (op, i) in enumerate(terms):
            edge = child(child(self, f"node{k // 2}"), f"input{i}")
            edge[op] = make_op(op, c, 2 if reduction and i < 2 else 1)

    def forward(self, s0, s1):
        states = [self.preprocess0(s0), self.preprocess1(s1)]
        for j in range(4):
            node = getattr(self, f"node{j}")
            states.append(sum(node[f"input{i}"][op](states[i]) for op, i in self.terms[2 * j:2 * j + 2]))
        return torch.cat(states[2:], 1)


NORMAL = [("sep_conv_3x3", 0), ("sep_conv_5x5", 1), ("dil_conv_3x3", 0), ("skip_connect", 2),
          ("dil_conv_5x5", 1), ("max_pool_3x3", 3), ("avg_pool_3x3", 2), ("skip_connect", 4)]
# Stride 2 on inputs 0 and 1: strided pools, convolutions and a factorized-reduction skip; stride 1 elsewhere.
REDUCE = [("max_pool_3x3", 0), ("sep_conv_5x5", 1), ("skip_connect", 0), ("avg_pool_3x3", 1),
          ("dil_conv_3x3", 1), ("skip_connect", 2), ("sep_conv_3x3", 0), ("dil_conv_5x5", 3)]


def cell_case(name, reduction, reduction_prev, s0_shape, s1_shape, terms):
    case = Case(name, "cell", cell_type="reduce" if reduction else "normal", after_reduction=reduction_prev,
                prev_prev_channels=s0_shape[1], prev_channels=s1_shape[1], channels=C, terms=[list(t) for t in terms])
    cell = Cell(s0_shape[1], s1_shape[1], C, reduction, reduction_prev, terms).double()
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
    yield cell_case("cell_normal", False, False, (N, 5, 7, 9), (N, 7, 7, 9), NORMAL)
    yield cell_case("cell_reduce", True, False, (N, 5, 6, 10), (N, 7, 6, 10), REDUCE)
    yield cell_case("cell_normal_after_reduce", False, True, (N, 5, 6, 10), (N, 7, 3, 5), NORMAL)
