'use strict';
// The leakscope datastore report. Every value from the data block is put on the page with
// textContent or as an SVG attribute, never parsed as HTML: paths and notes come from
// scanned files and people, and may be hostile.
(function () {
  const DATA = JSON.parse(document.getElementById('report-data').textContent);
  const SECRETS = Array.isArray(DATA.secrets) ? DATA.secrets : [];
  const NOW = Date.parse(DATA.generated_at) || Date.now();
  const DAY = 86400000;
  const PAGE = 200;
  const TIMELINE_MAX = 40;
  const SVG_NS = 'http://www.w3.org/2000/svg';

  const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];
  const SEV_RANK = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
  const STATUSES = ['open', 'false_positive', 'accepted_risk', 'revoked', 'fixed'];
  const STATUS_LABEL = {
    open: 'open', false_positive: 'false positive', accepted_risk: 'accepted risk',
    revoked: 'revoked', fixed: 'fixed',
  };
  const VALIDATIONS = ['live', 'rejected', 'unknown', 'not_checked'];
  const VALIDATION_LABEL = {
    live: 'live: it works', rejected: 'rejected: dead', unknown: 'unknown', not_checked: 'not checked',
  };
  const VALIDATION_SHORT = { live: 'live', rejected: 'rejected', unknown: 'unknown', not_checked: 'not checked' };
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

  // ------------------------------------------------------------------ small helpers
  function el(tag, props, children) {
    const e = document.createElement(tag);
    if (props) {
      for (const k of Object.keys(props)) {
        const v = props[k];
        if (v === undefined || v === null || v === false) continue;
        if (k === 'text') e.textContent = String(v);
        else if (k === 'class') e.className = v;
        else if (k === 'testid') e.setAttribute('data-testid', v);
        else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
        else e.setAttribute(k, v === true ? '' : String(v));
      }
    }
    for (const c of children || []) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }
  function svg(tag, attrs, children) {
    const e = document.createElementNS(SVG_NS, tag);
    for (const k of Object.keys(attrs || {})) {
      if (k === 'text') e.textContent = String(attrs[k]);
      else e.setAttribute(k, String(attrs[k]));
    }
    for (const c of children || []) if (c) e.append(c);
    return e;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function $(id) { return document.getElementById(id); }
  function time(s) { const t = Date.parse(s); return Number.isFinite(t) ? t : null; }
  function pad(n) { return n < 10 ? '0' + n : String(n); }
  // Dates in UTC and spelled out by hand, so the page reads the same everywhere.
  function day(s) {
    const t = typeof s === 'number' ? s : time(s);
    if (t === null) return '–';
    const d = new Date(t);
    return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate());
  }
  function longDay(s) {
    const t = typeof s === 'number' ? s : time(s);
    if (t === null) return 'an unknown date';
    const d = new Date(t);
    return d.getUTCDate() + ' ' + MONTHS[d.getUTCMonth()] + ' ' + d.getUTCFullYear();
  }
  function thousands(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ','); }
  function plural(n, one, many) { return thousands(n) + ' ' + (n === 1 ? one : (many || one + 's')); }
  function span(ms) {
    const days = Math.floor(ms / DAY);
    if (days >= 730) return plural(Math.floor(days / 365.25), 'year');
    if (days >= 60) return plural(Math.floor(days / 30.44), 'month');
    if (days >= 1) return plural(days, 'day');
    return plural(Math.max(1, Math.round(ms / 3600000)), 'hour');
  }
  function human(id) { return String(id || '').replace(/_/g, ' '); }
  function validationOf(s) {
    const st = s.validation && s.validation.status;
    if (!st) return 'not_checked';
    return st === 'live' || st === 'rejected' ? st : 'unknown';
  }
  function sevClass(sev) { return 'sev-' + (SEV_RANK[sev] === undefined ? 'info' : sev); }
  function sevBadge(sev) { return el('span', { class: 'badge ' + sevClass(sev), text: sev }); }
  function statusBadge(st) { return el('span', { class: 'badge st-' + st, text: STATUS_LABEL[st] || st }); }
  function count(list, key) {
    const m = new Map();
    for (const x of list) { const k = key(x); m.set(k, (m.get(k) || 0) + 1); }
    return m;
  }
  function loc(o) { return o.path + ':' + o.line + ':' + o.column; }

  // ------------------------------------------------------------------ the data, prepared once
  for (const s of SECRETS) {
    s.locations = Array.isArray(s.locations) ? s.locations : [];
    s.status_history = Array.isArray(s.status_history) ? s.status_history : [];
    s._name = s.rule_name || s.rule_id || '';
    s._val = validationOf(s);
    s._where = s.locations.length ? s.locations[0].path + ':' + s.locations[0].line : '';
    const e = s.exposure || {};
    s._start = time(e.start) ?? time(s.first_seen) ?? NOW;
    s._end = time(e.end) ?? NOW;
    s._ongoing = e.end_reason === 'ongoing';
    const a = s.analysis && typeof s.analysis === 'object' ? s.analysis : {};
    const t = a.target && typeof a.target === 'object' ? a.target : {};
    s._search = [s.rule_id, s.rule_name, s.kind, s.fingerprint, s.secret_redacted, s.status,
      s.note, a.account, t.container, ...s.locations.map((o) => o.path)].join('\n').toLowerCase();
    // Removed from HEAD but still in history: exposed to anyone with a clone until now.
    s._history = e.end_reason === 'removed_from_head';
  }
  const byId = new Map(SECRETS.map((s) => [s.id, s]));

  // ------------------------------------------------------------------ header and cards
  function header() {
    const scans = Array.isArray(DATA.scans) ? DATA.scans : [];
    const last = scans[scans.length - 1];
    let text = 'Datastore ' + DATA.datastore + ' · ' + plural(scans.length, 'scan');
    if (last) text += ', the latest on ' + day(last.finished) + ' of ' + (last.inputs || []).join(', ');
    text += ' · report of ' + day(NOW);
    $('meta').textContent = text;
    $('foot').textContent = 'Made by leakscope ' + DATA.tool_version + ' from ' + DATA.datastore +
      '. Triage with: leakscope findings set-status ID open|false_positive|accepted_risk|revoked|fixed --note "…"';
  }

  function tallyItem(label, n, dotClass, testid, onClick) {
    const inner = [
      dotClass ? el('span', { class: 'dot ' + dotClass }) : null,
      el('span', { class: 'lbl', text: label, title: label }),
      el('span', { class: 'num', text: thousands(n), testid }),
    ];
    const li = el('li', { class: n ? '' : 'zero' });
    if (onClick && n) li.append(el('button', { type: 'button', onclick: onClick, title: 'Show only these' }, inner));
    else for (const i of inner) if (i) li.append(i);
    return li;
  }

  function cards() {
    const total = SECRETS.length;
    document.querySelector('[data-testid="count-total"]').textContent = thousands(total);
    const open = SECRETS.filter((s) => s.status === 'open').length;
    const removed = SECRETS.filter((s) => !s._ongoing).length;
    $('total-sub').textContent = total
      ? thousands(open) + ' still open · ' + thousands(removed) + ' removed or no longer found'
      : 'nothing found';

    const sev = count(SECRETS, (s) => (SEV_RANK[s.severity] === undefined ? 'info' : s.severity));
    const stack = $('sev-stack');
    const list = $('sev-list');
    for (const k of SEVERITIES) {
      const n = sev.get(k) || 0;
      if (n) {
        const part = el('span', { class: sevClass(k) });
        part.style.flexGrow = String(n);
        stack.append(part);
      }
      list.append(tallyItem(k, n, sevClass(k), 'count-severity-' + k, () => setFilter('severity', k)));
    }

    const kinds = [...count(SECRETS, (s) => s.kind).entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const kl = $('kind-list');
    const shown = kinds.slice(0, 6);
    for (const [k, n] of shown) kl.append(tallyItem(human(k), n, null, 'count-kind-' + k, () => setFilter('kind', k)));
    if (kinds.length > shown.length) {
      const rest = kinds.slice(shown.length).reduce((a, [, n]) => a + n, 0);
      kl.append(el('li', { class: 'zero' }, [el('span', { class: 'lbl', text: 'and ' + plural(kinds.length - shown.length, 'more kind') }), el('span', { class: 'num', text: thousands(rest) })]));
    }
    if (!kinds.length) kl.append(el('li', { class: 'zero' }, [el('span', { class: 'lbl', text: 'none' })]));

    const val = count(SECRETS, (s) => s._val);
    const vl = $('val-list');
    for (const k of VALIDATIONS) vl.append(tallyItem(VALIDATION_LABEL[k], val.get(k) || 0, null, 'count-validation-' + k, () => setFilter('validation', k)));
    $('val-sub').textContent = (val.get('not_checked') || 0) === total
      ? 'Live checks are opt-in: leakscope scan --validate asks each provider, read-only.'
      : 'From the latest live check (scan --validate).';

    const st = count(SECRETS, (s) => s.status);
    const sl = $('status-list');
    for (const k of STATUSES) sl.append(tallyItem(STATUS_LABEL[k], st.get(k) || 0, null, 'count-status-' + k, () => setFilter('status', k)));
  }

  // ------------------------------------------------------------------ filters, sorting, table
  const state = { q: '', severity: '', status: '', kind: '', validation: '', sort: 'severity', dir: 1, limit: PAGE };
  let view = SECRETS.slice();

  const COLUMNS = [
    { key: 'severity', label: 'Severity', cmp: (a, b) => (SEV_RANK[a.severity] ?? 9) - (SEV_RANK[b.severity] ?? 9) },
    { key: 'name', label: 'Secret', cmp: (a, b) => a._name.localeCompare(b._name) },
    { key: 'kind', label: 'Kind', cmp: (a, b) => a.kind.localeCompare(b.kind) },
    { key: 'where', label: 'Where', cmp: (a, b) => a._where.localeCompare(b._where) },
    { key: 'status', label: 'Status', cmp: (a, b) => STATUSES.indexOf(a.status) - STATUSES.indexOf(b.status) },
    { key: 'validation', label: 'Still working', cmp: (a, b) => VALIDATIONS.indexOf(a._val) - VALIDATIONS.indexOf(b._val) },
    { key: 'occurrences', label: 'Places', num: true, cmp: (a, b) => a.occurrences - b.occurrences },
    { key: 'exposed', label: 'Exposed since', cmp: (a, b) => a._start - b._start },
    { key: 'last_seen', label: 'Last seen', cmp: (a, b) => (time(a.last_seen) || 0) - (time(b.last_seen) || 0) },
  ];

  function fillSelect(id, values, label, allLabel) {
    const sel = $(id);
    sel.append(el('option', { value: '', text: allLabel }));
    for (const v of values) sel.append(el('option', { value: v, text: label(v) }));
  }

  function setupFilters() {
    fillSelect('f-severity', SEVERITIES, (v) => v, 'all');
    fillSelect('f-status', STATUSES, (v) => STATUS_LABEL[v], 'all');
    const kinds = [...new Set(SECRETS.map((s) => s.kind))].sort();
    fillSelect('f-kind', kinds, human, 'all');
    fillSelect('f-validation', VALIDATIONS, (v) => VALIDATION_SHORT[v], 'all');
    let timer = null;
    $('q').addEventListener('input', (e) => {
      // Typing in a large report should not redraw on every key.
      clearTimeout(timer);
      const v = e.target.value;
      timer = setTimeout(() => { state.q = v.trim().toLowerCase(); state.limit = PAGE; update(); }, SECRETS.length > 2000 ? 120 : 0);
    });
    for (const [key, id] of [['severity', 'f-severity'], ['status', 'f-status'], ['kind', 'f-kind'], ['validation', 'f-validation']]) {
      $(id).addEventListener('change', (e) => { state[key] = e.target.value; state.limit = PAGE; update(); });
    }
    $('clear').addEventListener('click', () => {
      state.q = state.severity = state.status = state.kind = state.validation = '';
      $('q').value = '';
      for (const id of ['f-severity', 'f-status', 'f-kind', 'f-validation']) $(id).value = '';
      state.limit = PAGE;
      update();
    });
    $('more').addEventListener('click', () => { state.limit += PAGE; drawRows(); });

    const head = $('head-row');
    for (const c of COLUMNS) {
      const th = el('th', { class: c.num ? 'num' : '', scope: 'col', 'data-key': c.key }, [
        el('button', { type: 'button', text: c.label, testid: 'sort-' + c.key, onclick: () => sortBy(c.key) }),
      ]);
      head.append(th);
    }
  }

  function setFilter(key, value) {
    state[key] = value;
    const sel = $('f-' + key);
    if (sel) sel.value = value;
    state.limit = PAGE;
    update();
    $('tbl-title').scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  function sortBy(key) {
    if (state.sort === key) state.dir = -state.dir;
    else { state.sort = key; state.dir = key === 'exposed' || key === 'last_seen' || key === 'occurrences' ? -1 : 1; }
    update();
  }

  function matches(s) {
    return (!state.severity || s.severity === state.severity) &&
      (!state.status || s.status === state.status) &&
      (!state.kind || s.kind === state.kind) &&
      (!state.validation || s._val === state.validation) &&
      (!state.q || s._search.includes(state.q));
  }

  function update() {
    const col = COLUMNS.find((c) => c.key === state.sort) || COLUMNS[0];
    const sevCmp = COLUMNS[0].cmp;
    view = SECRETS.filter(matches);
    // Ties fall back to severity, then the most recently seen: what to look at first.
    view.sort((a, b) => state.dir * col.cmp(a, b) || sevCmp(a, b) || (time(b.last_seen) || 0) - (time(a.last_seen) || 0) || a.id - b.id);
    for (const th of $('head-row').children) {
      if (th.getAttribute('data-key') === state.sort) th.setAttribute('aria-sort', state.dir > 0 ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    }
    $('row-count').textContent = thousands(view.length);
    $('total-rows').textContent = thousands(SECRETS.length);
    drawRows();
    drawTimeline();
  }

  function row(s) {
    // The directory is muted so the file name stands out in long paths.
    const cut = s._where.lastIndexOf('/') + 1;
    const where = el('td', { class: 'where' }, [
      el('span', { class: 'dir', text: s._where.slice(0, cut) }),
      el('span', { class: 'file', text: s._where.slice(cut) }),
    ]);
    if (s.locations.length > 1) where.append(el('span', { class: 'more-places', text: ' +' + (s.locations.length - 1) + ' more' }));
    const tr = el('tr', { tabindex: '0', testid: 'secret-row', 'data-id': s.id }, [
      el('td', {}, [sevBadge(s.severity)]),
      el('td', {}, [el('div', { class: 'name', text: s._name }), el('div', { class: 'sub', text: s.secret_redacted, title: s.secret_redacted })]),
      el('td', { text: human(s.kind) }),
      where,
      el('td', {}, [statusBadge(s.status)]),
      el('td', {}, [el('span', { class: 'badge v-' + s._val, text: VALIDATION_SHORT[s._val] })]),
      el('td', { class: 'num', text: thousands(s.occurrences) }),
      el('td', { class: 'date', text: day(s._start) }),
      el('td', { class: 'date', text: day(s.last_seen) }),
    ]);
    return tr;
  }

  function drawRows() {
    const body = $('rows');
    clear(body);
    // Only a page of rows is in the DOM at a time; thousands of secrets stay quick.
    const frag = document.createDocumentFragment();
    for (const s of view.slice(0, state.limit)) frag.append(row(s));
    body.append(frag);
    const empty = $('empty');
    empty.hidden = view.length > 0;
    empty.textContent = SECRETS.length ? 'No secret matches these filters.' : 'No secrets recorded in this datastore. Nothing leaked, as far as the scans saw.';
    const rest = view.length - state.limit;
    $('more-wrap').hidden = rest <= 0;
    $('more').textContent = 'Show ' + thousands(Math.min(rest, PAGE)) + ' more (' + thousands(rest) + ' not shown)';
  }

  $('rows').addEventListener('click', (e) => {
    const tr = e.target.closest('tr[data-id]');
    if (tr) openDetails(Number(tr.getAttribute('data-id')));
  });
  $('rows').addEventListener('keydown', (e) => {
    const tr = e.target.closest('tr[data-id]');
    if (tr && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); openDetails(Number(tr.getAttribute('data-id'))); }
  });

  // ------------------------------------------------------------------ exposure timeline
  function ticks(t0, t1) {
    const out = [];
    const years = (t1 - t0) / (365.25 * DAY);
    const step = years > 24 ? 5 : years > 10 ? 2 : years > 2 ? 1 : 0;
    const d = new Date(t0);
    if (step) {
      let y = Math.ceil(d.getUTCFullYear() / step) * step;
      for (; ; y += step) {
        const t = Date.UTC(y, 0, 1);
        if (t > t1) break;
        if (t >= t0) out.push([t, String(y)]);
      }
    } else {
      const months = (t1 - t0) / (30.44 * DAY);
      const mstep = months > 12 ? 3 : 1;
      let y = d.getUTCFullYear();
      let m = d.getUTCMonth() + 1;
      for (let i = 0; i < 40; i++, m += mstep) {
        const t = Date.UTC(y, m, 1);
        if (t > t1) break;
        const dt = new Date(t);
        out.push([t, MONTHS[dt.getUTCMonth()] + (dt.getUTCMonth() === 0 || out.length === 0 ? ' ' + dt.getUTCFullYear() : '')]);
      }
    }
    return out;
  }

  function shortLabel(s) {
    const path = s.locations.length ? s.locations[0].path : '';
    const file = path.split(/[\\/]/).pop().replace(/@[0-9a-f]{7,}$/, '');
    const text = human(s.kind) + (file ? ' · ' + file : '');
    return text.length > 38 ? text.slice(0, 37) + '…' : text;
  }

  function drawTimeline() {
    const box = $('timeline');
    clear(box);
    const items = view.slice(0, TIMELINE_MAX);
    if (!items.length) {
      box.append(el('p', { class: 'none', text: SECRETS.length ? 'No secret matches the table\'s filters.' : 'Nothing to draw: no secrets recorded.' }));
      return;
    }
    let t0 = Math.min(...items.map((s) => s._start));
    let t1 = Math.max(NOW, ...items.map((s) => s._end));
    if (t1 - t0 < 30 * DAY) t0 = t1 - 30 * DAY;
    const margin = (t1 - t0) * 0.02;
    t0 -= margin;
    t1 += margin;
    const W = 1000, LABEL = 250, RIGHT = 20, ROW = 20, TOP = 24, BAR = 11;
    const H = TOP + items.length * ROW + 8;
    const x = (t) => LABEL + ((t - t0) / (t1 - t0)) * (W - LABEL - RIGHT);
    const root = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': 'Exposure window of each secret in the table, from first seen to removed or now' });
    const axis = svg('g', { class: 'axis' });
    for (const [t, label] of ticks(t0, t1)) {
      axis.append(svg('line', { x1: x(t), x2: x(t), y1: TOP - 6, y2: H }));
      // A label that would run off the chart or into "now" is left out; its line stays.
      const lx = x(t) + 3;
      if (lx + 7 * label.length < W && (lx > x(NOW) || lx + 7 * label.length < x(NOW) - 30)) {
        axis.append(svg('text', { x: lx, y: TOP - 10, text: label }));
      }
    }
    root.append(axis);
    const nowG = svg('g', { class: 'now' });
    nowG.append(svg('line', { x1: x(NOW), x2: x(NOW), y1: TOP - 6, y2: H }));
    nowG.append(svg('text', { x: x(NOW) - 4, y: TOP - 10, 'text-anchor': 'end', text: 'now' }));
    root.append(nowG);
    items.forEach((s, i) => {
      const y = TOP + i * ROW;
      const x0 = x(s._start);
      const x1 = Math.max(x(s._end), x0 + 3);
      const g = svg('g', { class: 'bar ' + sevClass(s.severity), tabindex: '0', 'data-id': s.id, 'data-testid': 'timeline-bar' });
      g.append(svg('rect', { class: 'row-bg', x: 0, y: y, width: W, height: ROW }));
      g.append(svg('text', { class: 'lab', x: 4, y: y + ROW / 2 + 4, text: shortLabel(s) }));
      if (s._history) {
        g.append(svg('rect', { class: 'hist', x: x1, y: y + (ROW - BAR) / 2 + 2, width: Math.max(0, x(NOW) - x1), height: BAR - 4, rx: 2 }));
      }
      g.append(svg('rect', { class: 'b', x: x0, y: y + (ROW - BAR) / 2, width: x1 - x0, height: BAR, rx: 2 }));
      if (s._ongoing) {
        const cy = y + ROW / 2;
        g.append(svg('polygon', { class: 'arrow', points: x1 + ',' + (cy - 7) + ' ' + (x1 + 8) + ',' + cy + ' ' + x1 + ',' + (cy + 7) }));
      } else {
        g.append(svg('line', { class: 'cap', x1: x1, x2: x1, y1: y + 3, y2: y + ROW - 3 }));
      }
      const endText = s._ongoing ? 'still exposed' : (s.exposure && s.exposure.end_reason === 'removed_from_head' ? 'removed from HEAD (still in history)' : 'not found by a later scan');
      g.append(svg('title', { text: s.severity + ' · ' + s._name + '\n' + s._where + '\n' + day(s._start) + ' → ' + (s._ongoing ? 'now' : day(s._end)) + ' (' + span(s._end - s._start) + '), ' + endText }));
      root.append(g);
    });
    root.addEventListener('click', (e) => {
      const g = e.target.closest('g[data-id]');
      if (g) openDetails(Number(g.getAttribute('data-id')));
    });
    root.addEventListener('keydown', (e) => {
      const g = e.target.closest('g[data-id]');
      if (g && e.key === 'Enter') openDetails(Number(g.getAttribute('data-id')));
    });
    box.append(root);
    if (view.length > items.length) {
      box.append(el('p', { class: 'hint', text: 'Showing the first ' + items.length + ' of ' + thousands(view.length) + ' secrets in the table\'s order; filter or sort the table to see others.' }));
    }
  }

  function legend() {
    const lg = $('legend');
    for (const k of SEVERITIES) lg.append(el('span', {}, [el('span', { class: 'swatch ' + sevClass(k) }), k]));
    lg.append(el('span', { text: '▶ still exposed' }));
    lg.append(el('span', { text: '| removed or no longer found' }));
    lg.append(el('span', {}, [el('span', { class: 'swatch hist sev-info' }), 'after removal: still in git history']));
  }

  // ------------------------------------------------------------------ details panel
  const KIND_TEXT = {
    azure_sas: 'A signed link to Azure Storage. The permission is inside the link itself: whoever has it can use it, with no password or sign-in.',
    azure_account_key: 'The master key of an Azure Storage account. It opens all of the account\'s data and can create new access links at will.',
    azure_connection_string: 'The settings an application uses to connect to Azure. This one carries a key or signed link, so it grants access by itself.',
    azure_service_bus_sas: 'A signed token for Azure Service Bus or Event Hubs: it lets its holder send or read messages.',
    aws_access_key: 'An Amazon Web Services access key. Together with its secret key, it lets someone act as the AWS user it belongs to.',
    aws_s3_presigned_url: 'A signed Amazon S3 link: whoever has it can use the object it points to until it expires.',
    gcs_signed_url: 'A signed Google Cloud Storage link: whoever has it can use the object it points to until it expires.',
    model_code_execution: 'A machine-learning model file that runs code on the computer of whoever loads it.',
    private_key: 'A private key: whoever holds it can pose as its owner (log in, sign, decrypt).',
  };
  function kindText(s) {
    if (KIND_TEXT[s.kind]) return KIND_TEXT[s.kind];
    if (/token|pat/.test(s.kind)) return 'An access token: whoever holds it can act as the user or app it was issued to, until it is revoked or expires.';
    if (/password|uri|url/.test(s.kind)) return 'A password or a connection address with a password in it.';
    if (/key/.test(s.kind)) return 'An API or signing key: whoever holds it can use the service as its owner.';
    return 'A credential or other secret that can let someone into a system.';
  }

  const PERM = {
    read: ['read', 'open and download data'], list: ['read', 'list everything that is stored'],
    filter: ['read', 'find data by its tags'], execute: ['read', 'walk through folders'],
    add: ['write', 'add new data'], create: ['write', 'create new files'], write: ['write', 'overwrite existing data'],
    update: ['write', 'change existing entries'], move: ['write', 'move and rename files'], tag: ['write', 'change tags'],
    set_immutability: ['write', 'change retention locks'], set_owner: ['write', 'change who owns files'],
    set_permissions: ['write', 'change access rights'],
    delete: ['delete', 'delete data'], delete_version: ['delete', 'delete old versions'],
    permanent_delete: ['delete', 'delete data permanently, past any recycle bin'], process: ['delete', 'read and remove queue messages'],
  };
  const SERVICE_TEXT = { blob: 'blob containers (files)', file: 'file shares', queue: 'message queues', table: 'tables' };

  function joinAnd(list) {
    if (list.length <= 1) return list.join('');
    return list.slice(0, -1).join(', ') + ' and ' + list[list.length - 1];
  }
  function quoted(s) { return '“' + s + '”'; }

  function sasScope(a) {
    const acct = a.account ? 'storage account ' + quoted(a.account) : 'the storage account';
    const t = a.target || {};
    const c = t.container;
    const p = t.path;
    if (a.kind === 'account') {
      const svcs = (a.services || []).map((s) => SERVICE_TEXT[s] || s);
      return 'all data in the ' + (svcs.length ? joinAnd(svcs) : 'services') + ' of ' + acct;
    }
    const full = c ? (p ? c + '/' + p : c) : null;
    switch (a.signed_resource) {
      case 'b': return full ? 'the file ' + quoted(full) + ' in ' + acct : 'one file in ' + acct;
      case 'bs': return 'a snapshot of ' + (full ? 'the file ' + quoted(full) : 'one file') + ' in ' + acct;
      case 'bv': return 'one version of ' + (full ? 'the file ' + quoted(full) : 'a file') + ' in ' + acct;
      case 'c': return 'every file in the container ' + (c ? quoted(c) : '') + ' of ' + acct;
      case 'd': return 'every file under the folder ' + (full ? quoted(full) : '') + ' in ' + acct;
      case 's': return 'everything in the file share ' + (c ? quoted(c) : '') + ' of ' + acct;
      case 'f': return 'the file ' + (full ? quoted(full) : '') + ' in a file share of ' + acct;
      default: break;
    }
    if (t.service === 'queue') return 'the queue ' + (c ? quoted(c) + ' ' : '') + 'in ' + acct;
    if (t.service === 'table') return 'the table ' + (c ? quoted(c) + ' ' : '') + 'in ' + acct;
    return full ? quoted(full) + ' in ' + acct : acct;
  }

  function sasCard(s, a, advice) {
    const perms = Array.isArray(a.permissions) ? a.permissions : [];
    const classes = new Set(perms.map((p) => (PERM[p] || ['read'])[0]));
    const verbs = [];
    if (classes.has('read')) verbs.push('read');
    if (classes.has('write')) verbs.push('change');
    if (classes.has('delete')) verbs.push('delete');
    const scope = sasScope(a);
    const expiry = a.effective_expiry || a.expiry;
    const exp = time(expiry);
    const expired = exp !== null && exp < NOW;
    let can = verbs.length ? joinAnd(verbs) : (a.stored_policy ? 'do whatever stored access policy ' + quoted(a.stored_policy) + ' allows with' : 'reach');
    let headline;
    if (expired) {
      headline = 'This link expired on ' + longDay(exp) + '. Until then, anyone who had it could ' + can + ' ' + scope + '.';
    } else {
      headline = 'Anyone who has this link can ' + can + ' ' + scope +
        (exp !== null ? ', until ' + longDay(exp) + ' (' + span(exp - NOW) + ' from now).' : ', with no end date written in the link.');
    }
    const box = el('div', { class: 'box blast ' + sevClass(a.risk === 'expired' ? 'info' : a.risk), testid: 'sas-card' });
    box.append(el('h3', { text: 'Blast radius: ' + human(a.kind) + ' SAS, rated ' + human(a.risk).toUpperCase() }));
    box.append(el('p', { class: 'headline', testid: 'sas-headline', text: headline }));
    const dl = el('dl', { class: 'facts' });
    const fact = (k, v) => { dl.append(el('dt', { text: k })); dl.append(v instanceof Node ? el('dd', {}, [v]) : el('dd', { text: v })); };
    fact('Who', 'Anyone with the link: no account, password or sign-in needed' +
      (a.ip_range ? ', but only from IP addresses ' + a.ip_range + '.' : ', from anywhere on the internet.'));
    if (perms.length) fact('Can', el('ul', {}, [...new Set(perms.map((p) => (PERM[p] || [null, human(p)])[1]))].map((t) => el('li', { text: t }))));
    else fact('Can', a.stored_policy ? 'Unknown: the permissions are kept on the server in stored access policy ' + quoted(a.stored_policy) + '.' : 'Nothing: the link grants no permission.');
    fact('Which data', scope.charAt(0).toUpperCase() + scope.slice(1) + '.' +
      (a.kind === 'account' && (a.resource_types || []).includes('service') ? ' Including account-level settings.' : ''));
    let until;
    if (exp === null) until = 'No expiry in the link: a stored access policy on the server decides, or it never ends.';
    else if (expired) until = longDay(exp) + ': expired.';
    else {
      until = longDay(exp) + ', ' + span(exp - NOW) + ' from now';
      const st = time(a.start);
      if (st !== null && exp - st > 365 * DAY) until += ' (valid for ' + span(exp - st) + ' in all)';
      until += '.';
    }
    fact('Until', until);
    const proto = a.protocol || '';
    fact('Connection', proto === 'https' ? 'Encrypted HTTPS only.' : 'Also over plain, unencrypted HTTP: anyone on the network path can read the link in transit.');
    const sig = { valid: 'Checked against the account key: genuine.', invalid: 'Does not match the account key leakscope was given: forged, or signed by a key that has since been rotated.', unknown: 'Not checked (no account key was given to compare with).' };
    fact('Signature', sig[a.signature] || String(a.signature || 'unknown'));
    if (Array.isArray(a.reasons) && a.reasons.length) fact('Why ' + human(a.risk), el('ul', {}, a.reasons.map((r) => el('li', { text: r }))));
    if (advice && advice.revoke) fact('Shut it off', advice.revoke.charAt(0).toUpperCase() + advice.revoke.slice(1) + '.');
    if (advice && advice.instead) fact('Safer instead', advice.instead.charAt(0).toUpperCase() + advice.instead.slice(1) + '.');
    box.append(dl);
    box.append(el('p', { class: 'glossary', text: 'What is a SAS? A shared access signature is a web link to Azure Storage with a permission slip built in. Whoever holds the link gets exactly the access written into it, without signing in. A single link cannot be switched off by itself: it stops working when it expires, or when the storage account key that signed it is replaced.' }));
    return box;
  }

  function genericAnalysisCard(s, a, advice) {
    const box = el('div', { class: 'box blast ' + sevClass(s.severity), testid: 'analysis-card' });
    const isModel = s.kind === 'model_code_execution';
    box.append(el('h3', { text: isModel ? 'What loading this file would do' : 'Blast radius' }));
    const dl = el('dl', { class: 'facts' });
    const fact = (k, v) => { dl.append(el('dt', { text: k })); dl.append(v instanceof Node ? el('dd', {}, [v]) : el('dd', { text: v })); };
    if (advice && advice.who) fact('Who', advice.who.charAt(0).toUpperCase() + advice.who.slice(1) + '.');
    if (advice && advice.until) fact('Until', advice.until.charAt(0).toUpperCase() + advice.until.slice(1) + '.');
    if (isModel) {
      if (a.format) fact('Format', String(a.format));
      if (a.verdict) fact('Verdict', String(a.verdict));
      if (Array.isArray(a.calls) && a.calls.length) fact('Would run', el('ul', {}, a.calls.map((c) => el('li', { class: 'kv', text: c }))));
      else if (Array.isArray(a.globals) && a.globals.length) fact('Imports', el('ul', {}, a.globals.map((c) => el('li', { class: 'kv', text: c }))));
    }
    if (Array.isArray(a.endpoints) && a.endpoints.length) fact('Endpoints', el('ul', {}, a.endpoints.map((c) => el('li', { class: 'kv', text: c }))));
    if (Array.isArray(a.reasons) && a.reasons.length) fact('Why', el('ul', {}, a.reasons.map((r) => el('li', { text: r }))));
    if (advice && advice.revoke) fact('Shut it off', advice.revoke.charAt(0).toUpperCase() + advice.revoke.slice(1) + '.');
    if (advice && advice.instead) fact('Safer instead', advice.instead.charAt(0).toUpperCase() + advice.instead.slice(1) + '.');
    if (isModel) fact('What to do', 'Do not load it. Replace it with a copy from a trusted source, or a format that cannot run code (safetensors).');
    if (!dl.children.length) return null;
    box.append(dl);
    return box;
  }

  function analysisCard(s) {
    const a = s.analysis;
    if (!a || typeof a !== 'object') return null;
    if (a.type === 'azure_sas' || (s.kind === 'azure_sas' && a.permissions)) return sasCard(s, a, s.advice);
    if (a.type === 'azure_connection_string' && a.sas && typeof a.sas === 'object') {
      const card = sasCard(s, a.sas, s.advice);
      return card;
    }
    return genericAnalysisCard(s, a, s.advice);
  }

  function occurrences(s) {
    const box = el('div', { class: 'box', testid: 'occurrences' });
    box.append(el('h3', { text: 'Where it was found (' + plural(s.locations.length, 'place') + ')' }));
    const ul = el('ul', { class: 'occ' });
    for (const o of s.locations) {
      const li = el('li', { testid: 'occurrence' });
      const head = el('div', { class: 'loc', text: loc(o) });
      const g = o.git;
      if (g && g.present_at_head === true) head.append(el('span', { class: 'tag head', text: 'at HEAD' }));
      if (g && g.present_at_head === false) head.append(el('span', { class: 'tag gone', text: 'removed from HEAD, still in history' }));
      if (Array.isArray(o.decoders) && o.decoders.length) head.append(el('span', { class: 'tag', text: 'found after decoding ' + o.decoders.join(', ') }));
      li.append(head);
      if (g && typeof g === 'object') {
        const commit = String(g.commit || '').slice(0, 12);
        li.append(el('div', { class: 'git', testid: 'occurrence-git', text: 'Added in commit ' + commit + ' by ' + (g.author || 'unknown') + ' on ' + day(g.date) + (g.summary ? ': ' + quoted(g.summary) : '') }));
        if (g.first_seen) li.append(el('div', { class: 'git', text: 'In history from ' + day(g.first_seen) + ' to ' + day(g.last_seen) }));
      }
      li.append(el('div', { class: 'seen', text: 'Found by scans from ' + day(o.first_seen) + ' to ' + day(o.last_seen) }));
      ul.append(li);
    }
    box.append(ul);
    return box;
  }

  function exposureBox(s) {
    const box = el('div', { class: 'box' });
    box.append(el('h3', { text: 'Exposure' }));
    const e = s.exposure || {};
    let text = 'First seen ' + longDay(s._start) + '. ';
    if (s._ongoing) text += 'Still there as of ' + longDay(NOW) + ': exposed for ' + span(NOW - s._start) + ' so far.';
    else if (e.end_reason === 'removed_from_head') text += 'Removed from the current code after ' + longDay(s._end) + ' (' + span(s._end - s._start) + '), but still in the git history: anyone with a clone still has it. Removing it does not make it safe; revoking it does.';
    else text += 'Last found on ' + longDay(s._end) + ' (' + span(s._end - s._start) + '); a later scan of the same place did not find it.';
    box.append(el('p', { text }));
    if (s.validation) {
      const v = s.validation;
      const dl = el('dl', { class: 'facts' });
      dl.append(el('dt', { text: 'Live check' }));
      dl.append(el('dd', {}, [el('span', { class: 'badge v-' + s._val, text: v.status }), s.validated_at ? ' on ' + day(s.validated_at) : '']));
      for (const k of Object.keys(v)) {
        if (k === 'status' || k === 'access') continue;
        dl.append(el('dt', { text: human(k) }));
        dl.append(el('dd', { class: 'kv', text: typeof v[k] === 'string' ? v[k] : JSON.stringify(v[k]) }));
      }
      box.append(dl);
    }
    return box;
  }

  function sizeText(n) {
    if (typeof n !== 'number') return 'unknown';
    const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
    let v = n, i = 0;
    while (v >= 1000 && i < units.length - 1) { v /= 1000; i += 1; }
    return (i === 0 ? String(v) : v.toFixed(1)) + ' ' + units[i];
  }

  // What a live Azure credential reaches (validation.access), from listings only.
  function reachBox(s) {
    const a = s.validation && s.validation.access;
    if (!a || typeof a !== 'object') return null;
    const box = el('div', { class: 'box', testid: 'reach' });
    box.append(el('h3', { text: 'What it reaches right now' }));
    const cs = Array.isArray(a.containers) ? a.containers : [];
    const pub = cs.filter((c) => c.public_access === 'blob' || c.public_access === 'container').length;
    const models = cs.reduce((n, c) => n + (typeof c.model_file_count === 'number' ? c.model_file_count : 0), 0);
    let text = 'The storage service answered this credential and listed ' + plural(cs.length, 'container') + ' holding ' +
      plural(typeof a.total_blobs === 'number' ? a.total_blobs : 0, 'file') + ' (' + sizeText(a.total_bytes) + ').';
    if (pub) text += ' ' + plural(pub, 'container is', 'containers are') + ' open to anyone on the internet, without any key.';
    if (models) text += ' ' + plural(models, 'file looks', 'files look') + ' like a machine-learning model: whoever can write here can replace it with one that runs code on every user who loads it.';
    if (a.complete === false) text += ' The listing stopped after ' + plural(a.requests || 0, 'request') + ' (--max-requests), so there may be more.';
    box.append(el('p', { testid: 'reach-summary', text }));
    if (cs.length) {
      const rows = cs.map((c) => el('tr', {}, [
        el('td', { class: 'kv', text: c.name }),
        el('td', { class: 'num', text: typeof c.blobs === 'number' ? thousands(c.blobs) : 'not listed' }),
        el('td', { class: 'num', text: sizeText(c.bytes) }),
        el('td', { text: c.public_access === 'container' ? 'public: list and read' : c.public_access === 'blob' ? 'public: read' : c.public_access === 'private' ? 'private' : 'unknown' }),
        el('td', { class: 'kv', text: (c.model_files || []).join(', ') + ((c.model_file_count || 0) > (c.model_files || []).length ? ' …' : '') }),
      ]));
      box.append(el('table', { class: 'reach' }, [
        el('thead', {}, [el('tr', {}, ['Container', 'Files', 'Size', 'Access', 'Model files'].map((h) => el('th', { text: h })))]),
        el('tbody', {}, rows),
      ]));
    }
    for (const [key, label] of [['queues', 'Queues'], ['tables', 'Tables'], ['shares', 'File shares']]) {
      const list = a[key];
      if (Array.isArray(list) && list.length) {
        box.append(el('p', { text: label + ': ' + list.map((q) => q.name + (typeof q.messages === 'number' ? ' (' + plural(q.messages, 'message') + ')' : '')).join(', ') }));
      }
    }
    return box;
  }

  function triage(s) {
    const box = el('div', { class: 'box', testid: 'triage' });
    box.append(el('h3', { text: 'Triage' }));
    box.append(el('p', {}, ['Status: ', statusBadge(s.status), s.note ? ' — ' + s.note : '']));
    if (s.status_history.length) {
      box.append(el('ol', { class: 'history' }, s.status_history.map((h) => el('li', { text: day(h.at) + ': ' + (STATUS_LABEL[h.status] || h.status) + (h.note ? ' — ' + h.note : '') }))));
    } else {
      box.append(el('p', { class: 'hint', text: 'Never triaged: open since it was first found.' }));
    }
    box.append(el('code', { class: 'cmd', text: 'leakscope findings set-status ' + s.id + ' revoked --note "rotated on …"' }));
    return box;
  }

  function identity(s) {
    const box = el('div', { class: 'box' });
    box.append(el('h3', { text: 'Identity' }));
    const dl = el('dl', { class: 'facts' });
    const fact = (k, v, cls) => { dl.append(el('dt', { text: k })); dl.append(el('dd', { class: cls || '', text: v })); };
    fact('Shown as', s.secret_redacted, 'kv');
    fact('Fingerprint', s.fingerprint, 'kv');
    fact('Rule', s.rule_id + (s.rule_name ? ' (' + s.rule_name + ')' : ''));
    fact('Seen by', plural(s.scans, 'scan') + ', ' + day(s.first_seen) + ' to ' + day(s.last_seen));
    box.append(dl);
    return box;
  }

  let lastFocus = null;
  function openDetails(id) {
    const s = byId.get(id);
    if (!s) return;
    lastFocus = document.activeElement;
    const body = $('d-body');
    clear(body);
    const head = el('div', { class: 'd-head' }, [
      el('div', { class: 'badges' }, [sevBadge(s.severity), statusBadge(s.status), el('span', { class: 'badge v-' + s._val, text: VALIDATION_SHORT[s._val] })]),
      el('h2', { id: 'd-title', text: s._name, testid: 'details-title' }),
      el('p', { class: 'what', text: kindText(s) }),
    ]);
    body.append(head);
    for (const part of [analysisCard(s), reachBox(s), exposureBox(s), occurrences(s), triage(s), identity(s)]) if (part) body.append(part);
    $('overlay').hidden = false;
    document.body.style.overflow = 'hidden';
    $('drawer').scrollTop = 0;
    $('drawer').focus();
  }
  function closeDetails() {
    if ($('overlay').hidden) return;
    $('overlay').hidden = true;
    document.body.style.overflow = '';
    if (lastFocus && lastFocus.focus) lastFocus.focus();
  }
  $('d-close').addEventListener('click', closeDetails);
  $('overlay').addEventListener('click', (e) => { if (e.target === $('overlay')) closeDetails(); });
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape') closeDetails(); });

  // ------------------------------------------------------------------ go
  header();
  cards();
  legend();
  setupFilters();
  update();
  document.body.setAttribute('data-ready', 'true');
})();
