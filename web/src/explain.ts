// An explanation run (kensa explain): pick an image and flip between the image, its CycleGAN
// translation, the signed difference map, |difference| and each CAM — buttons, or the arrow keys
// (space flips back to the image).
import { api, el, page, showError } from './dom.js';
import type { ExplainFlips } from './types.js';

export async function explainView(run: string): Promise<void> {
  const main = page(`Explanation flipper: ${run}`, el('p', { id: 'flip-status', textContent: 'Explaining sample images in a worker…' }));
  let fx: ExplainFlips;
  try {
    fx = await api<ExplainFlips>(`/api/views/explain?run=${encodeURIComponent(run)}`);
  } catch (e) {
    main.querySelector('#flip-status')!.remove();
    showError(main, e);
    return;
  }
  main.querySelector('#flip-status')!.textContent = `${fx.samples.length} images (${fx.classes.join(' ↔ ')}), CAM ${fx.methods.join(', ')}. Arrow keys flip; space returns to the image.`;
  if (fx.samples.length === 0) return;
  let s = 0;
  let layer = 0;
  const list = el('div', { className: 'thumbs', id: 'flip-samples' });
  const buttons = el('div', { className: 'flip-buttons', id: 'flip-layers' });
  const img = el('img', { id: 'flip-image', className: 'flip px', alt: '' });
  const title = el('p', { id: 'flip-title' });
  const facts = el('p', { id: 'flip-facts' });
  const side = Math.max(256, Math.min(512, fx.size * 4));
  img.width = side;
  img.height = side;
  const show = (): void => {
    const smp = fx.samples[s];
    const l = smp.layers[layer];
    img.src = l.png;
    img.alt = l.title;
    img.dataset.layer = l.key;
    img.dataset.sample = String(s);
    title.textContent = l.title;
    facts.textContent = `${smp.group}: ${smp.from} → ${smp.to}; classified ${smp.predictedBefore} before and ${smp.predictedAfter} after translation${smp.predictedAfter === smp.to ? ' (crossed the boundary)' : ''}`;
    buttons.replaceChildren(...smp.layers.map((x, i) => el('button', { type: 'button', textContent: x.key, className: i === layer ? 'on' : '', dataset: { layer: x.key }, onclick: () => { layer = i; show(); } })));
    for (const b of list.querySelectorAll('button')) b.classList.toggle('on', b.dataset.sample === String(s));
  };
  fx.samples.forEach((smp, i) => list.append(el('button', { type: 'button', dataset: { sample: String(i) }, onclick: () => { s = i; show(); } }, Object.assign(new Image(), { src: smp.layers[0].png, alt: smp.group }), el('span', { textContent: `${smp.group} (${smp.from})` }))));
  const onKey = (e: KeyboardEvent): void => {
    if (!document.body.contains(img)) return void window.removeEventListener('keydown', onKey);
    const n = fx.samples[s].layers.length;
    if (e.key === 'ArrowRight') layer = (layer + 1) % n;
    else if (e.key === 'ArrowLeft') layer = (layer + n - 1) % n;
    else if (e.key === ' ') layer = 0;
    else return;
    e.preventDefault();
    show();
  };
  window.addEventListener('keydown', onKey);
  main.append(list, buttons, title, img, facts);
  show();
}
