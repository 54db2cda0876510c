#!/usr/bin/env node
'use strict';

/**
 * Starts the simulator from the command line, prints one JSON line
 * `{"baseUrl":...,"mediaBaseUrl":...,"adminUrl":...}` once listening, and
 * stops cleanly on SIGINT/SIGTERM. The /__sim/* admin endpoints are on
 * (pass --no-admin to turn them off).
 *
 *   node simulator/cli.js --port 4010 --media-port 4011 --api-key KEY --flavour ark --task-ms 20000
 */

const { parseArgs } = require('node:util');
const { startSimulator } = require('./index');

/** CLI flags taking a number, and the option each sets. */
const NUMBER_FLAGS = {
  port: 'port',
  'media-port': 'mediaPort',
  'queued-ms': 'queuedMs',
  'task-ms': 'taskMs',
  'max-concurrent-tasks': 'maxConcurrentTasks',
  'rate-limit-per-minute': 'rateLimitPerMinute',
  'rate-limit-window-ms': 'rateLimitWindowMs',
  'video-bytes': 'videoBytes',
  'link-ttl-ms': 'linkTtlMs',
  'api-latency-ms': 'apiLatencyMs',
  'missing-endpoint-status': 'missingEndpointStatus',
};
const STRING_FLAGS = { host: 'host', 'api-key': 'apiKey', flavour: 'flavour' };
const BOOLEAN_FLAGS = ['media-redirect', 'no-callbacks', 'admin', 'no-admin', 'help'];

const USAGE = `Usage: node simulator/cli.js [options]
  --port N                    API port (default 0: any free port)
  --media-port N              media port (default 0)
  --host ADDR                 loopback address (default 127.0.0.1)
  --api-key KEY               accepted Bearer key (default sim-key)
  --flavour aggregator|ark    API flavour (default aggregator)
  --queued-ms N               time queued (default 200)
  --task-ms N                 time running (default 1000)
  --max-concurrent-tasks N    tasks running at once (default unlimited)
  --rate-limit-per-minute N   API requests per window (default unlimited)
  --rate-limit-window-ms N    rate-limit window (default 60000)
  --video-bytes N             served video size (default: the sample's size)
  --link-ttl-ms N             signed media link validity (default 24 h)
  --api-latency-ms N          delay before each API answer (default 0)
  --missing-endpoint-status N 404 or 405 for the aggregator's list/delete (default 404)
  --media-redirect            media downloads answer 302 first
  --no-callbacks              do not POST to callback_url
  --no-admin                  no /__sim/* admin endpoints (on by default here)
  --admin                     admin endpoints on (the default)`;

/**
 * @param {string} flag
 * @param {string} value
 * @returns {number}
 */
function parseNumber(flag, value) {
  const number = value === 'Infinity' ? Infinity : Number(value);
  if (Number.isNaN(number)) throw new Error(`--${flag} needs a number, got ${value}`);
  return number;
}

/**
 * @param {string[]} argv
 * @returns {import('./index').SimulatorOptions | null} null when help was asked for
 */
function optionsFromArgs(argv) {
  /** @type {import('node:util').ParseArgsConfig['options']} */
  const flags = Object.fromEntries([
    ...Object.keys(NUMBER_FLAGS).map((flag) => [flag, { type: 'string' }]),
    ...Object.keys(STRING_FLAGS).map((flag) => [flag, { type: 'string' }]),
    ...BOOLEAN_FLAGS.map((flag) => [flag, { type: 'boolean' }]),
  ]);
  /** @type {Record<string, string | boolean | undefined>} */
  const values = /** @type {any} */ (parseArgs({ args: argv, options: flags }).values);
  if (values.help) return null;
  /** @type {Record<string, unknown>} */
  const options = { admin: !values['no-admin'], callbackEnabled: !values['no-callbacks'] };
  for (const [flag, name] of Object.entries(NUMBER_FLAGS)) {
    if (values[flag] !== undefined) options[name] = parseNumber(flag, /** @type {string} */ (values[flag]));
  }
  for (const [flag, name] of Object.entries(STRING_FLAGS)) {
    if (values[flag] !== undefined) options[name] = values[flag];
  }
  if (values['media-redirect']) options.mediaRedirect = true;
  return options;
}

async function main() {
  const options = optionsFromArgs(process.argv.slice(2));
  if (!options) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const simulator = await startSimulator(options);
  const stop = () => {
    simulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const announcement = {
    baseUrl: simulator.baseUrl,
    mediaBaseUrl: simulator.mediaBaseUrl,
    ...(options.admin ? { adminUrl: `${simulator.baseUrl}/__sim` } : {}),
  };
  process.stdout.write(`${JSON.stringify(announcement)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
