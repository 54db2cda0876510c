'use strict';

const { setTimeout: delay } = require('node:timers/promises');
const { ApiError, errorBody, invalidParameter } = require('./errors');
const { requestUrl, readBody, interpretBody } = require('./http-util');
const { jsonReply } = require('./replies');
const { answerWithFault, describeFault, defaultApiErrorReply } = require('./faults');
const { validateCreateBody } = require('./validation');
const { toTaskObject, toListItem, toCreateResponse } = require('./task-view');
const { taskNotFound } = require('./tasks');
const { TaskStatus } = require('./statuses');
const { opaqueItems } = require('./ids');

/** The collection every endpoint lives under. */
const TASKS_PATH = '/api/v3/contents/generations/tasks';
const PAGE_LIMITS = Object.freeze({ min: 1, max: 500 });
const DEFAULT_PAGE_SIZE = 10;
/** @type {Set<string>} */
const KNOWN_STATUSES = new Set(Object.values(TaskStatus));

/**
 * @typedef {object} Route
 * @property {'create' | 'list' | 'get' | 'delete' | 'methodNotAllowed' | 'notFound'} name
 * @property {string} [taskId]
 * @property {string} [allow] methods allowed, for 405
 */

/**
 * @param {string} method
 * @param {string} pathname
 * @returns {Route}
 */
function matchRoute(method, pathname) {
  if (pathname === TASKS_PATH || pathname === `${TASKS_PATH}/`) {
    if (method === 'POST') return { name: 'create' };
    if (method === 'GET') return { name: 'list' };
    return { name: 'methodNotAllowed', allow: 'GET, POST' };
  }
  const rest = pathname.startsWith(`${TASKS_PATH}/`) ? pathname.slice(TASKS_PATH.length + 1) : '';
  if (rest === '' || rest.includes('/')) return { name: 'notFound' };
  let taskId;
  try {
    taskId = decodeURIComponent(rest);
  } catch {
    return { name: 'notFound' };
  }
  if (method === 'GET') return { name: 'get', taskId };
  if (method === 'DELETE') return { name: 'delete', taskId };
  return { name: 'methodNotAllowed', allow: 'GET, DELETE' };
}

/**
 * @param {import('./record').SimulatorStats} stats
 * @param {Route} route
 */
function countArrival(stats, route) {
  if (route.name === 'create') stats.creates += 1;
  if (route.name === 'get') stats.statusReads += 1;
  if (route.name === 'list') stats.listReads += 1;
  if (route.name === 'delete') stats.deletes += 1;
}

/**
 * @param {string | undefined} authorization
 * @param {string} apiKey
 * @throws {ApiError} 401 unless the header is `Bearer <apiKey>`
 */
function checkAuthorization(authorization, apiKey) {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization || '');
  if (!match || match[1] !== apiKey) {
    throw new ApiError(401, 'AuthenticationError', 'The API key in the request is missing or invalid.');
  }
}

/**
 * @param {URLSearchParams} query
 * @param {string} name
 * @param {number} fallback
 * @returns {number}
 */
function pageParameter(query, name, fallback) {
  const value = query.get(name);
  if (value === null) return fallback;
  const number = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(number >= PAGE_LIMITS.min && number <= PAGE_LIMITS.max)) {
    throw invalidParameter(name, `must be an integer from ${PAGE_LIMITS.min} to ${PAGE_LIMITS.max}`);
  }
  return number;
}

/**
 * @param {URLSearchParams} query
 * @returns {import('./tasks').TaskListFilter}
 */
function listFilter(query) {
  const status = query.get('filter.status') || undefined;
  if (status !== undefined && !KNOWN_STATUSES.has(status)) {
    throw invalidParameter('filter.status', `must be one of ${[...KNOWN_STATUSES].join(', ')}`);
  }
  const taskIds = query.getAll('filter.task_ids').filter((id) => id !== '');
  return {
    status,
    taskIds: taskIds.length > 0 ? taskIds : undefined,
    model: query.get('filter.model') || undefined,
    serviceTier: query.get('filter.service_tier') || undefined,
  };
}

/**
 * @typedef {object} ApiConfig
 * @property {'aggregator' | 'ark'} flavour
 * @property {string} apiKey
 * @property {404 | 405} missingEndpointStatus
 * @property {number} apiLatencyMs
 */

/**
 * @typedef {object} ApiServerDeps
 * @property {ApiConfig} config
 * @property {import('./tasks').TaskStore} store
 * @property {import('./faults').FaultRegistry} faults
 * @property {import('./record').Recorder} recorder
 * @property {import('./rate-limit').SlidingWindowRateLimiter} rateLimiter
 * @property {((req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, url: URL) => void) | null} adminHandler
 */

/** Paths under this prefix are the admin endpoints (never recorded). */
const ADMIN_PREFIX = '/__sim/';

/**
 * The Seedance task API: create, get, list, delete.
 * Each request is recorded, may be hit by an injected fault, then goes
 * through auth, the rate limit and its route.
 * @param {ApiServerDeps} deps
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void}
 */
