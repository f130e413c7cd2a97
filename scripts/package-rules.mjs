/**
 * What the package may ship and what the Dockerfile says, read in one place for the two that check
 * them: scripts/pack-check.mjs (the packed package, installed and run) and test/package/ (in the
 * suite, without packing). Plain JS, no dependencies.
 */

/** Paths a user never needs: tests, specs, docs and their screenshots, CI files, sources, databases. */
export const forbiddenInPackage = (path) =>
  /^(test|spec|docs|\.ci|scripts|src|node_modules|reports|test-artifacts|\.stryker-tmp)\//.test(path)
  || /\.(png|jpe?g|db|db-wal|db-shm|tgz)$/.test(path);

/** The instructions of a Dockerfile's last stage ({ op, rest }), continuation lines joined, comments dropped. */
function finalStage(text) {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const last = lines.findLastIndex((l) => /^FROM\s/i.test(l));
  return lines.slice(last).map((l) => ({ op: l.split(/\s+/)[0].toUpperCase(), rest: l.replace(/^\S+\s*/, '') }));
}

/** KEY=value pairs of an ENV line (the form the Dockerfile uses: no quotes, no spaces in values). */
const envPairs = (rest) => Object.fromEntries(rest.split(/\s+/).map((p) => p.split('=')).map(([k, ...v]) => [k, v.join('=')]));

const json = (text) => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** The facts of the Dockerfile's final stage that the checks hold it to. */
export function readDockerfile(text) {
  const stage = finalStage(text);
  const one = (op) => stage.find((i) => i.op === op)?.rest;
  const healthcheck = one('HEALTHCHECK') ?? '';
  return {
    nodeImage: /^ARG NODE_IMAGE=(\S+)/m.exec(text)?.[1],
    version: /^ARG VERSION=(\S+)/m.exec(text)?.[1],
    workdir: one('WORKDIR'),
    user: one('USER'),
    volume: one('VOLUME'),
    env: Object.assign({}, ...stage.filter((i) => i.op === 'ENV').map((i) => envPairs(i.rest))),
    /** Exec form only (["node", …]); undefined otherwise. */
    cmd: json(one('CMD') ?? ''),
    healthcheckLine: healthcheck,
    healthcheck: json(/\bCMD\s+(\[.*\])$/.exec(healthcheck)?.[1] ?? ''),
    /** What the final stage copies from the build context (not from another stage). */
    contextCopies: stage.filter((i) => i.op === 'COPY' && !i.rest.startsWith('--from')).flatMap((i) => i.rest.split(/\s+/).slice(0, -1)),
  };
}
