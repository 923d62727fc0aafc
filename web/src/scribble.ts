// Scribble segmentation: upload an image (checked by the server's readers), draw strokes of
// classes 0-3 on a canvas, and run `kensa segment IMAGE --scribble MASK --live-every 2` (255 =
// unlabelled). While it runs, its live frames (live/<image>.rgba: the labels of the latest
// iteration over the image) are drawn over the image as they change; the final label overlay
// replaces them when the run ends.
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
    stage.querySelector('#overlay')?.remove();
    stage.querySelector('#live')?.remove();
    let polling: ReturnType<typeof setInterval> | undefined;
    startRun(main, { command: 'segment', positionals: [imagePath], options: { scribble: up.path, maxIterations: Number(iters.value), threads: 1, liveEvery: 2 } }, async (id, s) => {
      if (polling !== undefined) clearInterval(polling);
      if (s !== 'done') return;
      const j = await api<{ entries: { name: string }[] }>(`/api/browse?path=${encodeURIComponent(`${id}/overlays`)}`);
      const png = j.entries.find((e) => e.name.endsWith('.png'));
      if (!png) return;
      const ov = el('img', { id: 'overlay', src: `/files/${id}/overlays/${png.name}`, alt: 'label overlay' });
      ov.style.width = draw!.style.width;
      ov.style.height = draw!.style.height;
      ov.style.opacity = '0.6';
      stage.append(ov);
    }, (id) => {
      const live = el('canvas', { id: 'live' });
      live.style.width = draw!.style.width;
      live.style.height = draw!.style.height;
      live.style.opacity = '0.6';
      live.dataset.frames = '0';
      let busy = false;
      let frameFile = '';
      polling = setInterval(() => {
        if (busy) return;
        busy = true;
        void showLiveFrame(id, live, frameFile).then((f) => { frameFile = f; }).finally(() => { busy = false; });
      }, 300);
      stage.append(live);
    });
  };
}

/** Draws the run's newest live frame on `canvas` when its iteration changed; returns the frame's file name ('' while there is none). */
async function showLiveFrame(id: string, canvas: HTMLCanvasElement, known: string): Promise<string> {
  let file = known;
  if (!file) {
    const j = await api<{ entries: { name: string }[] }>(`/api/browse?path=${encodeURIComponent(`${id}/live`)}`).catch(() => undefined);
    file = j?.entries.find((e) => e.name.endsWith('.rgba'))?.name ?? '';
    if (!file) return '';
  }
  const r = await fetch(`/files/${id}/live/${encodeURIComponent(file)}`, { cache: 'no-store' });
  if (!r.ok) return file;
  const b = new DataView(await r.arrayBuffer());
  if (b.byteLength < 16 || String.fromCharCode(b.getUint8(0), b.getUint8(1), b.getUint8(2), b.getUint8(3)) !== 'KLV1') return file;
  const w = b.getUint32(4, true), h = b.getUint32(8, true), iteration = b.getUint32(12, true);
  if (b.byteLength !== 16 + w * h * 4 || String(iteration) === canvas.dataset.iteration) return file;
  canvas.width = w;
  canvas.height = h;
  canvas.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(b.buffer, 16, w * h * 4), w, h), 0, 0);
  canvas.dataset.iteration = String(iteration);
  canvas.dataset.frames = String(Number(canvas.dataset.frames ?? '0') + 1);
  return file;
}
