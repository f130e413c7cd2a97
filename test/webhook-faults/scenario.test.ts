/** A scenario arms a webhook fault with a `webhook_fault:` step (issue 17: "scenario steps"). */
import { afterEach, expect, it } from 'vitest';
import { startMock, type TelnyxMock } from '../../src/lib.js';
import { sdkVerifier, startReceiver, type Receiver } from '../support/receiver.js';

let mock: TelnyxMock | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await mock?.close();
  await receiver?.close();
});

it('a webhook_fault step arms a fault on the named caller\'s call: its hangup arrives twice, same event id', async () => {
  receiver = await startReceiver();
  mock = await startMock({ webhookUrl: receiver.url });
  const result = await mock.runScenario(`
name: hangup delivered twice
steps:
  - call: alice
    from: "+15550001001"
    to: "+15550100000"
    answered: true
  - webhook_fault: duplicate
    call: alice
    event_type: call.hangup
  - hangup: alice
  - wait: { webhook: call.hangup, call: alice }
`);
  expect(result.steps.filter((s) => s.status !== 'passed')).toEqual([]);
  expect(result.steps[1].title).toBe('webhook fault duplicate on call.hangup of alice');
  await receiver.accepts(4);
  const hangups = receiver.accepted().filter((d) => d.json.data.event_type === 'call.hangup');
  expect(hangups).toHaveLength(2);
  expect(hangups[0].json.data.id).toBe(hangups[1].json.data.id);
  expect(hangups[0].json.data.payload.call_control_id).toBe(result.calls.alice);
  const unwrap = sdkVerifier(mock.publicKey);
  for (const d of hangups) await expect(unwrap(d.body, d.headers)).resolves.toBeTruthy();
  // The other events of the call were untouched: delivered once each.
  expect(receiver.accepted().map((d) => d.json.data.event_type)).toEqual(['call.initiated', 'call.answered', 'call.hangup', 'call.hangup']);
});
