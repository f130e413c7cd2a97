import { Hono } from 'hono';
import type { Env } from '../http/auth.js';
import { param, readBody, requestOrigin } from '../http/body.js';
import { boolQuery, pageMeta, readPage } from '../http/paging.js';
import * as conferences from '../commands/conferences.js';
import { commandOk, conferenceJson, participantJson, participantListJson } from '../serialize/index.js';

/** /v2/conferences: decode, call one command, encode. */
export function conferenceRoutes() {
  const app = new Hono<Env>();

  app.get('/', (c) => {
    const page = readPage(c);
    const { rows, total } = conferences.listConferences(c.get('account'), {
      name: c.req.query('filter[name]'), status: c.req.query('filter[status]'), region: c.req.query('region'), page,
    });
    return c.json({ data: rows.map(conferenceJson), meta: pageMeta(page, total) });
  });

  app.post('/', async (c) =>
    c.json({ data: conferenceJson(conferences.createConference(c.get('account'), await readBody(c))) }));

  app.get('/:id', (c) => c.json({ data: conferenceJson(conferences.getConference(c.get('account'), param(c, 'id'))) }));

  app.get('/:id/participants', (c) => {
    const page = readPage(c);
    const { rows, total, conference } = conferences.listParticipants(c.get('account'), param(c, 'id'), {
      muted: boolQuery(c, 'filter[muted]'),
      onHold: boolQuery(c, 'filter[on_hold]'),
      whispering: boolQuery(c, 'filter[whispering]'),
      page,
    });
    return c.json({ data: rows.map((p) => participantListJson(p, conference)), meta: pageMeta(page, total) });
  });

  app.get('/:id/participants/:participant_id', (c) => c.json({
    data: participantJson(conferences.getParticipant(c.get('account'), param(c, 'id'), param(c, 'participant_id'))),
  }));

  app.patch('/:id/participants/:participant_id', async (c) => c.json({
    data: participantJson(conferences.updateParticipant(c.get('account'), param(c, 'id'), param(c, 'participant_id'), await readBody(c))),
  }));

  app.post('/:id/actions/:action', async (c) => {
    const action = conferences.CONFERENCE_ACTIONS.get(c.req.param('action'));
    if (!action) return c.notFound();
    action(c.get('account'), param(c, 'id'), await readBody(c), requestOrigin(c));
    return c.json(commandOk);
  });

  return app;
}
