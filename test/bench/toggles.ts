import type autocannon from 'autocannon';

type Request = NonNullable<autocannon.Options['requests']>[number];

/**
 * Requests that each flip one conference no other connection holds (mute ⇄ unmute): always a
 * change, never two writers on one conference. Needs more conferences than connections.
 */
export function muteToggles(conferenceIds: string[]): Request[] {
  const confs = conferenceIds.map((id) => ({ id, muted: false, busy: false }));
  let next = 0;
  type Ctx = { conf?: (typeof confs)[number] };
  return [{
    method: 'POST', body: '{}',
    setupRequest: (req, context) => {
      let conf = confs[next];
      for (let i = 0; conf.busy && i < confs.length; i++) conf = confs[next = (next + 1) % confs.length];
      if (conf.busy) throw new Error('every conference is in use');
      next = (next + 1) % confs.length;
      conf.busy = true;
      (context as Ctx).conf = conf;
      const action = conf.muted ? 'unmute' : 'mute';
      conf.muted = !conf.muted;
      return { ...req, path: `/v2/conferences/${conf.id}/actions/${action}` };
    },
    onResponse: (_status, _body, context) => {
      const conf = (context as Ctx).conf;
      if (conf) conf.busy = false;
    },
  }];
}
