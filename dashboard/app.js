// The audit dashboard: one page over the public API, no framework (the DOM
// is small and built with one helper; a view library would be most of the
// page weight). Every string from the API goes in through textContent or
// attributes, never as HTML. The API key lives in sessionStorage only.
const KEY = 'audit.key';
const API = '/api/v1';
const $ = (id) => document.getElementById(id);

/** h('p', {class: 'x', onclick: f}, 'text', child) */
function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v == null) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const kid of kids.flat()) if (kid != null && kid !== false) el.append(kid instanceof Node ? kid : String(kid));
  return el;
}

class HttpError extends Error {
  constructor(status, body, headers) {
    super(body?.error?.message || body?.error || `HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.retryAfter = Number(headers.get('retry-after') || body?.retry_after || 0);
  }
}

// view: 'findings' (one row per finding) or 'rules' (grouped by rule).
const state = { key: sessionStorage.getItem(KEY), me: null, org: null, project: null, from: '', to: '', view: 'findings', findings: { cursor: null, stack: [], seq: 0 }, polling: new Set() };
// The findings filters; like the period and the view they live in the URL query.
const FILTERS = ['status', 'severity', 'domain', 'rule_id'];
const filters = { status: '', severity: '', domain: '', rule_id: '', sort: 'priority' };

async function api(path, { method = 'GET', body, raw } = {}) {
  const headers = { authorization: `Bearer ${state.key}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(API + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (raw && r.ok) return r;
  const json = await r.json().catch(() => null);
  if (!r.ok) throw new HttpError(r.status, json, r.headers);
  return json;
}
const proj = (p = '') => `/orgs/${encodeURIComponent(state.org)}/projects/${encodeURIComponent(state.project)}/audit${p}`;
const canWrite = () => state.me?.scopes?.includes('audit:write');

function say(text, kind = 'info') {
  const s = $('status');
  s.replaceChildren(text ? h('p', { class: `msg ${kind}` }, text) : '');
}

/** Every failure ends here: 401 signs out, 429 says when to retry. */
function fail(e) {
  if (e instanceof HttpError && e.status === 401) {
    signOut('Your API key was not accepted (it may be revoked or mistyped). Sign in again.');
  } else if (e instanceof HttpError && e.status === 429) {
    const at = new Date(Date.now() + e.retryAfter * 1000).toLocaleTimeString();
    say(`Too many requests: retry in ${e.retryAfter} s (after ${at}).`, 'error');
  } else if (e instanceof HttpError && e.status === 403) {
    say(`Not allowed: ${e.message}`, 'error');
  } else {
    say(e instanceof HttpError ? `Request failed (${e.status}): ${e.message}` : `Request failed: ${e.message}`, 'error');
  }
}

// ---- URL <-> state -------------------------------------------------------
function readUrl() {
  const m = location.pathname.match(/^\/dashboard\/orgs\/([^/]+)\/projects\/([^/]+)\/?$/);
  state.org = m ? decodeURIComponent(m[1]) : null;
  state.project = m ? decodeURIComponent(m[2]) : null;
  const q = new URLSearchParams(location.search);
  state.from = q.get('date_from') || '';
  state.to = q.get('date_to') || '';
  state.view = q.get('view') === 'rules' ? 'rules' : 'findings';
  for (const k of FILTERS) filters[k] = q.get(k) || '';
  filters.sort = q.get('sort') === 'recency' ? 'recency' : 'priority';
}
function dashUrl(org = state.org, project = state.project) {
  const q = new URLSearchParams();
  if (state.from) q.set('date_from', state.from);
  if (state.to) q.set('date_to', state.to);
  if (state.view === 'rules') q.set('view', 'rules');
  for (const k of FILTERS) if (filters[k]) q.set(k, filters[k]);
  if (filters.sort !== 'priority') q.set('sort', filters.sort);
  const qs = q.toString();
  return `/dashboard/orgs/${encodeURIComponent(org)}/projects/${encodeURIComponent(project)}${qs ? `?${qs}` : ''}`;
}
function go(org, project, from = state.from, to = state.to) {
  // Another project starts from its plain findings list.
  if (org !== state.org || project !== state.project) {
    state.view = 'findings';
    Object.assign(filters, { status: '', severity: '', domain: '', rule_id: '', sort: 'priority' });
  }
  state.from = from;
  state.to = to;
  history.pushState(null, '', dashUrl(org, project));
  route();
}
/** A change of the findings view or filters: a history entry (so back and a
 * shared link show it), but only the findings section reloads. */
function goFindings(change, focusId) {
  if (change.view) state.view = change.view;
  Object.assign(filters, change.filters || {});
  history.pushState(null, '', dashUrl());
  state.findings.stack = [];
  loadFindings(null, focusId);
}
addEventListener('popstate', () => route());

// ---- sign-in --------------------------------------------------------------
function signOut(message) {
  sessionStorage.removeItem(KEY);
  state.key = null;
  state.me = null;
  route(message);
}

function signInView(message) {
  $('session').replaceChildren();
  $('title').textContent = 'Sign in';
  const input = h('input', { id: 'key', name: 'key', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true });
  const form = h(
    'form',
    { class: 'card signin', onsubmit: (ev) => {
      ev.preventDefault();
      state.key = input.value.trim();
      sessionStorage.setItem(KEY, state.key);
      route();
    } },
    h('label', { for: 'key' }, 'API key'),
    h('p', { class: 'hint', id: 'key-hint' }, 'Create one with npm run keys -- create. It is kept in this tab only (sessionStorage).'),
    input,
    h('button', { type: 'submit' }, 'Sign in'),
  );
  input.setAttribute('aria-describedby', 'key-hint');
  $('app').replaceChildren(form);
  say(message || '', message ? 'error' : 'info');
  input.focus();
}

async function route(message) {
  readUrl();
  if (!state.key) return signInView(message);
  try {
    if (!state.me) state.me = (await api('/key')).data;
  } catch (e) {
    if (e instanceof HttpError && e.status === 401) return signOut('Your API key was not accepted (it may be revoked or mistyped). Sign in again.');
    return fail(e);
  }
  sessionView();
  if (!state.org || state.org !== state.me.org_id) return chooseProject();
  say('');
  dashboardView();
}

function sessionView() {
  const me = state.me;
  $('session').replaceChildren(
    h('p', { class: 'who' }, `Signed in as ${me.name || me.prefix} (${canWrite() ? 'read and write' : 'read-only'})`),
    h('button', { type: 'button', class: 'secondary', onclick: () => signOut('Signed out.') }, 'Sign out'),
  );
}

async function chooseProject() {
  $('title').textContent = 'Choose a project';
  let projects = [];
  try {
    projects = (await api(`/orgs/${state.me.org_id}/projects`)).data;
  } catch (e) {
    return fail(e);
  }
  const input = h('input', { id: 'project-name', name: 'project', pattern: '[a-z0-9][a-z0-9_\\-]{0,63}', required: true, value: 'production-website' });
  $('app').replaceChildren(
    h('section', { class: 'card', 'aria-labelledby': 'p-h' },
      h('h2', { id: 'p-h' }, 'Projects this org has scanned'),
      projects.length
        ? h('ul', {}, projects.map((p) => h('li', {}, h('a', { href: `/dashboard/orgs/${state.me.org_id}/projects/${p.project_id}`, onclick: (ev) => { ev.preventDefault(); go(state.me.org_id, p.project_id); } }, p.project_id), ` — ${p.scans} scans, last ${fmtTime(p.last_scan_at)}`)))
        : h('p', {}, 'No scans yet.'),
      h('form', { onsubmit: (ev) => { ev.preventDefault(); go(state.me.org_id, input.value); } },
        h('label', { for: 'project-name' }, 'Project id'), input, h('button', { type: 'submit' }, 'Open'))),
  );
}

// ---- formatting -----------------------------------------------------------
const fmtTime = (t) => (t ? new Date(t).toISOString().replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC') : '—');
const SEVS = ['critical', 'high', 'medium', 'low', 'info'];
const DOMS = ['security', 'performance', 'accessibility'];
const STATUSES = ['new', 'acknowledged', 'in_progress', 'resolved', 'ignored'];
const label = (s) => s.replace('_', ' ');
/** A wide table in a box that scrolls sideways on narrow screens; the box is
 * focusable and named so keyboard users can scroll it too. */
const scroller = (name, table) => h('div', { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': name }, table);
const badge = (text, kind) => h('span', { class: `badge ${kind || text}` }, label(text));

function select(id, text, options, value, { any } = {}) {
  const s = h('select', { id, name: id },
    any ? h('option', { value: '' }, any) : null,
    options.map((o) => h('option', { value: o, selected: o === value }, label(o))));
  return [h('label', { for: id }, text), s];
}

// ---- the dashboard --------------------------------------------------------
function dashboardView() {
  $('title').textContent = `Project ${state.project}`;
  const sections = [
    ['overview', 'Overview'], ['trend', 'Trend'], ['priorities', 'Top priorities'],
    ['findings', 'Findings'], ['scans', 'Scans'], ['schedules', 'Schedules'],
  ];
  const from = h('input', { id: 'date_from', name: 'date_from', type: 'date', value: state.from });
  const to = h('input', { id: 'date_to', name: 'date_to', type: 'date', value: state.to });
  const projectInput = h('input', { id: 'switch-project', name: 'project', value: state.project, list: 'project-list', pattern: '[a-z0-9][a-z0-9_\\-]{0,63}', required: true });
  const datalist = h('datalist', { id: 'project-list' });
  state.findings.stack = [];
  $('app').replaceChildren(
    h('nav', { 'aria-label': 'Sections', class: 'sections' }, h('ul', {}, sections.map(([id, t]) => h('li', {}, h('a', { href: `#${id}` }, t))))),
    h('div', { class: 'controls' },
      h('form', { class: 'inline', 'aria-label': 'Period', onsubmit: (ev) => { ev.preventDefault(); go(state.org, state.project, from.value, to.value); } },
        h('label', { for: 'date_from' }, 'From'), from, h('label', { for: 'date_to' }, 'To'), to, h('button', { type: 'submit' }, 'Apply period')),
      h('form', { class: 'inline', 'aria-label': 'Project', onsubmit: (ev) => { ev.preventDefault(); go(state.org, projectInput.value, '', ''); } },
        h('label', { for: 'switch-project' }, 'Project'), projectInput, datalist, h('button', { type: 'submit', class: 'secondary' }, 'Switch'))),
    ...sections.map(([id, t]) => h('section', { id, 'aria-labelledby': `${id}-h`, class: 'card' }, h('h2', { id: `${id}-h` }, t), h('div', { id: `${id}-body` }, h('p', { class: 'hint' }, 'Loading…')))),
  );
  api(`/orgs/${state.org}/projects`).then((r) => datalist.replaceChildren(...r.data.map((p) => h('option', { value: p.project_id })))).catch(() => {});
  loadCommandCenter();
  loadFindings(null);
  loadScans();
  loadSchedules();
}

async function loadCommandCenter() {
  const q = new URLSearchParams();
  if (state.from) q.set('date_from', state.from);
  if (state.to) q.set('date_to', state.to);
  let cc;
  try {
    cc = (await api(proj(`/command-center?${q}`))).data;
  } catch (e) {
    if (e instanceof HttpError && e.status === 422) {
      $('overview-body').replaceChildren(h('p', { class: 'msg error' }, `That period is not valid: ${Object.values(e.body?.error?.details || {}).join('; ') || e.message}`));
      return;
    }
    return fail(e);
  }
  const impact = cc.expected_impact;
  const latest = cc.latest_scan;
  $('overview-body').replaceChildren(
    h('p', { class: 'period' }, `Period ${cc.period.from} to ${cc.period.to} (UTC days)`),
    h('dl', { class: 'stats' },
      h('div', {}, h('dt', {}, 'Health score'), h('dd', { id: 'health-score', class: 'big' }, String(cc.health_score))),
      h('div', {}, h('dt', {}, 'Unresolved'), h('dd', { id: 'unresolved', class: 'big' }, String(cc.unresolved_findings))),
      h('div', {}, h('dt', {}, 'Critical'), h('dd', { id: 'critical', class: 'big' }, String(cc.critical_findings)))),
    scroller('Unresolved by domain and severity', h('table', {},
      h('caption', {}, 'Unresolved by domain and severity'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Domain'), SEVS.map((s) => h('th', { scope: 'col' }, s)))),
      h('tbody', {}, DOMS.map((d) => h('tr', {}, h('th', { scope: 'row' }, d), SEVS.map((s) => h('td', {}, String(cc.unresolved_by_domain?.[d]?.[s] ?? 0)))))))),
    h('h3', {}, 'Expected impact (a projection, not a measurement)'),
    h('ul', {},
      h('li', {}, `Core Web Vitals improvement: ${impact.cwv_improvement_pct}%`),
      h('li', {}, `Security risk reduction: ${impact.security_risk_reduction_pct}%`),
      h('li', {}, `Regression risk: ${impact.regression_risk_pct}%`)),
    h('p', {}, 'Latest scan: ', latest ? [badge(latest.status), ` ${fmtTime(latest.inserted_at)}`] : 'none yet'),
  );
  $('trend-body').replaceChildren(chart(cc.trend?.daily || []));
  $('priorities-body').replaceChildren(
    cc.top_priorities.length
      ? h('ol', { class: 'priorities' }, cc.top_priorities.map((f) => h('li', {},
        h('p', {}, badge(f.severity), ' ', h('strong', {}, f.title), ` — priority ${f.priority.score}, about ${f.recommended_fix.estimated_minutes} min`),
        h('p', {}, f.recommended_fix.summary),
        h('ol', { class: 'steps' }, f.recommended_fix.steps.map((s) => h('li', {}, s))))))
      : h('p', {}, 'Nothing unresolved in this period.'),
  );
}

/** A hand-made SVG chart: two bars per day. The numbers are also a table. */
function chart(days) {
  const NS = 'http://www.w3.org/2000/svg';
  const s = (tag, attrs = {}, ...kids) => {
    const el = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    el.append(...kids);
    return el;
  };
  const W = 640, H = 200, pad = 24;
  const max = Math.max(1, ...days.map((d) => Math.max(d.new_findings, d.resolved_findings)));
  const bw = (W - pad * 2) / Math.max(1, days.length);
  const y = (n) => H - pad - (n / max) * (H - pad * 2);
  const totalNew = days.reduce((a, d) => a + d.new_findings, 0);
  const totalRes = days.reduce((a, d) => a + d.resolved_findings, 0);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'trend-title', class: 'chart' },
    s('title', { id: 'trend-title' }, `New and resolved findings per day: ${totalNew} new, ${totalRes} resolved over ${days.length} days`),
    s('line', { x1: pad, x2: W - pad, y1: H - pad, y2: H - pad, class: 'axis' }),
    s('text', { x: pad, y: 14, class: 'tick' }, `max ${max}/day`),
    ...days.flatMap((d, i) => {
      const x = pad + i * bw;
      const w = Math.max(1, bw / 2 - 1);
      return [
        s('rect', { x, y: y(d.new_findings), width: w, height: H - pad - y(d.new_findings), class: 'bar-new' }),
        s('rect', { x: x + w + 1, y: y(d.resolved_findings), width: w, height: H - pad - y(d.resolved_findings), class: 'bar-resolved' }),
      ];
    }),
    days.length ? s('text', { x: pad, y: H - 6, class: 'tick' }, days[0].date) : '',
    days.length > 1 ? s('text', { x: W - pad, y: H - 6, class: 'tick end' }, days[days.length - 1].date) : '',
  );
  return h('figure', {},
    svg,
    h('figcaption', {}, h('span', { class: 'key key-new' }, 'New'), ' ', h('span', { class: 'key key-resolved' }, 'Resolved')),
    h('details', {}, h('summary', {}, 'Show the numbers'),
      scroller('New and resolved per day', h('table', { id: 'trend-table' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Day'), h('th', { scope: 'col' }, 'New'), h('th', { scope: 'col' }, 'Resolved'))),
        h('tbody', {}, days.map((d) => h('tr', {}, h('th', { scope: 'row' }, d.date), h('td', {}, String(d.new_findings)), h('td', {}, String(d.resolved_findings)))))))));
}

// ---- findings ------------------------------------------------------------
/** The switch between one row per finding and one row per rule: two toggle
 * buttons (aria-pressed) in a named group. */
const viewSwitch = () => h('div', { class: 'switch', role: 'group', 'aria-label': 'Findings view' },
  [['findings', 'Findings'], ['rules', 'By rule']].map(([v, t]) => h('button', {
    type: 'button', id: `view-${v}`, class: 'secondary', 'aria-pressed': String(state.view === v),
    onclick: () => { if (state.view !== v) goFindings({ view: v }, `view-${v}`); },
  }, t)));

/** The filter form; the grouped view has its own order, so no sort there. */
function filterForm() {
  const rule = h('input', { id: 'f-rule', name: 'rule_id', value: filters.rule_id, placeholder: 'e.g. csp' });
  const form = h('form', { class: 'filters', 'aria-label': 'Filter findings', onsubmit: (ev) => {
    ev.preventDefault();
    const next = { rule_id: rule.value.trim() };
    for (const k of ['status', 'severity', 'domain', 'sort']) {
      const el = form.querySelector(`#f-${k}`);
      if (el) next[k] = el.value;
    }
    goFindings({ filters: next });
  } },
  h('div', {}, ...select('f-status', 'Status', STATUSES, filters.status, { any: 'Any status' })),
  h('div', {}, ...select('f-severity', 'Severity', SEVS, filters.severity, { any: 'Any severity' })),
  h('div', {}, ...select('f-domain', 'Domain', DOMS, filters.domain, { any: 'Any domain' })),
  h('div', {}, h('label', { for: 'f-rule' }, 'Rule'), rule),
  state.view === 'findings' ? h('div', {}, ...select('f-sort', 'Sort', ['priority', 'recency'], filters.sort)) : null,
  h('button', { type: 'submit' }, 'Apply filters'));
  return form;
}

function filterQuery() {
  const q = new URLSearchParams();
  for (const k of FILTERS) if (filters[k]) q.set(k, filters[k]);
  return q;
}

/** Renders the findings section in the current view. Only the latest call
 * renders (a slow answer must not replace a newer view); focusId is the
 * control to give focus back to after the re-render. */
async function loadFindings(cursor, focusId) {
  const seq = ++state.findings.seq;
  const q = filterQuery();
  if (state.view === 'rules') q.set('group_by', 'rule');
  else {
    q.set('limit', '10');
    q.set('sort', filters.sort);
    if (cursor) q.set('cursor', cursor);
  }
  let page;
  try {
    page = await api(proj(`/findings?${q}`));
  } catch (e) {
    return fail(e);
  }
  if (seq !== state.findings.seq) return;
  const view = state.view === 'rules' ? groupsTable(page.data) : findingsTable(page, cursor);
  $('findings-body')?.replaceChildren(viewSwitch(), filterForm(), ...view.filter(Boolean));
  if (focusId) $(focusId)?.focus();
}

/** One row per rule, most affected URLs first (the API's order). The rule
 * button opens the findings of that rule, one per URL, to triage. */
function groupsTable(groups) {
  const rows = groups.map((g) => h('tr', {},
    h('th', { scope: 'row' },
      h('button', { type: 'button', class: 'link', 'data-rule': g.rule_id, 'aria-describedby': `g-${g.rule_id}`, onclick: () => goFindings({ view: 'findings', filters: { rule_id: g.rule_id } }, 'findings-region') }, g.title),
      h('code', { class: 'rule-id', id: `g-${g.rule_id}` }, g.rule_id)),
    h('td', {}, badge(g.worst_severity)),
    h('td', {}, String(g.urls)),
    h('td', {}, String(g.top_score)),
    h('td', {}, h('ul', { class: 'urls' },
      g.examples.map((e) => h('li', {}, e.url)),
      g.urls > g.examples.length ? h('li', { class: 'hint' }, `and ${g.urls - g.examples.length} more`) : null))));
  return [scroller('Findings by rule', h('table', { id: 'groups-table' },
    h('caption', {}, `${groups.length} rules, most affected URLs first; choose a rule to triage its findings`),
    h('thead', {}, h('tr', {}, ['Rule', 'Worst severity', 'URLs', 'Top score', 'Example URLs'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows))),
  groups.length ? null : h('p', {}, 'No findings match these filters.')];
}

function findingsTable(page, cursor) {
  const rows = page.data.map((f) => h('tr', {},
    h('td', {}, badge(f.severity)),
    // The URL tells apart the findings of one rule (one per URL).
    h('td', {}, h('button', { type: 'button', class: 'link', 'aria-expanded': 'false', 'aria-describedby': `u-${f.id}`, onclick: (ev) => toggleFinding(ev.currentTarget, f) }, f.title),
      h('span', { class: 'url', id: `u-${f.id}` }, f.affected_assets?.[0]?.value || '')),
    h('td', {}, f.domain),
    h('td', {}, badge(f.status)),
    h('td', {}, String(f.priority.score)),
    h('td', {}, f.owner_id || '—')));
  const pager = h('div', { class: 'pager' },
    h('button', { type: 'button', class: 'secondary', disabled: state.findings.stack.length === 0, onclick: () => loadFindings(state.findings.stack.pop() ?? null) }, 'Previous page'),
    h('button', { type: 'button', class: 'secondary', disabled: !page.meta.next_cursor, onclick: () => { state.findings.stack.push(cursor); loadFindings(page.meta.next_cursor); } }, 'Next page'));
  const region = scroller('Findings table', h('table', { id: 'findings-table' },
    h('caption', {}, `${page.data.length} findings on this page${filters.rule_id ? ` (rule ${filters.rule_id})` : ''}`),
    h('thead', {}, h('tr', {}, ['Severity', 'Title', 'Domain', 'Status', 'Priority', 'Owner'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows)));
  region.id = 'findings-region';
  return [region, pager];
}

async function toggleFinding(button, f) {
  const row = button.closest('tr');
  if (row.nextElementSibling?.classList.contains('detail')) {
    row.nextElementSibling.remove();
    button.setAttribute('aria-expanded', 'false');
    return;
  }
  let full;
  try {
    full = (await api(proj(`/findings/${f.id}`))).data;
  } catch (e) {
    return fail(e);
  }
  button.setAttribute('aria-expanded', 'true');
  const id = `t-${f.id}`;
  const detail = h('div', { class: 'detail-body' },
    h('p', {}, full.description || ''),
    h('p', {}, `Fix: ${full.recommended_fix.summary} (about ${full.recommended_fix.estimated_minutes} min)`),
    h('ol', { class: 'steps' }, full.recommended_fix.steps.map((s) => h('li', {}, s))),
    h('h3', {}, 'History'),
    full.history.length
      ? h('ul', { class: 'history' }, full.history.map((e) => h('li', {}, `${fmtTime(e.at)} ${e.actor}: ${e.field} ${e.from ?? '—'} → ${e.to ?? '—'}${e.note ? ` (“${e.note}”)` : ''}`)))
      : h('p', {}, 'No changes yet.'));
  if (canWrite()) {
    const owner = h('input', { id: `${id}-owner`, name: 'owner_id', value: full.owner_id || '' });
    const note = h('textarea', { id: `${id}-note`, name: 'note', rows: 2, maxlength: 2000 });
    const [sl, ss] = select(`${id}-status`, 'Status', STATUSES, full.status);
    detail.append(h('form', { class: 'triage', 'aria-label': `Triage ${full.title}`, onsubmit: async (ev) => {
      ev.preventDefault();
      const patch = {};
      if (ss.value !== full.status) patch.status = ss.value;
      if ((owner.value.trim() || null) !== (full.owner_id || null)) patch.owner_id = owner.value.trim() || null;
      if (note.value.trim()) patch.note = note.value.trim();
      try {
        await api(proj(`/findings/${f.id}`), { method: 'PATCH', body: patch });
        say(`Saved: ${full.title}`);
        state.findings.stack = [];
        loadFindings(null);
        loadCommandCenter();
      } catch (e) {
        fail(e);
      }
    } },
    h('div', {}, sl, ss), h('div', {}, h('label', { for: `${id}-owner` }, 'Owner'), owner),
    h('div', {}, h('label', { for: `${id}-note` }, 'Note'), note), h('button', { type: 'submit' }, 'Save triage')));
  }
  row.after(h('tr', { class: 'detail' }, h('td', { colspan: 6 }, detail)));
}

// ---- scans -----------------------------------------------------------------
async function loadScans() {
  let page;
  try {
    page = await api(proj('/scans?limit=10'));
  } catch (e) {
    return fail(e);
  }
  const counts = (s) => {
    const parts = [];
    for (const d of DOMS) {
      const by = s.summary?.[d];
      if (by && typeof by === 'object') parts.push(`${d} ${Object.values(by).reduce((a, n) => a + (Number(n) || 0), 0)}`);
    }
    return parts.join(', ') || (s.error ? s.error.code : '—');
  };
  const body = $('scans-body');
  const kids = [];
  if (canWrite()) {
    const url = h('input', { id: 'scan-url', name: 'url', type: 'url', required: true, placeholder: 'https://www.example.com/' });
    kids.push(h('form', { class: 'inline', 'aria-label': 'Run a scan', onsubmit: async (ev) => {
      ev.preventDefault();
      try {
        const r = await api(proj('/scans/run'), { method: 'POST', body: { url: url.value.trim(), trigger: 'manual' } });
        say(`Scan ${r.data.id} queued.`);
        loadScans();
        poll(r.data.id);
      } catch (e) {
        if (e instanceof HttpError && e.status === 422) say(`That URL cannot be scanned: ${Object.values(e.body?.error?.details || {}).join('; ') || e.message}`, 'error');
        else fail(e);
      }
    } }, h('label', { for: 'scan-url' }, 'URL to scan'), url, h('button', { type: 'submit' }, 'Run scan')));
  }
  kids.push(scroller('Scans table', h('table', { id: 'scans-table' },
    h('caption', {}, 'Latest scans, newest first'),
    h('thead', {}, h('tr', {}, ['Queued', 'Status', 'Trigger', 'Findings', 'Security grade', 'SARIF'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, page.data.map((s) => h('tr', {},
      h('td', {}, fmtTime(s.inserted_at)), h('td', {}, badge(s.status)), h('td', {}, label(s.trigger)), h('td', {}, counts(s)),
      h('td', {}, s.summary?.security_grade || '—'),
      h('td', {}, s.status === 'completed' ? h('button', { type: 'button', class: 'link', onclick: () => sarif(s.id) }, 'Download SARIF') : '—')))))));
  body.replaceChildren(...kids);
}

async function poll(id) {
  if (state.polling.has(id)) return;
  state.polling.add(id);
  for (let i = 0; i < 120; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    try {
      const s = (await api(proj(`/scans/${id}`))).data;
      if (s.status === 'completed' || s.status === 'failed') {
        say(`Scan ${id} ${s.status}.`);
        state.polling.delete(id);
        loadScans();
        loadCommandCenter();
        loadFindings(null);
        return;
      }
    } catch (e) {
      state.polling.delete(id);
      return fail(e);
    }
  }
  state.polling.delete(id);
}

async function sarif(id) {
  try {
    const r = await api(proj(`/scans/${id}/findings.sarif`), { raw: true });
    const url = URL.createObjectURL(await r.blob());
    const a = h('a', { href: url, download: `scan-${id}.sarif` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (e) {
    fail(e);
  }
}

// ---- schedules ---------------------------------------------------------------
async function loadSchedules() {
  let rows;
  try {
    rows = (await api(proj('/schedules'))).data;
  } catch (e) {
    return fail(e);
  }
  const when = (s) => (s.cadence === 'hourly' ? `hourly at :${String(s.minute).padStart(2, '0')}` : `${s.cadence === 'weekly' ? `weekly on day ${s.weekday}` : 'daily'} at ${String(s.hour).padStart(2, '0')}:${String(s.minute).padStart(2, '0')} UTC`);
  const act = async (method, s, body) => {
    try {
      await api(proj(`/schedules/${s.id}`), { method, body });
      say(method === 'DELETE' ? `Schedule ${s.name || s.url} deleted.` : `Schedule ${s.name || s.url} ${body.enabled ? 'resumed' : 'paused'}.`);
      loadSchedules();
    } catch (e) {
      fail(e);
    }
  };
  const kids = [scroller('Schedules table', h('table', { id: 'schedules-table' },
    h('caption', {}, `${rows.length} schedules`),
    h('thead', {}, h('tr', {}, ['Name', 'Site', 'When', 'State', 'Next run', canWrite() ? 'Actions' : null].filter(Boolean).map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows.map((s) => h('tr', {},
      h('td', {}, s.name || '—'), h('td', {}, s.url), h('td', {}, when(s)), h('td', {}, s.enabled ? 'active' : 'paused'), h('td', {}, fmtTime(s.next_run_at)),
      canWrite() ? h('td', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', 'aria-label': `${s.enabled ? 'Pause' : 'Resume'} ${s.name || s.url}`, onclick: () => act('PATCH', s, { enabled: !s.enabled }) }, s.enabled ? 'Pause' : 'Resume'),
        h('button', { type: 'button', class: 'danger', 'aria-label': `Delete ${s.name || s.url}`, onclick: () => act('DELETE', s) }, 'Delete')) : null)))))];
  if (canWrite()) {
    const url = h('input', { id: 's-url', name: 'url', type: 'url', required: true, placeholder: 'https://www.example.com/' });
    const name = h('input', { id: 's-name', name: 'name' });
    const num = (id, min, max, v) => h('input', { id, name: id, type: 'number', min, max, value: v, inputmode: 'numeric' });
    const hour = num('s-hour', 0, 23, 3), minute = num('s-minute', 0, 59, 0), weekday = num('s-weekday', 1, 7, 1);
    const [cl, cadence] = select('s-cadence', 'Cadence', ['daily', 'hourly', 'weekly'], 'daily');
    kids.push(h('form', { class: 'schedule', 'aria-label': 'Create a schedule', onsubmit: async (ev) => {
      ev.preventDefault();
      const body = { url: url.value.trim(), cadence: cadence.value, minute: Number(minute.value) };
      if (cadence.value !== 'hourly') body.hour = Number(hour.value);
      if (cadence.value === 'weekly') body.weekday = Number(weekday.value);
      if (name.value.trim()) body.name = name.value.trim();
      try {
        await api(proj('/schedules'), { method: 'POST', body });
        say('Schedule created.');
        loadSchedules();
      } catch (e) {
        if (e instanceof HttpError && e.status === 422) say(`Schedule not created: ${Object.values(e.body?.error?.details || {}).join('; ') || e.message}`, 'error');
        else fail(e);
      }
    } },
    h('h3', {}, 'New schedule'),
    h('div', {}, h('label', { for: 's-url' }, 'Site URL'), url),
    h('div', {}, h('label', { for: 's-name' }, 'Name (optional)'), name),
    h('div', {}, cl, cadence),
    h('div', {}, h('label', { for: 's-weekday' }, 'Weekday (1 = Monday, weekly only)'), weekday),
    h('div', {}, h('label', { for: 's-hour' }, 'Hour (UTC)'), hour),
    h('div', {}, h('label', { for: 's-minute' }, 'Minute'), minute),
    h('button', { type: 'submit' }, 'Create schedule')));
  }
  $('schedules-body').replaceChildren(...kids);
}

route();
