/** The console's stylesheet, served from the package (no CDN, no build step). */
export const CONSOLE_CSS = `
:root { --fg: #1d2430; --muted: #6b7685; --line: #dde2e8; --bg: #f6f8fa; --accent: #00a37a; --warn: #c7621c; --bad: #c22d3a; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: #fff; }
header { display: flex; align-items: center; gap: 16px; padding: 8px 16px; background: #10212f; color: #fff; }
header h1 { font-size: 18px; margin: 0; }
header h1 span { font-weight: 400; color: #9fe6cf; }
header .account { display: flex; gap: 6px; align-items: center; margin-left: auto; }
header .account label { display: flex; gap: 6px; align-items: center; }
.live { padding: 2px 8px; border-radius: 10px; background: #555; font-size: 12px; }
.live[data-state="on"] { background: var(--accent); }
.layout { display: flex; min-height: calc(100vh - 48px); }
nav { width: 220px; padding: 12px; border-right: 1px solid var(--line); background: var(--bg); overflow-wrap: anywhere; }
nav h2 { font-size: 14px; margin: 0 0 4px; }
main { flex: 1; padding: 12px 16px; min-width: 0; }
.accounts { list-style: none; padding: 0; margin: 0; }
.accounts button { width: 100%; text-align: left; background: none; border: 1px solid transparent; padding: 4px 6px; cursor: pointer; border-radius: 4px; }
.accounts button[aria-current="true"] { border-color: var(--accent); background: #e6f6f1; }
.accounts small { display: block; color: var(--muted); }
.muted { color: var(--muted); }
.clock { display: flex; gap: 8px; align-items: center; padding: 8px; border: 1px solid var(--line); border-radius: 6px; margin-bottom: 8px; flex-wrap: wrap; }
#clock-state { font-variant-numeric: tabular-nums; margin-right: auto; }
.tabs { display: flex; gap: 4px; border-bottom: 1px solid var(--line); margin-bottom: 10px; }
.tab { border: 1px solid var(--line); border-bottom: none; background: var(--bg); padding: 6px 12px; cursor: pointer; border-radius: 6px 6px 0 0; }
.tab[aria-selected="true"] { background: #fff; font-weight: 600; position: relative; top: 1px; }
form.drive { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; padding: 8px; background: var(--bg); border-radius: 6px; margin: 0 0 8px; }
form.drive label { display: flex; gap: 4px; align-items: center; }
form.inline { display: inline-flex; gap: 4px; }
form.danger { background: #fbeeee; }
button { cursor: pointer; }
table.grid { border-collapse: collapse; width: 100%; font-size: 13px; }
table.grid th, table.grid td { border-bottom: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
table.grid th { background: var(--bg); position: sticky; top: 0; }
td.id, .id { font-family: ui-monospace, monospace; font-size: 12px; }
.state-ringing { color: var(--warn); font-weight: 600; }
.state-answered { color: var(--accent); font-weight: 600; }
.state-hangup, .status-left { color: var(--muted); }
.row-actions { display: flex; gap: 4px; flex-wrap: wrap; }
.row-actions input { width: 60px; }
.cards { display: flex; flex-wrap: wrap; gap: 8px; margin-bottom: 10px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; min-width: 200px; cursor: pointer; background: #fff; text-align: left; }
.card[aria-current="true"] { border-color: var(--accent); box-shadow: 0 0 0 1px var(--accent); }
.card h3 { margin: 0 0 4px; font-size: 14px; }
.badge { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 11px; background: var(--line); margin-right: 2px; }
.badge.on { background: #ffe3c2; }
.badge.floor { background: #c9f2e3; }
.badge.bad { background: #f7cdd1; }
.pager { display: flex; gap: 6px; align-items: center; margin: 6px 0; }
.split { display: flex; gap: 12px; align-items: flex-start; }
.timeline { list-style: none; margin: 0; padding: 0; flex: 3; min-width: 0; max-height: 70vh; overflow-y: auto; border: 1px solid var(--line); border-radius: 6px; }
.timeline li { display: grid; grid-template-columns: 96px 64px 1fr 130px; gap: 8px; padding: 3px 8px; border-bottom: 1px solid var(--line); cursor: pointer; font-size: 13px; }
.timeline li:hover, .timeline li[aria-current="true"] { background: #eef6ff; }
.timeline .badge { align-self: start; text-align: center; }
.timeline .kind-request .what { color: #1f5fbf; }
.timeline .kind-webhook .what { color: #7a3fb8; }
.timeline.sequence li { grid-template-columns: 96px 1fr 1fr; }
.timeline.sequence .seq-emu { text-align: right; }
.seq-app, .seq-emu { font-family: ui-monospace, monospace; font-size: 12px; }
.seq-arrow { text-align: center; color: var(--muted); }
.detail { flex: 2; min-width: 0; max-height: 70vh; overflow: auto; border: 1px solid var(--line); border-radius: 6px; padding: 8px; background: var(--bg); }
.detail pre, pre.detail { white-space: pre-wrap; word-break: break-all; font-size: 12px; margin: 4px 0; }
.timeline li.failed { background: #fdf1f2; }
.timeline li.failed .what, h3.failed, p.failed { color: var(--bad); }
.error-line { display: block; color: var(--bad); font-size: 12px; }
.answer-error { border-left: 3px solid var(--bad); background: #fbeeee; padding: 4px 8px; margin: 4px 0; color: var(--bad); }
.answer-error div { color: var(--fg); }
p.ok { color: var(--accent); }
p.warn, .warn { color: var(--warn); }
.timeline .what { overflow-wrap: anywhere; }
td.now div { margin: 1px 0; }
.error { background: #fbeeee; color: var(--bad); padding: 6px 10px; border-radius: 6px; }
ul.plain { list-style: none; padding: 0; margin: 0 0 10px; }
ul.plain li { padding: 2px 0; }
.queue { margin-bottom: 14px; }
.queue h3 { margin: 4px 0; font-size: 14px; }
`;
