"use strict";
// The BorrowScope report: a timeline of every variable instance, the source beside it, and
// a step-through over the global event order. Everything it shows comes from the trace
// embedded below (see html.rs for the format); nothing is fetched.
(function () {
  const D = JSON.parse(document.getElementById("data").textContent);
  const N = D.events.length;
  const END = ["alive", "dropped", "moved", "scope_end"];
  const ROW = 18, LABEL = 190, HEADER = 20;

  // ---- indexes ------------------------------------------------------------------------
  const varIndex = new Map(); // instance id -> index into D.vars
  D.vars.forEach((v, i) => varIndex.set(v[0], i));
  const eventsOf = new Map(); // instance id -> event indices naming it
  for (let i = 0; i < N; i++) {
    const e = D.events[i];
    for (const id of [e[3], isInstanceArg(e[0]) ? e[4] : 0]) {
      if (id && varIndex.has(id)) {
        let list = eventsOf.get(id);
        if (!list) eventsOf.set(id, (list = []));
        list.push(i);
      }
    }
  }
  // From the runtime's table of operations (D.op_instance_arg, D.op_groups): no copy here.
  function isInstanceArg(op) { return D.op_instance_arg[op]; }
  const borrowsOf = new Map(); // owner id -> borrows
  D.borrows.forEach((b) => { if (b[1] >= 0) { (borrowsOf.get(b[1]) || borrowsOf.set(b[1], []).get(b[1])).push(b); } });
  // RefCell guards taken from a variable or a field of it (named by the receiver, on its
  // thread, while it lived; the innermost of that name), drawn on its row from the borrow to
  // the guard's release.
  const guardsOn = new Map(); // variable id -> cell borrows
  const byName = new Map(); // variable name -> its instances
  if (D.cells.length) D.vars.forEach((v) => (byName.get(v[1]) || byName.set(v[1], []).get(v[1])).push(v));
  D.cells.forEach((c) => {
    const e = D.events[c[3]];
    if (!e || c[5]) return;
    // The innermost of that name: the most recently made one still alive.
    const owner = (byName.get(c[1].split(".")[0]) || []).filter((v) => v[4] === e[1] && v[5] <= c[3] && (v[7] < 0 || c[3] <= v[7])).pop();
    if (owner) (guardsOn.get(owner[0]) || guardsOn.set(owner[0], []).get(owner[0])).push(c);
  });
  // Allocations shared by Rc/Arc/Weak pointers: union of every share's two ends.
  const parent = new Map();
  const find = (x) => { while (parent.has(x) && parent.get(x) !== x) x = parent.get(x); return x; };
  D.shares.forEach((s) => { if (s[0] >= 0) { const a = find(s[0]), b = find(s[1]); if (a !== b) parent.set(b, a); } else if (!parent.has(s[1])) parent.set(s[1], s[1]); });
  const groups = new Map(); // root -> member ids
  D.shares.forEach((s) => { for (const id of [s[0], s[1]]) if (id >= 0) { const r = find(id); const g = groups.get(r) || groups.set(r, new Set()).get(r); g.add(id); } });
  const counts = new Map(); // root -> [[at, strong count]]
  D.shares.forEach((s) => { const op = D.ops[s[2]]; if (/^(rc_new|arc_new|rc_clone|arc_clone|weak_upgrade)$/.test(op)) { const r = find(s[1]); (counts.get(r) || counts.set(r, []).get(r)).push([s[4], s[3]]); } });


  const COLORS = { ownership: "#2b6cb0", borrows: "#2f855a", pointers: "#6b46c1", cells: "#b7791f", concurrency: "#c53030", unsafe: "#9b2c2c", async: "#2c7a7b", control: "#718096", expressions: "#a0aec0" };

  // ---- text helpers -------------------------------------------------------------------
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const site = (i) => D.sites[i];
  const fileOf = (s) => (s[2] >= 0 ? D.files[s[2]][0] : "");
  const where = (s) => (s[2] >= 0 ? `${fileOf(s)}:${s[3]}:${s[4]}` : "(no location)");
  const fnOf = (s) => (s[6] >= 0 ? D.fns[s[6]] : null);
  const threadName = (t) => { const th = D.threads.find((x) => x[0] === t); return th && th[1] ? `t${t} ${th[1]}` : `t${t}`; };
  const varName = (id) => { const v = D.vars[varIndex.get(id)]; return v ? `${v[1]} #${id}` : id === 0 ? "a temporary" : `#${id}`; };
  function eventText(i) {
    const e = D.events[i], s = site(e[2]);
    let t = `#${i} ${threadName(e[1])} ${D.ops[e[0]]}`;
    if (s[0]) t += ` ${s[0]}`;
    if (s[1]) t += ` [${s[1]}]`;
    if (e[3]) t += ` #${e[3]}`;
    if (e[4] && isInstanceArg(e[0])) t += ` -> ${varName(e[4])}`;
    if (e[5]) t += ` (count ${e[5]})`;
    return t + ` @${where(s)}`;
  }
  function sourceLine(s) {
    if (s[2] < 0) return null;
    const text = D.files[s[2]][1];
    if (text == null) return null;
    return (lines(s[2])[s[3] - 1] || "").trim();
  }
  const lineCache = new Map();
  function lines(file) { if (!lineCache.has(file)) lineCache.set(file, (D.files[file][1] || "").split("\n")); return lineCache.get(file); }

  // ---- filters and rows ---------------------------------------------------------------
  const $ = (id) => document.getElementById(id);
  const fThread = $("f-thread"), fFn = $("f-fn"), fName = $("f-name"), fGroup = $("f-group");
  D.threads.forEach((t) => fThread.add(new Option(threadName(t[0]), t[0])));
  D.fns.map((f, i) => [f, i]).sort().forEach(([f, i]) => fFn.add(new Option(f, i)));
  Object.keys(COLORS).forEach((g) => fGroup.add(new Option(g, g)));
  let rows = [];
  // Per thread, the events that name no variable instance, for the thread's lane.
  const laneEvents = new Map();
  for (let i = 0; i < N; i++) {
    const e = D.events[i];
    if (!varIndex.has(e[3])) (laneEvents.get(e[1]) || laneEvents.set(e[1], []).get(e[1])).push(i);
  }
  function buildRows() {
    const t = fThread.value, f = fFn.value, name = fName.value.trim();
    const kept = [];
    const lanes = [...laneEvents.keys()].sort((a, b) => a - b);
    D.vars.forEach((v, i) => {
      if (t !== "" && v[4] !== +t) return;
      const s = site(v[8]);
      if (f !== "" && s[6] !== +f) return;
      if (name && !v[1].includes(name)) return;
      kept.push(i);
    });
    const key = (i) => { const v = D.vars[i]; return [v[4], fnOf(site(v[8])) || "~", v[5]]; };
    kept.sort((a, b) => { const x = key(a), y = key(b); return x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0) || x[2] - y[2]; });
    rows = [];
    let last = null;
    // Each thread's own lane comes first: its events that name no variable (spawns, joins,
    // locks, control flow), so that threads read side by side.
    const lane = (th) => { if (t === "" || +t === th) rows.push({ lane: th }); };
    for (const i of kept) {
      const v = D.vars[i], label = `${threadName(v[4])} \u2014 fn ${fnOf(site(v[8])) || "(unknown function)"}`;
      while (lanes.length && lanes[0] <= v[4]) lane(lanes.shift());
      if (label !== last) { rows.push({ header: label }); last = label; }
      rows.push({ v: i });
    }
    lanes.forEach(lane);
    // The canvas (sticky, one screen high) and the spacer make the scrolled height.
    $("spacer").style.height = Math.max(0, rows.length * ROW - scroller.clientHeight) + "px";
    canvas.dataset.rows = rows.filter((r) => r.v !== undefined).length;
    draw();
  }

  // ---- timeline -----------------------------------------------------------------------
  const canvas = $("timeline"), ctx = canvas.getContext("2d"), axis = $("axis"), actx = axis.getContext("2d");
  const scroller = $("scroller");
  let x0 = 0, x1 = Math.max(N, 1), step = 0, selected = null;
  function width() { return scroller.clientWidth; }
  function px(t) { return LABEL + ((t - x0) / (x1 - x0)) * (width() - LABEL - 8); }
  function timeAt(x) { return x0 + ((x - LABEL) / (width() - LABEL - 8)) * (x1 - x0); }
  function resize() {
    const dpr = window.devicePixelRatio || 1;
    for (const [c, h] of [[canvas, scroller.clientHeight], [axis, HEADER]]) {
      c.width = width() * dpr; c.height = h * dpr; c.style.width = width() + "px"; c.style.height = h + "px";
      c.getContext("2d").setTransform(dpr, 0, 0, dpr, 0, 0);
    }
    $("spacer").style.height = Math.max(0, rows.length * ROW - scroller.clientHeight) + "px";
    draw();
  }
  function draw() {
    const w = width(), h = scroller.clientHeight, top = scroller.scrollTop;
    ctx.clearRect(0, 0, w, h);
    ctx.font = "12px system-ui, sans-serif";
    const first = Math.floor(top / ROW), last = Math.min(rows.length, Math.ceil((top + h) / ROW));
    const end = (v) => (v[7] >= 0 ? v[7] : N);
    for (let r = first; r < last; r++) {
      const y = r * ROW - top, row = rows[r];
      if (row.lane !== undefined) {
        ctx.fillStyle = "#f7fafc"; ctx.fillRect(0, y, w, ROW);
        ctx.fillStyle = "#4a5568"; ctx.fillText(`${threadName(row.lane)}: thread events`, 8, y + 13);
        const group = fGroup.value;
        for (const i of laneEvents.get(row.lane) || []) {
          const x = px(i);
          if (x < LABEL || x > w) continue;
          const g = groupOf(i);
          if (group && g !== group) continue;
          ctx.fillStyle = COLORS[g]; ctx.fillRect(x - 1, y + 3, 2, 12);
        }
        continue;
      }
      if (row.header !== undefined) {
        ctx.fillStyle = "#edf2f7"; ctx.fillRect(0, y, w, ROW);
        ctx.fillStyle = "#2d3748"; ctx.fillText(row.header, 6, y + 13);
        continue;
      }
      const v = D.vars[row.v], id = v[0];
      if (selected === id) { ctx.fillStyle = "#ebf4ff"; ctx.fillRect(0, y, w, ROW); }
      ctx.fillStyle = "#1d2330";
      ctx.fillText(`${v[1]} #${id}`.slice(0, 26), 8, y + 13);
      const a = Math.max(px(v[5]), LABEL), b = Math.min(px(end(v)), w);
      if (b >= LABEL && a <= w) {
        // The lifeline, coloured by how it ended.
        ctx.fillStyle = v[6] === 0 ? "#68d391" : v[6] === 3 ? "#cbd5e0" : "#90cdf4";
        ctx.fillRect(a, y + 6, Math.max(b - a, 2), 6);
        if (v[6] === 1) { ctx.fillStyle = "#2b6cb0"; ctx.fillRect(b - 2, y + 3, 3, 12); }
        if (v[6] === 3) { ctx.fillStyle = "#975a16"; ctx.fillText("?", b + 2, y + 13); }
      }
      // Borrows of this variable, on its row: shared light, mutable red.
      for (const br of borrowsOf.get(id) || []) {
        const s = px(br[3]), e = br[0] === 0 ? s + 2 : px(br[4] >= 0 ? br[4] : N);
        if (e < LABEL || s > w) continue;
        ctx.fillStyle = br[2] ? "#f56565" : "#38a169";
        ctx.fillRect(Math.max(s, LABEL), y + 13, Math.max(e - Math.max(s, LABEL), 2), 3);
      }
      // Its RefCell guards, amber above the lifeline (a mark where the release is unknown).
      for (const c of guardsOn.get(id) || []) {
        const s = px(c[3]), e = c[4] >= 0 ? px(c[4]) : s + 2;
        if (e < LABEL || s > w) continue;
        ctx.fillStyle = COLORS.cells;
        ctx.fillRect(Math.max(s, LABEL), y + 2, Math.max(e - Math.max(s, LABEL), 2), 3);
      }
      // The strong count of an Rc/Arc's allocation, as a step line.
      const root = groups.size && find(id), steps = counts.get(root);
      if (steps && steps.length > 1) {
        // Within this pointer's life only: the count when it was made, then each change.
        const max = Math.max(...steps.map((s) => s[1]));
        const before = steps.filter((s) => s[0] <= v[5]).pop();
        const shown = (before ? [[v[5], before[1]]] : []).concat(steps.filter((s) => s[0] > v[5] && s[0] < end(v)));
        ctx.strokeStyle = "#6b46c1"; ctx.beginPath();
        let cy = 0;
        shown.forEach(([at, c], k) => {
          const x = Math.max(px(at), LABEL), yy = y + 12 - (c / max) * 9;
          if (k === 0) ctx.moveTo(x, yy); else { ctx.lineTo(x, cy); ctx.lineTo(x, yy); }
          cy = yy;
        });
        if (shown.length) { ctx.lineTo(Math.min(px(end(v)), w), cy); ctx.stroke(); }
      }
      // Its events.
      const group = fGroup.value;
      for (const i of eventsOf.get(id) || []) {
        const x = px(i);
        if (x < LABEL || x > w) continue;
        const g = groupOf(i);
        if (group && g !== group) continue;
        ctx.fillStyle = COLORS[g]; ctx.fillRect(x - 1, y + 4, 2, 10);
      }
    }
    // Moves, as arrows from the source's row to the destination's.
    const rowOf = new Map();
    rows.forEach((r, k) => { if (r.v !== undefined) rowOf.set(D.vars[r.v][0], k); });
    ctx.strokeStyle = "#dd6b20"; ctx.fillStyle = "#dd6b20";
    for (const m of D.moves) {
      if (m[0] < 0 || !m[1]) continue;
      const ra = rowOf.get(m[0]), rb = rowOf.get(m[1]);
      if (ra === undefined || rb === undefined) continue;
      const ya = ra * ROW - top + 9, yb = rb * ROW - top + 9;
      if ((ya < 0 && yb < 0) || (ya > h && yb > h)) continue;
      const x = px(m[2]);
      if (x < LABEL || x > w) continue;
      ctx.beginPath(); ctx.moveTo(x, ya); ctx.lineTo(x + 6, yb); ctx.stroke();
      ctx.beginPath(); ctx.moveTo(x + 6, yb); ctx.lineTo(x + 2, yb - (yb > ya ? 5 : -5)); ctx.lineTo(x + 9, yb - (yb > ya ? 4 : -4)); ctx.fill();
    }
    // The current step.
    const sx = px(step);
    if (sx >= LABEL) { ctx.fillStyle = "rgba(214,158,46,0.8)"; ctx.fillRect(sx - 0.5, 0, 1.5, h); }
    drawAxis();
  }
  const GROUPS = Object.keys(COLORS);
  const opGroup = D.op_groups.map((g) => GROUPS.indexOf(g));
  function groupOf(i) { return GROUPS[opGroup[D.events[i][0]]]; }
  function drawAxis() {
    const w = width();
    actx.clearRect(0, 0, w, HEADER);
    actx.font = "11px system-ui, sans-serif"; actx.fillStyle = "#4a5568";
    actx.fillText(`${rows.filter((r) => r.v !== undefined).length} variable instances`, 6, 14);
    const span = x1 - x0, tick = Math.pow(10, Math.max(0, Math.floor(Math.log10(span / 5 || 1))));
    for (let t = Math.ceil(x0 / tick) * tick; t <= x1; t += tick) {
      const x = px(t);
      if (x < LABEL) continue;
      actx.fillRect(x, 14, 1, 6); actx.fillText(String(t), x + 2, 11);
    }
  }
  scroller.addEventListener("scroll", draw);
  window.addEventListener("resize", resize);
  // The panes settle their sizes after the first layout (and whenever the window or the
  // details beside them change): the canvas follows its pane.
  if (window.ResizeObserver) new ResizeObserver(() => { if (canvas.clientHeight !== scroller.clientHeight || canvas.clientWidth !== width()) resize(); }).observe(scroller);
  scroller.addEventListener("wheel", (ev) => {
    if (!ev.ctrlKey && !ev.shiftKey) return;
    ev.preventDefault();
    const t = timeAt(ev.offsetX), f = ev.deltaY > 0 ? 1.25 : 0.8;
    if (ev.shiftKey) { const d = (x1 - x0) * (ev.deltaY > 0 ? 0.1 : -0.1); x0 += d; x1 += d; }
    else { x0 = t - (t - x0) * f; x1 = t + (x1 - t) * f; }
    clampView(); draw();
  }, { passive: false });
  function clampView() { const span = Math.max(x1 - x0, 4); x0 = Math.max(-1, Math.min(x0, N - span + 1)); x1 = x0 + span; }
  $("zoom-in").onclick = () => { const c = step, s = (x1 - x0) / 4; x0 = c - s; x1 = c + s; clampView(); draw(); };
  $("zoom-out").onclick = () => { const c = (x0 + x1) / 2, s = (x1 - x0); x0 = c - s; x1 = c + s; clampView(); draw(); };
  $("zoom-fit").onclick = () => { x0 = 0; x1 = Math.max(N, 1); draw(); };

  function hit(ev) {
    const rect = canvas.getBoundingClientRect(), x = ev.clientX - rect.left, y = ev.clientY - rect.top;
    const row = rows[Math.floor((y + scroller.scrollTop) / ROW)];
    return { row, x };
  }
  const tip = $("tip");
  canvas.addEventListener("mousemove", (ev) => {
    const { row, x } = hit(ev);
    if (row && row.lane !== undefined) {
      let best = null, dist = 5;
      for (const i of laneEvents.get(row.lane) || []) { const d = Math.abs(px(i) - x); if (d < dist) { dist = d; best = i; } }
      if (best === null) { tip.style.display = "none"; return; }
      tip.textContent = eventText(best) + "\n" + (sourceLine(site(D.events[best][2])) || "(source not embedded)");
      tip.style.display = "block"; tip.style.left = ev.clientX + 12 + "px"; tip.style.top = ev.clientY + 12 + "px";
      return;
    }
    if (!row || row.v === undefined) { tip.style.display = "none"; return; }
    const v = D.vars[row.v];
    let best = null, dist = 5;
    for (const i of eventsOf.get(v[0]) || []) { const d = Math.abs(px(i) - x); if (d < dist) { dist = d; best = i; } }
    const lines = best === null ? [`${v[1]} #${v[0]}: ${v[2] || "type not recorded"}`, `created at ${where(site(v[8]))}`]
      : [eventText(best), sourceLine(site(D.events[best][2])) || "(source not embedded)"];
    tip.textContent = lines.join("\n");
    tip.style.display = "block"; tip.style.left = ev.clientX + 12 + "px"; tip.style.top = ev.clientY + 12 + "px";
  });
  canvas.addEventListener("mouseleave", () => (tip.style.display = "none"));
  canvas.addEventListener("click", (ev) => {
    const { row, x } = hit(ev);
    if (!row || row.v === undefined) return;
    select(D.vars[row.v][0]);
    if (x > LABEL) goTo(Math.max(0, Math.min(N - 1, Math.round(timeAt(x)))));
  });

  // ---- the questions about one variable --------------------------------------------------
  function select(id) {
    selected = id;
    const v = D.vars[varIndex.get(id)];
    if (!v) return;
    const s = site(v[8]), out = [];
    out.push(`<h2>${esc(v[1])} <span class="m">#${id}</span></h2>`);
    out.push(`<div>${esc(v[2] || "type not recorded")} \u00b7 ${esc(v[3])} \u00b7 ${esc(threadName(v[4]))} \u00b7 fn ${esc(fnOf(s) || "(unknown)")}</div>`);
    out.push(`<div>Created at event #${v[5]}, ${esc(where(s))}</div>`);
    const endSite = v[7] >= 0 ? where(site(D.events[v[7]][2])) : "";
    if (v[6] === 1 && v[9]) out.push(`<div>Went out of scope at event #${v[7]}, ${esc(endSite)} (${esc(v[9])})</div>`);
    if (v[6] === 1 && !v[9]) out.push(`<div>Dropped at event #${v[7]}, ${esc(endSite)}</div>`);
    if (v[6] === 2) out.push(`<div>Moved out at event #${v[7]}, ${esc(endSite)}</div>`);
    if (v[6] === 3) out.push(`<div class="unknown">Its scope ended at event #${v[7]} (${esc(endSite)}) after a use that may have moved it: dropped there, unless that use moved it (unknown).</div>`);
    if (v[6] === 0) {
      const group = counts.has(find(id)) ? [...(groups.get(find(id)) || [])].filter((o) => o !== id && alive(o, N - 1)) : [];
      out.push(`<div class="alive">Still alive when the trace ended: no drop, move or scope end was recorded for it, so its scope had not ended when the trace was written${group.length ? `; ${group.length} other pointer(s) to its allocation were alive too` : ""}.</div>`);
    } else if (alive(id, step)) {
      out.push(`<div class="alive">Alive at step #${step}: created before it, and it ends at #${v[7]}.</div>`);
    }
    const borrows = borrowsOf.get(id) || [];
    const now = borrows.filter((b) => b[3] <= step && (b[0] === 0 ? (b[4] >= 0 ? step < b[4] : b[3] === step) : b[4] < 0 || step < b[4]));
    out.push(`<h2>Borrowed by (${borrows.length})</h2>`);
    out.push(`<div>At step #${step}: ${now.length ? now.map((b) => esc(b[5] ? b[5] : varName(b[0])) + (b[2] ? " (&amp;mut)" : " (&amp;)")).join(", ") : "nobody"}</div>`);
    if (borrows.length) out.push("<ul>" + borrows.slice(0, 200).map((b) => `<li>${esc(b[5] ? b[5] : varName(b[0]))} ${b[2] ? "&amp;mut" : "&amp;"} ${b[6] ? (b[4] >= 0 ? "from #" + b[3] + " until #" + b[4] + " (a method call, until it returned)" : "at #" + b[3] + " (a method call)") : "from #" + b[3] + " until " + (b[0] === 0 ? "the end of its statement" : b[4] >= 0 ? "#" + b[4] : "the end of the trace")}</li>`).join("") + "</ul>");
    const into = D.moves.filter((m) => m[1] === id), outof = D.moves.filter((m) => m[0] === id);
    out.push(`<h2>Moves</h2><ul>`);
    into.forEach((m) => out.push(`<li>moved in from ${esc(varName(m[0]))} at #${m[2]}</li>`));
    outof.forEach((m) => out.push(`<li>moved to ${m[1] ? esc(varName(m[1])) : "a call or expression"} at #${m[2]}, ${esc(where(site(D.events[m[2]][2])))}</li>`));
    if (!into.length && !outof.length) out.push("<li>none recorded</li>");
    out.push("</ul>");
    // Where the value went: follow the moves out.
    let chain = [id], cur = id, seen = new Set([id]);
    for (;;) { const m = D.moves.find((m) => m[0] === cur && m[1] && !seen.has(m[1])); if (!m) break; cur = m[1]; seen.add(cur); chain.push(cur); }
    if (chain.length > 1) {
      const lastVar = D.vars[varIndex.get(cur)];
      out.push(`<div>Its value went: ${chain.map((c) => esc(varName(c))).join(" \u2192 ")}${lastVar ? ", which " + (lastVar[6] === 1 ? (lastVar[9] ? "went out of scope at #" : "was dropped at #") + lastVar[7] : lastVar[6] === 0 ? "was still alive at the end" : lastVar[6] === 3 ? "ended with its scope at #" + lastVar[7] : "was moved on at #" + lastVar[7]) : ""}.</div>`);
    }
    const members = groups.get(find(id));
    if (members && members.size > 1) {
      out.push(`<h2>Shares its allocation with</h2><ul>` + [...members].filter((o) => o !== id).map((o) => `<li>${esc(varName(o))}</li>`).join("") + "</ul>");
      const c = counts.get(find(id));
      if (c) out.push(`<div>Strong count: ${c.map((s) => `${s[1]} at #${s[0]}`).join(", ")}</div>`);
    }
    const guards = D.cells.filter((c) => c[0] === id);
    if (guards.length) out.push(`<div>RefCell ${guards[0][2] ? "borrow_mut" : "borrow"} from #${guards[0][3]}${guards[0][4] >= 0 ? " until #" + guards[0][4] : ""}</div>`);
    // In words: the same sentences as `cargo borrowscope why`, computed once by the runtime.
    const words = D.why ? D.why[varIndex.get(id)] : null;
    out.push(words
      ? `<h2>In words</h2><div class="why">${words.map((l, i) => (i ? "" : "<b>") + esc(l) + (i ? "" : "</b>")).join("<br>")}</div>`
      : `<div class="m">For its story in words: cargo borrowscope why ${esc(v[1])} TRACE.json (not embedded in a report of this many variables).</div>`);
    $("details").innerHTML = out.join("");
    $("details").dataset.selected = id;
    draw();
  }
  function alive(id, at) { const v = D.vars[varIndex.get(id)]; return !!v && v[5] <= at && (v[7] < 0 || at < v[7]); }

  // ---- stepping -----------------------------------------------------------------------
  const slider = $("slider");
  slider.max = Math.max(N - 1, 0);
  function matches(i) {
    const e = D.events[i], t = fThread.value, g = fGroup.value, f = fFn.value;
    return (t === "" || e[1] === +t) && (g === "" || groupOf(i) === g) && (f === "" || site(e[2])[6] === +f);
  }
  function move(delta) {
    let i = step;
    for (let k = 0; k < N; k++) { i += delta; if (i < 0 || i >= N) return; if (matches(i)) break; }
    goTo(i);
  }
  function goTo(i) {
    if (!N) return;
    step = i; slider.value = i;
    $("steptext").textContent = eventText(i);
    const s = site(D.events[i][2]);
    showSource(s[2], s[3]);
    showLive();
    if (px(i) < LABEL || px(i) > width()) { const span = x1 - x0; x0 = i - span / 2; x1 = x0 + span; clampView(); }
    if (selected !== null) select(selected); else draw();
  }
  slider.addEventListener("input", () => goTo(+slider.value));
  $("prev").onclick = () => move(-1);
  $("next").onclick = () => move(1);
  document.addEventListener("keydown", (ev) => {
    if (ev.target.tagName === "INPUT" && ev.target.type === "text") return;
    if (ev.key === "ArrowRight") { move(ev.shiftKey ? 10 : 1); ev.preventDefault(); }
    if (ev.key === "ArrowLeft") { move(ev.shiftKey ? -10 : -1); ev.preventDefault(); }
  });
  function showLive() {
    // What is alive at this step, per thread and function, and what each borrows or shares.
    const out = [`<h2>Alive at step #${step}</h2>`], by = new Map();
    let shown = 0;
    for (const v of D.vars) {
      if (!(v[5] <= step && (v[7] < 0 || step < v[7]))) continue;
      const key = `${threadName(v[4])} \u2014 fn ${fnOf(site(v[8])) || "(unknown)"}`;
      (by.get(key) || by.set(key, []).get(key)).push(v);
      if (++shown > 2000) break;
    }
    const owns = new Map();
    D.borrows.forEach((b) => { if (b[0] && b[1] >= 0 && b[3] <= step && (b[4] < 0 || step < b[4])) owns.set(b[0], b); });
    for (const [key, vars] of by) {
      out.push(`<div><b>${esc(key)}</b></div><ul>` + vars.slice(0, 200).map((v) => {
        const b = owns.get(v[0]), g = groups.get(find(v[0]));
        let extra = b ? ` borrows ${esc(varName(b[1]))}${b[2] ? " mutably" : ""}` : "";
        if (g && g.size > 1) extra += ` shares with ${[...g].filter((o) => o !== v[0] && alive(o, step)).map((o) => esc(varName(o))).join(", ") || "no other tracked pointer alive"}`;
        return `<li><span class="m">${esc(v[1])} #${v[0]}</span>${extra}</li>`;
      }).join("") + (vars.length > 200 ? `<li>and ${vars.length - 200} more</li>` : "") + "</ul>");
    }
    if (!by.size) out.push("<div>nothing</div>");
    $("live").innerHTML = out.join("");
  }

  // ---- source view --------------------------------------------------------------------
  let shownFile = -2;
  const lineEvents = new Map(); // file -> Set of lines with sites
  D.sites.forEach((s) => { if (s[2] >= 0) (lineEvents.get(s[2]) || lineEvents.set(s[2], new Set()).get(s[2])).add(s[3]); });
  function showSource(file, line) {
    const box = $("source");
    if (file !== shownFile) {
      shownFile = file;
      if (file < 0) { $("sourcehead").textContent = "this event has no source location"; box.innerHTML = ""; }
      else if (D.files[file][1] == null) { $("sourcehead").textContent = `${D.files[file][0]} (not embedded: the file could not be read when the report was written)`; box.innerHTML = ""; }
      else {
        $("sourcehead").textContent = D.files[file][0];
        const marks = lineEvents.get(file) || new Set();
        box.innerHTML = lines(file).map((l, k) => `<div class="ln${marks.has(k + 1) ? " event" : ""}" data-line="${k + 1}"><span class="no">${k + 1}</span><span class="mk"></span><span>${esc(l)}</span></div>`).join("");
      }
    }
    const old = box.querySelector(".ln.current");
    if (old) old.classList.remove("current");
    const el = box.querySelector(`.ln[data-line="${line}"]`);
    if (el) { el.classList.add("current"); el.scrollIntoView({ block: "center" }); }
  }

  for (const el of [fThread, fFn, fGroup]) el.addEventListener("change", buildRows);
  fName.addEventListener("input", buildRows);
  resize();
  buildRows();
  if (N) goTo(0);
  // For tests and scripts: what the page shows.
  window.borrowscope = {
    ready: true,
    // When the first screen was drawn, in milliseconds since navigation started.
    renderedAt: performance.now(),
    rows: () => rows.filter((r) => r.v !== undefined).map((r) => D.vars[r.v][0]),
    rowTop: (id) => rows.findIndex((r) => r.v !== undefined && D.vars[r.v][0] === id) * ROW,
    select, goTo, step: () => step,
  };
})();
