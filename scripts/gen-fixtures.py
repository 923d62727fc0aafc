#!/usr/bin/python3
"""Writes kensa's PyTorch reference fixtures (run with Debian's /usr/bin/python3 and python3-torch).

For every op case: inputs, outputs, and the gradients of sum(out_j * w_j) w.r.t. each
floating input. For layers: seeded default initialisations, forward outputs and parameter
gradients. For optimizers: parameters after several steps. For schedules: LR sequences.
The TypeScript tests (src/**/*.fixture.test.ts) run the same computations in kensa and compare.

usage: /usr/bin/python3 scripts/gen-fixtures.py tests/fixtures
"""
import json
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), 'torchref'))
import st  # noqa: E402
from cases import OP_CASES  # noqa: E402

torch.set_num_threads(1)


def make_inputs(specs, gen):
    out = []
    for s in specs:
        kind, shape = s[0], s[1]
        if kind == 'f':
            t = torch.randn(shape, generator=gen)
        elif kind == 'd':
            t = torch.randn(shape, generator=gen, dtype=torch.float64)
        elif kind == 'p':
            t = torch.rand(shape, generator=gen) + 0.5
        elif kind == 'u':
            t = torch.rand(shape, generator=gen)
        elif kind == 'i':
            t = torch.randint(0, s[2], shape, generator=gen)
        elif kind == 'b':
            t = torch.rand(shape, generator=gen) > 0.5
        else:
            raise ValueError(kind)
        if kind in 'fdpu' and (len(s) < 3 or s[2] != 'nograd'):
            t.requires_grad_(True)
        out.append(t)
    return out


def op_fixtures(out_dir):
    gen = torch.Generator().manual_seed(1234)
    tensors = {}
    index = []
    for name, specs, fn in OP_CASES:
        ins = make_inputs(specs, gen)
        res = fn(*ins)
        outs = list(res) if isinstance(res, (list, tuple)) else [res]
        loss = None
        for j, o in enumerate(outs):
            tensors[f'{name}/out{j}'] = o.detach().clone()
            if o.is_floating_point() and o.requires_grad:
                w = torch.randn(o.shape, generator=gen, dtype=o.dtype)
                tensors[f'{name}/w{j}'] = w
                term = (o * w).sum()
                loss = term if loss is None else loss + term
        for i, t in enumerate(ins):
            tensors[f'{name}/in{i}'] = t.detach().clone()
        if loss is not None:
            grads = torch.autograd.grad(loss, [t for t in ins if t.requires_grad], allow_unused=True)
            k = 0
            for i, t in enumerate(ins):
                if t.requires_grad:
                    if grads[k] is not None:
                        tensors[f'{name}/grad{i}'] = grads[k]
                    k += 1
        index.append({'name': name, 'inputs': len(ins), 'outputs': len(outs)})
    st.save(os.path.join(out_dir, 'ops.safetensors'), tensors)
    with open(os.path.join(out_dir, 'ops.json'), 'w') as f:
        json.dump(index, f, indent=1)


def random_fixtures(out_dir):
    """Seeded random streams: kensa must draw the same numbers as PyTorch's global generator."""
    t = {}
    torch.manual_seed(42)
    t['rand'] = torch.rand(3, 4)
    t['randn'] = torch.randn(5)
    t['randint'] = torch.randint(0, 10, (6,))
    t['randperm'] = torch.randperm(7)
    torch.manual_seed(7)
    t['dropout'] = F.dropout(torch.ones(4, 5), p=0.5, training=True)
    st.save(os.path.join(out_dir, 'random.safetensors'), t)


