#!/usr/bin/env node
/**
 * `npm version` runs this (the `version` script): the Dockerfile's ARG VERSION, which labels the
 * image, follows package.json's new version in the same commit. test/package and pack-check fail
 * when the two differ.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const file = join(root, 'Dockerfile');
const text = readFileSync(file, 'utf8');
if (!/^ARG VERSION=\S+$/m.test(text)) {
  console.error('sync-docker-version: the Dockerfile has no ARG VERSION=… line');
  process.exit(1);
}
writeFileSync(file, text.replace(/^ARG VERSION=\S+$/m, `ARG VERSION=${version}`));
