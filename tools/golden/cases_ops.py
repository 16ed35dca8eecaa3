"""Golden cases for single tape ops, at odd sizes so that row/column mix-ups and off-by-one windows show."""
import torch
import torch.nn.functional as F

from fixture import Case, leaves

N, C, H, W = 3, 5, 7, 9


def randn(*shape):
    return torch.randn(*shape, dtype=torch.float64)


def pair(value):
    return value if isinstance(value, tuple) else (value, value)


def conv2d(name, x_shape, out_channels, kernel, stride=1, padding=0, dilation=1, groups=1, relu_input=False):
    """relu_input: the fused ReLU-Conv (Tape.ReluConv2d), conv2d(relu(x), w). kernel, stride and padding may be
    (height, width) pairs; such a case records them per side (stride_h, stride_w, padding_h, padding_w)."""
    if any(isinstance(v, tuple) for v in (kernel, stride, padding)):
        (sh, sw), (ph, pw) = pair(stride), pair(padding)
        case = Case(name, "relu_conv2d" if relu_input else "conv2d", stride_h=sh, stride_w=sw, padding_h=ph, padding_w=pw,
                    dilation=dilation, groups=groups)
    else:
        case = Case(name, "relu_conv2d" if relu_input else "conv2d", stride=stride, padding=padding, dilation=dilation, groups=groups)
    t = leaves(x=randn(*x_shape))
    p = leaves(w=randn(out_channels, x_shape[1] // groups, *pair(kernel)))
    case.add("inputs", "x", t["x"])
    case.add("params", "w", p["w"])
    x = F.relu(t["x"]) if relu_input else t["x"]
    y = F.conv2d(x, p["w"], stride=stride, padding=padding, dilation=dilation, groups=groups)
    case.backward("y", y, {**t, **p})
    return case


def batch_norm(name, affine, training, momentum=0.1, eps=1e-5, relu=False):
    """relu: the fused BatchNorm-ReLU (Tape.BatchNormRelu2d), relu(batch_norm(x))."""
    case = Case(name, "batch_norm_relu" if relu else "batch_norm", training=training, momentum=momentum, epsilon=eps)
    t = leaves(x=randn(N, C, H, W) * 1.5 + 0.3)
    p = leaves(gamma=1 + 0.5 * randn(C), beta=0.5 * randn(C)) if affine else {}
    running_mean = 0.2 * randn(C)
    running_var = 0.5 + torch.rand(C, dtype=torch.float64)
    case.add("inputs", "x", t["x"])
    for k, v in p.items():
        case.add("params", k, v)
    case.add("buffers", "running_mean", running_mean)
    case.add("buffers", "running_var", running_var)
    rm, rv = running_mean.clone(), running_var.clone()
    y = F.batch_norm(t["x"], rm, rv, p.get("gamma"), p.get("beta"), training=training, momentum=momentum, eps=eps)
    if relu:
        y = F.relu(y)
    case.add("outputs", "running_mean", rm)
    case.add("outputs", "running_var", rv)
    if training:
        case.backward("y", y, {**t, **p})
    else:
        # Evaluation-mode norm is not differentiated by the tape (it records no node): forward only.
        case.add("outputs", "y", y)
    return case


def unary(name, op, fn, **attrs):
    case = Case(name, op, **attrs)
    t = leaves(x=randn(N, C, H, W))
    case.add("inputs", "x", t["x"])
    case.backward("y", fn(t["x"]), t)
    return case


def pool(name, kind, stride):
    if kind == "max":
        fn = lambda x: F.max_pool2d(x, 3, stride, 1)
    else:
        fn = lambda x: F.avg_pool2d(x, 3, stride, 1, count_include_pad=False)
    return unary(name, kind + "_pool", fn, kernel=3, stride=stride, padding=1)


def add():
    case = Case("add", "add")
    t = leaves(a=randn(N, C, H, W), b=randn(N, C, H, W))
    for k, v in t.items():
        case.add("inputs", k, v)
    case.backward("y", t["a"] + t["b"], t)
    return case


def concat():
    case = Case("concat_channels", "concat")
    t = leaves(a=randn(N, 2, H, W), b=randn(N, C, H, W), c=randn(N, 1, H, W))
    for k, v in t.items():
        case.add("inputs", k, v)
    case.backward("y", torch.cat([t["a"], t["b"], t["c"]], 1), t)
    return case


def linear():
    case = Case("linear", "linear")
    t = leaves(x=randn(N, 11))
    p = leaves(w=randn(7, 11), b=randn(7))
    case.add("inputs", "x", t["x"])
    case.add("params", "w", p["w"])
    case.add("params", "b", p["b"])
    case.backward("y", F.linear(t["x"], p["w"], p["b"]), {**t, **p})
    return case


def cross_entropy():
    """Mean loss; the upstream gradient is a scalar other than 1 so that the seed's scaling is checked."""
    case = Case("softmax_cross_entropy", "cross_entropy")
    t = leaves(logits=2 * randn(5, 7))
    labels = torch.tensor([3, 0, 6, 3, 1])
    case.add("inputs", "logits", t["logits"])
    case.add("buffers", "labels", labels)
    log_likelihoods = F.log_softmax(t["logits"], 1).gather(1, labels[:, None])[:, 0]
    case.add("outputs", "log_likelihoods", log_likelihoods)
    loss = F.cross_entropy(t["logits"], labels)
    upstream = torch.tensor(0.7, dtype=torch.float64)
    loss.backward(upstream)
    case.add("outputs", "loss", loss)
    case.add("upstream", "loss", upstream)
    case.add("grads", "logits", t["logits"].grad)
    return case


def drop_path():
    """x * mask / keep per example, with a given mask (the C# side draws its own; here the mask is data)."""
    keep = 0.6
    case = Case("drop_path", "drop_path", keep=keep)
    mask = torch.tensor([1.0, 0.0, 1.0], dtype=torch.float64)
    case.add("buffers", "mask", mask)
    t = leaves(x=randn(N, C, H, W))
    case.add("inputs", "x", t["x"])
    case.backward("y", t["x"] * mask[:, None, None, None] / keep, t)
    return case


def mixed_sum():
    """DARTS' mixed op: y = sum_c w[c] x[c]; the mixing weights (a softmax) get a gradient too."""
    case = Case("mixed_sum", "mixed_sum")
    t = leaves(x0=randn(N, C, H, W), x1=randn(N, C, H, W), x2=randn(N, C, H, W), weights=torch.softmax(randn(3), 0))
    for k, v in t.items():
        case.add("inputs", k, v)
    case.backward("y", t["weights"][0] * t["x0"] + t["weights"][1] * t["x1"] + t["weights"][2] * t["x2"], t)
    return case


def all_cases():
    yield conv2d("conv2d_3x3_pad1", (N, C, H, W), 6, 3, padding=1)
    yield conv2d("conv2d_3x3_stride2", (N, C, H, W), 6, 3, stride=2, padding=1)
    yield conv2d("conv2d_3x3_dilation2", (N, C, H, W), 6, 3, padding=2, dilation=2)
    yield conv2d("conv2d_5x5_depthwise", (N, C, H, W), C, 5, padding=2, groups=C)
    yield conv2d("conv2d_3x3_depthwise_stride2_dilation2", (N, C, H, W), C, 3, stride=2, padding=2, dilation=2, groups=C)
    yield conv2d("conv2d_1x1", (N, C, H, W), 7, 1)
    yield conv2d("conv2d_1x1_stride2", (N, C, H, W), 4, 1, stride=2)
    yield conv2d("conv2d_3x3_groups3", (N, 6, H, W), 9, 3, padding=1, groups=3)
    # NASNet's conv_7x1_1x7 at stride 2: a 1x7 with stride (1, 2), then a 7x1 with stride (2, 1).
    yield conv2d("conv2d_1x7_stride1x2", (N, C, H, W), 6, (1, 7), stride=(1, 2), padding=(0, 3))
    yield conv2d("conv2d_7x1_stride2x1", (N, C, H, W), 6, (7, 1), stride=(2, 1), padding=(3, 0))
    yield batch_norm("batch_norm_train_affine", affine=True, training=True)
    yield batch_norm("batch_norm_train_plain", affine=False, training=True)
    yield batch_norm("batch_norm_eval_affine", affine=True, training=False)
    yield batch_norm("batch_norm_eval_plain", affine=False, training=False)
    yield conv2d("relu_conv2d_1x1", (N, C, H, W), 7, 1, relu_input=True)
    yield conv2d("relu_conv2d_1x1_stride2", (N, C, H, W), 4, 1, stride=2, relu_input=True)
    yield conv2d("relu_conv2d_3x3_depthwise", (N, C, H, W), C, 3, padding=1, groups=C, relu_input=True)
    yield conv2d("relu_conv2d_3x3_depthwise_dilation2", (N, C, H, W), C, 3, padding=2, dilation=2, groups=C, relu_input=True)
    yield conv2d("relu_conv2d_3x3_depthwise_stride2", (N, C, H, W), C, 3, stride=2, padding=1, groups=C, relu_input=True)
    yield conv2d("relu_conv2d_1x7", (N, C, H, W), 6, (1, 7), padding=(0, 3), relu_input=True)
    yield batch_norm("batch_norm_relu_train_affine", affine=True, training=True, relu=True)
    yield batch_norm("batch_norm_relu_train_plain", affine=False, training=True, relu=True)
    yield batch_norm("batch_norm_relu_eval_affine", affine=True, training=False, relu=True)
    yield unary("relu", "relu", F.relu)
    yield pool("max_pool_3x3_stride1", "max", 1)
    yield pool("max_pool_3x3_stride2", "max", 2)
    yield pool("avg_pool_3x3_stride1", "avg", 1)
    yield pool("avg_pool_3x3_stride2", "avg", 2)
    yield add()
    yield unary("scale", "scale", lambda x: -0.37 * x, alpha=-0.37)
    yield concat()
    yield unary("slice_spatial", "slice", lambda x: x[:, :, 1:, 1:], off_h=1, off_w=1)
    yield unary("global_avg_pool", "global_avg_pool", lambda x: F.adaptive_avg_pool2d(x, 1).flatten(1))
    yield linear()
    yield cross_entropy()
    yield drop_path()
    yield mixed_sum()
