"""Golden cases for the optimizers, the cosine schedule and gradient clipping: the same initial weights
and a fixed sequence of gradients, with torch.optim doing the updates."""
import torch

from fixture import Case

STEPS = 5
# Learning rates change between steps (as under a schedule), which catches an implementation that
# folds the rate into its momentum buffer: PyTorch's buffer does not contain it.
LEARNING_RATES = [0.1, 0.08, 0.05, 0.03, 0.01]


def initial_params():
    return {"w": torch.randn(4, 5, dtype=torch.float64), "b": torch.randn(5, dtype=torch.float64)}


def optimizer_case(name, op, make_optimizer, **attrs):
    case = Case(name, op, learning_rates=LEARNING_RATES, **attrs)
    params = {k: v.clone().requires_grad_(True) for k, v in initial_params().items()}
    for k, v in params.items():
        case.add("params", k, v)
    opt = make_optimizer(list(params.values()))
    for step in range(STEPS):
        for group in opt.param_groups:
            group["lr"] = LEARNING_RATES[step]
        for k, v in params.items():
            v.grad = torch.randn_like(v)
            case.add("buffers", f"grad/{step}/{k}", v.grad)
        opt.step()
        for k, v in params.items():
            case.add("outputs", f"param/{step}/{k}", v)
    return case


def sgd(name):
    # Plain momentum, as DARTS trains; Parsec has no Nesterov path.
    momentum, weight_decay = 0.9, 3e-4
    return optimizer_case(name, "sgd", lambda p: torch.optim.SGD(p, lr=LEARNING_RATES[0], momentum=momentum,
                                                                   weight_decay=weight_decay),
                          momentum=momentum, weight_decay=weight_decay)


def adam(name, beta1):
    beta2, eps, weight_decay = 0.999, 1e-8, 1e-3
    return optimizer_case(name, "adam", lambda p: torch.optim.Adam(p, lr=LEARNING_RATES[0], betas=(beta1, beta2), eps=eps,
                                                                     weight_decay=weight_decay),
                          beta1=beta1, beta2=beta2, epsilon=eps, weight_decay=weight_decay)


def cosine():
    base_lr, t_max, eta_min = 0.025, 7, 0.001
    case = Case("cosine_schedule", "cosine", base_lr=base_lr, t_max=t_max, eta_min=eta_min)
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=base_lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=t_max, eta_min=eta_min)
    values = []
    for _ in range(t_max + 1):
        values.append(schedule.get_last_lr()[0])
        opt.step()
        schedule.step()
    case.add("outputs", "lr", torch.tensor(values, dtype=torch.float64))
    return case


def clip(name, max_norm_fraction):
    """max_norm is a fraction of the gradients' total norm: below 1 clips, above 1 leaves them alone."""
    case = Case(name, "clip_grad_norm")
    params = {k: v.requires_grad_(True) for k, v in initial_params().items()}
    for k, v in params.items():
        case.add("params", k, v)
        v.grad = torch.randn_like(v)
        case.add("buffers", f"grad/{k}", v.grad)
    total = torch.sqrt(sum((v.grad ** 2).sum() for v in params.values())).item()
    max_norm = max_norm_fraction * total
    case.attrs["max_norm"] = max_norm
    norm = torch.nn.utils.clip_grad_norm_(list(params.values()), max_norm)
    case.add("outputs", "total_norm", norm)
    for k, v in params.items():
        case.add("outputs", f"grad/{k}", v.grad)
    return case


def all_cases():
    yield sgd("sgd_momentum")
    yield adam("adam_beta1_09", 0.9)
    yield adam("adam_beta1_05", 0.5)
    yield cosine()
    yield clip("clip_grad_norm_clipped", 0.4)
    yield clip("clip_grad_norm_unclipped", 2.5)
