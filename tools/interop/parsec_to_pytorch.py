"""Load Parsec weights (weights.safetensors from `parsec train`) into a PyTorch rebuild of DARTS' NetworkCIFAR.

The network below is DARTS' evaluation network (model.py and operations.py of the DARTS reference
implementation, Liu et al. 2019) written out again; only the weight names differ from Parsec's, and
`darts_state_dict` maps them. See docs/interop.md.

    python3 tools/interop/parsec_to_pytorch.py runs/train/weights.safetensors                 # summary
    python3 tools/interop/parsec_to_pytorch.py weights.safetensors --images batch.json        # logits as JSON
"""
import argparse
import json
import re
import struct
from collections import namedtuple

import torch
import torch.nn as nn

Genotype = namedtuple("Genotype", "normal normal_concat reduce reduce_concat")


# ---- DARTS operations (operations.py) ----
class ReLUConvBN(nn.Module):
    def __init__(self, c_in, c_out, kernel, stride, padding, affine=True):
        super().__init__()
        self.op = nn.Sequential(nn.ReLU(inplace=False), nn.Conv2d(c_in, c_out, kernel, stride, padding, bias=False),
                                nn.BatchNorm2d(c_out, affine=affine))

    def forward(self, x):
        return self.op(x)


class DilConv(nn.Module):
    def __init__(self, c_in, c_out, kernel, stride, padding, dilation, affine=True):
        super().__init__()
        self.op = nn.Sequential(
            nn.ReLU(inplace=False),
            nn.Conv2d(c_in, c_in, kernel, stride, padding, dilation=dilation, groups=c_in, bias=False),
            nn.Conv2d(c_in, c_out, 1, bias=False), nn.BatchNorm2d(c_out, affine=affine))

    def forward(self, x):
        return self.op(x)


class SepConv(nn.Module):
    def __init__(self, c_in, c_out, kernel, stride, padding, affine=True):
        super().__init__()
        self.op = nn.Sequential(
            nn.ReLU(inplace=False),
            nn.Conv2d(c_in, c_in, kernel, stride, padding, groups=c_in, bias=False),
            nn.Conv2d(c_in, c_in, 1, bias=False), nn.BatchNorm2d(c_in, affine=affine),
            nn.ReLU(inplace=False),
            nn.Conv2d(c_in, c_in, kernel, 1, padding, groups=c_in, bias=False),
            nn.Conv2d(c_in, c_out, 1, bias=False), nn.BatchNorm2d(c_out, affine=affine))

    def forward(self, x):
        return self.op(x)


class Conv7x1And1x7(nn.Module):
    """NASNet's conv_7x1_1x7 as DARTS' operations.py builds it."""

    def __init__(self, c_in, c_out, kernel, stride, padding, affine=True):
        super().__init__()
        self.op = nn.Sequential(
            nn.ReLU(inplace=False),
            nn.Conv2d(c_in, c_in, (1, kernel), stride=(1, stride), padding=(0, padding), bias=False),
            nn.Conv2d(c_in, c_out, (kernel, 1), stride=(stride, 1), padding=(padding, 0), bias=False),
            nn.BatchNorm2d(c_out, affine=affine))

    def forward(self, x):
        return self.op(x)


