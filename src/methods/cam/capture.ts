// Captures the output of named layers during one forward pass, for CAM: layers are addressed by
// their module path as in state-dict names ('features.4', 'layer4.1.conv2').
import { Tensor } from '../../engine/tensor.js';
import { keep } from '../../engine/scope.js';
import type { Module } from '../../nn/module.js';
import { OptionError } from '../../util/errors.js';

/** The module at a dotted path below net ('' is net itself). */
export function findLayer(net: Module, name: string): Module {
  const found = net.namedModules().find(([n]) => n === name);
  if (found) return found[1];
  const names = net.namedModules().map(([n]) => n).filter((n) => n !== '');
  const shown = names.length > 12 ? [...names.slice(0, 6), '…', ...names.slice(-6)] : names;
  throw new OptionError('layer', `${net.constructor.name} has no layer '${name}' (layers: ${shown.join(', ')})`);
}

/** Outputs of the hooked layers during the forward passes made while it is active. */
export class LayerCapture {
  /** Per layer name, its output [N,K,h,w]: a view this capture owns (dispose() releases it). */
  readonly outputs = new Map<string, Tensor>();
  private readonly removers: (() => void)[] = [];

  constructor(net: Module, readonly names: readonly string[]) {
    if (names.length === 0) throw new OptionError('layer', 'give at least one layer');
    if (new Set(names).size !== names.length) throw new OptionError('layer', `a layer is named twice: ${names.join(', ')}`);
    for (const name of names) {
      const layer = findLayer(net, name);
      this.removers.push(
        layer.registerForwardHook((_m, args, out) => {
          if (!(out instanceof Tensor) || out.ndim !== 4) {
            const what = out instanceof Tensor ? `a [${out.shape.join(',')}] tensor` : 'no tensor';
            throw new OptionError('layer', `'${name}' gives ${what}, not a [N,C,H,W] feature map`);
          }
          if (this.outputs.has(name)) throw new OptionError('layer', `'${name}' runs more than once in one forward pass; pick a layer that runs once`);
          // The capture owns `own`; the network continues on a view of it, so gradients reach
          // `own`, and the module's own output handle can be released here.
          const own = keep(out.view(out.shape));
          this.outputs.set(name, own);
          const next = own.view(own.shape);
          if (!args.includes(out)) out.dispose();
          return next;
        }),
      );
    }
  }

  /** The captured output of one layer (after the forward pass). */
  get(name: string): Tensor {
    const t = this.outputs.get(name);
    if (t === undefined) throw new OptionError('layer', `'${name}' did not run in the forward pass (is it part of forward()?)`);
    return t;
  }

  /** Unhooks the layers (captured outputs stay until dispose). */
  detach(): void {
    for (const r of this.removers.splice(0)) r();
  }

  /** Unhooks and releases the captured outputs. */
  dispose(): void {
    this.detach();
    for (const t of this.outputs.values()) t.dispose();
    this.outputs.clear();
  }
}
