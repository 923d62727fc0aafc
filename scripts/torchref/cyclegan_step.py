#!/usr/bin/python3
"""PyTorch twin of kensa's CycleGAN (src/models/cyclegan-generator.ts, patch-discriminator.ts,
src/methods/cyclegan): the ResNet generator, the PatchGAN discriminator and one training step,
written out from Zhu et al. 2017 (arXiv 1703.10593) and the layer layout of the authors' public
implementation (parameter names as theirs). scripts/gen-cyclegan-fixtures.py imports the networks
from here; run alone it times one training iteration (both generators' update with the
discriminators frozen, then both discriminators' update on pooled fakes), batch 1.

usage: /usr/bin/python3 scripts/torchref/cyclegan_step.py --size 128 --ngf 64 --ndf 64 --blocks 6
       [--upsample transpose|nearest|bilinear] [--pool 50] [--iters 5] [--warmup 2] [--threads 1]
prints {"msPerIteration": median, "all": [...]} as JSON."""
import argparse
import json
import random
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def norm(c):
    return nn.InstanceNorm2d(c, affine=False, track_running_stats=False)


class ResBlock(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.conv_block = nn.Sequential(
            nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3), norm(dim), nn.ReLU(True),
            nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3), norm(dim))

    def forward(self, x):
        return x + self.conv_block(x)


