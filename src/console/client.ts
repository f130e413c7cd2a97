/**
 * The console's browser script, written in TypeScript (type-checked with the rest of src/) and
 * served as its own source text: `consoleClient.toString()` is plain JavaScript once the types
 * are erased, by tsc for dist/ or esbuild under tsx. No framework, no bundler, nothing from a CDN:
 * the page is a handful of lists re-rendered from a snapshot the server pushes (server-sent
 * events), which vanilla DOM code does in a few hundred lines.
 *
 * It must stay self-contained (no imports, no outer variables): only its text reaches the browser.
 */
/** The JSON the console API sends (typed on the server: commands/console.ts); read loosely here. */
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export function consoleClient(): void {
  const $ = (id: string) => document.getElementById(id)!;
  const PAGE = 100;

  const state = {
    key: '',
    es: null as EventSource | null,
    snap: null as Json,
    /** Date.now() when the snapshot arrived: a running clock moves on from there. */
    snapAt: 0,
    tab: 'calls',
    callsPage: 0,
    conference: '' as string,
    participantsPage: 0,
    timeline: { call: '', conference: '', offset: null as number | null, sequence: false, selected: '', errors: false, eventType: '', text: '' },
    timelineLoading: false,
    timelineAgain: false,
    drafts: new Map<string, string>(),
    accountsAt: 0,
    /** The newest look at the account list: an older one answering later is not shown over it. */
    accountsLook: 0,
  };

  // ---------- helpers ----------

  function h(tag: string, attrs: Record<string, unknown> = {}, ...children: (Node | string | null | undefined | false)[]): HTMLElement {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v as EventListener);
      else if (k === 'class') el.className = String(v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
    return el;
  }

  function showError(message: string | null): void {
    const el = $('error');
    el.textContent = message ?? '';
    el.hidden = !message;
  }

  /** A request as the app or the control API would make it, with the account's key. */
  async function api(method: string, path: string, body?: unknown): Promise<Json> {
    const headers: Record<string, string> = { authorization: `Bearer ${state.key}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let json: Json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = text; }
    if (!res.ok) {
      const e = json && json.errors && json.errors[0];
      throw new Error(e ? `${e.title}: ${e.detail}` : `${method} ${path}: ${res.status}`);
    }
    return json;
  }

  async function act(method: string, path: string, body?: unknown): Promise<Json> {
    if (!state.key) { showError('Pick or type an account (API key) first.'); return null; }
    try {
      const out = await api(method, path, body);
      showError(null);
      // Faults and some other control settings change nothing the event stream hears of: look again.
      void refresh();
      return out;
    } catch (err) {
      showError((err as Error).message);
      return null;
    }
  }

  async function refresh(): Promise<void> {
    const key = state.key;
    try {
      const snap = (await api('GET', `/console/api/snapshot?key=${enc(key)}`)).data;
      if (key !== state.key) return;
      state.snap = snap;
      state.snapAt = Date.now();
      render();
    } catch { /* the event stream will bring the next one */ }
  }

  const enc = encodeURIComponent;
  const short = (id: string | null) => (id && id.length > 18 ? `${id.slice(0, 8)}…${id.slice(-6)}` : id ?? '');
  const time = (ms: number) => new Date(ms).toISOString().slice(11, 23);
  /** A path with long ids shortened in the middle, so the action name at its end always shows. */
  const shortPath = (path: string) => path.split('/').map((seg) => (seg.length > 24 ? short(seg) : seg)).join('/');
  const pretty = (text: string) => { try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; } };
  const errorLine = (e: Json) => (e ? `${e.code ?? ''} ${e.title ?? ''}${e.detail ? `: ${e.detail}` : ''}`.trim() : '');
  /** A button that copies `text()` and says so. */
  function copyButton(label: string, text: () => string, id?: string): HTMLElement {
    const b = h('button', { type: 'button', class: 'link', id }, label);
    b.addEventListener('click', async () => {
      try { await navigator.clipboard.writeText(text()); b.textContent = 'copied'; } catch { b.textContent = 'copy failed: select the text'; }
      setTimeout(() => { b.textContent = label; }, 1500);
    });
    return b;
  }
  /** The request as a curl command line a user can paste (the account's key, the body as sent). */
  function curlOf(r: Json): string {
    const q = new URLSearchParams(r.query).toString();
    const url = `${location.origin}${r.path.split('/').map((s: string) => encodeURIComponent(s)).join('/')}${q ? `?${q}` : ''}`;
    const body = r.body === null ? '' : ` -H 'content-type: application/json' --data '${JSON.stringify(r.body).replace(/'/g, "'\\''")}'`;
    return `curl -g -X ${r.method} '${url}' -H 'authorization: Bearer ${state.key}'${body}`;
  }
  function duration(ms: number): string {
    const s = Math.max(0, Math.floor(ms / 1000));
    const hh = Math.floor(s / 3600), mm = Math.floor((s % 3600) / 60), ss = s % 60;
    return `${hh}:${String(mm).padStart(2, '0')}:${String(ss).padStart(2, '0')}`;
  }
  /** The account's time now: the snapshot's instant, moved on by wall time unless the clock is frozen. */
  const accountNow = () => (!state.snap ? Date.now()
    : state.snap.clock.frozen ? state.snap.clock.now_ms : state.snap.clock.now_ms + (Date.now() - state.snapAt));

  function pager(total: number, page: number, onPage: (p: number) => void, size = PAGE): HTMLElement | null {
    if (total <= size) return null;
    const pages = Math.ceil(total / size);
    return h('div', { class: 'pager' },
      h('button', { type: 'button', disabled: page === 0, onclick: () => onPage(page - 1) }, '‹ prev'),
      `${page * size + 1}–${Math.min(total, (page + 1) * size)} of ${total}`,
      h('button', { type: 'button', disabled: page >= pages - 1, onclick: () => onPage(page + 1) }, 'next ›'));
  }

  /** Replaces a container's children, keeping focus and typed text in inputs marked data-draft. */
  function replace(container: HTMLElement, ...nodes: (Node | null)[]): void {
    const focused = document.activeElement as HTMLInputElement | null;
    const draftKey = focused && container.contains(focused) ? focused.dataset.draft : undefined;
    container.replaceChildren(...nodes.filter((n): n is Node => n !== null));
    if (draftKey) {
      const again = container.querySelector<HTMLInputElement>(`[data-draft="${CSS.escape(draftKey)}"]`);
      if (again) { again.focus(); again.setSelectionRange(again.value.length, again.value.length); }
    }
  }

  function draftInput(key: string, placeholder: string): HTMLInputElement {
    const input = h('input', { 'data-draft': key, placeholder, size: 6, 'aria-label': placeholder }) as HTMLInputElement;
    input.value = state.drafts.get(key) ?? '';
    input.addEventListener('input', () => state.drafts.set(key, input.value));
    return input;
  }

  // ---------- accounts ----------

  // Keys this browser opened, newest first: without an admin key the server lists only the keys a
  // page presents (a key is the whole credential), so the picker remembers its own here.
  const KEYS_STORE = 'telnyx-mock:keys';
  const MAX_REMEMBERED = 50;
  function rememberedKeys(): string[] {
    try {
      const list = JSON.parse(localStorage.getItem(KEYS_STORE) ?? '[]');
      return Array.isArray(list) ? list.filter((k): k is string => typeof k === 'string').slice(0, MAX_REMEMBERED) : [];
    } catch { return []; }
  }
  function rememberKey(key: string): void {
    try { localStorage.setItem(KEYS_STORE, JSON.stringify([key, ...rememberedKeys().filter((k) => k !== key)].slice(0, MAX_REMEMBERED))); } catch { /* storage off */ }
  }

  async function loadAccounts(): Promise<void> {
    state.accountsAt = Date.now();
    const look = ++state.accountsLook;
    let list: { key: string; last_activity: string }[] = [];
    const known = rememberedKeys().filter((k) => k !== state.key).map((k) => `known=${enc(k)}`).join('&');
    try { list = (await api('GET', `/console/api/accounts${known ? `?${known}` : ''}`)).data; } catch { return; }
    if (look !== state.accountsLook) return;
    const ul = $('account-list');
    const item = (a: { key: string; last_activity: string }) => h('li', {},
      h('button', { type: 'button', 'data-key': a.key, 'aria-current': a.key === state.key ? 'true' : 'false', onclick: () => openAccount(a.key) },
        a.key, h('small', {}, `last used ${new Date(a.last_activity).toLocaleTimeString()}`)));
    // Keys only ever refused (a mistaken curl) fold away below the rest.
    const refused = list.filter((a: Json) => a.refused_only && a.key !== state.key);
    const used = list.filter((a: Json) => !refused.includes(a));
    replace(ul, ...used.map(item), refused.length ? h('li', { id: 'refused-accounts' }, h('details', {},
      h('summary', { class: 'muted' }, `${refused.length} key${refused.length === 1 ? '' : 's'} only refused`), h('ul', { class: 'accounts' }, ...refused.map(item)))) : null);
    if (list.length === 0) ul.replaceChildren(h('li', { class: 'muted' }, 'none yet: send a request with a key, or type one above'));
    $('account-keys').replaceChildren(...list.map((a) => h('option', { value: a.key })));
  }

  async function whyClosed(es: EventSource, key: string): Promise<void> {
    try {
      const res = await fetch(`/console/api/events?key=${enc(key)}`);
      if (res.ok) { void res.body?.cancel(); return; }
      const e = (await res.json()).errors?.[0];
      if (state.es !== es || !e) return;
      $('live').textContent = 'closed';
      $('live').title = `${e.title}: ${e.detail}`;
      showError(`${e.title}: ${e.detail}`);
    } catch { /* the server is gone: "reconnecting" says enough */ }
  }

  function openAccount(key: string): void {
    key = key.trim();
    if (!key) return;
    if (state.es) state.es.close();
    state.key = key;
    rememberKey(key);
    // The picker shows the key just opened at once, not at its next look (up to 3 s later).
    void loadAccounts();
    state.snap = null;
    state.conference = '';
    state.callsPage = state.participantsPage = 0;
    state.timeline = { call: '', conference: '', offset: null, sequence: false, selected: '', errors: false, eventType: '', text: '' };
    (($('account-key')) as HTMLInputElement).value = key;
    const url = new URL(location.href);
    url.searchParams.set('key', key);
    history.replaceState(null, '', url);
    for (const b of document.querySelectorAll<HTMLElement>('#account-list button')) b.setAttribute('aria-current', String(b.dataset.key === key));
    $('timeline-list').replaceChildren();
    $('timeline-detail').replaceChildren(h('p', { class: 'muted' }, 'Click an entry to see its exact body.'));
    const es = new EventSource(`/console/api/events?key=${enc(key)}`);
    state.es = es;
    $('live').dataset.state = 'off';
    $('live').textContent = 'connecting';
    $('live').title = '';
    es.onopen = () => { $('live').dataset.state = 'on'; $('live').textContent = 'live'; };
    es.onerror = () => {
      $('live').dataset.state = 'off';
      $('live').textContent = 'reconnecting';
      // A refused stream (the 429 of too many open streams) closes for good: show why.
      if (es.readyState === EventSource.CLOSED) void whyClosed(es, key);
    };
    es.addEventListener('snapshot', (e) => {
      if (state.es !== es) return;
      state.snap = JSON.parse((e as MessageEvent).data).data;
      state.snapAt = Date.now();
      render();
      // Activity here is activity in the picker too (at most a look a second).
      if (Date.now() - state.accountsAt > 1000) void loadAccounts();
    });
    es.addEventListener('timeline', () => {
      if (state.es !== es) return;
      if (state.tab === 'timeline') void loadTimeline();
    });
    if (state.tab === 'timeline') void loadTimeline();
  }

  // ---------- views ----------

  function render(): void {
    const s = state.snap;
    if (!s) return;
    renderClock();
    renderCalls();
    renderConferences();
    renderQueues();
    renderControl();
    $('call-ids').replaceChildren(...s.calls.rows.map((c: Json) => h('option', { value: c.call_control_id }, `${c.from} → ${c.to}`)));
    $('conference-ids').replaceChildren(...s.conferences.rows.map((c: Json) => h('option', { value: c.id }, c.name)));
  }

  function renderClock(): void {
    const s = state.snap;
    const c = s.clock;
    const offset = c.offset_ms === 0 ? 'no offset' : `offset ${c.offset_ms > 0 ? '+' : '−'}${duration(Math.abs(c.offset_ms))}`;
    $('clock-state').textContent = `${s.account} · clock ${new Date(accountNow()).toISOString().replace('T', ' ').slice(0, 19)} · ${c.frozen ? 'frozen' : 'running'} · ${offset}`;
    $('clock-state').dataset.frozen = String(c.frozen);
  }

  function callActions(c: Json): HTMLElement {
    const id = c.call_control_id;
    const path = `/_mock/calls/${enc(id)}`;
    const alive = c.state !== 'hangup';
    const digits = draftInput(`dtmf:${id}`, 'digits');
    return h('div', { class: 'row-actions' },
      c.direction === 'incoming' && c.state === 'ringing'
        && h('button', { type: 'button', 'data-act': 'answer', title: 'Answer as the app would (POST /v2/calls/{id}/actions/answer)',
          onclick: () => act('POST', `/v2/calls/${enc(id)}/actions/answer`, {}) }, 'Answer'),
      alive && h('button', { type: 'button', 'data-act': 'hangup', title: 'The caller hangs up (POST /_mock/calls/{id}/hangup)',
        onclick: () => act('POST', `${path}/hangup`) }, 'Hang up'),
      alive && digits,
      alive && h('button', { type: 'button', 'data-act': 'dtmf', onclick: async () => {
        if (await act('POST', `${path}/dtmf`, { digits: digits.value })) { state.drafts.delete(`dtmf:${id}`); digits.value = ''; }
      } }, 'Press'),
      alive && c.conference_id && h('button', { type: 'button', 'data-act': 'speak', onclick: () => act('POST', `${path}/speech`, { state: 'started' }) }, 'Speak'),
      alive && c.conference_id && h('button', { type: 'button', 'data-act': 'stop-speaking', onclick: () => act('POST', `${path}/speech`, { state: 'stopped' }) }, 'Stop'),
      h('button', { type: 'button', class: 'link', onclick: () => showTimeline({ call: id }) }, 'timeline'));
  }

  function renderCalls(): void {
    const { calls } = state.snap;
    const live = calls.rows.filter((c: Json) => c.state !== 'hangup').length;
    $('calls-summary').textContent = `${calls.total} call${calls.total === 1 ? '' : 's'}, ${live} up`
      + (calls.total > calls.rows.length ? ` (showing the ${calls.rows.length} most recent)` : '');
    const pages = Math.max(1, Math.ceil(calls.rows.length / PAGE));
    if (state.callsPage >= pages) state.callsPage = pages - 1;
    const rows = calls.rows.slice(state.callsPage * PAGE, (state.callsPage + 1) * PAGE);
    replace($('calls-body'), ...rows.map((c: Json) => h('tr', { 'data-call': c.call_control_id, 'data-state': c.state },
      h('td', { class: 'id', title: c.call_control_id }, short(c.call_control_id)),
      h('td', {}, c.direction),
      h('td', {}, c.from), h('td', {}, c.to),
      h('td', { class: `state-${c.state}` }, c.state, c.hangup_cause ? ` (${c.hangup_cause})` : ''),
      h('td', {}, c.conference ? `conference ${c.conference}` : c.queue ? `queue ${c.queue}` : ''),
      h('td', { class: 'id', title: c.bridged_to ?? '' }, short(c.bridged_to)),
      h('td', { title: new Date(c.start_time).toISOString() }, time(c.start_time)),
      h('td', { 'data-duration': String(c.start_time), 'data-ended': c.end_time ?? '' }, duration((c.end_time ?? accountNow()) - c.start_time)),
      h('td', { class: 'now' },
        c.last_event && h('div', { 'data-last-event': c.last_event.event_type }, c.last_event.event_type),
        c.gather && h('div', { class: 'badge on', 'data-gather': c.gather.digits },
          `gathering: "${c.gather.digits}" (${c.gather.minimum_digits}–${c.gather.maximum_digits} digits`
          + `${c.gather.terminating_digit ? `, ends on ${c.gather.terminating_digit}` : ''})`
          + `${c.gather.timeout_at ? `, gives up at ${time(c.gather.timeout_at)}` : ''}${c.gather.prompt_playing ? ', prompt playing' : ''}`),
        ...(c.playing ?? []).map((m: Json) => h('div', { class: 'badge', 'data-playing': m.kind },
          `playing ${m.kind}${m.overlay ? ' (overlay)' : ''}: ${m.text ?? m.media_name ?? m.media_url ?? ''}`))),
      h('td', {}, callActions(c)))));
    const p = pager(calls.rows.length, state.callsPage, (n) => { state.callsPage = n; renderCalls(); });
    const old = document.getElementById('calls-pager');
    if (old) old.remove();
    if (p) { p.id = 'calls-pager'; $('calls-table').before(p); }
  }

  function timeLeft(conf: Json): string {
    return conf.status === 'completed' ? `ended${conf.end_reason ? ` (${conf.end_reason})` : ''}` : `${duration(conf.expires_at - accountNow())} left`;
  }

  function renderConferences(): void {
    const { conferences } = state.snap;
    $('conferences-summary').textContent = `${conferences.total} conference${conferences.total === 1 ? '' : 's'}`
      + (conferences.total > conferences.rows.length ? ` (showing ${conferences.rows.length})` : '');
    if (!conferences.rows.some((c: Json) => c.id === state.conference)) {
      const first = conferences.rows.find((c: Json) => c.status !== 'completed') ?? conferences.rows[0];
      state.conference = first ? first.id : '';
      state.participantsPage = 0;
    }
    replace($('conference-list'), ...conferences.rows.map((c: Json) => h('button', {
      type: 'button', class: 'card', 'data-conference': c.id, 'aria-current': String(c.id === state.conference),
      onclick: () => { state.conference = c.id; state.participantsPage = 0; renderConferences(); },
    }, h('h3', {}, c.name), h('div', {}, `${c.status} · ${c.joined} in, ${c.left} left`),
    h('div', { class: 'muted', 'data-expires': c.id }, timeLeft(c)))));

    const conf = conferences.rows.find((c: Json) => c.id === state.conference);
    if (!conf) { replace($('conference-detail'), h('p', { class: 'muted' }, 'No conferences yet.')); return; }
    if (conf.participants_omitted) {
      replace($('conference-detail'), h('h3', {}, `${conf.name} `, h('span', { class: 'id muted' }, conf.id)),
        h('p', {}, `${conf.status} · ${conf.joined} in, ${conf.left} left · too many participants across this account's conferences to list here; `,
          'see them with GET /v2/conferences/{id}/participants or in the timeline.'));
      return;
    }
    const parts = conf.participants;
    const pages = Math.max(1, Math.ceil(parts.length / PAGE));
    if (state.participantsPage >= pages) state.participantsPage = pages - 1;
    const rows = parts.slice(state.participantsPage * PAGE, (state.participantsPage + 1) * PAGE);
    const floor = parts.find((p: Json) => p.call_control_id === conf.floor);
    replace($('conference-detail'),
      h('h3', {}, `${conf.name} `, h('span', { class: 'id muted' }, conf.id)),
      h('p', {}, `${conf.status} · `, h('span', { 'data-expires': conf.id, id: 'conference-time-left' }, timeLeft(conf)),
        ` · floor: ${floor ? floor.from ?? short(floor.call_control_id) : 'nobody'} · `,
        h('button', { type: 'button', class: 'link', onclick: () => showTimeline({ conference: conf.id }) }, 'timeline')),
      pager(parts.length, state.participantsPage, (n) => { state.participantsPage = n; renderConferences(); }),
      h('table', { class: 'grid', id: 'participants-table' },
        h('thead', {}, h('tr', {}, ...['#', 'from', 'call_control_id', 'status', 'flags', 'supervisor role', 'actions'].map((t) => h('th', {}, t)))),
        h('tbody', {}, ...rows.map((p: Json, i: number) => h('tr', { 'data-participant': p.call_control_id, 'data-status': p.status },
          h('td', {}, String(state.participantsPage * PAGE + i + 1)),
          h('td', {}, p.from ?? '', p.label ? ` (${p.label})` : ''),
          h('td', { class: 'id', title: p.call_control_id }, short(p.call_control_id)),
          h('td', { class: `status-${p.status}` }, p.status),
          h('td', {},
            p.muted && h('span', { class: 'badge on', 'data-flag': 'muted' }, 'muted'),
            p.on_hold && h('span', { class: 'badge on', 'data-flag': 'on_hold' }, 'on hold'),
            p.call_control_id === conf.floor && h('span', { class: 'badge floor', 'data-flag': 'floor' }, 'floor')),
          h('td', {}, p.supervisor_role === 'none' ? '' : p.supervisor_role,
            p.whisper_call_control_ids.length ? ` → ${p.whisper_call_control_ids.map(short).join(', ')}` : ''),
          h('td', {}, p.status === 'left' ? '' : h('div', { class: 'row-actions' },
            h('button', { type: 'button', onclick: () => act('POST', `/_mock/calls/${enc(p.call_control_id)}/speech`, { state: 'started' }) }, 'Speak'),
            h('button', { type: 'button', onclick: () => act('POST', `/_mock/calls/${enc(p.call_control_id)}/speech`, { state: 'stopped' }) }, 'Stop'),
            h('button', { type: 'button', onclick: () => act('POST', `/_mock/calls/${enc(p.call_control_id)}/hangup`) }, 'Hang up'))))))));
  }

  function renderQueues(): void {
    const { queues } = state.snap;
    if (queues.length === 0) { replace($('queue-list'), h('p', { class: 'muted' }, 'No queues yet.')); return; }
    replace($('queue-list'), ...queues.map((q: Json) => h('div', { class: 'queue', 'data-queue': q.name },
      h('h3', {}, `${q.name} `, h('span', { class: 'muted' }, `${q.waiting} waiting · max ${q.max_size}`)),
      q.callers.length === 0 ? h('p', { class: 'muted' }, 'empty') : h('table', { class: 'grid' },
        h('thead', {}, h('tr', {}, ...['position', 'from', 'call_control_id', 'waiting', ''].map((t) => h('th', {}, t)))),
        h('tbody', {}, ...q.callers.map((c: Json) => h('tr', { 'data-caller': c.call_control_id },
          h('td', {}, String(c.position)), h('td', {}, c.from ?? ''),
          h('td', { class: 'id', title: c.call_control_id }, short(c.call_control_id)),
          h('td', { 'data-since': String(c.enqueued_at) }, duration(accountNow() - c.enqueued_at)),
          h('td', {}, c.is_alive ? '' : 'hung up (kept)')))),
        q.callers_omitted > 0 ? h('tfoot', {}, h('tr', {}, h('td', { colspan: '5', class: 'muted' }, `… and ${q.callers_omitted} more`))) : false))));
  }

  function renderControl(): void {
    const s = state.snap;
    replace($('number-list'), ...s.numbers.map((n: Json) => h('li', {},
      `${n.e164}: ${n.behaviour}${n.answer_after_secs ? ` after ${n.answer_after_secs} s` : ''} `,
      h('button', { type: 'button', onclick: () => act('DELETE', `/_mock/numbers/${enc(n.e164)}`) }, 'clear'))));
    const apps: Json[] = s.applications.rows;
    const nameOf = new Map(apps.map((a: Json) => [a.id, a.application_name]));
    replace($('application-list'), ...apps.map((a: Json) => h('li', { 'data-application': a.id },
      `${a.application_name} (${a.id}) → ${a.webhook_event_url ?? 'the server\'s webhook URL'}${a.active ? '' : ' · inactive'}`)),
    s.applications.total > apps.length ? h('li', { class: 'muted' }, `…and ${s.applications.total - apps.length} more`) : null);
    const owned: Json[] = s.phone_numbers.rows;
    replace($('phone-number-list'), ...owned.map((n: Json) => h('li', { 'data-phone-number': n.phone_number },
      `${n.phone_number} → ${n.connection_id ? `${nameOf.get(n.connection_id) ?? n.connection_id}` : 'not assigned'}`)),
    s.phone_numbers.total > owned.length ? h('li', { class: 'muted' }, `…and ${s.phone_numbers.total - owned.length} more`) : null);
    replace($('fault-list'), ...s.faults.map((f: Json) => h('li', { 'data-fault': String(f.id) },
      `#${f.id} ${f.method} ${f.path} → ${f.status ?? 'delay'}${f.delay_ms ? ` (${f.delay_ms} ms)` : ''}, ${f.remaining} of ${f.count} left `,
      h('button', { type: 'button', onclick: () => act('DELETE', `/_mock/faults/${f.id}`) }, 'clear'))),
    s.faults.length > 1 ? h('li', {}, h('button', { type: 'button', onclick: () => act('DELETE', '/_mock/faults') }, 'clear all faults')) : null);
  }

  /** Once a second: clocks, time left and waits move on without a new snapshot. */
  function tick(): void {
    if (!state.snap) return;
    renderClock();
    for (const el of document.querySelectorAll<HTMLElement>('[data-expires]')) {
      const conf = state.snap.conferences.rows.find((c: Json) => c.id === el.dataset.expires);
      if (conf) el.textContent = timeLeft(conf);
    }
    for (const el of document.querySelectorAll<HTMLElement>('[data-since]')) el.textContent = duration(accountNow() - Number(el.dataset.since));
    for (const el of document.querySelectorAll<HTMLElement>('[data-duration]')) {
      if (!el.dataset.ended) el.textContent = duration(accountNow() - Number(el.dataset.duration));
    }
  }

  // ---------- timeline ----------

  const form0 = () => $('timeline-filter') as HTMLFormElement;

  function showTimeline(filter: { call?: string; conference?: string }): void {
    state.timeline = { ...state.timeline, call: filter.call ?? '', conference: filter.conference ?? '', offset: null, sequence: !!filter.call,
      errors: false, eventType: '', text: '' };
    (form0().elements.namedItem('errors') as HTMLInputElement).checked = false;
    (form0().elements.namedItem('event_type') as HTMLInputElement).value = '';
    (form0().elements.namedItem('text') as HTMLInputElement).value = '';
    const form = $('timeline-filter') as HTMLFormElement;
    (form.elements.namedItem('call') as HTMLInputElement).value = state.timeline.call;
    (form.elements.namedItem('conference') as HTMLInputElement).value = state.timeline.conference;
    (form.elements.namedItem('sequence') as HTMLInputElement).checked = state.timeline.sequence;
    selectTab('timeline');
  }

  async function loadTimeline(): Promise<void> {
    if (!state.key) return;
    if (state.timelineLoading) { state.timelineAgain = true; return; }
    state.timelineLoading = true;
    try {
      const t = state.timeline;
      const q = new URLSearchParams({ key: state.key, limit: String(PAGE) });
      if (t.call) q.set('call', t.call);
      if (t.conference) q.set('conference', t.conference);
      if (t.offset !== null) q.set('offset', String(t.offset));
      if (t.errors) q.set('errors', 'true');
      if (t.eventType) q.set('event_type', t.eventType);
      if (t.text) q.set('text', t.text);
      const key = state.key;
      const page = (await api('GET', `/console/api/timeline?${q}`)).data;
      if (key !== state.key) return;
      renderTimeline(page);
    } catch (err) {
      showError((err as Error).message);
    } finally {
      state.timelineLoading = false;
      if (state.timelineAgain) { state.timelineAgain = false; void loadTimeline(); }
    }
  }

  function entryLabel(e: Json): string {
    return e.kind === 'request' ? `${e.method} ${shortPath(e.path)} → ${e.status ?? 'in flight'}`
      : `${e.resend_of ? 'resend: ' : ''}${e.event_type} · ${e.status}${e.attempts ? ` · ${e.attempts} attempt${e.attempts === 1 ? '' : 's'}${e.last_status !== null ? ` (${e.last_status})` : e.last_error ? ` (${e.last_error})` : ''}` : ''}${e.faults?.length ? ` · fault: ${e.faults.join(', ')}` : ''}`;
  }

  function renderTimeline(page: Json): void {
    const t = state.timeline;
    const list = $('timeline-list');
    const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
    list.classList.toggle('sequence', t.sequence);
    const head = t.sequence ? h('li', { class: 'head' }, h('strong', {}, 'time'), h('strong', {}, 'app → emulator (requests)'), h('strong', {}, 'emulator → app (webhooks)')) : null;
    replace(list, head, ...page.entries.map((e: Json) => {
      const ref = `${e.kind}:${e.id}`;
      const attrs = { class: `kind-${e.kind}${e.failed ? ' failed' : ''}`, 'data-entry': ref, 'data-failed': String(!!e.failed), 'data-kind': e.kind, 'data-event': e.event_type ?? '',
        'aria-current': String(ref === t.selected), onclick: () => showEntry(e) };
      if (t.sequence) {
        return h('li', attrs, h('span', {}, time(Date.parse(e.time))),
          e.kind === 'request' ? h('span', { class: 'seq-app what' }, `${entryLabel(e)} ──▶`) : h('span', { class: 'seq-arrow' }, '│'),
          e.kind === 'webhook' ? h('span', { class: 'seq-emu what' }, `◀── ${entryLabel(e)}`) : h('span', { class: 'seq-arrow' }, '│'));
      }
      return h('li', attrs, h('span', { title: e.time }, time(Date.parse(e.time))), h('span', { class: `badge${e.failed ? ' bad' : ''}` }, e.failed ? 'failed' : e.kind),
        h('span', { class: 'what' }, entryLabel(e), e.error ? h('span', { class: 'error-line' }, errorLine(e.error)) : null),
        h('span', { class: 'id muted', title: e.call_control_id ?? e.conference_id ?? '' }, short(e.call_control_id ?? e.conference_id ?? '')));
    }));
    if (page.entries.length === 0) list.append(h('li', { class: 'muted' }, 'Nothing yet.'));
    if (t.offset === null && atBottom) list.scrollTop = list.scrollHeight;
    const pager = $('timeline-pager');
    const last = Math.max(0, page.total - PAGE);
    replace(pager,
      h('button', { type: 'button', disabled: page.offset === 0, onclick: () => { state.timeline.offset = 0; void loadTimeline(); } }, '« oldest'),
      h('button', { type: 'button', disabled: page.offset === 0, onclick: () => { state.timeline.offset = Math.max(0, page.offset - PAGE); void loadTimeline(); } }, '‹ older'),
      h('span', { id: 'timeline-range' }, page.total === 0 ? '0 entries' : `${page.offset + 1}–${page.offset + page.entries.length} of ${page.total}`),
      h('button', { type: 'button', disabled: page.offset >= last, onclick: () => { const o = page.offset + PAGE; state.timeline.offset = o >= last ? null : o; void loadTimeline(); } }, 'newer ›'),
      h('button', { type: 'button', disabled: t.offset === null, onclick: () => { state.timeline.offset = null; void loadTimeline(); } }, 'newest (follow) »'));
  }

  async function showEntry(e: Json): Promise<void> {
    state.timeline.selected = `${e.kind}:${e.id}`;
    for (const li of document.querySelectorAll<HTMLElement>('#timeline-list li')) li.setAttribute('aria-current', String(li.dataset.entry === state.timeline.selected));
    const detail = $('timeline-detail');
    try {
      if (e.kind === 'request') {
        const r = (await api('GET', `/console/api/requests/${e.id}?key=${enc(state.key)}`)).data;
        const bodyText = r.body === null ? '(no body)' : JSON.stringify(r.body, null, 2);
        const err = r.response_body && r.response_body.errors && r.response_body.errors[0];
        replace(detail, h('h3', { class: r.status >= 400 ? 'failed' : '' }, `${r.method} ${r.path} → ${r.status ?? 'in flight'}`),
          err ? h('div', { class: 'answer-error', id: 'entry-error' }, h('strong', {}, `${err.code ?? ''} ${err.title ?? ''}`), h('div', {}, err.detail ?? ''),
            err.source ? h('div', { class: 'muted' }, `at ${JSON.stringify(err.source)}`) : null) : null,
          h('p', { class: 'muted' }, `request #${r.id} at ${r.time}${r.duration_ms !== undefined ? ` · ${r.duration_ms} ms` : ''}${r.fault_id ? ` · answered by fault #${r.fault_id}` : ''}`),
          r.ignored_fields ? h('p', { class: 'warn' }, `ignored fields (not taken by this operation): ${r.ignored_fields.join(', ')}`) : null,
          r.response_body !== undefined ? h('pre', { id: 'entry-answer' }, `answered ${JSON.stringify(r.response_body, null, 2)}`) : null,
          Object.keys(r.query).length ? h('pre', {}, `query ${JSON.stringify(r.query, null, 2)}`) : null,
          h('div', { class: 'row-actions' }, h('strong', {}, 'sent'), copyButton('copy body', () => bodyText, 'copy-body'), copyButton('copy as curl', () => curlOf(r), 'copy-curl')),
          h('pre', { id: 'entry-body' }, bodyText),
          h('details', {}, h('summary', { class: 'muted' }, 'as curl'), h('pre', { id: 'entry-curl' }, curlOf(r))));
      } else {
        const w = (await api('GET', `/console/api/webhooks/${e.id}?key=${enc(state.key)}`)).data;
        const bodyText = w.body ? pretty(w.body) : JSON.stringify({ data: w.data }, null, 2);
        const last = w.attempts[w.attempts.length - 1];
        replace(detail, h('h3', { class: w.status === 'failed' ? 'failed' : '' }, `${w.resend_of ? 'resend: ' : ''}${w.event_type} · ${w.status}`),
          h('p', { class: 'muted' }, `webhook ${w.id}, occurred ${w.occurred_at}, to ${w.url ?? '(no URL: recorded, not sent)'}`),
          w.resend_of ? h('p', { id: 'entry-resend-of' }, `a resend of webhook #${w.resend_of} (same event id)`) : null,
          last && last.signature_verified !== null ? h('p', { id: 'entry-signature', class: last.signature_verified ? 'ok' : 'failed', 'data-verified': String(last.signature_verified) },
            last.signature_verified ? '✓ signature verifies with the public key shown here' : '✗ signature does not verify with the public key shown here',
            h('div', { class: 'id muted' }, `public key ${w.public_key}`)) : null,
          ...w.attempts.map((a: Json) => h('div', { class: a.status !== null && a.status >= 200 && a.status < 300 ? '' : a.finished_at ? 'answer-error' : '' },
            h('strong', {}, `attempt ${a.attempt} → ${a.url}: ${a.status ?? a.error ?? 'in flight'} at ${a.at}`),
            // A webhook fault acted on this attempt (POST /_mock/webhook_faults): which one, and how.
            a.fault ? h('span', { class: 'attempt-fault failed', 'data-fault': a.fault, 'data-fault-id': String(a.fault_id) }, ` · webhook fault #${a.fault_id}: ${a.fault}`) : null,
            a.headers ? h('pre', {}, Object.entries(a.headers).map(([k, v]) => `${k}: ${v}`).join('\n')) : null)),
          h('div', { class: 'row-actions' }, copyButton('copy body', () => bodyText, 'copy-body'),
            w.url || w.failover_url ? h('button', { type: 'button', id: 'resend', title: 'A new delivery of this event (POST /_mock/webhooks/{seq}/resend)',
              onclick: () => act('POST', `/_mock/webhooks/${w.seq}/resend`) }, 'resend') : null),
          h('pre', { id: 'entry-body' }, bodyText));
      }
    } catch (err) {
      showError((err as Error).message);
    }
  }

  // ---------- tabs, forms, start ----------

  function selectTab(tab: string): void {
    state.tab = tab;
    for (const b of document.querySelectorAll<HTMLElement>('.tab')) b.setAttribute('aria-selected', String(b.dataset.tab === tab));
    for (const v of document.querySelectorAll<HTMLElement>('.view')) v.hidden = v.dataset.view !== tab;
    if (tab === 'timeline') void loadTimeline();
    if (tab === 'server') void loadServer();
  }

  async function loadServer(): Promise<void> {
    try {
      const s = (await api('GET', '/console/api/server')).data;
      if (!s) return;
      const row = (k: string, v: unknown) => h('tr', {}, h('th', {}, k), h('td', { class: 'id' }, String(v)));
      replace($('server-info'), h('table', { class: 'grid', id: 'server-table' }, h('tbody', {},
        row('version', s.version), row('webhook public key', s.public_key), row('key source', s.public_key_source),
        row('default webhook URL', s.webhook_url ?? '(none: each call or connection names one)'),
        row('default failover URL', s.webhook_failover_url ?? '(none)'), row('database', s.database),
        ...Object.entries(s.delivery).map(([k, v]) => row(`delivery: ${k}`, v)),
        ...Object.entries(s.bounds).map(([k, v]) => row(`bound: ${k}`, v)))));
    } catch (err) {
      showError((err as Error).message);
    }
  }

  const value = (form: HTMLFormElement, name: string) => ((form.elements.namedItem(name) as HTMLInputElement | null)?.value ?? '').trim();
  const number = (v: string) => (v === '' ? undefined : /^\d+$/.test(v) ? Number(v) : v);

  const forms: Record<string, (f: HTMLFormElement) => Promise<unknown>> = {
    'place-call': (f) => act('POST', '/_mock/calls', {
      from: value(f, 'from'), to: value(f, 'to'), connection_id: value(f, 'connection_id'),
      answered: (f.elements.namedItem('answered') as HTMLInputElement).checked, webhook_url: value(f, 'webhook_url') || undefined,
    }),
    advance: (f) => act('POST', '/_mock/clock/advance', { seconds: number(value(f, 'seconds')) }),
    'set-number': (f) => act('PUT', `/_mock/numbers/${enc(value(f, 'e164'))}`, {
      behaviour: value(f, 'behaviour'), answer_after_secs: number(value(f, 'answer_after_secs')),
    }),
    'add-fault': (f) => act('POST', '/_mock/faults', {
      method: value(f, 'method') || undefined, path: value(f, 'path'), status: number(value(f, 'status')),
      count: number(value(f, 'count')), delay_ms: number(value(f, 'delay_ms')),
    }),
    reset: () => act('POST', '/_mock/reset', {}),
    'run-scenario': async (f) => {
      const out = $('scenario-result');
      const name = value(f, 'fixture');
      if (!name) return;
      out.hidden = false;
      out.textContent = `running ${name}…`;
      const text = await (await fetch(`/console/api/fixtures/${enc(name)}`)).text();
      const result = await act('POST', '/_mock/scenarios/run', { scenario: text, webhook_url: value(f, 'webhook_url') || undefined });
      out.textContent = result ? JSON.stringify(result.data, null, 2) : `${name} could not run (see the message above)`;
    },
  };

  document.addEventListener('submit', (e) => {
    const form = e.target as HTMLFormElement;
    e.preventDefault();
    if (form.id === 'account-form') { openAccount(value(form, 'key')); return; }
    if (form.id === 'timeline-filter') {
      state.timeline = { ...state.timeline, call: value(form, 'call'), conference: value(form, 'conference'), offset: null,
        sequence: (form.elements.namedItem('sequence') as HTMLInputElement).checked,
        errors: (form.elements.namedItem('errors') as HTMLInputElement).checked,
        eventType: value(form, 'event_type'), text: value(form, 'text') };
      void loadTimeline();
      return;
    }
    const action = forms[form.dataset.action ?? ''];
    if (action) void action(form);
  });

  document.addEventListener('click', (e) => {
    const el = (e.target as HTMLElement).closest<HTMLElement>('[data-action], .tab, #timeline-clear');
    if (!el) return;
    if (el.classList.contains('tab')) selectTab(el.dataset.tab!);
    else if (el.id === 'timeline-clear') showTimeline({});
    else if (el.dataset.action === 'freeze') void act('POST', '/_mock/clock/freeze');
    else if (el.dataset.action === 'unfreeze') void act('POST', '/_mock/clock/unfreeze');
  });

  async function loadFixtures(): Promise<void> {
    try {
      const names: string[] = (await api('GET', '/console/api/fixtures')).data;
      $('fixture-select').replaceChildren(...names.map((n) => h('option', { value: n }, n)));
    } catch { /* no fixtures shipped */ }
  }

  const start = new URL(location.href).searchParams.get('key');
  void loadAccounts().then(() => {
    const first = document.querySelector<HTMLElement>('#account-list button');
    if (start) openAccount(start);
    else if (first) openAccount(first.dataset.key!);
  });
  void loadFixtures();
  // The picker's list is not a live view: a look every few seconds keeps it fresh enough.
  setInterval(() => { void loadAccounts(); }, 3000);
  setInterval(tick, 1000);
}

/** The script as served: esbuild (tsx) may wrap names in `__name(...)`; a no-op stands in for its helper. */
export const CONSOLE_JS = `"use strict";\nvar __name = function (f) { return f; };\n(${consoleClient.toString()})();\n`;
