// Vigil's status page: reads the monitor's public GET API every few
// seconds and renders it. No library, no inline code (the page's
// Content-Security-Policy allows scripts from this origin only), and no
// request leaves this origin.
'use strict';

(function () {
  const POLL_MS = 3000;        // stats, updates and justice
  const HISTORY_MS = 10000;    // the history ring changes once per interval
  const ROWS = 15;             // latest records shown per table
  const SEARCH_WINDOW = 200;   // records fetched at once when locating the newest
  const STALE_S = 60;          // a chain poll older than this is shown as stale

  const state = {
    stats: null,
    statsAt: 0,          // Date.now() of the last successful stats fetch
    history: null,
    historyAt: 0,
    updates: { rows: [], ready: false },
    justice: { rows: [], ready: false },
    failures: 0,
  };

  // ---- formatting ---------------------------------------------------

  const intFmt = new Intl.NumberFormat('en-US');

  function fmtInt(v) {
    if (v === undefined || v === null || v === '') return '–';
    try { return intFmt.format(BigInt(v)); } catch (e) { return String(v); }
  }

  // fmtUnits writes an integer amount of base units (wei, sat) in the
  // larger unit exactly, trimming trailing zeros.
  function fmtUnits(v, decimals) {
    let n;
    try { n = BigInt(v || '0'); } catch (e) { return String(v); }
    const neg = n < 0n;
    if (neg) n = -n;
    const base = 10n ** BigInt(decimals);
    const whole = n / base;
    let frac = (n % base).toString().padStart(decimals, '0').replace(/0+$/, '');
    return (neg ? '−' : '') + intFmt.format(whole) + (frac ? '.' + frac : '');
  }

  function fmtDuration(s) {
    s = Math.max(0, Math.floor(Number(s) || 0));
    const d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60), sec = s % 60;
    if (d) return d + ' d ' + h + ' h';
    if (h) return h + ' h ' + m + ' min';
    if (m) return m + ' min ' + sec + ' s';
    return sec + ' s';
  }

  function ago(iso) {
    const t = Date.parse(iso);
    if (!iso || isNaN(t)) return 'never';
    const s = Math.round((Date.now() - t) / 1000);
    if (s < 2) return 'just now';
    if (s < 0) return 'in ' + fmtDuration(-s);
    return fmtDuration(s) + ' ago';
  }

  function short(h) {
    if (!h) return '';
    return h.length > 18 ? h.slice(0, 10) + '…' + h.slice(-6) : h;
  }

  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) {
      if (k === 'class') e.className = attrs[k];
      else if (k === 'text') e.textContent = attrs[k];
      else e.setAttribute(k, attrs[k]);
    }
    for (const c of kids) if (c !== null && c !== undefined) e.append(c);
    return e;
  }

  function hashEl(h, cls) {
    if (!h) return el('span', { class: 'muted', text: '–' });
    return el('span', { class: 'hash ' + (cls || ''), title: h, 'data-full': h, text: short(h) });
  }

  function timeEl(iso) {
    if (!iso) return el('span', { class: 'muted', text: '–' });
    return el('span', { 'data-time': iso, title: iso, text: ago(iso) });
  }

  // fmtETH writes wei in ether with six significant decimals (at least
  // six decimals, at most 18), marked ≈ when that rounds; the exact
  // amount is in the wei line and on hover.
  function fmtETH(v) {
    let n;
    try { n = BigInt(v || '0'); } catch (e) { return String(v); }
    const neg = n < 0n;
    if (neg) n = -n;
    const exact = fmtUnits(n.toString(), 18);
    const frac = (exact.split('.')[1] || '');
    const lead = n >= 10n ** 18n ? 0 : frac.length - frac.replace(/^0+/, '').length;
    const keep = Math.min(18, Math.max(6, lead + 6));
    if (frac.length <= keep) return (neg ? '−' : '') + exact;
    const unit = 10n ** BigInt(18 - keep);
    const rounded = (n + unit / 2n) / unit * unit;
    return '≈' + (neg ? '−' : '') + fmtUnits(rounded.toString(), 18);
  }

  function weiEl(v) {
    const e = el('span', { class: 'amount', title: fmtUnits(v, 18) + ' ETH = ' + fmtInt(v) + ' wei' });
    e.append(el('span', { class: 'main', text: fmtETH(v) + ' ETH' }));
    e.append(el('span', { class: 'sub', 'data-wei': v || '0', text: fmtInt(v || '0') + ' wei' }));
    return e;
  }

  function satEl(v) {
    const e = el('span', { class: 'amount', title: fmtInt(v) + ' sat' });
    e.append(el('span', { class: 'main', text: fmtInt(v) + ' sat' }));
    e.append(el('span', { class: 'sub', text: fmtUnits(v, 8) + ' BTC' }));
    return e;
  }

  function get(obj, path) {
    let v = obj;
    for (const p of path.split('.')) {
      if (v === null || v === undefined) return undefined;
      v = v[p];
    }
    return v;
  }

  function sum(m) {
    let s = 0;
    for (const k in m || {}) s += Number(m[k]) || 0;
    return s;
  }

  // fill writes value v into node by the node's data-fmt.
  function fill(node, v) {
    const fmt = node.dataset.fmt;
    node.replaceChildren();
    node.dataset.value = v === undefined || v === null ? '' : String(v);
    switch (fmt) {
      case 'int': node.textContent = fmtInt(v); break;
      case 'wei': node.append(v ? weiEl(v) : el('span', { class: 'muted', text: '–' })); break;
      case 'sat': node.append(satEl(v || 0)); break;
      case 'seconds': node.textContent = (Number(v) || 0).toFixed(1) + ' s'; break;
      case 'duration': node.textContent = fmtDuration(v); break;
      case 'time': node.append(timeEl(v)); break;
      case 'address': case 'hash': node.append(hashEl(v)); break;
      default: node.textContent = v === undefined || v === null || v === '' ? '–' : String(v);
    }
  }

  // ---- fetching -----------------------------------------------------

  async function getJSON(path) {
    const r = await fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (!r.ok) {
      let reason = r.status + '';
      try { const b = await r.json(); reason = (b.error || reason) + ': ' + (b.message || ''); } catch (e) { /* not JSON */ }
      throw new Error(path + ' answered ' + reason);
    }
    return r.json();
  }

  // Records of the paged-by-id lists (channel updates, justice) come in id
  // order. The newest are found without reading them all: exponential then
  // binary search on after_id with limit=1 brackets the highest id, then
  // one window is read.
  async function locateNewest(path, key) {
    const probe = async (after) => {
      const b = await getJSON(path + '?limit=1&after_id=' + after);
      return (b[key] && b[key][0]) || null;
    };
    const first = await probe(0);
    if (!first) return 0;
    let lo = first.id, hi = 0, step = SEARCH_WINDOW;
    for (;;) {
      const r = await probe(lo + step);
      if (!r) { hi = lo + step; break; }
      lo = r.id;
      step *= 4;
    }
    // lo <= highest id <= hi
    while (hi - lo > SEARCH_WINDOW) {
      const mid = lo + Math.floor((hi - lo) / 2);
      const r = await probe(mid);
      if (r) lo = r.id; else hi = mid;
    }
    return lo;
  }

  // readFrom reads the records after `after`, up to a few pages, keeping
  // the newest; complete says whether it reached the last one.
  async function readFrom(path, key, after) {
    let out = [];
    for (let page = 0; page < 30; page++) {
      const b = await getJSON(path + '?after_id=' + after);
      out = out.concat(b[key] || []).slice(-ROWS);
      if (!b.next_after_id) return { rows: out, complete: true };
      after = b.next_after_id;
    }
    return { rows: out, complete: false };
  }

  // refreshList re-reads from the oldest row shown, so that shown rows pick
  // up their changed outcomes; after a burst too long to read, it locates
  // the newest records again.
  async function refreshList(list, path, key) {
    let from;
    if (list.ready) {
      from = list.rows.length ? list.rows[0].id - 1 : 0;
    } else {
      const newest = await locateNewest(path, key);
      from = Math.max(0, newest - SEARCH_WINDOW);
    }
    const r = await readFrom(path, key, from);
    list.rows = r.rows;
    list.ready = r.complete;
  }

  // ---- rendering ----------------------------------------------------

  function renderStats() {
    const s = state.stats;
    if (!s) return;
    for (const node of document.querySelectorAll('[data-stat]')) {
      fill(node, get(s, node.dataset.stat));
    }
    for (const u of document.querySelectorAll('[data-plural-of]')) {
      u.textContent = Number(get(s, u.dataset.pluralOf)) === 1 ? u.dataset.one : u.dataset.many;
    }
    fill(document.getElementById('proofs-received'), sum(get(s, 'balance_proofs.received')));
    fill(document.getElementById('proofs-accepted'), sum(get(s, 'balance_proofs.accepted')));

    // Registration, once monitors register: whatever the stats say of it.
    const reg = s.registration || get(s, 'ethereum.registration');
    const regEl = document.getElementById('registration');
    if (reg && typeof reg === 'object') {
      regEl.className = '';
      regEl.replaceChildren();
      for (const k of Object.keys(reg).sort()) {
        regEl.append(el('div', null, el('span', { class: 'muted', text: k.replace(/_/g, ' ') + ': ' }),
          /^0x[0-9a-fA-F]{40,}$/.test(String(reg[k])) ? hashEl(String(reg[k])) : String(reg[k])));
      }
    }

    const m = s.matrix || {};
    document.getElementById('room-card').hidden = !m.enabled;
    const room = document.getElementById('room');
    if (m.enabled) {
      room.className = 'hash';
      room.textContent = m.room_id || 'joining…';
    }

    const eth = s.ethereum || {};
    chainState('eth', eth);
    const l = s.lightning || {};
    document.getElementById('btc-off').hidden = !!l.enabled;
    document.getElementById('btc-on').hidden = !l.enabled;
    document.getElementById('lightning-card').hidden = !l.enabled;
    document.getElementById('justice-card').hidden = !l.enabled;
    document.getElementById('chart-bounty').hidden = !l.enabled;
    if (l.enabled) {
      chainState('btc', l);
      fill(document.getElementById('btc-lag'), Math.max(0, (l.tip || 0) - (l.last_processed_block || 0)));
    } else {
      const b = document.getElementById('btc-state');
      b.className = 'badge neutral';
      b.textContent = 'off';
    }

    // Overall health, from the same figures.
    const problems = [];
    if (eth.node_state !== 'in_sync') problems.push('Ethereum node ' + (eth.node_problem_code || 'out of sync'));
    else if (stale(eth.last_successful_poll)) problems.push('Ethereum not polled for ' + ago(eth.last_successful_poll).replace(' ago', ''));
    else if (eth.stalled) problems.push('Ethereum node stalled: its head is ' + ago(eth.head_time).replace(' ago', '') + ' old');
    if (l.enabled) {
      if (l.node_state !== 'in_sync') problems.push('Bitcoin node ' + (l.node_problem_code || 'out of sync'));
      else if (stale(l.last_successful_poll)) problems.push('Bitcoin not polled for ' + ago(l.last_successful_poll).replace(' ago', ''));
      else if (l.stalled) problems.push('Bitcoin node stalled: its tip is ' + ago(l.tip_time).replace(' ago', '') + ' old');
    }
    const h = document.getElementById('health');
    h.className = 'badge ' + (problems.length ? 'bad' : 'good');
    h.textContent = problems.length ? problems.join('; ') : 'watching, in sync';

    renderReasons(s);
  }

  function stale(iso) {
    const t = Date.parse(iso);
    return !iso || isNaN(t) || (Date.now() - t) / 1000 > STALE_S;
  }

  function chainState(prefix, c) {
    const b = document.getElementById(prefix + '-state');
    const p = document.getElementById(prefix + '-problem');
    if (c.node_state === 'in_sync' && !stale(c.last_successful_poll) && c.stalled) {
      // Answers, on the right chain, but its head does not advance.
      b.className = 'badge bad'; b.textContent = 'stalled';
      p.hidden = false;
      p.replaceChildren(el('code', { text: 'node_stalled' }), ' check the node\'s peers and compare its head with another source');
    } else if (c.node_state === 'in_sync' && !stale(c.last_successful_poll)) {
      b.className = 'badge good'; b.textContent = 'in sync';
      p.hidden = true;
    } else if (c.node_state === 'in_sync') {
      b.className = 'badge warn'; b.textContent = c.last_successful_poll ? 'stale' : 'starting';
      p.hidden = true;
    } else {
      b.className = 'badge bad'; b.textContent = 'out of sync';
      p.hidden = false;
      p.replaceChildren(el('code', { text: c.node_problem_code || '' }), ' ' + (c.node_problem || ''));
    }
  }

  function renderReasons(s) {
    const groups = [
      ['Balance proofs', get(s, 'balance_proofs.rejected_by_reason')],
      ['Of which from the room', get(s, 'matrix.rejected_by_reason')],
      ['Appointments', get(s, 'lightning.rejected_by_reason')],
      ['Justice problems', get(s, 'lightning.justice_problems')],
      ['Justice lost', get(s, 'lightning.justice_lost')],
    ];
    const box = document.getElementById('reasons');
    box.replaceChildren();
    let any = false;
    for (const [title, m] of groups) {
      const entries = Object.entries(m || {}).filter(([, v]) => Number(v) > 0).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      if (!entries.length) continue;
      any = true;
      const max = entries[0][1];
      const tb = el('tbody');
      for (const [code, n] of entries) {
        const bar = el('div', { class: 'bar' });
        bar.style.width = Math.max(2, Math.round(100 * n / max)) + '%';
        tb.append(el('tr', { 'data-reason': code },
          el('td', null, el('code', { text: code })),
          el('td', { class: 'num', text: fmtInt(n) }),
          el('td', { class: 'barcell' }, bar)));
      }
      box.append(el('div', { class: 'reason-group' }, el('h3', { text: title }),
        el('table', null, el('thead', null, el('tr', null, el('th', { text: 'Reason' }), el('th', { class: 'num', text: 'Count' }), el('th'))), tb)));
    }
    document.getElementById('reasons-empty').hidden = any;
  }

  function outcomeBadge(o) {
    const cls = { mined: 'good', confirmed: 'good', pending: 'warn', broadcast: 'warn', replaced: 'neutral', skipped: 'neutral', unprofitable: 'neutral' }[o] || 'bad';
    return el('span', { class: 'badge ' + cls, text: o || '?' });
  }

  function renderUpdates() {
    const tb = document.querySelector('#updates tbody');
    tb.replaceChildren();
    const rows = state.updates.rows.slice().reverse();
    for (const u of rows) {
      const tx = u.tx_hash ? hashEl(u.tx_hash) : (u.competitor_tx ? el('span', null, 'competitor ', hashEl(u.competitor_tx)) : el('span', { class: 'muted', text: 'none' }));
      const reward = u.reward_won_wei ? weiEl(u.reward_won_wei) : el('span', { class: 'muted', title: 'offered: ' + fmtInt(u.reward_wei) + ' wei', text: fmtETH(u.reward_wei) + ' ETH offered' });
      tb.append(el('tr', { 'data-id': u.id, title: u.detail || '' },
        el('td', { class: 'num', text: u.id }),
        el('td', null, hashEl(u.channel_address)),
        el('td', { class: 'num', text: fmtInt(u.nonce) }),
        el('td', null, outcomeBadge(u.outcome)),
        el('td', null, tx),
        el('td', { class: 'num', text: u.block ? fmtInt(u.block) : '–' }),
        el('td', null, reward),
        el('td', null, u.gas_paid_wei ? weiEl(u.gas_paid_wei) : el('span', { class: 'muted', text: '–' })),
        el('td', null, timeEl(u.updated_at || u.created_at))));
    }
    document.getElementById('updates-empty').hidden = rows.length > 0;
  }

  function renderJustice() {
    const tb = document.querySelector('#justice tbody');
    tb.replaceChildren();
    const rows = state.justice.rows.slice().reverse();
    for (const j of rows) {
      tb.append(el('tr', { 'data-id': j.id, title: (j.reason ? j.reason + ': ' : '') + (j.detail || '') },
        el('td', { class: 'num', text: j.id }),
        el('td', null, hashEl(j.breach_txid)),
        el('td', null, hashEl(j.txid)),
        el('td', null, outcomeBadge(j.outcome)),
        el('td', null, j.bounty_sat ? satEl(j.bounty_sat) : el('span', { class: 'muted', text: fmtInt(j.promised_sat) + ' sat promised' })),
        el('td', { class: 'num', text: j.fee_sat ? fmtInt(j.fee_sat) + ' sat' : '–' }),
        el('td', { class: 'num', text: j.block ? fmtInt(j.block) : '–' }),
        el('td', null, timeEl(j.updated_at || j.created_at))));
    }
    document.getElementById('justice-empty').hidden = rows.length > 0;
  }

  // ---- charts -------------------------------------------------------

  const SVGNS = 'http://www.w3.org/2000/svg';

  function svg(tag, attrs, ...kids) {
    const e = document.createElementNS(SVGNS, tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    for (const c of kids) e.append(c);
    return e;
  }

  // points is the history plus the live figures as the newest point.
  function points() {
    const h = (state.history && state.history.samples) || [];
    const pts = h.map((x) => Object.assign({ t: Date.parse(x.time) }, x));
    const s = state.stats;
    if (s) {
      const live = {
        t: state.statsAt,
        proofs_received: sum(get(s, 'balance_proofs.received')),
        proofs_accepted: sum(get(s, 'balance_proofs.accepted')),
        proofs_rejected: get(s, 'balance_proofs.rejected') || 0,
        appointments_accepted: get(s, 'lightning.appointments_accepted') || 0,
        appointments_rejected: get(s, 'lightning.appointments_rejected') || 0,
        updates_submitted: get(s, 'updates.submitted') || 0,
        updates_won: get(s, 'updates.won') || 0,
        updates_missed: get(s, 'updates.missed') || 0,
        justice_broadcast: get(s, 'lightning.justice_broadcast') || 0,
        justice_confirmed: get(s, 'lightning.justice_confirmed') || 0,
        rewards_earned_wei: get(s, 'updates.rewards_earned_wei') || '0',
        gas_spent_wei: get(s, 'updates.gas_spent_wei') || '0',
        net_earnings_wei: get(s, 'updates.net_earnings_wei') || '0',
        bounty_earned_sat: get(s, 'lightning.bounty_earned_sat') || 0,
      };
      if (!pts.length || live.t > pts[pts.length - 1].t) pts.push(live);
    }
    return pts;
  }

  function weiToEth(v) {
    try { return Number(BigInt(v || '0')) / 1e18; } catch (e) { return 0; }
  }

  // series: [{name, cls, value(point) -> number}]; delta: plot differences
  // between consecutive points instead of the values.
  function drawChart(id, pts, series, delta, unit) {
    const fig = document.getElementById(id);
    const plot = fig.querySelector('.plot');
    const legend = fig.querySelector('.legend');
    const W = 600, H = 170, L = 64, R = 10, T = 10, B = 24;
    const data = series.map((s) => {
      const out = [];
      for (let i = delta ? 1 : 0; i < pts.length; i++) {
        const v = delta ? s.value(pts[i]) - s.value(pts[i - 1]) : s.value(pts[i]);
        out.push({ t: pts[i].t, v: v });
      }
      return out;
    });
    plot.replaceChildren();
    legend.replaceChildren();
    const n = data.length ? data[0].length : 0;
    if (n < 1 || (delta && n < 1)) {
      plot.append(el('div', { class: 'muted nodata', text: 'Collecting history… a point is added every ' + ((state.history && state.history.interval_seconds) || 10) + ' s.' }));
      return;
    }
    const t0 = Math.min(...data.map((d) => d[0].t)), t1 = Math.max(...data.map((d) => d[d.length - 1].t));
    let vmax = 0, vmin = 0;
    for (const d of data) for (const p of d) { vmax = Math.max(vmax, p.v); vmin = Math.min(vmin, p.v); }
    // Round ticks: a step of 1, 2 or 5 times a power of ten (whole numbers
    // for counts), the axis from a multiple of it to a multiple of it.
    let step = niceStep((vmax - vmin) / 4, !unit);
    vmin = Math.floor(vmin / step) * step;
    vmax = Math.max(vmin + step, Math.ceil(vmax / step) * step);
    const ticks = [];
    for (let v = vmin; v <= vmax + step / 2; v += step) ticks.push(v);
    const x = (t) => t1 === t0 ? L + (W - L - R) / 2 : L + (W - L - R) * (t - t0) / (t1 - t0);
    const y = (v) => T + (H - T - B) * (1 - (v - vmin) / (vmax - vmin));
    const g = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'chart-svg', role: 'img', 'aria-label': fig.querySelector('figcaption').textContent });
    // Grid and axis labels.
    const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
    for (const v of ticks) {
      g.append(svg('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'grid' }));
      const lab = svg('text', { x: L - 6, y: y(v) + 4, class: 'axis', 'text-anchor': 'end' });
      lab.textContent = v === 0 ? '0' : v.toFixed(decimals);
      g.append(lab);
    }
    const tl = (t, anchor, xx) => {
      const e = svg('text', { x: xx, y: H - 6, class: 'axis', 'text-anchor': anchor });
      e.textContent = new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
      g.append(e);
    };
    tl(t0, 'start', L);
    if (t1 !== t0) tl(t1, 'end', W - R);
    data.forEach((d, i) => {
      const s = series[i];
      const path = d.map((p, k) => (k ? 'L' : 'M') + x(p.t).toFixed(1) + ' ' + y(p.v).toFixed(1)).join(' ');
      g.append(svg('path', { d: path, class: 'line ' + s.cls }));
      for (const p of d) {
        const c = svg('circle', { cx: x(p.t).toFixed(1), cy: y(p.v).toFixed(1), r: d.length > 60 ? 1.5 : 3, class: 'dot ' + s.cls });
        c.append(svg('title', {}, document.createTextNode(s.name + ': ' + axisNum(p.v) + (unit ? ' ' + unit : '') + ' at ' + new Date(p.t).toLocaleTimeString())));
        g.append(c);
      }
      legend.append(el('span', { class: 'key' }, el('span', { class: 'swatch ' + s.cls }), s.name + ' ', el('b', { text: axisNum(d.length ? d[d.length - 1].v : 0) })));
    });
    plot.append(g);
  }

  function niceStep(span, whole) {
    if (!(span > 0)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(span)));
    let step = p * 10;
    for (const m of [1, 2, 5]) if (m * p >= span) { step = m * p; break; }
    return whole ? Math.max(1, Math.round(step)) : step;
  }

  function axisNum(v) {
    if (Number.isInteger(v)) return intFmt.format(v);
    const a = Math.abs(v);
    return a >= 100 ? v.toFixed(0) : a >= 1 ? v.toFixed(2) : Number(v.toPrecision(3)).toString();
  }

  function renderCharts() {
    const pts = points();
    const note = document.getElementById('history-note');
    if (state.history && state.history.interval_seconds) {
      note.textContent = '(last ' + fmtDuration(state.history.interval_seconds * state.history.capacity) + ', one sample every ' + state.history.interval_seconds + ' s, kept in memory)';
    } else {
      note.textContent = '(this server keeps no history)';
    }
    drawChart('chart-intake', pts, [
      { name: 'proofs accepted', cls: 's1', value: (p) => p.proofs_accepted },
      { name: 'proofs rejected', cls: 's2', value: (p) => p.proofs_rejected },
      { name: 'appointments accepted', cls: 's3', value: (p) => p.appointments_accepted },
    ], true);
    drawChart('chart-actions', pts, [
      { name: 'updates submitted', cls: 's1', value: (p) => p.updates_submitted },
      { name: 'rewards won', cls: 's3', value: (p) => p.updates_won },
      { name: 'windows missed', cls: 's2', value: (p) => p.updates_missed },
      { name: 'justice broadcast', cls: 's4', value: (p) => p.justice_broadcast },
    ], true);
    drawChart('chart-rewards', pts, [
      { name: 'rewards earned', cls: 's3', value: (p) => weiToEth(p.rewards_earned_wei) },
      { name: 'gas spent', cls: 's2', value: (p) => weiToEth(p.gas_spent_wei) },
      { name: 'net', cls: 's1', value: (p) => weiToEth(p.net_earnings_wei) },
    ], false, 'ETH');
    if (!document.getElementById('chart-bounty').hidden) {
      drawChart('chart-bounty', pts, [
        { name: 'bounty earned', cls: 's3', value: (p) => p.bounty_earned_sat },
      ], false, 'sat');
    }
  }

  // Relative times move on between polls.
  function renderTimes() {
    for (const e of document.querySelectorAll('[data-time]')) e.textContent = ago(e.dataset.time);
    const r = document.getElementById('refreshed');
    if (state.statsAt) {
      const s = Math.round((Date.now() - state.statsAt) / 1000);
      r.textContent = 'updated ' + (s < 2 ? 'just now' : s + ' s ago');
      r.title = new Date(state.statsAt).toISOString();
    }
  }

  function showProblem(err) {
    const p = document.getElementById('problem');
    if (!err) { p.hidden = true; return; }
    p.hidden = false;
    p.textContent = 'Cannot read the monitor\'s API (' + err.message + '); showing the last figures read, trying again every ' + POLL_MS / 1000 + ' s.';
  }

  // ---- the loop -----------------------------------------------------

  async function poll() {
    try {
      state.stats = await getJSON('/api/1/stats');
      state.statsAt = Date.now();
      renderStats();
      await refreshList(state.updates, '/api/1/channel_update', 'channel_updates');
      renderUpdates();
      if (get(state.stats, 'lightning.enabled')) {
        await refreshList(state.justice, '/api/1/justice', 'justice');
        renderJustice();
      }
      if (Date.now() - state.historyAt >= HISTORY_MS) {
        state.history = await getJSON('/api/1/stats/history');
        state.historyAt = Date.now();
      }
      renderCharts();
      renderTimes();
      state.failures = 0;
      showProblem(null);
      document.body.dataset.loaded = 'true';
    } catch (err) {
      state.failures++;
      showProblem(err);
    } finally {
      setTimeout(poll, POLL_MS);
    }
  }

  poll();
  setInterval(renderTimes, 1000);
})();
