'use strict';

const { TaskStore } = require('./tasks');
const { Recorder } = require('./record');
const { FaultRegistry } = require('./faults');
const { SlidingWindowRateLimiter } = require('./rate-limit');
const { LinkSigner } = require('./media-links');
const { CallbackSender } = require('./callbacks');
const { createApiHandler } = require('./api-server');
const { createMediaHandler } = require('./media-server');
const { createAdminHandler } = require('./admin');
const { toTaskObject } = require('./task-view');
const { SAMPLE_VIDEO } = require('./media-files');
const { LoopbackListener, isLoopbackHost, baseUrlFor } = require('./http-util');
const { TaskStatus } = require('./statuses');

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * @typedef {object} SimulatorOptions
 * @property {string} [apiKey] the accepted Bearer key (default 'sim-key')
 * @property {string} [host] loopback address to listen on (default '127.0.0.1')
 * @property {number} [port] API port (default 0: a free port)
 * @property {number} [mediaPort] media port (default 0: a free port)
 * @property {'aggregator' | 'ark'} [flavour] default 'aggregator'
 * @property {404 | 405} [missingEndpointStatus] what the aggregator answers for list/delete (default 404)
 * @property {number} [queuedMs] default 200
 * @property {number} [taskMs] default 1000
 * @property {number} [maxConcurrentTasks] tasks running at once (default Infinity)
 * @property {number} [rateLimitPerMinute] API requests per window (default Infinity)
 * @property {number} [rateLimitWindowMs] the sliding window (default 60000)
 * @property {number} [videoBytes] size of served videos (default: the sample MP4's size)
 * @property {number} [linkTtlMs] validity of signed media links (default 24 h)
 * @property {boolean} [callbackEnabled] POST task objects to callback_url (default true)
 * @property {boolean} [mediaRedirect] answer /videos/... with a 302 to /r/videos/... (default false)
 * @property {number} [apiLatencyMs] delay before each API answer (default 0)
 * @property {boolean} [admin] serve the /__sim/* admin endpoints on the API port (default false)
 * @property {(body: Record<string, unknown>) => import('./outcomes').OutcomeRequest | undefined} [outcome]
 */

/**
 * @param {SimulatorOptions} options
 * @returns {Required<Omit<SimulatorOptions, 'outcome'>> & Pick<SimulatorOptions, 'outcome'>}
 */
function resolveOptions(options) {
  const resolved = {
    apiKey: 'sim-key',
    host: '127.0.0.1',
    port: 0,
    mediaPort: 0,
    flavour: /** @type {'aggregator' | 'ark'} */ ('aggregator'),
    missingEndpointStatus: /** @type {404 | 405} */ (404),
    queuedMs: 200,
    taskMs: 1000,
    maxConcurrentTasks: Infinity,
    rateLimitPerMinute: Infinity,
    rateLimitWindowMs: 60000,
    videoBytes: SAMPLE_VIDEO.length,
    linkTtlMs: DAY_MS,
    callbackEnabled: true,
    mediaRedirect: false,
    apiLatencyMs: 0,
    admin: false,
    outcome: undefined,
    ...withoutUndefined(options),
  };
  if (!isLoopbackHost(resolved.host)) throw new Error(`The simulator only listens on loopback addresses, not ${resolved.host}`);
  if (resolved.flavour !== 'aggregator' && resolved.flavour !== 'ark') throw new Error(`Unknown flavour ${resolved.flavour}`);
  if (resolved.missingEndpointStatus !== 404 && resolved.missingEndpointStatus !== 405) {
    throw new Error('missingEndpointStatus must be 404 or 405');
  }
  return resolved;
}

/**
 * @param {object} object
 * @returns {object}
 */
function withoutUndefined(object) {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}

/** A running simulator: two loopback HTTP servers (API and media) and their records. */
class Simulator {
  /**
   * @param {object} parts
   * @param {ReturnType<typeof resolveOptions>} parts.options
   * @param {LoopbackListener} parts.apiListener
   * @param {LoopbackListener} parts.mediaListener
   * @param {TaskStore} parts.store
   * @param {Recorder} parts.recorder
   * @param {FaultRegistry} parts.faults
   * @param {SlidingWindowRateLimiter} parts.rateLimiter
   * @param {CallbackSender} parts.callbackSender
   */
  constructor(parts) {
    this.options = parts.options;
    this.flavour = parts.options.flavour;
    this.apiKey = parts.options.apiKey;
    this.apiPort = parts.apiListener.port;
    this.mediaPort = parts.mediaListener.port;
    /** API base URL, e.g. http://127.0.0.1:4010 (paths start with /api/v3) */
    this.baseUrl = baseUrlFor(parts.options.host, this.apiPort);
    /** Media (object storage) base URL */
    this.mediaBaseUrl = baseUrlFor(parts.options.host, this.mediaPort);
    this.apiListener = parts.apiListener;
    this.mediaListener = parts.mediaListener;
    this.store = parts.store;
    this.recorder = parts.recorder;
    this.faults = parts.faults;
    this.rateLimiter = parts.rateLimiter;
    this.callbackSender = parts.callbackSender;
    /** @type {Promise<void> | null} */
    this.closing = null;
  }

  /** @returns {import('./record').RequestRecord[]} every API request (admin calls excluded) */
  get requests() {
    return this.recorder.requests;
  }

  /** @returns {import('./record').RequestRecord[]} every media request */
  get mediaRequests() {
    return this.recorder.mediaRequests;
  }

  /** @returns {import('./record').CallbackRecord[]} every callback POST attempt */
  get callbacks() {
    return this.recorder.callbacks;
  }

  /** @returns {import('./record').SimulatorStats} */
  get stats() {
    return this.recorder.stats;
  }

  /** @returns {Map<string, import('./tasks').Task>} task id -> internal state */
  get tasks() {
    return this.store.tasks;
  }

  /**
   * @param {string} id
   * @returns {import('./tasks').Task | undefined}
   */
  getTask(id) {
    return this.store.get(id);
  }

  /**
   * @param {string} id
   * @returns {Record<string, unknown> | undefined} the task object as GET would answer it
   */
  taskObject(id) {
    const task = this.store.get(id);
    return task && toTaskObject(task, this.flavour);
  }

  /**
   * @param {import('./faults').FaultSpec} spec
   * @returns {import('./faults').FaultHandle}
   */
  injectFault(spec) {
    return this.faults.inject(spec);
  }

  /** Removes every pending fault. */
  clearFaults() {
    this.faults.clear();
  }

  /** Clears the records, the counters and the rate-limit window (tasks stay). */
  reset() {
    this.recorder.reset();
    this.rateLimiter.reset();
  }

  /** @returns {Promise<void>} when every callback queued so far has been attempted */
  callbacksSettled() {
    return this.callbackSender.settled();
  }

  /**
   * Closes the API listener (and its open connections): clients now get ECONNREFUSED.
   * @returns {Promise<void>}
   */
  pause() {
    return this.apiListener.stop();
  }

  /**
   * Listens again on the same API port.
   * @returns {Promise<void>}
   */
  async resume() {
    if (!this.apiListener.listening) await this.apiListener.start(this.apiPort);
  }

  /**
   * Stops timers and callbacks and closes both servers and every socket.
   * @returns {Promise<void>}
   */
  close() {
    if (!this.closing) {
      this.store.close();
      this.callbackSender.close();
      this.closing = Promise.all([this.apiListener.stop(), this.mediaListener.stop()]).then(() => undefined);
    }
    return this.closing;
  }
}

/**
 * Starts the Seedance task API simulator.
 * @param {SimulatorOptions} [options]
 * @returns {Promise<Simulator>}
 */
async function startSimulator(options = {}) {
  const config = resolveOptions(options);
  const recorder = new Recorder();
  const faults = new FaultRegistry();
  const rateLimiter = new SlidingWindowRateLimiter(config.rateLimitPerMinute, config.rateLimitWindowMs);
  const callbackSender = new CallbackSender(recorder);
  const apiListener = new LoopbackListener(config.host);
  const mediaListener = new LoopbackListener(config.host);
  await mediaListener.start(config.mediaPort);
  try {
    await apiListener.start(config.port);
  } catch (error) {
    await mediaListener.stop();
    throw error;
  }

  const signer = new LinkSigner(baseUrlFor(config.host, mediaListener.port), config.linkTtlMs);
  const store = new TaskStore({
    flavour: config.flavour,
    maxConcurrentTasks: config.maxConcurrentTasks,
    defaults: { queuedMs: config.queuedMs, taskMs: config.taskMs, videoBytes: config.videoBytes },
    outcome: config.outcome,
    issueLinks: (task, nowMs) => issueLinks(signer, task, nowMs),
    onStatusChange: (task) => {
      const callbackUrl = task.body.callback_url;
      if (config.callbackEnabled && typeof callbackUrl === 'string') {
        callbackSender.notify(task.id, callbackUrl, toTaskObject(task, config.flavour));
      }
    },
  });
  const simulator = new Simulator({ options: config, apiListener, mediaListener, store, recorder, faults, rateLimiter, callbackSender });

  const adminHandler = config.admin
    ? createAdminHandler({
      recorder,
      store,
      reset: () => simulator.reset(),
      injectFault: (spec) => simulator.injectFault(spec),
      clearFaults: () => simulator.clearFaults(),
    })
    : null;
  apiListener.handler = createApiHandler({
    config: { flavour: config.flavour, apiKey: config.apiKey, missingEndpointStatus: config.missingEndpointStatus, apiLatencyMs: config.apiLatencyMs },
    store,
    faults,
    recorder,
    rateLimiter,
    adminHandler,
  });
  mediaListener.handler = createMediaHandler({ store, signer, faults, recorder, mediaRedirect: config.mediaRedirect });
  return simulator;
}

/**
 * Signs the media links of a task that just succeeded.
 * @param {LinkSigner} signer
 * @param {import('./tasks').Task} task
 * @param {number} nowMs
 * @returns {NonNullable<import('./tasks').Task['links']>}
 */
function issueLinks(signer, task, nowMs) {
  const encodedId = encodeURIComponent(task.id);
  const video = signer.sign(`/videos/${encodedId}.mp4`, nowMs);
  const lastFrame = task.body.return_last_frame === true ? signer.sign(`/frames/${encodedId}.png`, nowMs) : null;
  return { videoUrl: video.url, lastFrameUrl: lastFrame ? lastFrame.url : null, expiresAtMs: video.expiresAtMs };
}

module.exports = { startSimulator, Simulator, TaskStatus };
