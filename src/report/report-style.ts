// The report's inline stylesheet: system fonts only, print-friendly, tables with tabular figures.
export const REPORT_CSS = `
:root{color-scheme:light}
body{margin:0;background:#fafafa;color:#1a1a1a;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
main{max-width:1100px;margin:0 auto;padding:24px 32px 64px;background:#fff;min-height:100vh;box-sizing:border-box}
h1{font-size:26px;margin:0 0 8px}h2{font-size:20px;margin:36px 0 12px;padding-bottom:4px;border-bottom:1px solid #ddd}
h3{font-size:16px;margin:24px 0 8px}h4,h5,h6{font-size:14px;margin:18px 0 6px;color:#333}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0;color:#444}dl.meta dt{font-weight:600}dl.meta dd{margin:0}
nav{margin:12px 0;font-size:14px}nav a{color:#0a58ca;text-decoration:none}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
pre{background:#f4f4f4;padding:10px;overflow:auto;max-height:480px;white-space:pre-wrap;word-break:break-all}
table{border-collapse:collapse;margin:6px 0 12px;font-size:14px}
th,td{padding:3px 10px;border-bottom:1px solid #e4e4e4;text-align:left;vertical-align:top}
thead th{border-bottom:2px solid #bbb;font-weight:600}tbody th{font-weight:500;color:#333}
td{word-break:break-word;max-width:640px}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.grid tbody tr:nth-child(even){background:#f7f7f7}table.matrix td{min-width:3em}
figure{margin:18px 0;padding:12px;border:1px solid #e4e4e4;border-radius:4px;display:inline-block;max-width:100%;box-sizing:border-box;vertical-align:top}
figure img{display:block;max-width:100%;height:auto}figcaption{margin-top:8px;font-size:14px;color:#333;max-width:640px}
.note{color:#666;font-style:italic}.warn{background:#fff4e5;border-left:4px solid #e69f00;padding:6px 12px;margin:12px 0}
@media print{body{background:#fff}main{padding:0}figure{break-inside:avoid}details{display:block}}
`;
