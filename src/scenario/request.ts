import { errors } from '../model/errors.js';
import { parseScenarioText, ScenarioError, ScenarioRun, validateScenario } from './parse.js';
import type { Scenario } from './types.js';

export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/x-yaml'];

export interface ScenarioRequest { scenario: Scenario; webhookUrl?: string; reset?: boolean; setup?: unknown }

/**
 * A scenario run as POST /_mock/scenarios/run receives it: YAML text (options in the query
 * string), or JSON `{"scenario": {...} | "yaml…", "webhook_url", "reset"}`, or the scenario itself.
 */
export function scenarioFromRequest(req: { yaml: string; query: (name: string) => string | undefined } | { json: Record<string, unknown> }): ScenarioRequest {
  if ('yaml' in req) {
    const reset = req.query('reset');
    const run = ScenarioRun.parse({ webhook_url: req.query('webhook_url') });
    return {
      scenario: checked(() => parseScenarioText(req.yaml, 'scenario'), ''),
      webhookUrl: run.webhook_url,
      reset: reset === undefined ? undefined : reset !== 'false',
    };
  }
  const body = req.json;
  if (body.scenario === undefined) {
    if (body.steps === undefined) throw errors.missing('scenario');
    return { scenario: checked(() => validateScenario(body), '') };
  }
  const given = body.scenario;
  const scenario = checked(() => (typeof given === 'string' ? parseScenarioText(given, 'scenario') : validateScenario(given)), '/scenario');
  const run = ScenarioRun.parse({ webhook_url: body.webhook_url, reset: body.reset });
  // `setup`: the snapshot of the scenario's `setup:` file, sent by the CLI, which could read it (checked when imported).
  return { scenario, webhookUrl: run.webhook_url, reset: run.reset, ...(body.setup !== undefined ? { setup: body.setup } : {}) };
}

/** A scenario problem as a Telnyx 422, its pointer relative to where the scenario sat in the body. */
function checked(parse: () => Scenario, at: string): Scenario {
  try {
    return parse();
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    throw errors.invalidScenario(err.message, `${at}${err.where.pointer ?? ''}` || undefined);
  }
}
