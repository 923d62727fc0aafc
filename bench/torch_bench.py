#!/usr/bin/python3
"""PyTorch side of kensa's benchmark: the same reference models, trained the same way.

usage: /usr/bin/python3 bench/torch_bench.py MODEL --steps N --warmup W --threads T
prints one JSON object: {"model", "torchMs" (median ms per step), "samples": [...]}

With --serve it builds the model, prints {"ready": true, ...}, then runs one timed training step
per "step" line read from stdin and answers each with {"ms": ..., "cpuMs": ...} (wall and process
CPU time; a "phases" line also times each phase and counts kernel time and page faults:
{"ms", "cpuMs", "phaseMs": {...}, "sysMs", "minorFaults"}); kensa's benchmark uses this to alternate kensa and PyTorch
steps so both see the same machine load.

With --profile it runs the warm-up steps, then --steps steps under torch.autograd.profiler.profile and
prints {"phaseMs": {...}, "ops": [...]}, averaged over --steps steps: per step phase (zeroGrad, forward, backward, item,
optimizer) its wall time and the operators called directly in it, with counts, inclusive CPU
time and allocated bytes (bench/profile.ts sets this beside kensa's own profile of the same step).
"""
import sys
import argparse
import contextlib
import os
import json
import resource
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def mini_vgg():
    layers, c = [], 3
    for w in (32, 64, 128):
        layers += [nn.Conv2d(c, w, 3, padding=1), nn.ReLU(), nn.Conv2d(w, w, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
        c = w
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(128 * 4 * 4, 256), nn.ReLU(), nn.Linear(256, 10))


def double_conv(i, o):
    return nn.Sequential(nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU(),
                         nn.Conv2d(o, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU())


class UNet(nn.Module):
    def __init__(self, widths=(16, 32, 64, 128)):
        super().__init__()
        self.down = nn.ModuleList()
        c = 1
        for w in widths:
            self.down.append(double_conv(c, w))
            c = w
        self.up, self.dec = nn.ModuleList(), nn.ModuleList()
        for w in reversed(widths[:-1]):
            self.up.append(nn.ConvTranspose2d(c, w, 2, stride=2))
            self.dec.append(double_conv(2 * w, w))
            c = w
        self.head = nn.Conv2d(c, 1, 1)

    def forward(self, x):
        skips = []
        for i, block in enumerate(self.down):
            if i > 0:
                x = F.max_pool2d(x, 2)
            x = block(x)
            skips.append(x)
        for j, (up, dec) in enumerate(zip(self.up, self.dec)):
            x = dec(torch.cat([skips[len(self.down) - 2 - j], up(x)], 1))
        return self.head(x)


def unsup_net(q=100):
    return nn.Sequential(nn.Conv2d(3, q, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(q),
                         nn.Conv2d(q, q, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(q),
                         nn.Conv2d(q, q, 1), nn.BatchNorm2d(q))


OPS_CHAIN, OPS_SIZE = 1000, 64  # bench/models.ts OPS_CHAIN, OPS_SIZE


def no_phase(_name):
    return contextlib.nullcontext()


def timed_phase(into):
    """A phase(name) that adds each phase's wall time, ms, to into[name]."""
    @contextlib.contextmanager
    def phase(name):
        t0 = time.perf_counter()
        try:
            yield
        finally:
            into[name] = into.get(name, 0.0) + (time.perf_counter() - t0) * 1000
    return phase


MICRO_REPEAT = 10  # bench/micro-cases.ts MICRO_REPEAT


def micro_case(model):
    """The micro-benchmark cases of bench/micro-cases.ts (None for a model row)."""
    torch.manual_seed(0)
    if model == 'ADD0':
        x, y = torch.randn(OPS_SIZE), torch.randn(OPS_SIZE)

        def add0(phase=no_phase):
            with torch.no_grad(), phase('forward'):
                h = x
                for _ in range(OPS_CHAIN):
                    h = h.add(y)
            return 0.0
        return add0
    if model == 'RELU':
        x = torch.randn(64, 32, 32, 32)

        def relu(phase=no_phase):
            with torch.no_grad(), phase('forward'):
                for _ in range(MICRO_REPEAT):
                    torch.relu(x)
            return 0.0
        return relu
    if model == 'CONV':
        x, w, b = torch.randn(64, 32, 32, 32), torch.randn(32, 32, 3, 3) * 0.05, torch.randn(32)

        def conv(phase=no_phase):
            with torch.no_grad(), phase('forward'):
                for _ in range(MICRO_REPEAT):
                    F.conv2d(x, w, b, padding=1)
            return 0.0
        return conv
    if model == 'ADAM':
        net = mini_vgg()
        params = list(net.parameters())
        grads = [torch.randn_like(p) * 0.01 for p in params]
        opt = torch.optim.Adam(params, lr=1e-3)

        def adam(phase=no_phase):
            with phase('optimizer'):
                for p, g in zip(params, grads):
                    p.grad = g
                opt.step()
            return 0.0
        return adam
    return None


def setup(model):
    """Returns step(phase): one training step; phase(name) is a context manager around each part."""
    torch.manual_seed(0)
    if model == 'OPS':
        x, y = torch.randn(OPS_SIZE, requires_grad=True), torch.randn(OPS_SIZE)

        def ops_step(phase=no_phase):
            with phase('zeroGrad'):
                x.grad = None
            with phase('forward'):
                h = x
                for _ in range(OPS_CHAIN):
                    h = h.add(y)
                loss = h.sum()
            with phase('backward'):
                loss.backward()
            with phase('item'):
                return loss.item()
        return ops_step
    micro = micro_case(model)
    if micro is not None:
        return micro
    if model == 'M1':
        net = mini_vgg()
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        x, y = torch.randn(64, 3, 32, 32), torch.randint(0, 10, (64,))
        loss_fn = lambda: F.cross_entropy(net(x), y)
    elif model == 'M2':
        net = UNet()
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        x, y = torch.randn(4, 1, 128, 128), (torch.rand(4, 1, 128, 128) > 0.5).float()
        loss_fn = lambda: F.binary_cross_entropy_with_logits(net(x), y)
    elif model == 'M2b':
        net = UNet()
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        x, y = torch.randn(2, 1, 256, 256), (torch.rand(2, 1, 256, 256) > 0.5).float()
        loss_fn = lambda: F.binary_cross_entropy_with_logits(net(x), y)
    elif model == 'M6':
        # one CycleGAN iteration (scripts/torchref/cyclegan_step.py: the networks and step kensa's are checked against)
        sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'scripts', 'torchref'))
        import random
        import cyclegan_step as cg
        nets = cg.build(64, 64, 6)
        opt_g = torch.optim.Adam(list(nets['gA2B'].parameters()) + list(nets['gB2A'].parameters()), lr=2e-4, betas=(0.5, 0.999))
        opt_d = torch.optim.Adam(list(nets['dA'].parameters()) + list(nets['dB'].parameters()), lr=2e-4, betas=(0.5, 0.999))
        rng = random.Random(0)
        pools = {'a': cg.ImagePool(50, rng), 'b': cg.ImagePool(50, rng)}
        for n in nets.values():
            n.train()
        real_a, real_b = torch.rand(1, 1, 128, 128) * 2 - 1, torch.rand(1, 1, 128, 128) * 2 - 1

        def cyclegan_step(phase=no_phase):
            with phase('forward'):
                return cg.train_step(nets, opt_g, opt_d, real_a, real_b, pools)['cycleA']
        return cyclegan_step
    elif model == 'M7':
        # kensa classify's default network (src/methods/classify/backbones.ts): 5 VGG blocks at 128 px
        layers, c = [], 1
        for w in (16, 32, 64, 128, 256):
            for _ in range(2):
                layers += [nn.Conv2d(c, w, 3, padding=1), nn.BatchNorm2d(w), nn.ReLU()]
                c = w
            layers.append(nn.MaxPool2d(2))
        net = nn.Sequential(*layers, nn.Flatten(), nn.Linear(256 * 4 * 4, 256), nn.ReLU(), nn.Dropout(0.3), nn.Linear(256, 2))
        opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-4)
        x, y = torch.randn(32, 1, 128, 128), torch.randint(0, 2, (32,))
        loss_fn = lambda: F.cross_entropy(net(x), y)
    elif model in ('M3', 'M3b'):
        net = unsup_net()
        opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
        # M3b: one iteration of `kensa segment` on a BSDS500-sized 481x321 (landscape) image
        x = torch.rand(1, 3, 320, 480) if model == 'M3' else torch.rand(1, 3, 321, 481)

        def loss_fn():
            r = net(x)[0]                       # [q, H, W]
            target = r.argmax(0)                # labels = argmax over channels
            ce = F.cross_entropy(r.unsqueeze(0), target.unsqueeze(0))
            dy = (r[:, 1:, :] - r[:, :-1, :]).abs().mean()
            dx = (r[:, :, 1:] - r[:, :, :-1]).abs().mean()
            return ce + dy + dx
    elif model in ('M4', 'M5'):
        # the metric-learning tile network (scripts/torchref/metric_bench.py): mini-VGG width 16 + BN,
        # linear projection + BN1d to 64-d, ArcFace m=0.5 s=64; 32x32 tiles, batch 64, Adam
        sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'scripts', 'torchref'))
        from metric_bench import Net
        net = Net(16, 32, 64, 4)
        opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=5e-4)
        x, y = torch.randn(64, 1, 32, 32), torch.randint(0, 4, (64,))
        if model == 'M5':  # embedding only: eval-mode forward without gradients
            net.eval()

            def embed(phase=no_phase):
                with torch.no_grad(), phase('forward'):
                    net.embed(x)
                return 0.0
            return embed
        loss_fn = lambda: net.loss(x, y)
    else:
        raise SystemExit(f'unknown model {model}')
    net.train()

    def step(phase=no_phase):
        with phase('zeroGrad'):
            opt.zero_grad()
        with phase('forward'):
            loss = loss_fn()
        with phase('backward'):
            loss.backward()
        with phase('item'):
            value = loss.item()
        with phase('optimizer'):
            opt.step()
        return value
    return step