function createApiHandler(deps) {
  const { config, store, faults, recorder, rateLimiter } = deps;

  /** @type {Record<Route['name'], (route: Route, request: {url: URL, method: string, json: unknown, record: import('./record').RequestRecord}) => import('./replies').Reply>} */
  const routeHandlers = {
    create(route, { json, record }) {
      validateCreateBody(json, config.flavour);
      const task = store.create(/** @type {Record<string, unknown>} */ (json));
      recorder.stats.tasksCreated += 1;
      record.taskId = task.id;
      return jsonReply(200, toCreateResponse(task, config.flavour, opaqueItems()));
    },
    get(route) {
      const task = store.get(/** @type {string} */ (route.taskId));
      if (!task) throw taskNotFound(/** @type {string} */ (route.taskId));
      return jsonReply(200, toTaskObject(task, config.flavour));
    },
    list(route, request) {
      if (config.flavour !== 'ark') throw missingEndpoint(request.method, request.url.pathname, 'POST');
      const query = request.url.searchParams;
      const pageNum = pageParameter(query, 'page_num', 1);
      const pageSize = pageParameter(query, 'page_size', DEFAULT_PAGE_SIZE);
      const matching = store.list(listFilter(query));
      const page = matching.slice((pageNum - 1) * pageSize, pageNum * pageSize);
      return jsonReply(200, { items: page.map((task) => toListItem(task, config.flavour)), total: matching.length });
    },
    delete(route, request) {
      if (config.flavour !== 'ark') throw missingEndpoint(request.method, request.url.pathname, 'GET');
      store.cancelOrDelete(/** @type {string} */ (route.taskId));
      return jsonReply(200, {});
    },
    methodNotAllowed(route, request) {
      throw methodNotAllowed(request.method, request.url.pathname, /** @type {string} */ (route.allow));
    },
    notFound(route, request) {
      throw new ApiError(404, 'NotFound', `Invalid URL (${request.method} ${request.url.pathname})`);
    },
  };

  /**
   * @param {string} method
   * @param {string} path
   * @param {string} allow
   * @returns {ApiError}
   */
  function missingEndpoint(method, path, allow) {
    if (config.missingEndpointStatus === 405) return methodNotAllowed(method, path, allow);
    return new ApiError(404, 'NotFound', `Invalid URL (${method} ${path})`);
  }

  function checkRateLimit() {
    const verdict = rateLimiter.tryAcquire();
    if (verdict.allowed) return;
    recorder.stats.rateLimited += 1;
    throw new ApiError(
      429,
      'RateLimitExceeded.EndpointRPMExceeded',
      'The request has exceeded the requests-per-minute limit of the endpoint. Please retry later.',
      undefined,
      { 'Retry-After': String(verdict.retryAfterSeconds) },
    );
  }

  /**
   * @param {Route} route
   * @param {{url: URL, method: string, json: unknown, record: import('./record').RequestRecord, authorization: string | undefined}} request
   * @returns {Promise<import('./replies').Reply>}
   */
  async function produceReply(route, request) {
    try {
      checkAuthorization(request.authorization, config.apiKey);
      checkRateLimit();
      if (config.apiLatencyMs > 0) await delay(config.apiLatencyMs);
      return routeHandlers[route.name](route, request);
    } catch (error) {
      if (error instanceof ApiError) return jsonReply(error.httpStatus, error.toBody(), error.headers);
      const message = error instanceof Error ? error.message : String(error);
      return jsonReply(500, errorBody(500, 'InternalServiceError', `Simulator error: ${message}`));
    }
  }

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {URL} url
   */
  async function handleRecordedRequest(req, res, url) {
    const method = req.method || 'GET';
    const record = recorder.startApiRequest(req, res, url);
    const { recorded, json } = interpretBody(await readBody(req));
    record.body = recorded;
    const route = matchRoute(method, url.pathname);
    countArrival(recorder.stats, route);
    const fault = faults.take('api', method, url.pathname);
    if (fault) record.fault = describeFault(fault);
    const request = { url, method, json, record, authorization: req.headers.authorization };
    await answerWithFault({ req, res, record }, fault, () => produceReply(route, request), defaultApiErrorReply);
  }

  return function handleApiRequest(req, res) {
    const url = requestUrl(req);
    if (deps.adminHandler && url.pathname.startsWith(ADMIN_PREFIX)) {
      deps.adminHandler(req, res, url);
      return;
    }
    handleRecordedRequest(req, res, url).catch(() => res.destroy());
  };
}

/**
 * @param {string} method
 * @param {string} path
 * @param {string} allow
 * @returns {ApiError}
 */
function methodNotAllowed(method, path, allow) {
  return new ApiError(405, 'MethodNotAllowed', `The method ${method} is not allowed for ${path}.`, undefined, { Allow: allow });
}

module.exports = { createApiHandler, matchRoute, TASKS_PATH, ADMIN_PREFIX };