class Generator(nn.Module):
    def __init__(self, in_c=1, out_c=1, ngf=64, blocks=9, upsample='transpose'):
        super().__init__()
        layers = [nn.ReflectionPad2d(3), nn.Conv2d(in_c, ngf, 7), norm(ngf), nn.ReLU(True)]
        for i in range(2):
            w = ngf * 2 ** i
            layers += [nn.Conv2d(w, 2 * w, 3, stride=2, padding=1), norm(2 * w), nn.ReLU(True)]
        layers += [ResBlock(ngf * 4) for _ in range(blocks)]
        for i in range(2, 0, -1):
            w = ngf * 2 ** i
            if upsample == 'transpose':
                layers += [nn.ConvTranspose2d(w, w // 2, 3, stride=2, padding=1, output_padding=1)]
            else:
                layers += [nn.Upsample(scale_factor=2, mode=upsample), nn.ReflectionPad2d(1), nn.Conv2d(w, w // 2, 3)]
            layers += [norm(w // 2), nn.ReLU(True)]
        layers += [nn.ReflectionPad2d(3), nn.Conv2d(ngf, out_c, 7), nn.Tanh()]
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)


class Discriminator(nn.Module):
    def __init__(self, in_c=1, ndf=64, n_layers=3):
        super().__init__()
        layers = [nn.Conv2d(in_c, ndf, 4, stride=2, padding=1), nn.LeakyReLU(0.2, True)]
        mult = 1
        for n in range(1, n_layers + 1):
            prev, mult = mult, min(2 ** n, 8)
            layers += [nn.Conv2d(ndf * prev, ndf * mult, 4, stride=2 if n < n_layers else 1, padding=1), norm(ndf * mult), nn.LeakyReLU(0.2, True)]
        layers += [nn.Conv2d(ndf * mult, 1, 4, stride=1, padding=1)]
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)


def gan(pred, real, mode):
    target = torch.full_like(pred, 1.0 if real else 0.0)
    return F.mse_loss(pred, target) if mode == 'lsgan' else F.binary_cross_entropy_with_logits(pred, target)


def generator_terms(nets, real_a, real_b, lam=10.0, lam_idt=0.5, mode='lsgan'):
    fake_b = nets['gA2B'](real_a)
    rec_a = nets['gB2A'](fake_b)
    fake_a = nets['gB2A'](real_b)
    rec_b = nets['gA2B'](fake_a)
    t = {
        'idtB': F.l1_loss(nets['gA2B'](real_b), real_b) * lam * lam_idt,
        'idtA': F.l1_loss(nets['gB2A'](real_a), real_a) * lam * lam_idt,
        'advA2B': gan(nets['dB'](fake_b), True, mode),
        'advB2A': gan(nets['dA'](fake_a), True, mode),
        'cycleA': F.l1_loss(rec_a, real_a) * lam,
        'cycleB': F.l1_loss(rec_b, real_b) * lam,
    }
    return t, fake_a, fake_b


def d_loss(d, real, fake, mode='lsgan'):
    return (gan(d(real), True, mode) + gan(d(fake.detach()), False, mode)) * 0.5


def train_step(nets, opt_g, opt_d, real_a, real_b, pools=None):
    for k in ('dA', 'dB'):
        for p in nets[k].parameters():
            p.requires_grad_(False)
    opt_g.zero_grad()
    t, fake_a, fake_b = generator_terms(nets, real_a, real_b)
    sum(t.values()).backward()
    opt_g.step()
    for k in ('dA', 'dB'):
        for p in nets[k].parameters():
            p.requires_grad_(True)
    opt_d.zero_grad()
    if pools is not None:
        fake_b, fake_a = pools['b'].query(fake_b), pools['a'].query(fake_a)
    loss_db = d_loss(nets['dB'], real_b, fake_b)
    loss_da = d_loss(nets['dA'], real_a, fake_a)
    (loss_da + loss_db).backward()
    opt_d.step()
    out = {k: v.item() for k, v in t.items()}
    out['dA'] = loss_da.item()
    out['dB'] = loss_db.item()
    return out


class ImagePool:
    """Past fakes: store until full, then with probability 1/2 swap the new fake for a stored one."""

    def __init__(self, size, rng):
        self.size, self.rng, self.images = size, rng, []

    def query(self, fakes):
        if self.size == 0:
            return fakes.detach()
        out = []
        for img in fakes.detach():
            img = img.unsqueeze(0)
            if len(self.images) < self.size:
                self.images.append(img)
                out.append(img)
            elif self.rng.random() > 0.5:
                j = self.rng.randrange(self.size)
                out.append(self.images[j].clone())
                self.images[j] = img
            else:
                out.append(img)
        return torch.cat(out, 0)


def build(ngf, ndf, blocks, upsample='transpose'):
    nets = {'gA2B': Generator(1, 1, ngf, blocks, upsample), 'gB2A': Generator(1, 1, ngf, blocks, upsample),
            'dA': Discriminator(1, ndf, 3), 'dB': Discriminator(1, ndf, 3)}
    for net in nets.values():
        for m in net.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
                nn.init.normal_(m.weight, 0.0, 0.02)
                nn.init.zeros_(m.bias)
    return nets


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--size', type=int, default=128)
    p.add_argument('--ngf', type=int, default=64)
    p.add_argument('--ndf', type=int, default=64)
    p.add_argument('--blocks', type=int, default=6)
    p.add_argument('--upsample', default='transpose')
    p.add_argument('--pool', type=int, default=50)
    p.add_argument('--iters', type=int, default=5)
    p.add_argument('--warmup', type=int, default=2)
    p.add_argument('--threads', type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    nets = build(a.ngf, a.ndf, a.blocks, a.upsample)
    opt_g = torch.optim.Adam(list(nets['gA2B'].parameters()) + list(nets['gB2A'].parameters()), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(list(nets['dA'].parameters()) + list(nets['dB'].parameters()), lr=2e-4, betas=(0.5, 0.999))
    rng = random.Random(0)
    pools = {'a': ImagePool(a.pool, rng), 'b': ImagePool(a.pool, rng)}
    times = []
    for i in range(a.warmup + a.iters):
        real_a = torch.rand(1, 1, a.size, a.size) * 2 - 1
        real_b = torch.rand(1, 1, a.size, a.size) * 2 - 1
        t0 = time.perf_counter()
        train_step(nets, opt_g, opt_d, real_a, real_b, pools)
        if i >= a.warmup:
            times.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({'msPerIteration': statistics.median(times), 'all': [round(t, 1) for t in times],
                      'size': a.size, 'ngf': a.ngf, 'ndf': a.ndf, 'blocks': a.blocks, 'threads': a.threads, 'torch': torch.__version__}))


if __name__ == '__main__':
    main()