def profile(step, steps):
    """Steps under the autograd profiler: per step, phase wall times and each phase's direct operators."""
    from torch.autograd import profiler
    names = ('zeroGrad', 'forward', 'backward', 'item', 'optimizer')
    with profiler.profile(profile_memory=True) as prof:
        for _ in range(steps):
            step(lambda name: profiler.record_function('phase::' + name))
    phase_ms, ops = {}, {}
    for ev in prof.function_events:
        if not ev.name.startswith('phase::'):
            continue
        phase = ev.name[len('phase::'):]
        phase_ms[phase] = phase_ms.get(phase, 0.0) + ev.cpu_time_total / 1000
        for child in ev.cpu_children:
            key = (phase, child.name)
            o = ops.setdefault(key, {'phase': phase, 'name': child.name, 'calls': 0, 'ms': 0.0, 'bytes': 0})
            o['calls'] += 1
            o['ms'] += child.cpu_time_total / 1000
            o['bytes'] += max(0, child.cpu_memory_usage)
    allocs = sum(1 for ev in prof.function_events if ev.name == '[memory]')
    kernels = {}
    for ev in prof.key_averages():
        if ev.key.startswith('phase::') or ev.key == '[memory]':
            continue
        kernels[ev.key] = {'name': ev.key, 'calls': ev.count, 'selfMs': ev.self_cpu_time_total / 1000}
    per = lambda v: v / steps
    for o in ops.values():
        o['calls'], o['ms'], o['bytes'] = per(o['calls']), per(o['ms']), per(o['bytes'])
    for o in kernels.values():
        o['calls'], o['selfMs'] = per(o['calls']), per(o['selfMs'])
    return {'steps': steps, 'phaseMs': {n: per(phase_ms[n]) for n in names if n in phase_ms},
            'ops': sorted(ops.values(), key=lambda o: -o['ms']),
            'selfTimes': sorted(kernels.values(), key=lambda o: -o['selfMs']),
            'memoryEvents': per(allocs)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('model')
    ap.add_argument('--steps', type=int, default=10)
    ap.add_argument('--warmup', type=int, default=3)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--serve', action='store_true')
    ap.add_argument('--profile', action='store_true')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    step = setup(a.model)
    if a.profile:
        for _ in range(a.warmup):
            step()
        print(json.dumps({'model': a.model, 'torch': torch.__version__, 'threads': torch.get_num_threads(),
                          **profile(step, a.steps)}))
        return
    if a.serve:
        print(json.dumps({'ready': True, 'torch': torch.__version__, 'threads': torch.get_num_threads()}), flush=True)
        for line in sys.stdin:
            cmd = line.strip()
            if cmd not in ('step', 'phases'):
                break
            phase_ms = {}
            r0 = resource.getrusage(resource.RUSAGE_SELF)
            t0, c0 = time.perf_counter(), time.process_time()
            step(timed_phase(phase_ms) if cmd == 'phases' else no_phase)
            reply = {'ms': (time.perf_counter() - t0) * 1000, 'cpuMs': (time.process_time() - c0) * 1000}
            if cmd == 'phases':
                r = resource.getrusage(resource.RUSAGE_SELF)
                reply.update(phaseMs=phase_ms, sysMs=(r.ru_stime - r0.ru_stime) * 1000, minorFaults=r.ru_minflt - r0.ru_minflt)
            print(json.dumps(reply), flush=True)
        return
    for _ in range(a.warmup):
        step()
    samples = []
    for _ in range(a.steps):
        t0 = time.perf_counter()
        step()
        samples.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({'model': a.model, 'torchMs': statistics.median(samples), 'samples': samples,
                      'torch': torch.__version__, 'threads': torch.get_num_threads()}))


if __name__ == '__main__':
    main()
