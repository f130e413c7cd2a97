import { TelnyxError } from '../model/errors.js';
import type { Account } from '../commands/account.js';
import * as callers from '../commands/callers.js';
import * as clock from '../commands/clock.js';
import { setNumber } from '../commands/numbers.js';
import { givePhoneNumber } from '../commands/phone-numbers.js';
import { addWebhookFault } from '../commands/webhook-faults.js';
import { setSettings } from '../commands/connections.js';
import { resetAccount } from '../commands/reset.js';
import { webhookMark } from '../commands/webhooks.js';
import { requestMark } from '../commands/requests.js';
import { check, describeCondition, type RunState } from './conditions.js';
import type { Condition, Scenario, ScenarioResult, Step, StepResult } from './types.js';
import type { ChangeKind } from '../changes.js';
import { nextTurn, SLICE_MS, waitForChange } from '../waits.js';
import { importSnapshot } from '../commands/snapshot.js';

export interface RunOptions {
  /** Where the callers' webhooks go (overrides the scenario's `webhook_url`). */
  webhookUrl?: string;
  /** Clear the account first; overrides the scenario's `reset`. */
  reset?: boolean;
  /** Called as each step finishes (or is skipped), for progress output. */
  onStep?: (result: StepResult) => void;
  /** The document of a `setup:` file, read by the door that could read it (the CLI, startMock()). */
  setup?: unknown;
}

/**
 * Runs a scenario against an account, step by step, each step one command (the same the control
 * API calls). After a failed step the rest are reported as skipped: later steps depend on earlier ones.
 */
export async function runScenario(account: Account, scenario: Scenario, opts: RunOptions = {}): Promise<ScenarioResult> {
  // Durations are wall time: waits are for a real app doing real I/O, whatever the account's clock says.
  const wall = () => account.wallNow();
  const started = wall();
  // A seed starts the run from a reset account, whatever `reset` says: a seeded stream on old state would repeat its ids.
  if (scenario.seed !== undefined) {
    resetAccount(account);
    account.determinize(scenario.seed);
  } else if (opts.reset ?? scenario.reset) resetAccount(account);
  if (scenario.strictConnections !== undefined) setSettings(account, { strict_connections: scenario.strictConnections });
  const rs: RunState = {
    account, names: new Map(),
    since: { webhook: webhookMark(account), request: requestMark(account) },
  };
  const webhookUrl = opts.webhookUrl ?? scenario.webhookUrl;

  const steps: StepResult[] = [];
  let failed = false;
  // `setup:` (state snapshots): imported into the account, after the reset, as step 0; a refusal fails the run before its steps.
  const setup = setupResult(account, scenario, opts.setup, wall);
  if (setup) {
    steps.push(setup);
    opts.onStep?.(setup);
    failed = setup.status === 'failed';
  }
  // Steps run back to back for at most a slice of work, then the event loop gets a turn: a long
  // scenario (999 presses of 128 digits) never holds the server from other accounts. A work budget
  // (performance.now), not time any account sees.
  let sliceStart = performance.now();
  for (const step of scenario.steps) {
    if (performance.now() - sliceStart >= SLICE_MS) {
      await nextTurn();
      sliceStart = performance.now();
    }
    const title = step.title ?? describeStep(step);
    const t0 = wall();
    let reason: string | undefined;
    let code: string | undefined;
    if (!failed) {
      try {
        reason = await execute(step, rs, { connectionId: scenario.connectionId, webhookUrl, wall });
      } catch (err) {
        if (err instanceof TelnyxError) {
          reason = `${err.title}: ${err.detail}`;
          code = err.code;
        } else {
          reason = `unexpected error: ${(err as Error).message}`;
        }
      }
    }
    const result: StepResult = {
      index: step.index, line: step.line, title,
      status: failed ? 'skipped' : reason === undefined ? 'passed' : 'failed',
      reason, ...(code ? { code } : {}), duration_ms: wall() - t0,
    };
    if (reason !== undefined) failed = true;
    steps.push(result);
    opts.onStep?.(result);
  }
  return {
    name: scenario.name, passed: !failed, steps, duration_ms: wall() - started,
    calls: Object.fromEntries(rs.names),
  };
}

