/**
 * The diagrams' stylesheet. Colours come from the site's tokens (--text, --ok, --accent,
 * --focus ...) with fallbacks, so a diagram follows the page's theme, and a saved SVG still
 * works on its own (light, or dark when the system prefers it). Every meaning also has a
 * shape or a dash pattern: colour is never the only signal.
 * @module
 */
export const DIAGRAM_CSS = `
.rd{--rd-ink:var(--text,#1c2128);--rd-muted:var(--text-muted,#545d68);--rd-bg:var(--bg,#fbfaf7);--rd-grid:var(--border,#dcd8ce);
--rd-msg:#3d4752;--rd-lost:#c01f1f;--rd-dup:#7a3db8;--rd-adv:#8a5a00;--rd-ok:var(--ok,#1a7f37);--rd-info:#8a5a00;
--rd-part:var(--accent,#b3400b);--rd-hl:var(--focus,#1f6feb);--rd-past:#1f5fd6;--rd-future:#b3400b;
font-family:var(--font-sans,system-ui,sans-serif);-webkit-user-select:none;user-select:none}
html[data-theme='dark'] .rd{--rd-msg:#b9c2cc;--rd-lost:#ff8a80;--rd-dup:#d0a8ff;--rd-adv:#e3b341;--rd-info:#e3b341;--rd-past:#79b0ff;--rd-future:#ffa96e}
@media (prefers-color-scheme:dark){:root:not([data-theme]) .rd{--rd-ink:#e2e6eb;--rd-muted:#a3adb9;--rd-bg:#14171c;--rd-grid:#2f3640;--rd-msg:#b9c2cc;--rd-lost:#ff8a80;--rd-dup:#d0a8ff;--rd-adv:#e3b341;--rd-ok:#56d37a;--rd-info:#e3b341;--rd-part:#f59b62;--rd-hl:#6ea8ff;--rd-past:#79b0ff;--rd-future:#ffa96e}}
.rd text{fill:var(--rd-ink);font-size:11px}
.rd .mono,.rd .lbl,.rd .tick,.rd .mlbl{font-family:var(--font-mono,ui-monospace,Menlo,Consolas,monospace)}
.rd .halo{paint-order:stroke;stroke:var(--rd-bg);stroke-width:3.2px;stroke-linejoin:round}
.rd .plate{fill:var(--rd-bg);opacity:.9}
.rd .lane-name{font-size:13px;font-weight:650;text-anchor:middle}
.rd .lane-kind{font-size:10px;fill:var(--rd-muted);text-anchor:middle}
.rd .clock{font-size:10.5px;fill:var(--rd-muted);text-anchor:middle}
.rd .lane{stroke:var(--rd-muted);stroke-width:1.4;opacity:.6}
.rd .lane.client{stroke-dasharray:1 3;opacity:.75}
.rd .lane.hl{stroke:var(--rd-hl);stroke-width:2.4;opacity:1}
.rd .lane.down{stroke:var(--rd-lost);stroke-dasharray:2 4;opacity:.7}
.rd .grid{stroke:var(--rd-grid);stroke-width:1;stroke-dasharray:1 3}
.rd .tick{font-size:10.5px;fill:var(--rd-muted);text-anchor:end}
.rd .brk rect{fill:var(--rd-bg)}
.rd .brk path{fill:none;stroke:var(--rd-muted);stroke-width:1.2}
.rd .brk text{font-size:10.5px;fill:var(--rd-muted);text-anchor:end;font-style:italic}
.rd .band{fill:color-mix(in srgb,var(--rd-part) 11%,transparent);stroke:color-mix(in srgb,var(--rd-part) 55%,transparent);stroke-width:1;stroke-dasharray:4 3}
.rd .band.block{fill:none;stroke:var(--rd-part);stroke-width:2;stroke-dasharray:1 3}
.rd .band-label{font-size:10.5px;font-weight:600;fill:var(--rd-part)}
.rd .pause{stroke:var(--rd-muted);stroke-width:1}
.rd .pause-label{font-size:10.5px;fill:var(--rd-muted)}
.rd .msg line.ln{stroke:var(--rd-msg);stroke-width:1.35}
.rd .msg path.hd{fill:var(--rd-msg)}
.rd .msg.copy line.ln{stroke:var(--rd-dup);stroke-dasharray:7 2 1.5 2}
.rd .msg.copy path.hd{fill:var(--rd-dup)}
.rd .msg.dup line.ln{stroke:var(--rd-dup)}
.rd .msg.dup path.hd{fill:var(--rd-dup)}
.rd .msg.late line.ln{stroke-dasharray:2 3}
.rd .msg.late path.hd{fill:var(--rd-bg);stroke:var(--rd-msg);stroke-width:1.2}
.rd .msg.adv line.ln{stroke:var(--rd-adv);stroke-dasharray:1 2.5;stroke-width:1.8}
.rd .msg.adv path.hd{fill:var(--rd-adv)}
.rd .msg.drop line.ln{stroke:var(--rd-lost);stroke-dasharray:5 3}
.rd .msg.drop path.x{stroke:var(--rd-lost);stroke-width:2.4;fill:none;stroke-linecap:round}
.rd .msg.flight line.ln{stroke-dasharray:2 2.5;opacity:.8}
.rd .msg.out line.ln,.rd .msg.in line.ln{stroke-dasharray:3 2}
.rd .mlbl{font-size:10.5px;fill:var(--rd-muted)}
.rd .mlab.drop .mlbl{fill:var(--rd-lost);font-weight:600}
.rd .mlab.copy .mlbl,.rd .mlab.dup .mlbl{fill:var(--rd-dup)}
.rd .msg .hit{stroke:transparent;stroke-width:12;fill:none}
.rd .dot{fill:var(--rd-ink)}
.rd .dot.local{fill:var(--rd-bg);stroke:var(--rd-ink);stroke-width:1.5}
.rd .dot.timer{fill:none;stroke:var(--rd-muted);stroke-width:1.5}
.rd .dot.adv{fill:var(--rd-adv)}
.rd .lbl{font-size:11px}
.rd .mark text{font-size:10.5px;font-weight:600}
.rd .mark.crash path{stroke:var(--rd-lost);stroke-width:2.8;stroke-linecap:round;fill:none}
.rd .mark.crash text,.rd .mark.error text{fill:var(--rd-lost)}
.rd .mark.restart path{stroke:var(--rd-ok);stroke-width:2.2;fill:none}
.rd .mark.restart text{fill:var(--rd-ok)}
.rd .mark.timeout path,.rd .mark.skew path,.rd .mark.error path{stroke:var(--rd-info);stroke-width:1.8;fill:none}
.rd .mark.timeout text,.rd .mark.skew text{fill:var(--rd-info)}
.rd .op rect.bar{stroke-width:1.6}
.rd .op.ok rect.bar{fill:color-mix(in srgb,var(--rd-ok) 22%,var(--rd-bg));stroke:var(--rd-ok)}
.rd .op.fail rect.bar{stroke:var(--rd-lost)}
.rd .op.info rect.bar,.rd .op.pending rect.bar{fill:var(--rd-bg);stroke:var(--rd-info);stroke-dasharray:3 2}
.rd .op text{font-size:11px;text-anchor:end}
.rd .op .end{font-weight:600}
.rd .op.ok .end{fill:var(--rd-ok)}
.rd .op.fail .end{fill:var(--rd-lost)}
.rd .op.info .end,.rd .op.pending .end{fill:var(--rd-info)}
.rd .op .badge{font-size:10px;font-weight:700;fill:var(--rd-hl);text-anchor:start}
.rd .op .q{fill:var(--rd-info);stroke:none}
.rd .op .opencap{fill:none;stroke:var(--rd-info);stroke-width:1.6}
.rd .pat{stroke-width:1.3}
.rd .pat.part{stroke:color-mix(in srgb,var(--rd-part) 40%,transparent)}
.rd .pat.pause{stroke:var(--rd-muted);opacity:.7}
.rd .pat.fail{stroke:var(--rd-lost)}
.rd .legend text{font-size:10.5px;fill:var(--rd-muted)}
.rd.has-hl .rd-x:not(.hl){opacity:.3}
.rd .hl line.ln{stroke:var(--rd-hl);stroke-width:2.6}
.rd .hl path.hd{fill:var(--rd-hl)}
.rd .dot.hl{fill:var(--rd-hl);stroke:var(--rd-hl)}
.rd .op.hl rect.bar{stroke:var(--rd-hl);stroke-width:2.6}
.rd .op.blocked rect.bar{stroke-width:3.2}
.rd .band.hl{stroke:var(--rd-hl);stroke-width:2}
.rd.has-cone .rd-x:not(.past):not(.future):not(.focus){opacity:.22}
.rd .past line.ln{stroke:var(--rd-past);stroke-width:2.4}
.rd .past path.hd{fill:var(--rd-past)}
.rd .future line.ln{stroke:var(--rd-future);stroke-width:2.4;stroke-dasharray:6 3}
.rd .future path.hd{fill:var(--rd-future)}
.rd .dot.past{fill:var(--rd-past);stroke:var(--rd-past)}
.rd .dot.future{fill:var(--rd-bg);stroke:var(--rd-future);stroke-width:2.2}
.rd .dot.focus{fill:var(--rd-hl);stroke:var(--rd-bg);stroke-width:1.5}
.rd text.past{fill:var(--rd-past)}
.rd text.future{fill:var(--rd-future)}
.rd .op.past rect.bar{stroke:var(--rd-past);stroke-width:2.4}
.rd .op.future rect.bar{stroke:var(--rd-future);stroke-width:2.4;stroke-dasharray:5 2}
.rd .cur-guide{stroke:var(--rd-hl);stroke-width:1.2;stroke-dasharray:5 4}
.rd .ring{fill:none;stroke:var(--rd-hl);stroke-width:2.2}
.rd [tabindex]{outline:none}
.rd [tabindex]:focus-visible .ln,.rd [tabindex]:focus-visible rect.bar{stroke:var(--rd-hl);stroke-width:3}
.rd [tabindex]:focus-visible .focus-ring{stroke:var(--rd-hl);stroke-width:2.5;fill:none}
.rd [tabindex]{cursor:pointer}
`;
