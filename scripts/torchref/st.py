"""Minimal safetensors reader/writer for the PyTorch reference scripts (Debian has no
python3-safetensors). Format: u64 LE header length, JSON header, raw little-endian bytes."""
import json
import os
import struct

import torch

_TO = {torch.float32: 'F32', torch.float64: 'F64', torch.float16: 'F16', torch.int64: 'I64',
       torch.int32: 'I32', torch.int16: 'I16', torch.int8: 'I8', torch.uint8: 'U8', torch.bool: 'BOOL'}
_FROM = {v: k for k, v in _TO.items()}


def save(path, tensors, metadata=None):
    header = {}
    if metadata:
        header['__metadata__'] = metadata
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().cpu()
        b = t.numpy().tobytes() if t.dtype != torch.bool else t.to(torch.uint8).numpy().tobytes()
        header[name] = {'dtype': _TO[t.dtype], 'shape': list(t.shape), 'data_offsets': [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header).encode()
    h += b' ' * ((8 - (len(h) + 8) % 8) % 8)
    tmp = path + '.tmp'
    with open(tmp, 'wb') as f:
        f.write(struct.pack('<Q', len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def load(path):
    with open(path, 'rb') as f:
        data = f.read()
    n = struct.unpack('<Q', data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    base = 8 + n
    for name, spec in header.items():
        if name == '__metadata__':
            continue
        a, b = spec['data_offsets']
        dt = _FROM[spec['dtype']]
        raw = bytearray(data[base + a:base + b])
        if dt == torch.bool:
            t = torch.frombuffer(raw, dtype=torch.uint8).to(torch.bool) if len(raw) else torch.zeros(0, dtype=torch.bool)
        else:
            t = torch.frombuffer(raw, dtype=dt) if len(raw) else torch.zeros(0, dtype=dt)
        out[name] = t.reshape(spec['shape']).clone()
    return out
