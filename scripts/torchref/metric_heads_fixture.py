#!/usr/bin/python3
"""Reference logits, losses and gradients of the metric-learning heads at known angles.

Run with Debian's Python (python3-torch), from the repository root:

    /usr/bin/python3 scripts/torchref/metric_heads_fixture.py tests/fixtures/metric-learning

The heads are recomputed here independently of kensa's formulas: the angle θ = acos(cos) is taken
explicitly and the margin added to it (ArcFace) or to the cosine (CosFace), as in the papers.
Embeddings are placed at chosen angles θ to their class's weight vector, including angles past
π − m, where ArcFace falls back to cos θ − m·sin m.
"""
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import st  # noqa: E402

C, D = 3, 5
ANGLES = [0.1, 0.6, 1.2, 1.8, 2.4, 2.7, 2.9, 3.05]  # 2.7, 2.9, 3.05 > π − 0.5 ≈ 2.642


def embeddings_at_angles(w_rows, labels, angles, gen):
    """e_i = r_i·(cos θ_i·ŵ + sin θ_i·u), u a unit vector ⟂ ŵ, r_i a random norm (tests normalisation)."""
    out = []
    for y, th in zip(labels, angles):
        wh = F.normalize(w_rows[y], dim=0)
        u = torch.randn(D, generator=gen, dtype=torch.float64)
        u = F.normalize(u - (u @ wh) * wh, dim=0)
        r = 0.5 + 3 * torch.rand(1, generator=gen, dtype=torch.float64).item()
        out.append(r * (math.cos(th) * wh + math.sin(th) * u))
    return torch.stack(out)


def arcface_target(cos, m):
    theta = torch.acos(cos.clamp(-1, 1))
    return torch.where(theta <= math.pi - m, torch.cos(theta + m), cos - m * math.sin(m))


def head_logits(emb, w, labels, kind, m, s, k):
    cos = F.normalize(emb, dim=1) @ F.normalize(w, dim=1).t()  # [N, C·K]
    if k > 1:
        cos = cos.view(emb.shape[0], C, k).max(dim=2).values
    tgt = cos.gather(1, labels[:, None])
    new = arcface_target(tgt, m) if kind == 'arcface' else tgt - m
    onehot = F.one_hot(labels, C).bool()
    train = torch.where(onehot, new.expand_as(cos), cos)
    return s * cos, s * train


def case(name, kind, m, s, k, seed, out):
    gen = torch.Generator().manual_seed(seed)
    w = torch.randn(C * k, D, generator=gen, dtype=torch.float64)
    labels = torch.tensor([i % C for i in range(len(ANGLES))])
    # Angles are measured to the class's first sub-centre; with K > 1 the best sub-centre may be closer.
    emb = embeddings_at_angles(w[::k] if k > 1 else w, labels.tolist(), ANGLES, gen)
    emb.requires_grad_(True)
    w.requires_grad_(True)
    logits, train = head_logits(emb, w, labels, kind, m, s, k)
    loss = F.cross_entropy(train, labels)
    loss.backward()
    t = {
        'embeddings': emb.detach().float(), 'weight': w.detach().float(), 'labels': labels,
        'logits': logits.detach().float(), 'training_logits': train.detach().float(),
        'loss': loss.detach().float().reshape(1),
        'grad_embeddings': emb.grad.float(), 'grad_weight': w.grad.float(),
    }
    st.save(os.path.join(out, f'{name}.safetensors'), t,
            {'kind': kind, 'margin': repr(m), 'scale': repr(s), 'subCenters': str(k)})


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else 'tests/fixtures/metric-learning'
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    case('arcface', 'arcface', 0.5, 64.0, 1, 1, out)
    case('arcface-s8', 'arcface', 0.5, 8.0, 1, 2, out)   # small scale: gradients not saturated
    case('cosface', 'cosface', 0.35, 64.0, 1, 3, out)
    case('cosface-s8', 'cosface', 0.35, 8.0, 1, 4, out)
    case('subcenter-arcface', 'arcface', 0.5, 8.0, 3, 5, out)
    print(f'wrote metric-head fixtures to {out}')


if __name__ == '__main__':
    main()
