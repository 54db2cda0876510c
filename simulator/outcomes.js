'use strict';

const { TaskStatus } = require('./statuses');
const { contentTexts } = require('./validation');

const MIB = 1024 * 1024;
const DEFAULT_EXECUTION_EXPIRES_AFTER_S = 172800;

/**
 * What a test may ask for through the `outcome` option (all optional).
 * @typedef {object} OutcomeRequest
 * @property {string} [status] final status: succeeded | failed | expired | any other string
 * @property {number} [queuedMs] time spent queued before a slot is requested
 * @property {number} [taskMs] time spent running
 * @property {{code: string, message: string} | null} [error]
 * @property {number} [videoBytes] size of the served video
 * @property {boolean} [stayQueued] never leave `queued`
 * @property {boolean} [stayRunning] never leave `running`
 * @property {number} [expireAfterMs] expire (if still queued/running) this long after creation
 */

/**
 * The resolved plan of one task's life.
 * @typedef {object} OutcomePlan
 * @property {string} status
 * @property {number} queuedMs
 * @property {number} taskMs
 * @property {{code: string, message: string} | null} error
 * @property {number} videoBytes
 * @property {boolean} stayQueued
 * @property {boolean} stayRunning
 * @property {number} expireAfterMs
 */

/**
 * @param {string} status
 * @param {number} executionExpiresAfterS
 * @returns {{code: string, message: string} | null} the error a task ending in `status` carries by default
 */
function defaultErrorFor(status, executionExpiresAfterS) {
  if (status === TaskStatus.FAILED) {
    return {
      code: 'OutputVideoSensitiveContentDetected',
      message: 'The request failed because the output video may contain sensitive information.',
    };
  }
  if (status === TaskStatus.EXPIRED) {
    return {
      code: 'TaskExpired',
      message: `The task was not completed within execution_expires_after (${executionExpiresAfterS} s).`,
    };
  }
  return null;
}

/**
 * @param {string | undefined} value
 * @returns {number | undefined} a non-negative number, or undefined when not one
 */
function nonNegativeNumber(value) {
  const number = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(number) && number >= 0 ? number : undefined;
}

/**
 * Prompt markers: `[sim:name]` or `[sim:name=value]`.
 * @type {Record<string, (value: string | undefined) => OutcomeRequest>}
 */
const MARKERS = {
  fail: (code) => ({
    status: TaskStatus.FAILED,
    ...(code ? { error: { code, message: `The task failed with ${code} (simulated).` } } : {}),
  }),
  expire: () => ({ status: TaskStatus.EXPIRED }),
  status: (value) => (value ? { status: value } : {}),
  task_ms: (value) => ({ taskMs: nonNegativeNumber(value) }),
  queued_ms: (value) => ({ queuedMs: nonNegativeNumber(value) }),
  expire_ms: (value) => ({ expireAfterMs: nonNegativeNumber(value) }),
  video_mb: (value) => {
    const mib = nonNegativeNumber(value);
    return { videoBytes: mib === undefined ? undefined : Math.round(mib * MIB) };
  },
  video_bytes: (value) => ({ videoBytes: nonNegativeNumber(value) }),
  stay_queued: () => ({ stayQueued: true }),
  stay_running: () => ({ stayRunning: true }),
};

/**
 * @param {string} text
 * @returns {OutcomeRequest} what the `[sim:...]` markers in the text ask for (unknown markers are ignored)
 */
function parseMarkers(text) {
  /** @type {OutcomeRequest} */
  let request = {};
  for (const match of text.matchAll(/\[sim:([a-z_]+)(?:=([^\]]*))?\]/gi)) {
    const marker = MARKERS[match[1].toLowerCase()];
    if (marker) request = { ...request, ...withoutUndefined(marker(match[2])) };
  }
  return request;
}

/**
 * @template {object} T
 * @param {T} object
 * @returns {Partial<T>}
 */
function withoutUndefined(object) {
  return /** @type {Partial<T>} */ (Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)));
}

/**
 * @param {Record<string, unknown>} body
 * @returns {string} the texts markers are read from: `prompt` and the first text content item
 */
function markerTextOf(body) {
  const prompt = typeof body.prompt === 'string' ? body.prompt : '';
  return `${prompt}\n${contentTexts(body)[0] || ''}`;
}

/**
 * Decides how a task will live: defaults, overridden by prompt markers,
 * overridden by the `outcome` option.
 * @param {Record<string, unknown>} body the accepted create body
 * @param {{queuedMs: number, taskMs: number, videoBytes: number}} defaults
 * @param {((body: Record<string, unknown>) => OutcomeRequest | undefined) | undefined} outcome
 * @returns {OutcomePlan}
 */
function planOutcome(body, defaults, outcome) {
  const requested = {
    ...parseMarkers(markerTextOf(body)),
    ...withoutUndefined((outcome && outcome(body)) || {}),
  };
  const status = requested.status || TaskStatus.SUCCEEDED;
  const executionExpiresAfterS = /** @type {number} */ (body.execution_expires_after) || DEFAULT_EXECUTION_EXPIRES_AFTER_S;
  return {
    status,
    queuedMs: requested.queuedMs ?? defaults.queuedMs,
    taskMs: requested.taskMs ?? defaults.taskMs,
    error: requested.error !== undefined ? requested.error : defaultErrorFor(status, executionExpiresAfterS),
    videoBytes: requested.videoBytes ?? defaults.videoBytes,
    stayQueued: Boolean(requested.stayQueued) || status === TaskStatus.QUEUED,
    stayRunning: Boolean(requested.stayRunning) || status === TaskStatus.RUNNING,
    expireAfterMs: requested.expireAfterMs ?? executionExpiresAfterS * 1000,
  };
}

module.exports = { planOutcome, parseMarkers, defaultErrorFor, DEFAULT_EXECUTION_EXPIRES_AFTER_S };
