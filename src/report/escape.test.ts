import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml } from './escape.js';

test('escapeHtml escapes markup and both quote kinds', () => {
  assert.equal(escapeHtml(`<script>alert("x")</script> & 'y'`), '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;');
});

test('escapeHtml does not double-decode existing entities', () => {
  assert.equal(escapeHtml('&lt;'), '&amp;lt;');
});

test('escapeHtml replaces control characters and lone surrogates invalid in XML', () => {
  assert.equal(escapeHtml('a\u0000b\uD800c'), 'a\uFFFDb\uFFFDc');
  assert.equal(escapeHtml('tab\tnl\n😀'), 'tab\tnl\n😀');
});
