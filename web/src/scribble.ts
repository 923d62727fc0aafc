// Scribble segmentation: upload an image (checked by the server's readers), draw strokes of
// classes 0-3 on a canvas, and run `kensa segment IMAGE --scribble MASK` (255 = unlabelled); the
// label overlay is laid over the image when the run ends.
import { api, classColour, el, page, showError } from './dom.js';
import { startRun } from './runs.js';

export function scribblePage(): void {
  const main = page('Scribble segmentation', el('p', { textContent: 'Pick an image, draw scribbles (one colour per class), run segment.' }));
  const file = el('input', { type: 'file', id: 'image-file', accept: 'image/*,.tif,.tiff' });
  let cls = 0;
  const classes = el('span', { className: 'classes' }, ...[0, 1, 2, 3].map((i) => el('button', { type: 'button', textContent: `class ${i}`, id: `class-${i}`, style: `color:${classColour(i)}`, onclick: () => { cls = i; } })));
  const iters = el('input', { id: 'iterations', type: 'number', value: '50', min: '1' });
  const stage = el('div', { id: 'stage', className: 'stage' });
  const go = el('button', { id: 'segment', textContent: 'Segment', disabled: true, type: 'button' });
  main.append(file, classes, el('label', { textContent: 'iterations ' }, iters), go, el('br'), stage);
  let imagePath = '';
  let mask: HTMLCanvasElement | undefined;
  let draw: HTMLCanvasElement | undefined;
  file.onchange = async () => {
    const f = file.files?.[0];
    if (!f) return;
    main.querySelector('#error')?.remove();
    try {
      imagePath = (await api<{ path: string }>(`/api/uploads?name=${encodeURIComponent(f.name)}`, { method: 'POST', body: f })).path;
    } catch (e) {
      showError(main, e);
      return;
    }
    const bmp = await createImageBitmap(f);
    const w = bmp.width;
    const h = bmp.height;
    const base = el('canvas', { width: w, height: h });
    base.getContext('2d')!.drawImage(bmp, 0, 0);
    const d = el('canvas', { width: w, height: h, id: 'draw' });
    const m = el('canvas', { width: w, height: h });
    const mc = m.getContext('2d')!;
    mc.fillStyle = 'rgb(255,255,255)';
    mc.fillRect(0, 0, w, h);
    const k = Math.max(1, Math.floor(512 / Math.max(w, h)));
    stage.style.width = `${w * k}px`;
    stage.style.height = `${h * k}px`;
    for (const c of [base, d]) {
      c.style.width = `${w * k}px`;
      c.style.height = `${h * k}px`;
    }
    stage.replaceChildren(base, d);
    let down = false;
    const dc = d.getContext('2d')!;
    const paint = (ev: PointerEvent): void => {
      const r = d.getBoundingClientRect();
      const x = Math.floor(((ev.clientX - r.left) * w) / r.width);
      const y = Math.floor(((ev.clientY - r.top) * h) / r.height);
      dc.fillStyle = classColour(cls);
      dc.fillRect(x - 1, y - 1, 3, 3);
      mc.fillStyle = `rgb(${cls},${cls},${cls})`;
      mc.fillRect(x - 1, y - 1, 3, 3);
      go.disabled = false;
    };
    d.onpointerdown = (e) => { down = true; paint(e); };
    d.onpointermove = (e) => { if (down) paint(e); };
    window.onpointerup = () => { down = false; };
    mask = m;
    draw = d;
  };
  go.onclick = async () => {
    if (!mask || !draw) return;
    const blob = await new Promise<Blob | null>((ok) => mask!.toBlob(ok, 'image/png'));
    if (!blob) return;
    const up = await api<{ path: string }>('/api/uploads?name=scribble.png', { method: 'POST', body: blob });
    startRun(main, { command: 'segment', positionals: [imagePath], options: { scribble: up.path, maxIterations: Number(iters.value), threads: 1 } }, async (id, s) => {
      if (s !== 'done') return;
      const j = await api<{ entries: { name: string }[] }>(`/api/browse?path=${encodeURIComponent(`${id}/overlays`)}`);
      const png = j.entries.find((e) => e.name.endsWith('.png'));
      if (!png) return;
      const ov = el('img', { id: 'overlay', src: `/files/${id}/overlays/${png.name}`, alt: 'label overlay' });
      ov.style.width = draw!.style.width;
      ov.style.height = draw!.style.height;
      ov.style.opacity = '0.6';
      stage.append(ov);
    });
  };
}
