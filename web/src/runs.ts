// A run started from the browser: POST /api/runs, its log streamed over server-sent events, a
// Cancel button, and links to its run folder and report once it ends.
import { api, el } from './dom.js';

export interface RunRequest { command: string; positionals: string[]; options: Record<string, string | number | boolean> }

/** Starts the run, shows its box in `where`, calls `onEnd(id, state)` when it ends. */
export function startRun(where: HTMLElement, body: RunRequest, onEnd?: (id: string, state: string) => void, onStart?: (id: string) => void): void {
  document.querySelector('#run')?.remove();
  const log = el('pre', { id: 'log' });
  const state = el('p', { id: 'state', textContent: 'starting' });
  const cancel = el('button', { id: 'cancel', textContent: 'Cancel', type: 'button' });
  const box = el('div', { id: 'run', className: 'run' }, state, cancel, log);
  where.append(box);
  api<{ id: string }>('/api/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    .then(({ id }) => {
      state.textContent = `running ${id}`;
      box.dataset.id = id;
      cancel.onclick = () => void api(`/api/runs/${id}/cancel`, { method: 'POST' });
      onStart?.(id);
      const es = new EventSource(`/api/runs/${id}/events`);
      es.addEventListener('log', (e) => {
        log.textContent += `${JSON.parse((e as MessageEvent<string>).data) as string}\n`;
        log.scrollTop = log.scrollHeight;
      });
      es.addEventListener('end', (e) => {
        es.close();
        cancel.disabled = true;
        const s = JSON.parse((e as MessageEvent<string>).data) as string;
        state.textContent = s;
        state.dataset.state = s;
        box.append(el('a', { href: `/files/${id}/report.html`, textContent: 'report', id: 'report-link', target: '_blank' }), ' ', el('a', { href: `#/browse/${encodeURIComponent(id)}`, textContent: 'run folder' }));
        onEnd?.(id, s);
      });
    })
    .catch((e: Error) => {
      state.textContent = `error: ${e.message}`;
      state.dataset.state = 'error';
    });
}