/** Does one step; returns why it failed, or undefined when it passed. */
async function execute(step: Step, rs: RunState,
  env: { connectionId: string; webhookUrl?: string; wall: () => number }): Promise<string | undefined> {
  const { account, names } = rs;
  const id = (name: string) => names.get(name)!;
  switch (step.kind) {
    case 'call': {
      const call = callers.placeCall(account, {
        from: step.from, to: step.to, connection_id: step.connectionId ?? env.connectionId,
        client_state: step.clientState, answered: step.answered, webhook_url: env.webhookUrl,
      });
      names.set(step.name, call.callControlId);
      return undefined;
    }
    case 'hangup': callers.farEndHangup(account, id(step.name)); return undefined;
    case 'press': callers.pressDigits(account, id(step.name), { digits: step.digits }); return undefined;
    case 'speak': callers.speech(account, id(step.name), { state: 'started' }); return undefined;
    case 'stop_speaking': callers.speech(account, id(step.name), { state: 'stopped' }); return undefined;
    case 'say': callers.say(account, id(step.name), { text: step.text }); return undefined;
    case 'advance': await clock.advanceClock(account, { seconds: step.seconds }); return undefined;
    case 'clock':
      if (step.action === 'freeze') clock.freezeClock(account);
      else clock.unfreezeClock(account);
      return undefined;
    case 'number':
      setNumber(account, step.e164, { behaviour: step.behaviour, answer_after_secs: step.answerAfterSecs, amd_result: step.amdResult });
      return undefined;
    case 'phone_number':
      givePhoneNumber(account, { phone_number: step.e164, connection_id: step.connectionId });
      return undefined;
    case 'webhook_fault':
      addWebhookFault(account, { ...step.fault, call_control_id: step.call === undefined ? undefined : id(step.call) });
      return undefined;
    case 'expect': {
      const result = await check(step.condition, rs);
      return result.ok ? undefined : `expected ${describeCondition(step.condition)}, but ${result.actual}`;
    }
    case 'wait': {
      // Woken by the account's committed changes (writes, clock moves, webhook attempts, journaled
      // requests), not by polling: a hundred parked waits cost the server nothing.
      // "Some webhook like this" can only turn true by a webhook logged since the last look: each
      // probe reads only those (the log of a busy account grows by thousands).
      const incremental = step.condition.subject === 'webhook' && step.condition.count === undefined;
      let cursor = rs.since.webhook;
      const outcome = await waitForChange(account.changes, step.timeoutMs, async () => {
        const mark = incremental ? webhookMark(account) : 0;
        const result = await check(step.condition, incremental ? { ...rs, since: { ...rs.since, webhook: cursor } } : rs, { explain: false });
        if (incremental) cursor = mark;
        return result.ok ? result : undefined;
      }, { wall: env.wall, kinds: wakesOn(step.condition) });
      // Given up: once more, with the words for what was found instead.
      const result = outcome.found ?? await check(step.condition, rs);
      if (!result.ok) return `timed out after ${formatMs(step.timeoutMs)} waiting until ${describeCondition(step.condition)}; ${result.actual}`;
      if (step.as) {
        const taken = new Set(names.values());
        const event = result.events?.find((e) => e.call_control_id && !taken.has(e.call_control_id));
        if (!event) return `the matching webhook has no call that is not named already, so it cannot be named ${step.as}`;
        names.set(step.as, event.call_control_id!);
      }
      return undefined;
    }
  }
}

/**
 * The changes that can turn a condition true: requests for a request condition, committed writes
 * for the rest (webhooks are logged by the write that causes them; delivery attempts change
 * nothing a condition looks at).
 */
function wakesOn(c: Condition): ChangeKind[] {
  return c.subject === 'request' ? ['request'] : ['state'];
}

/** A step in words, for progress lines: "alice calls +15550100000". */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'call': return `${step.name} calls ${step.to}${step.answered ? ' (answered)' : ''}`;
    case 'hangup': return `${step.name} hangs up`;
    case 'press': return `${step.name} presses ${step.digits}`;
    case 'speak': return `${step.name} starts speaking`;
    case 'stop_speaking': return `${step.name} stops speaking`;
    case 'say': return `${step.name} says "${step.text}"`;
    case 'advance': return `time advances ${step.text}`;
    case 'clock': return `the clock ${step.action === 'freeze' ? 'freezes' : 'unfreezes'}`;
    case 'number': {
      const what = {
        answer: step.answerAfterSecs ? `answers after ${step.answerAfterSecs} s` : 'answers at once',
        busy: 'is busy', no_answer: 'does not answer', reject: 'rejects calls',
      }[step.behaviour];
      return `${step.e164} ${what}`;
    }
    case 'phone_number': return `the account owns ${step.e164}${step.connectionId ? ` (on ${step.connectionId})` : ''}`;
    case 'wait': return `wait until ${describeCondition(step.condition)}${step.as ? ` (as ${step.as})` : ''}`;
    case 'expect': return `expect ${describeCondition(step.condition)}`;
    case 'webhook_fault': return `webhook fault ${String(step.fault.kind)}${step.fault.event_type ? ` on ${String(step.fault.event_type)}` : ''}${step.call ? ` of ${step.call}` : ''}`;
  }
}

const formatMs = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

/** The `setup:` snapshot imported (step 0), or undefined when the scenario has none. */
function setupResult(account: Account, scenario: Scenario, given: unknown, wall: () => number): StepResult | undefined {
  if (!scenario.setup && given === undefined) return undefined;
  const t0 = wall();
  const source = given !== undefined ? { document: given } : scenario.setup!;
  const title = 'document' in source ? 'setup: import the state snapshot' : `setup: import the state snapshot ${source.file}`;
  let reason: string | undefined;
  let code: string | undefined;
  if ('file' in source) {
    // A server does not read files a tenant names: the CLI and startMock() read it and pass the document.
    reason = `the setup file ${source.file} is read by the CLI or startMock(); over HTTP give the snapshot inline ('setup': {...}).`;
  } else {
    try {
      importSnapshot(account, source.document);
    } catch (err) {
      if (!(err instanceof TelnyxError)) throw err;
      reason = `${err.title}: ${err.detail}${err.pointer && err.pointer !== '/' ? ` (at /setup${err.pointer})` : ''}`;
      code = err.code;
    }
  }
  return {
    index: 0, title, status: reason === undefined ? 'passed' : 'failed', reason, ...(code ? { code } : {}), duration_ms: wall() - t0,
  };
}
