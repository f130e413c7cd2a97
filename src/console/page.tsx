/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';

/**
 * The console's page, rendered on the server with Hono's JSX: the frame, the tabs and the forms
 * that drive the emulator. The live parts (lists, timeline) are filled by /console/assets/console.js
 * from the snapshot the event stream pushes.
 */

const Field: FC<{ label: string; name: string; value?: string; placeholder?: string; size?: number; list?: string }> = (p) => (
  <label>
    {p.label}
    <input name={p.name} value={p.value} placeholder={p.placeholder} size={p.size} list={p.list} autocomplete="off" />
  </label>
);

const Tab: FC<{ id: string; label: string; selected?: boolean }> = (p) => (
  <button type="button" role="tab" class="tab" data-tab={p.id} aria-selected={p.selected ? 'true' : 'false'}>{p.label}</button>
);

const CallsView: FC = () => (
  <section id="view-calls" class="view" data-view="calls">
    <form id="place-call" class="drive" data-action="place-call">
      <strong>Place an inbound caller</strong>
      <Field label="from" name="from" value="+15550001001" size={14} />
      <Field label="to" name="to" value="+15550100000" size={14} />
      <Field label="connection" name="connection_id" value="console" size={12} />
      <label><input type="checkbox" name="answered" /> arrives answered</label>
      <Field label="webhook URL" name="webhook_url" placeholder="(connection's or server's)" size={24} />
      <button type="submit">Place call</button>
    </form>
    <p class="summary" id="calls-summary" />
    <table class="grid" id="calls-table">
      <thead>
        <tr>
          <th>call_control_id</th><th>direction</th><th>from</th><th>to</th><th>state</th>
          <th>conference / queue</th><th>bridged to</th><th>started</th><th>duration</th><th>now (last event, gather, playing)</th><th>actions</th>
        </tr>
      </thead>
      <tbody id="calls-body" />
    </table>
  </section>
);

const ConferencesView: FC = () => (
  <section id="view-conferences" class="view" data-view="conferences" hidden>
    <p class="summary" id="conferences-summary" />
    <div id="conference-list" class="cards" />
    <div id="conference-detail" />
  </section>
);

const QueuesView: FC = () => (
  <section id="view-queues" class="view" data-view="queues" hidden>
    <div id="queue-list" />
  </section>
);

const TimelineView: FC = () => (
  <section id="view-timeline" class="view" data-view="timeline" hidden>
    <form id="timeline-filter" class="drive">
      <strong>Timeline</strong>
      <Field label="call" name="call" placeholder="call_control_id" size={30} list="call-ids" />
      <Field label="conference" name="conference" placeholder="conference id" size={30} list="conference-ids" />
      <Field label="event type" name="event_type" placeholder="call.answered" size={16} />
      <Field label="text" name="text" placeholder="method, path or event" size={16} />
      <label><input type="checkbox" name="errors" /> errors only</label>
      <label><input type="checkbox" name="sequence" /> sequence view</label>
      <button type="submit">Filter</button>
      <button type="button" id="timeline-clear">All</button>
    </form>
    <datalist id="call-ids" />
    <datalist id="conference-ids" />
    <div class="pager" id="timeline-pager" />
    <div class="split">
      <ol id="timeline-list" class="timeline" />
      <div id="timeline-detail" class="detail"><p class="muted">Click an entry to see its exact body.</p></div>
    </div>
  </section>
);

const ServerView: FC = () => (
  <section id="view-server" class="view" data-view="server" hidden>
    <p class="muted">What this server is and how it is set up: what an app needs to talk to it and verify its webhooks.</p>
    <div id="server-info" />
  </section>
);

const ControlView: FC = () => (
  <section id="view-control" class="view" data-view="control" hidden>
    <form class="drive" data-action="set-number">
      <strong>A dialed number's behaviour</strong>
      <Field label="number" name="e164" placeholder="+15557770001" size={14} />
      <label>
        behaviour
        <select name="behaviour">
          <option>answer</option><option>busy</option><option>no_answer</option><option>reject</option>
        </select>
      </label>
      <Field label="answer after (s)" name="answer_after_secs" size={4} />
      <button type="submit">Set</button>
    </form>
    <ul id="number-list" class="plain" />
    <div class="drive">
      <strong>Applications and owned numbers</strong>
      <span class="muted">(set up by the app through /v2/call_control_applications, /v2/number_orders and /v2/phone_numbers)</span>
    </div>
    <ul id="application-list" class="plain" />
    <ul id="phone-number-list" class="plain" />
    <form class="drive" data-action="add-fault">
      <strong>Arm a fault</strong>
      <Field label="method" name="method" value="*" size={6} />
      <Field label="path" name="path" placeholder="/v2/conferences/*/actions/mute" size={30} />
      <Field label="status" name="status" value="503" size={4} />
      <Field label="count" name="count" value="1" size={3} />
      <Field label="delay (ms)" name="delay_ms" size={5} />
      <button type="submit">Arm</button>
    </form>
    <ul id="fault-list" class="plain" />
    <form class="drive" data-action="run-scenario">
      <strong>Run a scenario from fixtures/</strong>
      <label>scenario <select name="fixture" id="fixture-select" /></label>
      <Field label="webhook URL (the app)" name="webhook_url" placeholder="http://127.0.0.1:4000/webhooks" size={28} />
      <button type="submit">Run</button>
    </form>
    <pre id="scenario-result" class="detail" hidden />
    <form class="drive danger" data-action="reset">
      <strong>Reset</strong>
      <span>Clears this account's calls, conferences, queues, webhooks, numbers, applications and owned numbers, clock, journal and faults.</span>
      <button type="submit">Reset account</button>
    </form>
  </section>
);

export function consolePage(opts: { publicKey: string }) {
  return '<!doctype html>' + (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>telnyx-mock console</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/console/assets/console.css" />
        <script src="/console/assets/console.js" defer />
      </head>
      <body data-public-key={opts.publicKey}>
        <header>
          <h1>telnyx-mock <span>live console</span></h1>
          <form id="account-form" class="account">
            <label>
              account (API key)
              <input name="key" id="account-key" list="account-keys" placeholder="KEY_…" size={28} autocomplete="off" />
            </label>
            <datalist id="account-keys" />
            <button type="submit">Open</button>
          </form>
          <span id="live" class="live" data-state="off">offline</span>
        </header>
        <div class="layout">
          <nav>
            <h2>Accounts</h2>
            <p class="muted">Used since start, newest first.</p>
            <ul id="account-list" class="accounts" />
          </nav>
          <main>
            <div id="clock" class="clock">
              <span id="clock-state">no account</span>
              <form class="inline" data-action="advance">
                <input name="seconds" placeholder="60 or PT4H" size={10} aria-label="advance by" />
                <button type="submit">Advance</button>
              </form>
              <button type="button" data-action="freeze">Freeze</button>
              <button type="button" data-action="unfreeze">Unfreeze</button>
            </div>
            <div role="tablist" class="tabs">
              <Tab id="calls" label="Calls" selected />
              <Tab id="conferences" label="Conferences" />
              <Tab id="queues" label="Queues" />
              <Tab id="timeline" label="Timeline" />
              <Tab id="control" label="Numbers, faults, scenarios" />
              <Tab id="server" label="Server" />
            </div>
            <p id="error" class="error" role="alert" hidden />
            <CallsView />
            <ConferencesView />
            <QueuesView />
            <TimelineView />
            <ControlView />
            <ServerView />
          </main>
        </div>
      </body>
    </html>
  ).toString();
}
