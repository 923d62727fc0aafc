// kensa serve's client: navigation (runs, run folders, scribble segmentation, one button per
// registry command) and a hash router over the views.
import './style.css';
import { $, api, el } from './dom.js';
import { browse, runsList } from './browse.js';
import { explainView } from './explain.js';
import { showForm } from './forms.js';
import { metricView } from './metric.js';
import { scribblePage } from './scribble.js';
import type { CommandForm } from './types.js';

let forms: CommandForm[] = [];

function route(): void {
  const [, view = '', ...rest] = location.hash.split('/');
  const arg = decodeURIComponent(rest.join('/'));
  if (view === 'browse') void browse(arg);
  else if (view === 'scribble') scribblePage();
  else if (view === 'metric') void metricView(arg);
  else if (view === 'explain') void explainView(arg);
  else if (view === 'cmd') {
    const c = forms.find((f) => f.name === arg);
    if (c) showForm(c);
  } else void runsList();
}

const nav = $('#nav');
const go = (hash: string): void => {
  if (location.hash === hash) route();
  else location.hash = hash;
};
nav.append(
  el('h1', { textContent: 'kensa' }),
  el('button', { id: 'nav-runs', textContent: 'Runs', onclick: () => go('#/runs') }),
  el('button', { id: 'nav-browse', textContent: 'Run folders', onclick: () => go('#/browse/') }),
  el('button', { id: 'nav-scribble', textContent: 'Scribble segmentation', onclick: () => go('#/scribble') }),
  el('hr'),
  el('div', { id: 'cmds' }),
);
window.addEventListener('hashchange', route);
api<CommandForm[]>('/api/commands').then((cs) => {
  forms = cs;
  for (const c of cs) $('#cmds').append(el('button', { textContent: c.name, title: c.summary, onclick: () => go(`#/cmd/${encodeURIComponent(c.name)}`) }));
  route();
}).catch((e: Error) => { $('#main').textContent = `error: ${e.message}`; });
