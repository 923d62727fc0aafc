// Finite-difference gradient check in float64: autograd's gradient of Σ f(x)·w against central
// differences (f(x + h) − f(x − h)) / 2h, element by element.
import { Tensor, grad, noGrad, tidy, randn } from '../engine/index.js';

export interface GradcheckResult {
  /** Largest |analytic − numeric| over all inputs and elements. */
  maxAbsError: number;
  /** Where it happened: "input i, element j". */
  worst: string;
}

export function gradcheck(f: (...x: Tensor[]) => Tensor, inputs: Tensor[], h = 1e-6): GradcheckResult {
  return tidy(() => {
    const xs = inputs.map((t) => t.to('float64').detach().requiresGrad_());
    const out0 = f(...xs);
    const w = randn(out0.shape, { dtype: 'float64' });
    const scalarOf = (o: Tensor): number => o.mul(w).sum().item();
    const analytic = grad(out0.mul(w).sum(), xs, { allowUnused: true }).map((g, i) => (g ?? xs[i].mul(0)).data() as Float64Array);
    let maxAbsError = 0;
    let worst = '';
    noGrad(() => {
      xs.forEach((x, i) => {
        const flat = x.view([-1]);
        const n = flat.numel;
        for (let j = 0; j < n; j++) {
          const e = flat.select(0, j);
          const orig = e.item();
          e.fill_(orig + h);
          const plus = tidy(() => scalarOf(f(...xs)));
          e.fill_(orig - h);
          const minus = tidy(() => scalarOf(f(...xs)));
          e.fill_(orig);
          const numeric = (plus - minus) / (2 * h);
          const err = Math.abs(numeric - analytic[i][j]);
          if (err > maxAbsError) {
            maxAbsError = err;
            worst = `input ${i}, element ${j}: analytic ${analytic[i][j]}, numeric ${numeric}`;
          }
        }
      });
    });
    return { maxAbsError, worst };
  });
}