def layer_fixtures(out_dir):
    """Default initialisation under a seed, forward and parameter gradients."""
    t = {}
    gen = torch.Generator().manual_seed(99)
    layers = {
        'conv': lambda: nn.Conv2d(3, 5, 3, stride=2, padding=1),
        'conv_nobias_groups': lambda: nn.Conv2d(4, 6, (3, 1), padding=(1, 0), groups=2, bias=False),
        'conv_reflect': lambda: nn.Conv2d(2, 3, 3, padding=1, padding_mode='reflect'),
        'convT': lambda: nn.ConvTranspose2d(3, 4, 2, stride=2),
        'convT_pad': lambda: nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1),
        'linear': lambda: nn.Linear(7, 3),
        'bn': lambda: nn.BatchNorm2d(3),
        'inorm': lambda: nn.InstanceNorm2d(3),
        'inorm_affine': lambda: nn.InstanceNorm2d(3, affine=True),
        'conv3d': lambda: nn.Conv3d(2, 3, 3, padding=1),
    }
    inputs = {
        'conv': (2, 3, 9, 9), 'conv_nobias_groups': (2, 4, 5, 5), 'conv_reflect': (1, 2, 6, 6), 'convT': (2, 3, 4, 4),
        'convT_pad': (1, 3, 5, 5), 'linear': (4, 7), 'bn': (4, 3, 5, 5), 'inorm': (2, 3, 6, 6),
        'inorm_affine': (2, 3, 6, 6), 'conv3d': (1, 2, 4, 5, 6),
    }
    for i, (name, make) in enumerate(layers.items()):
        torch.manual_seed(100 + i)
        m = make()
        for k, v in m.state_dict().items():
            t[f'{name}/init/{k}'] = v.clone()
        x = torch.randn(inputs[name], generator=gen, requires_grad=True)
        m.train()
        y = m(x)
        w = torch.randn(y.shape, generator=gen)
        (y * w).sum().backward()
        t[f'{name}/x'] = x.detach()
        t[f'{name}/y'] = y.detach()
        t[f'{name}/w'] = w
        t[f'{name}/xgrad'] = x.grad
        for k, p in m.named_parameters():
            t[f'{name}/grad/{k}'] = p.grad
        for k, v in m.state_dict().items():
            t[f'{name}/after/{k}'] = v.clone()
        if name == 'bn':
            m.eval()
            t['bn/y_eval'] = m(x).detach()
    st.save(os.path.join(out_dir, 'layers.safetensors'), t)


class TinyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 6)
        self.fc2 = nn.Linear(6, 3)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


OPTIMIZERS = {
    'sgd': lambda p: torch.optim.SGD(p, lr=0.1),
    'sgd_momentum': lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01),
    'sgd_nesterov': lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
    'adam': lambda p: torch.optim.Adam(p, lr=0.01),
    'adam_wd_amsgrad': lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True),
    'adamw': lambda p: torch.optim.AdamW(p, lr=0.01),
    'adamw_wd': lambda p: torch.optim.AdamW(p, lr=0.02, weight_decay=0.5, eps=1e-6),
}


def optim_fixtures(out_dir):
    t = {}
    gen = torch.Generator().manual_seed(5)
    x = torch.randn(8, 4, generator=gen)
    y = torch.randint(0, 3, (8,), generator=gen)
    t['x'] = x
    t['y'] = y
    torch.manual_seed(3)
    init = TinyNet().state_dict()
    for k, v in init.items():
        t[f'init/{k}'] = v.clone()
    for name, make in OPTIMIZERS.items():
        net = TinyNet()
        net.load_state_dict(init)
        opt = make(net.parameters())
        losses = []
        for _ in range(6):
            opt.zero_grad()
            loss = F.cross_entropy(net(x), y)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        for k, v in net.state_dict().items():
            t[f'{name}/{k}'] = v.clone()
        t[f'{name}/losses'] = torch.tensor(losses, dtype=torch.float64)
    st.save(os.path.join(out_dir, 'optim.safetensors'), t)


def schedule_fixtures(out_dir):
    def run(make, n=12):
        p = [torch.zeros(1, requires_grad=True)]
        opt = torch.optim.SGD(p, lr=0.5)
        sched = make(opt)
        lrs = []
        for _ in range(n):
            lrs.append(opt.param_groups[0]['lr'])
            opt.step()
            sched.step()
        return lrs
    out = {
        'step': run(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5)),
        'cosine': run(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.05)),
        'linear': run(lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=4)),
        'constant_then_linear': run(lambda o: torch.optim.lr_scheduler.LambdaLR(
            o, lambda e: 1.0 - max(0, e - 5) / float(6 + 1))),
    }
    with open(os.path.join(out_dir, 'schedules.json'), 'w') as f:
        json.dump(out, f, indent=1)


def main():
    out_dir = os.path.join(sys.argv[1] if len(sys.argv) > 1 else 'tests/fixtures', 'engine')
    os.makedirs(out_dir, exist_ok=True)
    op_fixtures(out_dir)
    random_fixtures(out_dir)
    layer_fixtures(out_dir)
    optim_fixtures(out_dir)
    schedule_fixtures(out_dir)
    with open(os.path.join(out_dir, 'VERSION'), 'w') as f:
        f.write(f'torch {torch.__version__}\n')
    print('fixtures written to', out_dir)


if __name__ == '__main__':
    main()
