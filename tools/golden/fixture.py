"""The golden fixture format: one JSON file per case, read by tests/Parsec.Tests/Golden/GoldenCase.cs.

A case holds named tensors in six sections, each tensor as {"shape": [...], "data": [...]} (row-major,
scalars as shape [1], float64 written with Python's round-trip repr, so the C# side reads back the exact values):
  inputs    differentiable inputs of the op (their gradients are in `grads`)
  params    trainable parameters, named as the C# code names them (gradients in `grads`)
  buffers   data the op reads but does not differentiate: running statistics before the step,
            labels, masks, the gradients fed to an optimizer
  outputs   expected results: the forward output, updated running statistics, optimizer weights
  upstream  the gradient fed into backward for each differentiable output
  grads     expected gradient of every input and parameter
plus `attrs`, the op's settings (stride, momentum, ...).
"""
import json
import os
import zlib

import torch

SECTIONS = ("inputs", "params", "buffers", "outputs", "upstream", "grads")


def seed_for(name):
    """Each case draws from its own stream, so adding or changing one case leaves the others' files alone."""
    torch.manual_seed(zlib.crc32(name.encode()))


class Case:
    def __init__(self, name, op, **attrs):
        seed_for(name)
        self.name = name
        self.op = op
        self.attrs = attrs
        self.sections = {s: {} for s in SECTIONS}

    def add(self, section, name, value):
        if section not in self.sections:
            raise ValueError(f"{self.name}: unknown section {section}")
        if name in self.sections[section]:
            raise ValueError(f"{self.name}: {section}.{name} written twice")
        t = torch.as_tensor(value).detach()
        if t.dim() == 0:
            t = t.reshape(1)  # scalars are one-element tensors on the C# side
        data = t.reshape(-1).tolist() if t.dtype in (torch.int32, torch.int64) else t.double().reshape(-1).tolist()
        self.sections[section][name] = {"shape": list(t.shape), "data": data}

    def backward(self, output_name, y, leaves):
        """Seeds backward of y with a random upstream gradient and records y, the seed and every leaf's gradient."""
        dy = torch.randn_like(y)
        y.backward(dy)
        self.add("outputs", output_name, y)
        self.add("upstream", output_name, dy)
        for name, leaf in leaves.items():
            grad = leaf.grad if leaf.grad is not None else torch.zeros_like(leaf)
            self.add("grads", name, grad)

    def write(self, folder):
        doc = {"name": self.name, "op": self.op, "attrs": self.attrs, **self.sections}
        path = os.path.join(folder, self.name + ".json")
        with open(path, "w") as f:
            json.dump(doc, f, separators=(",", ":"))
            f.write("\n")
        return path


def leaves(**tensors):
    """Fresh float64 leaf tensors that record gradients."""
    return {k: v.detach().double().clone().requires_grad_(True) for k, v in tensors.items()}
