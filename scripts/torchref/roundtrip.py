#!/usr/bin/python3
"""Safetensors round trip with PyTorch (used by src/nn/safetensors-roundtrip.test.ts).

usage: roundtrip.py DIR
  reads  DIR/kensa_model.safetensors (weights saved by kensa) and DIR/kensa_io.safetensors (x)
  writes DIR/torch_on_kensa.safetensors (y = the PyTorch model with kensa's weights, eval mode)
  writes DIR/torch_model.safetensors and DIR/torch_io.safetensors (x, y) from a PyTorch-trained model
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
import st  # noqa: E402


def make_net():
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
        nn.ConvTranspose2d(8, 4, 2, stride=2), nn.InstanceNorm2d(4, affine=True), nn.LeakyReLU(0.2),
        nn.AdaptiveAvgPool2d(2), nn.Flatten(), nn.Linear(16, 5))


def main(d):
    torch.set_num_threads(1)
    net = make_net()
    net.load_state_dict(st.load(os.path.join(d, 'kensa_model.safetensors')), strict=True)
    net.eval()
    x = st.load(os.path.join(d, 'kensa_io.safetensors'))['x']
    with torch.no_grad():
        st.save(os.path.join(d, 'torch_on_kensa.safetensors'), {'y': net(x)})

    torch.manual_seed(5)
    net = make_net()
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    xb = torch.randn(6, 3, 6, 6)
    for _ in range(3):
        opt.zero_grad()
        net(xb).pow(2).mean().backward()
        opt.step()
    net.eval()
    x2 = torch.randn(2, 3, 6, 6)
    with torch.no_grad():
        y2 = net(x2)
    st.save(os.path.join(d, 'torch_model.safetensors'), net.state_dict())
    st.save(os.path.join(d, 'torch_io.safetensors'), {'x': x2, 'y': y2})


if __name__ == '__main__':
    main(sys.argv[1])
