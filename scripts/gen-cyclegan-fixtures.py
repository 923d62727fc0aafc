#!/usr/bin/python3
"""Reference CycleGAN training steps for src/methods/cyclegan (run with Debian's /usr/bin/python3
and python3-torch 1.13). The networks and the update come from scripts/torchref/cyclegan_step.py,
written out there from Zhu et al. 2017 (arXiv 1703.10593) and the layer layout of the authors'
public implementation (ResNet generator: reflection pad, c7s1, two stride-2 convs, residual blocks,
two transposed convs, c7s1, tanh; 70x70 PatchGAN; instance norm without affine parameters; LSGAN;
cycle L1 x10 each way; identity L1 x0.5x10; Adam 2e-4, betas (0.5, 0.999); one generator update
with the discriminators frozen, then one discriminator update on detached fakes, loss (real +
fake) / 2).

A tiny pair of networks (32x32 grey images, ngf 4, one residual block, ndf 4, three layers) with
seeded weights takes two steps on seeded images, the image pool switched off. Written: initial
weights, inputs, every loss term of both steps, the weights after them; a vanilla-GAN variant of
step 1's loss terms; a resize-conv generator's forward pass and input gradient; a reflection pad's
forward and gradient; parameter counts of the full-size networks.

usage: /usr/bin/python3 scripts/gen-cyclegan-fixtures.py tests/fixtures/cyclegan
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), 'torchref'))
import st  # noqa: E402
from cyclegan_step import Discriminator, Generator, d_loss, generator_terms, train_step  # noqa: E402

torch.set_num_threads(1)


def seeded_(net, gen, std=0.1):
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
                m.weight.copy_(torch.randn(m.weight.shape, generator=gen) * std)
                m.bias.copy_(torch.randn(m.bias.shape, generator=gen) * 0.05)


def free_params(net, prefix):
    """Parameters whose gradient is not identically zero: a conv bias right before an instance norm
    without affine parameters is cancelled by the norm (its gradient is rounding noise, which Adam
    turns into +-lr steps), so those biases are left out of weight comparisons."""
    names = []
    mods = list(net.named_modules())
    for i, (name, m) in enumerate(mods):
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            names.append(f'{prefix}.{name}.weight')
            nxt = mods[i + 1][1] if i + 1 < len(mods) else None
            if not isinstance(nxt, nn.InstanceNorm2d):
                names.append(f'{prefix}.{name}.bias')
    return names


def state(nets):
    return {f'{k}.{n}': t.detach().clone() for k, net in nets.items() for n, t in net.state_dict().items()}


def smooth_images(gen, n, size):
    # blurred noise in [-1, 1]: image-like structure for the convolutions to act on
    x = torch.rand(n, 1, size // 4, size // 4, generator=gen)
    x = F.interpolate(x, size=(size, size), mode='bilinear', align_corners=False)
    return (x * 2 - 1).clamp(-1, 1)


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    gen = torch.Generator().manual_seed(20170330)
    size = 32
    nets = {'gA2B': Generator(ngf=4, blocks=1), 'gB2A': Generator(ngf=4, blocks=1),
            'dA': Discriminator(ndf=4), 'dB': Discriminator(ndf=4)}
    for net in nets.values():
        seeded_(net, gen)
    initial = state(nets)
    real_a = smooth_images(gen, 2, size)
    real_b = smooth_images(gen, 2, size) * 0.8 + 0.1
    # vanilla-GAN loss terms of step 1 (no update)
    vt, _, _ = generator_terms(nets, real_a[:1], real_b[:1], mode='vanilla')
    _, fa, fb = generator_terms(nets, real_a[:1], real_b[:1])
    vanilla = {k: v.item() for k, v in vt.items()}
    vanilla['dA'] = d_loss(nets['dA'], real_a[:1], fa, 'vanilla').item()
    vanilla['dB'] = d_loss(nets['dB'], real_b[:1], fb, 'vanilla').item()

    opt_g = torch.optim.Adam(list(nets['gA2B'].parameters()) + list(nets['gB2A'].parameters()), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(list(nets['dA'].parameters()) + list(nets['dB'].parameters()), lr=2e-4, betas=(0.5, 0.999))
    steps = [train_step(nets, opt_g, opt_d, real_a[i:i + 1], real_b[i:i + 1]) for i in range(2)]
    final = state(nets)
    compared = [n for k, net in nets.items() for n in free_params(net, k)]

    # resize-conv generator: forward and input gradient of sum(out * w)
    rc = Generator(ngf=4, blocks=1, upsample='nearest')
    seeded_(rc, gen)
    rc_in = smooth_images(gen, 1, 16).requires_grad_(True)
    rc_out = rc(rc_in)
    rc_w = torch.randn(rc_out.shape, generator=gen)
    (rc_out * rc_w).sum().backward()

    # reflection pad (left 1, right 2, top 2, bottom 1) and its gradient
    pad_in = torch.randn(2, 3, 5, 6, generator=gen).requires_grad_(True)
    pad_out = nn.ReflectionPad2d((1, 2, 2, 1))(pad_in)
    pad_w = torch.randn(pad_out.shape, generator=gen)
    (pad_out * pad_w).sum().backward()

    tensors = {f'initial.{k}': v for k, v in initial.items()}
    tensors.update({f'final.{k}': v for k, v in final.items()})
    tensors.update({'realA': real_a, 'realB': real_b})
    tensors.update({f'rc.{k}': v for k, v in rc.state_dict().items()})
    tensors.update({'rc.input': rc_in.detach(), 'rc.output': rc_out.detach(), 'rc.weight': rc_w, 'rc.inputGrad': rc_in.grad})
    tensors.update({'pad.input': pad_in.detach(), 'pad.output': pad_out.detach(), 'pad.weight': pad_w, 'pad.inputGrad': pad_in.grad})
    st.save(os.path.join(out_dir, 'cyclegan.safetensors'), tensors)

    counts = {
        'generator_3ch_ngf64_9blocks': sum(p.numel() for p in Generator(3, 3, 64, 9).parameters()),
        'generator_1ch_ngf64_6blocks': sum(p.numel() for p in Generator(1, 1, 64, 6).parameters()),
        'generator_1ch_ngf64_6blocks_resizeconv': sum(p.numel() for p in Generator(1, 1, 64, 6, 'nearest').parameters()),
        'discriminator_3ch_ndf64': sum(p.numel() for p in Discriminator(3, 64, 3).parameters()),
        'discriminator_1ch_ndf64': sum(p.numel() for p in Discriminator(1, 64, 3).parameters()),
    }
    meta = {
        'config': {'size': size, 'ngf': 4, 'blocks': 1, 'ndf': 4, 'layers': 3, 'lr': 2e-4, 'betas': [0.5, 0.999],
                   'lambdaCycle': 10, 'lambdaIdentity': 0.5, 'poolSize': 0},
        'steps': steps,
        'vanillaStep1': vanilla,
        'comparedParams': compared,
        'parameterCounts': counts,
        'torch': torch.__version__,
    }
    with open(os.path.join(out_dir, 'cyclegan.json'), 'w') as f:
        json.dump(meta, f, indent=1)
        f.write('\n')
    print(json.dumps({'steps': steps, 'counts': counts}, indent=1))


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'tests/fixtures/cyclegan')
