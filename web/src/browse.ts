// The runs list (command, date, report and the interactive views each run offers) and the
// run-folder browser (files open from /files/, confined to the runs folder by the server).
import { api, el, page, showError } from './dom.js';
import type { RunEntry } from './types.js';

const VIEW_LABELS: Record<string, string> = { tiles: 'tiles & embedding', flipper: 'explanation flipper' };

export async function runsList(): Promise<void> {
  const main = page('Runs');
  try {
    const runs = await api<RunEntry[]>('/api/runs-list');
    if (runs.length === 0) main.append(el('p', { textContent: 'No run folders yet: start one from a command on the left.' }));
    const rows = runs.map((r) => el('tr', { dataset: { run: r.name } },
      el('td', {}, el('a', { href: `#/browse/${encodeURIComponent(r.name)}`, textContent: r.name })),
      el('td', { textContent: r.command ?? r.problem ?? '' }),
      el('td', { textContent: r.date ? r.date.replace('T', ' ').slice(0, 19) : '' }),
      el('td', {}, r.report ? el('a', { href: `/files/${encodeURIComponent(r.name)}/report.html`, target: '_blank', textContent: 'report' }) : ''),
      el('td', {}, ...r.views.map((v) => el('a', { className: 'view-link', href: `#/${v === 'tiles' ? 'metric' : 'explain'}/${encodeURIComponent(r.name)}`, textContent: VIEW_LABELS[v] ?? v })))));
    main.append(el('table', { id: 'runs-table', className: 'runs' }, el('thead', {}, el('tr', {}, ...['run folder', 'command', 'started', 'report', 'views'].map((h) => el('th', { textContent: h })))), el('tbody', {}, ...rows)));
  } catch (e) {
    showError(main, e);
  }
}

export async function browse(path = ''): Promise<void> {
  const main = page(`runs/${path}`);
  try {
    const j = await api<{ path: string; entries: { name: string; dir: boolean }[] }>(`/api/browse?path=${encodeURIComponent(path)}`);
    main.querySelector('h2')!.textContent = `runs/${j.path}`;
    const ul = el('ul', { id: 'entries' });
    const link = (p: string): string => `#/browse/${encodeURIComponent(p)}`;
    if (j.path) ul.append(el('li', {}, el('a', { href: link(j.path.split('/').slice(0, -1).join('/')), textContent: '..' })));
    for (const e of j.entries) {
      const rel = (j.path ? `${j.path}/` : '') + e.name;
      ul.append(el('li', {}, e.dir ? el('a', { href: link(rel), textContent: `${e.name}/` }) : el('a', { href: `/files/${rel.split('/').map(encodeURIComponent).join('/')}`, textContent: e.name, target: '_blank' })));
    }
    main.append(ul);
  } catch (e) {
    showError(main, e);
  }
}
