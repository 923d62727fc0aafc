// The report's inline stylesheet: system fonts only, print-friendly, tables with tabular figures.
export const REPORT_CSS = `
:root{color-scheme:light}
body{margin:0;background:#fafafa;color:#1a1a1a;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
main{max-width:1100px;margin:0 auto;padding:24px 32px 64px;background:#fff;min-height:100vh;box-sizing:border-box}
h1{font-size:26px;margin:0 0 8px}h2{font-size:20px;margin:36px 0 12px;padding-bottom:4px;border-bottom:1px solid #ddd}
h3{font-size:16px;margin:24px 0 8px}h4,h5,h6{font-size:14px;margin:18px 0 6px;color:#333}
dl.meta{margin:0;color:#444}dl.meta>div{display:flex;gap:12px;align-items:baseline}dl.meta dt{font-weight:600;flex:0 0 6.5em}dl.meta dd{margin:0;min-width:0;overflow-wrap:anywhere}
dl.meta code{white-space:pre-wrap;word-break:break-all}
.verdict{font-size:17px;margin:8px 0 12px}
dl.facts{display:flex;flex-wrap:wrap;gap:8px 28px;margin:8px 0 16px}dl.facts dt{font-size:13px;color:#555}dl.facts dd{margin:0;font-size:20px;font-variant-numeric:tabular-nums}dl.facts small{font-size:13px;color:#666}
.scroll{max-width:100%;overflow-x:auto}caption{text-align:left;font-weight:600;padding:4px 0}
figure.gallery{display:block}.thumbs{display:grid;gap:8px}.thumb{display:block;text-decoration:none;color:#333;font-size:12px;min-width:0}.thumb img{width:100%;height:auto;image-rendering:pixelated;border:1px solid #ddd}.thumb span{display:block;overflow-wrap:anywhere}
details>summary{cursor:pointer;color:#0a58ca}
nav{margin:12px 0;font-size:14px}nav a{color:#0a58ca;text-decoration:none}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
pre{background:#f4f4f4;padding:10px;overflow:auto;max-height:480px;white-space:pre-wrap;word-break:break-all}
table{border-collapse:collapse;margin:6px 0 12px;font-size:14px;display:block;max-width:100%;overflow-x:auto}
th,td{padding:3px 10px;border-bottom:1px solid #e4e4e4;text-align:left;vertical-align:top}
thead th{border-bottom:2px solid #bbb;font-weight:600}tbody th{font-weight:500;color:#333}
td{word-break:break-word;max-width:640px}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.grid tbody tr:nth-child(even){background:#f7f7f7}table.matrix td{min-width:3em}
figure{margin:18px 0;padding:12px;border:1px solid #e4e4e4;border-radius:4px;display:inline-block;max-width:100%;box-sizing:border-box;vertical-align:top}
figure img{display:block;max-width:100%;height:auto}figcaption{margin-top:8px;font-size:14px;color:#333;max-width:640px}
.note{color:#666;font-style:italic}.warn{background:#fff4e5;border-left:4px solid #e69f00;padding:6px 12px;margin:12px 0}
@media print{body{background:#fff}main{padding:0}figure{break-inside:avoid}details{display:block}details::details-content{content-visibility:visible;display:block}details>summary{color:#1a1a1a}.thumbs{break-inside:auto}nav{display:none}}
`;
