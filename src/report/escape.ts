// Escaping for text placed in HTML/SVG element content and attribute values.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape a string for HTML/XML text or a quoted attribute value (both quote kinds are escaped). */
export function escapeHtml(text: string): string {
  // Lone surrogates and C0 controls (except tab/newline/CR) are invalid in XML: replace them.
  return text
    .replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c)
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