class FactorizedReduce(nn.Module):
    def __init__(self, c_in, c_out, affine=True):
        super().__init__()
        self.relu = nn.ReLU(inplace=False)
        self.conv_1 = nn.Conv2d(c_in, c_out // 2, 1, stride=2, bias=False)
        self.conv_2 = nn.Conv2d(c_in, c_out // 2, 1, stride=2, bias=False)
        self.bn = nn.BatchNorm2d(c_out, affine=affine)

    def forward(self, x):
        x = self.relu(x)
        return self.bn(torch.cat([self.conv_1(x), self.conv_2(x[:, :, 1:, 1:])], dim=1))


OPS = {
    "avg_pool_3x3": lambda c, stride: nn.AvgPool2d(3, stride=stride, padding=1, count_include_pad=False),
    "max_pool_3x3": lambda c, stride: nn.MaxPool2d(3, stride=stride, padding=1),
    "skip_connect": lambda c, stride: nn.Identity() if stride == 1 else FactorizedReduce(c, c),
    "sep_conv_3x3": lambda c, stride: SepConv(c, c, 3, stride, 1),
    "sep_conv_5x5": lambda c, stride: SepConv(c, c, 5, stride, 2),
    "dil_conv_3x3": lambda c, stride: DilConv(c, c, 3, stride, 2, 2),
    "dil_conv_5x5": lambda c, stride: DilConv(c, c, 5, stride, 4, 2),
    "sep_conv_7x7": lambda c, stride: SepConv(c, c, 7, stride, 3),
    "dil_conv_7x7": lambda c, stride: DilConv(c, c, 7, stride, 6, 2),
    "conv_7x1_1x7": lambda c, stride: Conv7x1And1x7(c, c, 7, stride, 3),
}


# ---- DARTS evaluation network (model.py); drop path is training-only and left out ----
class Cell(nn.Module):
    def __init__(self, genotype, c_prev_prev, c_prev, c, reduction, reduction_prev):
        super().__init__()
        self.preprocess0 = FactorizedReduce(c_prev_prev, c) if reduction_prev else ReLUConvBN(c_prev_prev, c, 1, 1, 0)
        self.preprocess1 = ReLUConvBN(c_prev, c, 1, 1, 0)
        op_names, indices = zip(*(genotype.reduce if reduction else genotype.normal))
        self._concat = genotype.reduce_concat if reduction else genotype.normal_concat
        self.multiplier = len(self._concat)
        self._steps = len(op_names) // 2
        self._indices = indices
        self._ops = nn.ModuleList(OPS[name](c, 2 if reduction and index < 2 else 1) for name, index in zip(op_names, indices))

    def forward(self, s0, s1):
        states = [self.preprocess0(s0), self.preprocess1(s1)]
        for i in range(self._steps):
            h1 = self._ops[2 * i](states[self._indices[2 * i]])
            h2 = self._ops[2 * i + 1](states[self._indices[2 * i + 1]])
            states.append(h1 + h2)
        return torch.cat([states[i] for i in self._concat], dim=1)


class AuxiliaryHeadCIFAR(nn.Module):
    def __init__(self, c, num_classes):
        super().__init__()
        self.features = nn.Sequential(
            nn.ReLU(inplace=True), nn.AvgPool2d(5, stride=3, padding=0, count_include_pad=False),
            nn.Conv2d(c, 128, 1, bias=False), nn.BatchNorm2d(128), nn.ReLU(inplace=True),
            nn.Conv2d(128, 768, 2, bias=False), nn.BatchNorm2d(768), nn.ReLU(inplace=True))
        self.classifier = nn.Linear(768, num_classes)

    def forward(self, x):
        x = self.features(x)
        return self.classifier(x.view(x.size(0), -1))


class NetworkCIFAR(nn.Module):
    def __init__(self, C, num_classes, layers, auxiliary, genotype, input_channels=3, stem_multiplier=3):
        super().__init__()
        self._layers = layers
        self._auxiliary = auxiliary
        c_curr = stem_multiplier * C
        self.stem = nn.Sequential(nn.Conv2d(input_channels, c_curr, 3, padding=1, bias=False), nn.BatchNorm2d(c_curr))
        c_prev_prev, c_prev, c_curr = c_curr, c_curr, C
        self.cells = nn.ModuleList()
        reduction_prev = False
        for i in range(layers):
            reduction = i in (layers // 3, 2 * layers // 3)
            if reduction:
                c_curr *= 2
            cell = Cell(genotype, c_prev_prev, c_prev, c_curr, reduction, reduction_prev)
            reduction_prev = reduction
            self.cells.append(cell)
            c_prev_prev, c_prev = c_prev, cell.multiplier * c_curr
            if i == 2 * layers // 3:
                c_to_auxiliary = c_prev
        if auxiliary:
            self.auxiliary_head = AuxiliaryHeadCIFAR(c_to_auxiliary, num_classes)
        self.global_pooling = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(c_prev, num_classes)

    def forward(self, x):
        logits_aux = None
        s0 = s1 = self.stem(x)
        for i, cell in enumerate(self.cells):
            s0, s1 = s1, cell(s0, s1)
            if i == 2 * self._layers // 3 and self._auxiliary and self.training:
                logits_aux = self.auxiliary_head(s1)
        out = self.global_pooling(s1)
        return self.classifier(out.view(out.size(0), -1)), logits_aux


# ---- Parsec's weights file ----
def read_safetensors(path):
    """The float32 tensors and the string metadata of a safetensors file (no dependency besides torch)."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    metadata = header.pop("__metadata__", {})
    base = 8 + n
    tensors = {}
    for name, info in header.items():
        if info["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {name} is {info['dtype']}, expected F32")
        begin, end = info["data_offsets"]
        tensors[name] = torch.frombuffer(bytearray(data[base + begin:base + end]), dtype=torch.float32).reshape(info["shape"])
    return tensors, metadata


TERM = re.compile(r"^(cells\.\d+)\.node(\d+)\.term(\d+)\.[a-z0-9_]+\.(.+)$")


def darts_name(parsec_name):
    """cells.{c}.node{j}.term{t}.{op}.rest -> cells.{c}._ops.{2j+t}.rest; every other name is DARTS' already."""
    m = TERM.match(parsec_name)
    return f"{m.group(1)}._ops.{2 * int(m.group(2)) + int(m.group(3))}.{m.group(4)}" if m else parsec_name


def darts_state_dict(parsec_tensors, model):
    """Parsec's tensors under DARTS' names, plus the num_batches_tracked counters Parsec does not keep
    (PyTorch uses them only when BatchNorm2d has momentum=None), so that a strict load succeeds."""
    state = {darts_name(k): v for k, v in parsec_tensors.items() if not k.startswith("optimizer/")}
    for key, value in model.state_dict().items():
        if key.endswith("num_batches_tracked"):
            state.setdefault(key, torch.zeros_like(value))
    return state


def load(path):
    """The NetworkCIFAR a Parsec weights file describes, with its weights, in eval mode; and the file's metadata."""
    tensors, metadata = read_safetensors(path)
    net = json.loads(metadata["parsec.network"])
    g = json.loads(metadata["genotype"])
    genotype = Genotype([tuple(t) for t in g["normal"]], g["normal_concat"], [tuple(t) for t in g["reduce"]], g["reduce_concat"])
    model = NetworkCIFAR(net["C"], net["num_classes"], net["layers"], net["auxiliary"], genotype,
                         net["input_channels"], net["stem_multiplier"])
    model.load_state_dict(darts_state_dict(tensors, model), strict=True)
    return model.eval(), metadata


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("weights")
    ap.add_argument("--images", help="JSON {\"shape\": [N, C, H, W], \"data\": [...]}, normalised as in training; prints the logits as JSON")
    args = ap.parse_args()
    model, metadata = load(args.weights)
    if args.images is None:
        net = json.loads(metadata["parsec.network"])
        print(f"loaded {args.weights}: NetworkCIFAR(C={net['C']}, num_classes={net['num_classes']}, layers={net['layers']}, "
              f"auxiliary={net['auxiliary']}), {sum(p.numel() for p in model.parameters())} parameters, strict load")
        return
    with open(args.images) as f:
        batch = json.load(f)
    x = torch.tensor(batch["data"], dtype=torch.float32).reshape(batch["shape"])
    with torch.no_grad():
        logits, _ = model(x)
    print(json.dumps({"logits": logits.flatten().tolist(), "torch": torch.__version__}))


if __name__ == "__main__":
    main()
