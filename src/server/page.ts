// The page shell of kensa serve: everything it shows is drawn by the bundled client
// (web/src/main.ts → <build>/web/app.js and app.css), so the policy allows no inline script.
export const CSP = "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export const APP_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>kensa serve</title><link rel="stylesheet" href="/assets/app.css"></head>
<body><nav id="nav"></nav><main id="main"><h1>kensa</h1><p>Loading…</p></main>
<script type="module" src="/assets/app.js"></script></body></html>
`;
