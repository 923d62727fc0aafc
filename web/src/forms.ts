// A form for any registry command, generated from its option specs (kind, default, bounds,
// choices, description), that starts the run with live progress and cancel.
import { el, page } from './dom.js';
import { startRun } from './runs.js';
import type { CommandForm } from './types.js';

export function showForm(c: CommandForm): void {
  const main = page(`kensa ${c.name}`, el('p', { textContent: c.summary }));
  const form = el('form', { id: 'cmd-form', className: 'cmd-form' });
  for (const p of c.positionals) form.append(el('label', { textContent: `${p.name} ` }, el('input', { name: `pos:${p.name}`, title: p.description, required: p.required !== false })));
  for (const o of c.options) {
    let input: HTMLInputElement | HTMLSelectElement;
    if (o.choices) input = el('select', { name: o.key }, ...o.choices.map((v) => el('option', { value: v, textContent: v === '' ? '(default)' : v })));
    else {
      const i = el('input', { name: o.key, type: o.kind === 'boolean' ? 'checkbox' : o.kind === 'string' ? 'text' : 'number' });
      if (o.kind === 'integer') i.step = '1';
      else if (o.kind === 'number') i.step = 'any';
      if (o.min !== undefined) i.min = String(o.min);
      if (o.max !== undefined) i.max = String(o.max);
      if (o.required) i.required = true;
      input = i;
    }
    if (o.default !== undefined) {
      if (input instanceof HTMLInputElement && o.kind === 'boolean') input.checked = o.default === true;
      else input.value = String(o.default);
    }
    const bounds = o.min !== undefined || o.max !== undefined ? ` [${o.min ?? ''}…${o.max ?? ''}]` : '';
    form.append(el('label', { title: o.description }, `${o.flag} `, input, el('small', { textContent: ` ${o.kind}${bounds} — ${o.description}` })));
  }
  form.append(el('button', { textContent: 'Run', type: 'submit' }));
  form.onsubmit = (ev) => {
    ev.preventDefault();
    const positionals: string[] = [];
    const options: Record<string, string | number | boolean> = {};
    for (const p of c.positionals) {
      const v = (form.elements.namedItem(`pos:${p.name}`) as HTMLInputElement).value;
      if (v) positionals.push(v);
    }
    for (const o of c.options) {
      const i = form.elements.namedItem(o.key) as HTMLInputElement;
      const v = o.kind === 'boolean' ? i.checked : i.value;
      if (v !== '' && String(v) !== String(o.default)) options[o.key] = o.kind === 'boolean' || o.kind === 'string' ? v : Number(v);
    }
    startRun(main, { command: c.name, positionals, options });
  };
  main.append(form);
}
