// The single page of kensa serve: command forms from /api/commands, runs with a live log and a
// cancel button, a run-folder browser, and live scribble segmentation on a canvas.
export const APP_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kensa serve</title>
<style>
body{font:14px system-ui,sans-serif;margin:0;display:flex;min-height:100vh}
nav{width:220px;background:#f3f3f3;padding:8px;overflow:auto}nav button{display:block;width:100%;text-align:left;margin:2px 0}
main{flex:1;padding:12px;overflow:auto}label{display:block;margin:4px 0}pre{background:#111;color:#ddd;padding:8px;max-height:300px;overflow:auto}
#stage{position:relative;display:inline-block}#stage canvas,#stage img{position:absolute;left:0;top:0;image-rendering:pixelated}
</style></head><body>
<nav><button id="nav-scribble">Scribble segmentation</button><button id="nav-browse">Run folders</button><hr><div id="cmds"></div></nav>
<main id="main"><h1>kensa</h1><p>Pick a command, the scribble page or the run folders on the left.</p></main>
<script>
const $ = (s) => document.querySelector(s);
const main = $('#main');
const el = (tag, props = {}, ...kids) => { const e = Object.assign(document.createElement(tag), props); for (const k of kids) e.append(k); return e; };
async function api(path, init) { const r = await fetch(path, init); const j = await r.json(); if (!r.ok) throw new Error(j.error || r.statusText); return j; }
function startRun(body, onEnd) {
  const log = el('pre', { id: 'log' }); const state = el('p', { id: 'state', textContent: 'starting' });
  const cancel = el('button', { id: 'cancel', textContent: 'Cancel' });
  const box = el('div', { id: 'run' }, state, cancel, log); main.append(box);
  api('/api/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(({ id }) => {
    state.textContent = 'running ' + id; box.dataset.id = id;
    cancel.onclick = () => api('/api/runs/' + id + '/cancel', { method: 'POST' });
    const es = new EventSource('/api/runs/' + id + '/events');
    es.addEventListener('log', (e) => { log.textContent += JSON.parse(e.data) + '\\n'; log.scrollTop = log.scrollHeight; });
    es.addEventListener('end', (e) => { es.close(); cancel.disabled = true; const s = JSON.parse(e.data); state.textContent = s; state.dataset.state = s;
      box.append(el('a', { href: '/files/' + id + '/report.html', textContent: 'report', id: 'report-link', target: '_blank' })); if (onEnd) onEnd(id, s); });
  }).catch((e) => { state.textContent = 'error: ' + e.message; state.dataset.state = 'error'; });
}
function showForm(c) {
  main.replaceChildren(el('h2', { textContent: 'kensa ' + c.name }), el('p', { textContent: c.summary }));
  const form = el('form', { id: 'cmd-form' });
  for (const p of c.positionals) form.append(el('label', { textContent: p.name + ' ' }, el('input', { name: 'pos:' + p.name, title: p.description, required: p.required !== false })));
  for (const o of c.options) {
    const input = o.choices ? el('select', { name: o.key }, ...o.choices.map((v) => el('option', { value: v, textContent: v })))
      : el('input', { name: o.key, type: o.kind === 'boolean' ? 'checkbox' : o.kind === 'string' ? 'text' : 'number', step: o.kind === 'integer' ? '1' : 'any', min: o.min ?? '', max: o.max ?? '' });
    if (o.default !== undefined) { if (o.kind === 'boolean') input.checked = o.default; else input.value = o.default; }
    form.append(el('label', { textContent: o.flag + ' ', title: o.description }, input, el('small', { textContent: ' ' + o.description })));
  }
  form.append(el('button', { textContent: 'Run', type: 'submit' }));
  form.onsubmit = (ev) => { ev.preventDefault(); const positionals = [], options = {};
    for (const p of c.positionals) { const v = form.elements['pos:' + p.name].value; if (v) positionals.push(v); }
    for (const o of c.options) { const i = form.elements[o.key]; const v = o.kind === 'boolean' ? i.checked : i.value; if (v !== '' && String(v) !== String(o.default)) options[o.key] = o.kind === 'boolean' ? v : (o.kind === 'string' ? v : Number(v)); }
    startRun({ command: c.name, positionals, options }); };
  main.append(form);
}
async function browse(path = '') {
  const j = await api('/api/browse?path=' + encodeURIComponent(path));
  main.replaceChildren(el('h2', { textContent: 'runs/' + j.path }));
  const ul = el('ul', { id: 'entries' });
  if (j.path) ul.append(el('li', {}, el('a', { href: '#', textContent: '..', onclick: (e) => { e.preventDefault(); browse(j.path.split('/').slice(0, -1).join('/')); } })));
  for (const e of j.entries) { const rel = (j.path ? j.path + '/' : '') + e.name;
    ul.append(el('li', {}, e.dir ? el('a', { href: '#', textContent: e.name + '/', onclick: (ev) => { ev.preventDefault(); browse(rel); } }) : el('a', { href: '/files/' + rel, textContent: e.name, target: '_blank' }))); }
  main.append(ul);
}
const COLORS = ['#e6194b', '#3cb44b', '#4363d8', '#ffe119'];
function scribblePage() {
  main.replaceChildren(el('h2', { textContent: 'Scribble segmentation' }), el('p', { textContent: 'Pick an image, draw scribbles (one colour per class), run segment.' }));
  const file = el('input', { type: 'file', id: 'image-file', accept: 'image/*,.tif,.tiff' });
  let cls = 0; const classes = el('span', {}, ...COLORS.map((c, i) => el('button', { textContent: 'class ' + i, id: 'class-' + i, style: 'color:' + c, onclick: () => { cls = i; } })));
  const iters = el('input', { id: 'iterations', type: 'number', value: '50' });
  const stage = el('div', { id: 'stage' }); const go = el('button', { id: 'segment', textContent: 'Segment', disabled: true });
  main.append(file, classes, el('label', { textContent: 'iterations ' }, iters), go, el('br'), stage);
  let imagePath, mask, draw;
  file.onchange = async () => {
    const f = file.files[0]; const up = await api('/api/uploads?name=' + encodeURIComponent(f.name), { method: 'POST', body: f }); imagePath = up.path;
    const bmp = await createImageBitmap(f); const w = bmp.width, h = bmp.height;
    const base = el('canvas', { width: w, height: h }); base.getContext('2d').drawImage(bmp, 0, 0);
    draw = el('canvas', { width: w, height: h, id: 'draw' }); mask = el('canvas', { width: w, height: h });
    const mc = mask.getContext('2d'); mc.fillStyle = 'rgb(255,255,255)'; mc.fillRect(0, 0, w, h);
    stage.style.width = w * 2 + 'px'; stage.style.height = h * 2 + 'px';
    for (const c of [base, draw]) { c.style.width = w * 2 + 'px'; c.style.height = h * 2 + 'px'; }
    stage.replaceChildren(base, draw);
    let down = false; const dc = draw.getContext('2d');
    const paint = (ev) => { const r = draw.getBoundingClientRect(); const x = Math.floor((ev.clientX - r.left) * w / r.width), y = Math.floor((ev.clientY - r.top) * h / r.height);
      dc.fillStyle = COLORS[cls]; dc.fillRect(x - 1, y - 1, 3, 3); mc.fillStyle = 'rgb(' + cls + ',' + cls + ',' + cls + ')'; mc.fillRect(x - 1, y - 1, 3, 3); go.disabled = false; };
    draw.onpointerdown = (e) => { down = true; paint(e); }; draw.onpointermove = (e) => { if (down) paint(e); }; window.onpointerup = () => { down = false; };
  };
  go.onclick = async () => {
    const blob = await new Promise((ok) => mask.toBlob(ok, 'image/png'));
    const up = await api('/api/uploads?name=scribble.png', { method: 'POST', body: blob });
    startRun({ command: 'segment', positionals: [imagePath], options: { scribble: up.path, maxIterations: Number(iters.value), threads: 1 } }, async (id, s) => {
      if (s !== 'done') return; const j = await api('/api/browse?path=' + encodeURIComponent(id + '/overlays'));
      const png = j.entries.find((e) => e.name.endsWith('.png')); if (!png) return;
      const ov = el('img', { id: 'overlay', src: '/files/' + id + '/overlays/' + png.name }); ov.style.width = draw.style.width; ov.style.height = draw.style.height; ov.style.opacity = '0.6';
      stage.append(ov); });
  };
}
$('#nav-scribble').onclick = scribblePage; $('#nav-browse').onclick = () => browse('');
api('/api/commands').then((cs) => { for (const c of cs) $('#cmds').append(el('button', { textContent: c.name, onclick: () => showForm(c) })); });
</script></body></html>
`;
