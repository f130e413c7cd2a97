import { Hono, type Context } from 'hono';
import { stream } from 'hono/streaming';
import type { Env } from '../http/auth.js';
import { readBody } from '../http/validate.js';
import { DomainError, errors } from '../domain/errors.js';
import type { Control } from '../control/control.js';
import { parseScenarioText, ScenarioError, validateScenario } from '../control/scenario/parse.js';
import type { Scenario } from '../control/scenario/types.js';

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

/**
 * POST /_mock/scenarios/run: a scenario as JSON (`{"scenario": {...}, "webhook_url": ...}`, or the
 * scenario itself), or YAML text with a YAML content type. With `Accept: application/x-ndjson`
 * each step's result is streamed as it finishes (the CLI's progress lines), then the summary.
 */
export function scenarioRoutes(control: Control) {
  const app = new Hono<Env>();

  app.post('/run', async (c) => {
    const account = c.get('account');
    const { scenario, webhookUrl, reset } = await readRun(c);
    const opts = { webhookUrl, reset };
    if (!(c.req.header('accept') ?? '').includes('application/x-ndjson')) {
      return c.json({ data: await control.runScenario(account, scenario, opts) });
    }
    c.header('content-type', 'application/x-ndjson');
    return stream(c, async (out) => {
      const result = await control.runScenario(account, scenario, {
        ...opts, onStep: (step) => { void out.write(`${JSON.stringify({ type: 'step', ...step })}\n`); },
      });
      await out.write(`${JSON.stringify({ type: 'result', ...result })}\n`);
    });
  });

  return app;
}

async function readRun(c: Context): Promise<{ scenario: Scenario; webhookUrl?: string; reset?: boolean }> {
  const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (YAML_TYPES.includes(type)) {
    const reset = c.req.query('reset');
    const text = await c.req.text();
    return {
      scenario: checked(() => parseScenarioText(text, 'scenario'), ''),
      webhookUrl: c.req.query('webhook_url') || undefined,
      reset: reset === undefined ? undefined : reset !== 'false',
    };
  }
  const body = await readBody(c);
  if (body.scenario === undefined) {
    if (body.steps === undefined) throw errors.missing('scenario');
    return { scenario: checked(() => validateScenario(body), '') };
  }
  const given = body.scenario;
  const scenario = checked(() => (typeof given === 'string' ? parseScenarioText(given, 'scenario') : validateScenario(given)), '/scenario');
  const webhookUrl = body.webhook_url;
  if (webhookUrl !== undefined && (typeof webhookUrl !== 'string' || !/^https?:\/\/\S+$/.test(webhookUrl))) {
    throw errors.invalid('webhook_url', "'webhook_url' must be an http(s) URL.");
  }
  const reset = body.reset;
  if (reset !== undefined && typeof reset !== 'boolean') throw errors.invalid('reset', "'reset' must be true or false.");
  return { scenario, webhookUrl: webhookUrl as string | undefined, reset: reset as boolean | undefined };
}

/** A scenario problem as a Telnyx 422, its pointer relative to where the scenario sat in the body. */
function checked(parse: () => Scenario, at: string): Scenario {
  try {
    return parse();
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    const pointer = `${at}${err.where.pointer ?? ''}` || undefined;
    throw new DomainError('unprocessable', '10015', 'Invalid scenario', err.message, pointer);
  }
}
