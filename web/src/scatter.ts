// An interactive 2-D scatter on a canvas: drag to pan, wheel to zoom about the cursor, hover for a
// tooltip, click to pick a point; points coloured by class, centroids drawn as labelled diamonds.
import { el } from './dom.js';

export interface ScatterPoint { x: number; y: number; colour: string; ring?: string; tip: string }
export interface ScatterCentroid { x: number; y: number; colour: string; label: string }

export class Scatter {
  readonly canvas: HTMLCanvasElement;
  readonly tooltip: HTMLDivElement;
  readonly element: HTMLDivElement;
  /** Data → screen: sx = ox + k·x, sy = oy − k·y (CSS pixels). */
  private k = 1;
  private ox = 0;
  private oy = 0;
  private selected = -1;
  private hovered = -1;
  onPick?: (i: number) => void;

  constructor(private readonly points: ScatterPoint[], private readonly centroids: ScatterCentroid[], readonly width = 560, readonly height = 420) {
    this.canvas = el('canvas', { id: 'scatter', className: 'scatter' });
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = width * dpr;
    this.canvas.height = height * dpr;
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    this.tooltip = el('div', { className: 'tooltip', id: 'scatter-tip' });
    this.tooltip.hidden = true;
    this.element = el('div', { className: 'scatter-box' }, this.canvas, this.tooltip);
    this.fit();
    this.listen();
    this.draw();
  }

  /** Zoom and offset so every point and centroid fits with a margin. */
  fit(): void {
    const xs = [...this.points.map((p) => p.x), ...this.centroids.map((c) => c.x)];
    const ys = [...this.points.map((p) => p.y), ...this.centroids.map((c) => c.y)];
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const m = 24;
    this.k = Math.min((this.width - 2 * m) / (x1 - x0 || 1), (this.height - 2 * m) / (y1 - y0 || 1));
    this.ox = this.width / 2 - (this.k * (x0 + x1)) / 2;
    this.oy = this.height / 2 + (this.k * (y0 + y1)) / 2;
    this.draw();
  }

  /** Screen position (CSS pixels, relative to the canvas) of point i. */
  toScreen(i: number): { x: number; y: number } {
    const p = this.points[i];
    return { x: this.ox + this.k * p.x, y: this.oy - this.k * p.y };
  }

  select(i: number): void {
    this.selected = i;
    this.draw();
  }

  /** The point nearest (x, y) within 6 px, or -1. */
  private pointAt(x: number, y: number): number {
    let best = -1;
    let bd = 36;
    this.points.forEach((_, i) => {
      const s = this.toScreen(i);
      const d = (s.x - x) ** 2 + (s.y - y) ** 2;
      if (d < bd) [best, bd] = [i, d];
    });
    return best;
  }

  private listen(): void {
    const c = this.canvas;
    let drag: { x: number; y: number; moved: boolean } | undefined;
    const local = (e: MouseEvent): { x: number; y: number } => {
      const r = c.getBoundingClientRect();
      return { x: e.clientX - r.left, y: e.clientY - r.top };
    };
    c.addEventListener('wheel', (e) => {
      e.preventDefault();
      const p = local(e);
      const f = Math.exp(-e.deltaY * 0.0015);
      this.ox = p.x - (p.x - this.ox) * f;
      this.oy = p.y - (p.y - this.oy) * f;
      this.k *= f;
      this.draw();
    }, { passive: false });
    c.addEventListener('pointerdown', (e) => {
      drag = { ...local(e), moved: false };
      c.setPointerCapture(e.pointerId);
    });
    c.addEventListener('pointermove', (e) => {
      const p = local(e);
      if (drag) {
        const dx = p.x - drag.x;
        const dy = p.y - drag.y;
        if (Math.abs(dx) + Math.abs(dy) > 2) drag.moved = true;
        if (drag.moved) {
          this.ox += dx;
          this.oy += dy;
          drag.x = p.x;
          drag.y = p.y;
          this.draw();
          return;
        }
      }
      const i = this.pointAt(p.x, p.y);
      if (i !== this.hovered) {
        this.hovered = i;
        this.draw();
      }
      this.tooltip.hidden = i < 0;
      if (i >= 0) {
        this.tooltip.textContent = this.points[i].tip;
        this.tooltip.style.left = `${p.x + 12}px`;
        this.tooltip.style.top = `${p.y + 12}px`;
      }
    });
    c.addEventListener('pointerup', (e) => {
      const p = local(e);
      const wasDrag = drag?.moved;
      drag = undefined;
      if (wasDrag) return;
      const i = this.pointAt(p.x, p.y);
      if (i >= 0) {
        this.select(i);
        this.onPick?.(i);
      }
    });
    c.addEventListener('dblclick', () => this.fit());
    c.addEventListener('pointerleave', () => { this.tooltip.hidden = true; });
  }

  draw(): void {
    const g = this.canvas.getContext('2d');
    if (!g) return;
    const dpr = this.canvas.width / this.width;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, this.width, this.height);
    g.fillStyle = '#fff';
    g.fillRect(0, 0, this.width, this.height);
    this.points.forEach((p, i) => {
      const s = this.toScreen(i);
      g.beginPath();
      g.arc(s.x, s.y, i === this.hovered ? 5 : 3.5, 0, 2 * Math.PI);
      g.fillStyle = p.colour;
      g.globalAlpha = 0.75;
      g.fill();
      g.globalAlpha = 1;
      if (p.ring) {
        g.strokeStyle = p.ring;
        g.lineWidth = 1.5;
        g.stroke();
      }
    });
    for (const c of this.centroids) {
      const sx = this.ox + this.k * c.x;
      const sy = this.oy - this.k * c.y;
      g.beginPath();
      g.moveTo(sx, sy - 9);
      g.lineTo(sx + 9, sy);
      g.lineTo(sx, sy + 9);
      g.lineTo(sx - 9, sy);
      g.closePath();
      g.fillStyle = c.colour;
      g.fill();
      g.strokeStyle = '#000';
      g.lineWidth = 1.5;
      g.stroke();
      g.fillStyle = '#000';
      g.font = '12px system-ui, sans-serif';
      g.fillText(c.label, sx + 11, sy - 6);
    }
    if (this.selected >= 0) {
      const s = this.toScreen(this.selected);
      g.beginPath();
      g.arc(s.x, s.y, 8, 0, 2 * Math.PI);
      g.strokeStyle = '#000';
      g.lineWidth = 2;
      g.stroke();
    }
  }
}
