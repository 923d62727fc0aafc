// A metric-learning run (metric train or identify folder): its images with every tile outlined,
// an embedding scatter (PCA of tiles and class centroids), and a tile inspector: click a tile on
// the image or a point in the scatter to see its nearest class centroid (with the test tile
// closest to that centroid as an example), its distances to every centroid, its unknown score
// against the model's threshold, and its Grad-CAM (computed by a server worker on demand).
import { api, classColour, el, page, showError } from './dom.js';
import { Scatter } from './scatter.js';
import type { MetricOverview, MetricTile, TileCam } from './types.js';

export async function metricView(run: string): Promise<void> {
  const main = page(`Tiles and embedding: ${run}`, el('p', { id: 'metric-status', textContent: 'Embedding the tiles in a worker…' }));
  let ov: MetricOverview;
  try {
    ov = await api<MetricOverview>(`/api/views/metric?run=${encodeURIComponent(run)}`);
  } catch (e) {
    main.querySelector('#metric-status')!.remove();
    showError(main, e);
    return;
  }
  const status = main.querySelector<HTMLElement>('#metric-status')!;
  const unknown = ov.tiles.filter((t) => t.unknown).length;
  status.textContent = `${ov.head} head, ${ov.tiles.length} tiles of ${ov.images.length} images; unknown score ${ov.scoreName}, threshold ${ov.threshold.toPrecision(4)} (${unknown} tiles above it). Click a tile or a point.`;
  const legend = el('div', { className: 'legend' }, ...ov.classes.map((c, i) => el('span', {}, el('i', { style: `background:${classColour(i)}` }), c)), el('span', {}, el('i', { className: 'ring' }), 'above the unknown threshold'));
  const images = el('div', { className: 'thumbs', id: 'metric-images' });
  const canvasBox = el('div', { className: 'tile-image' });
  const inspector = el('aside', { id: 'inspector', className: 'inspector' }, el('p', { textContent: 'No tile selected.' }));
  const pointColour = (t: MetricTile): string => classColour(t.label >= 0 ? t.label : t.predicted);
  const scatter = new Scatter(ov.tiles.map((t) => ({
    x: t.x, y: t.y, colour: pointColour(t), ring: t.unknown ? '#000' : undefined,
    tip: `${ov.images[t.image].name} · ${t.label >= 0 ? ov.classes[t.label] : 'unlabelled'} → nearest ${ov.classes[t.nearest]} (${t.distance.toFixed(3)}), ${ov.scoreName} ${t.score.toPrecision(3)}${t.unknown ? ' UNKNOWN' : ''}`,
  })), ov.centroids.map((c, i) => ({ x: c.x, y: c.y, label: c.label, colour: classColour(i) })));
  (scatter.canvas as HTMLCanvasElement & { kensaScatter?: Scatter }).kensaScatter = scatter;
  main.append(legend, images, el('div', { className: 'metric-grid' }, canvasBox, inspector), el('h3', { textContent: 'Embedding (PCA of tiles and centroids; drag to pan, wheel to zoom, double-click to reset)' }), scatter.element);

  let current = -1;
  const imageCanvas = el('canvas', { id: 'tile-canvas' });
  canvasBox.append(imageCanvas);
  const imgs = ov.images.map((im) => Object.assign(new Image(), { src: im.png }));
  const showImage = async (i: number, selected = -1): Promise<void> => {
    current = i;
    const im = ov.images[i];
    const bmp = imgs[i];
    await bmp.decode();
    const k = Math.max(1, Math.floor(320 / Math.max(im.width, im.height)));
    imageCanvas.width = im.width * k;
    imageCanvas.height = im.height * k;
    imageCanvas.dataset.image = String(i);
    const g = imageCanvas.getContext('2d')!;
    g.imageSmoothingEnabled = false;
    g.drawImage(bmp, 0, 0, im.width * k, im.height * k);
    ov.tiles.forEach((t, n) => {
      if (t.image !== i) return;
      g.strokeStyle = n === selected ? '#000' : t.unknown ? '#ff0000' : classColour(t.predicted);
      g.lineWidth = n === selected ? 3 : 1;
      g.strokeRect(t.box.x * k + 1, t.box.y * k + 1, t.box.width * k - 2, t.box.height * k - 2);
    });
    for (const b of images.querySelectorAll('button')) b.classList.toggle('on', b.dataset.image === String(i));
  };
  imageCanvas.onclick = (e) => {
    if (current < 0) return;
    const r = imageCanvas.getBoundingClientRect();
    const im = ov.images[current];
    const x = ((e.clientX - r.left) / r.width) * im.width;
    const y = ((e.clientY - r.top) / r.height) * im.height;
    const n = ov.tiles.findIndex((t) => t.image === current && x >= t.box.x && x < t.box.x + t.box.width && y >= t.box.y && y < t.box.y + t.box.height);
    if (n >= 0) void inspect(n);
  };
  ov.images.forEach((im, i) => images.append(el('button', { type: 'button', dataset: { image: String(i) }, title: im.name, onclick: () => void showImage(i) }, Object.assign(new Image(), { src: im.png, alt: im.name }), el('span', { textContent: `${im.name}${im.label >= 0 ? ` (${ov.classes[im.label]})` : ''}` }))));

  /** The test tile of class c closest to c's centroid: an example of what the centroid stands for. */
  const exemplar = (c: number): number => {
    let best = -1;
    ov.tiles.forEach((t, n) => { if (t.label === c && (best < 0 || t.distances[c] < ov.tiles[best].distances[c])) best = n; });
    return best;
  };
  const crop = (n: number, side = 96): HTMLCanvasElement => {
    const t = ov.tiles[n];
    const c = el('canvas', { width: side, height: side, className: 'crop' });
    const g = c.getContext('2d')!;
    g.imageSmoothingEnabled = false;
    g.drawImage(imgs[t.image], t.box.x, t.box.y, t.box.width, t.box.height, 0, 0, side, side);
    return c;
  };

  // the Grad-CAM request of the tile shown; a newer pick aborts it, and the server then drops the job
  let pending: AbortController | undefined;
  const inspect = async (n: number): Promise<void> => {
    pending?.abort();
    const request = new AbortController();
    pending = request;
    const t = ov.tiles[n];
    if (t.image !== current) await showImage(t.image, n);
    else await showImage(current, n);
    scatter.select(n);
    const ex = exemplar(t.nearest);
    const maxD = Math.max(...t.distances);
    const cam = el('div', { id: 'tile-cam', className: 'cam' }, el('p', { textContent: 'Grad-CAM: computing in a worker…' }));
    inspector.replaceChildren(
      el('h3', { textContent: `Tile ${n} of ${ov.images[t.image].name}` }),
      el('div', { className: 'pair' }, el('figure', {}, crop(n), el('figcaption', { textContent: 'this tile' })), ex >= 0 ? el('figure', {}, crop(ex), el('figcaption', { textContent: `${ov.classes[t.nearest]} tile nearest its centroid` })) : ''),
      el('p', { id: 'nearest-centroid', dataset: { class: ov.classes[t.nearest], distance: String(t.distance) } }, 'Nearest class centroid: ', el('b', { textContent: ov.classes[t.nearest] }), ` at distance ${t.distance.toFixed(4)}`),
      el('p', { textContent: `Closed-set class: ${ov.classes[t.predicted]}${t.label >= 0 ? `; image class: ${ov.classes[t.label]}` : ''}` }),
      el('p', { id: 'unknown-score', dataset: { score: String(t.score), unknown: String(t.unknown) }, className: t.unknown ? 'unknown' : 'known' }, `Unknown score (${ov.scoreName}): ${t.score.toPrecision(4)} vs threshold ${ov.threshold.toPrecision(4)} → `, el('b', { textContent: t.unknown ? 'unknown' : 'known' })),
      el('div', { className: 'bars', id: 'centroid-distances' }, ...t.distances.map((d, c) => el('div', { className: 'bar' }, el('span', { textContent: ov.classes[c] }), el('i', { style: `width:${(100 * d) / (maxD || 1)}%;background:${classColour(c)}` }), el('small', { textContent: d.toFixed(3) })))),
      cam,
    );
    inspector.dataset.tile = String(n);
    try {
      const r = await api<TileCam>(`/api/views/metric-cam?run=${encodeURIComponent(run)}&tile=${n}`, { signal: request.signal });
      if (inspector.dataset.tile !== String(n)) return;
      cam.replaceChildren(
        el('figure', {}, el('img', { src: r.tile, alt: 'tile as the network sees it', width: 128, height: 128, className: 'px' }), el('figcaption', { textContent: `network input (${r.size}×${r.size})` })),
        el('figure', {}, el('img', { id: 'cam-image', src: r.cam, alt: 'Grad-CAM', width: 128, height: 128 }), el('figcaption', { textContent: `Grad-CAM for ${ov.classes[r.target]} at ${r.layer}` })),
      );
      cam.dataset.ready = 'true';
    } catch (e) {
      if (request.signal.aborted) return; // superseded by another tile
      cam.replaceChildren(el('p', { className: 'error', textContent: `Grad-CAM failed: ${(e as Error).message}` }));
    }
  };
  scatter.onPick = (n) => void inspect(n);
  await showImage(0);
}
