// Contract tests generated from the registry: every figure kind renders its example to valid,
// deterministic SVG that shows the expected text and survives hostile strings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIGURE_KINDS, figureKind } from './registry.js';

/** Minimal well-formedness: one <svg> root, balanced tags, no raw '<' or '&' in text. */
export function assertValidSvg(svg: string): void {
  assert.ok(svg.startsWith('<svg'), 'starts with <svg');
  assert.ok(svg.trimEnd().endsWith('</svg>'), 'ends with </svg>');
  assert.match(svg, /xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  const stack: string[] = [];
  const re = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|#39|#x[0-9a-fA-F]+|#\d+);)/g;
  for (let m; (m = re.exec(svg)); ) {
    assert.ok(m[2], `stray markup character at ${m.index}: ${svg.slice(m.index, m.index + 40)}`);
    if (m[4]) continue;
    if (m[1]) assert.equal(stack.pop(), m[2], `mismatched </${m[2]}> at ${m.index}`);
    else stack.push(m[2]);
  }
  assert.deepEqual(stack, [], 'all tags closed');
}

/** Text content of an SVG with entities decoded, for searching labels. */
export function svgText(svg: string): string {
  return svg
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

test('registry names are unique kebab-case and lookups find them', () => {
  const names = FIGURE_KINDS.map((k) => k.name);
  assert.equal(new Set(names).size, names.length);
  for (const n of names) {
    assert.match(n, /^[a-z]+(-[a-z]+)*$/);
    assert.equal(figureKind(n)?.name, n);
  }
  assert.equal(figureKind('nope'), undefined);
});

for (const kind of FIGURE_KINDS) {
  test(`${kind.name}: example renders valid SVG showing ${kind.exampleText.join(', ')}`, async () => {
    const { data, options } = kind.example();
    const svg = await kind.render(data, options);
    assertValidSvg(svg);
    const text = svgText(svg);
    for (const t of kind.exampleText) assert.ok(text.includes(t), `"${t}" shown`);
  });

  test(`${kind.name}: same input gives byte-identical output`, async () => {
    const a = kind.example();
    const b = kind.example();
    assert.equal(await kind.render(a.data, a.options), await kind.render(b.data, b.options));
  });

  test(`${kind.name}: a hostile title is escaped`, async () => {
    const { data, options } = kind.example();
    const svg = await kind.render(data, { ...options, title: '<script>alert("x")</script> & Ω' });
    assertValidSvg(svg);
    assert.ok(!svg.includes('<script'), 'no raw script tag');
    assert.ok(svgText(svg).includes('<script>alert("x")</script> & Ω'), 'title shown verbatim');
  });
}
