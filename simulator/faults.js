'use strict';

const { defaultErrorBody } = require('./errors');
const { jsonReply, textReply, bufferReply, deliver, resetConnection } = require('./replies');

/** Every fault kind, defined once. */
const FaultKind = Object.freeze({
  STATUS: 'status',
  ACCEPT_THEN_STATUS: 'acceptThenStatus',
  RESET: 'reset',
  TIMEOUT: 'timeout',
  HTML: 'html',
  EMPTY: 'empty',
  BAD_SHAPE: 'badShape',
  TRUNCATE: 'truncate',
  CONTENT_TYPE: 'contentType',
});

/** @type {Set<string>} */
const KNOWN_KINDS = new Set(Object.values(FaultKind));
/** @type {Set<string>} */
const MEDIA_ONLY_KINDS = new Set([FaultKind.TRUNCATE, FaultKind.CONTENT_TYPE]);

/**
 * @typedef {object} FaultMatch
 * @property {string} [method] e.g. 'POST' (any when absent)
 * @property {string | RegExp} [path] prefix of, or pattern for, the request path (without query)
 * @property {'api' | 'media'} [target] default: 'media' for truncate/contentType, else 'api'
 */

/**
 * @typedef {object} FaultSpec
 * @property {FaultMatch} [match]
 * @property {number} [times] how many matching requests it hits (default 1; Infinity allowed)
 * @property {string} kind one of FaultKind
 * @property {number} [status] for status / acceptThenStatus
 * @property {unknown} [body] response body (object -> JSON, string -> as is)
 * @property {Record<string, string>} [headers] extra response headers
 * @property {boolean} [afterAccept] reset: let the request be handled (task created) first
 * @property {string} [contentType] contentType: the wrong type to send (default text/html)
 */

/**
 * @typedef {object} Fault
 * @property {number} id
 * @property {FaultSpec} spec
 * @property {'api' | 'media'} target
 * @property {number} remaining hits left
 * @property {number} hits hits so far
 */

/**
 * @typedef {object} FaultHandle
 * @property {number} id
 * @property {number} remaining hits left
 * @property {number} hits hits so far
 * @property {() => void} cancel
 */

/** The injected faults, consumed in the order they were injected. */
class FaultRegistry {
  constructor() {
    /** @type {Fault[]} */
    this.pending = [];
    this.nextId = 1;
  }

  /**
   * @param {FaultSpec} spec
   * @returns {FaultHandle}
   */
  inject(spec) {
    checkFaultSpec(spec);
    const times = spec.times ?? 1;
    /** @type {Fault} */
    const fault = {
      id: this.nextId++,
      spec,
      target: spec.match?.target ?? (MEDIA_ONLY_KINDS.has(spec.kind) ? 'media' : 'api'),
      remaining: times,
      hits: 0,
    };
    this.pending.push(fault);
    const registry = this;
    return {
      id: fault.id,
      get remaining() {
        return fault.remaining;
      },
      get hits() {
        return fault.hits;
      },
      cancel() {
        registry.pending = registry.pending.filter((other) => other !== fault);
      },
    };
  }

  /**
   * Takes one hit of the first fault matching the request, if any.
   * @param {'api' | 'media'} target
   * @param {string} method
   * @param {string} path
   * @returns {Fault | null}
   */
  take(target, method, path) {
    const fault = this.pending.find((candidate) => matches(candidate, target, method, path));
    if (!fault) return null;
    fault.remaining -= 1;
    fault.hits += 1;
    if (fault.remaining <= 0) this.pending = this.pending.filter((other) => other !== fault);
    return fault;
  }

  clear() {
    this.pending = [];
  }
}

/** @param {FaultSpec} spec */
function checkFaultSpec(spec) {
  if (!spec || !KNOWN_KINDS.has(spec.kind)) {
    throw new TypeError(`Unknown fault kind ${JSON.stringify(spec && spec.kind)}; expected one of ${[...KNOWN_KINDS].join(', ')}`);
  }
  const needsStatus = spec.kind === FaultKind.STATUS || spec.kind === FaultKind.ACCEPT_THEN_STATUS;
  if (needsStatus && !Number.isInteger(spec.status)) throw new TypeError(`A ${spec.kind} fault needs an integer status`);
  if (spec.times !== undefined && !(spec.times >= 1)) throw new TypeError('times must be at least 1');
}

/**
 * @param {Fault} fault
 * @param {'api' | 'media'} target
 * @param {string} method
 * @param {string} path
 * @returns {boolean}
 */
function matches(fault, target, method, path) {
  const match = fault.spec.match || {};
  if (fault.target !== target) return false;
  if (match.method && match.method.toUpperCase() !== method.toUpperCase()) return false;
  if (match.path instanceof RegExp) return match.path.test(path);
  if (typeof match.path === 'string') return path.startsWith(match.path);
  return true;
}

/**
 * @param {Fault} fault
 * @returns {boolean} true for faults applied after the request was handled normally
 *   (the task of a create is then created: acceptThenStatus, reset with afterAccept, truncate, contentType)
 */
function appliesAfterHandling(fault) {
  const { kind, afterAccept } = fault.spec;
  return kind === FaultKind.ACCEPT_THEN_STATUS
    || kind === FaultKind.TRUNCATE
    || kind === FaultKind.CONTENT_TYPE
    || (kind === FaultKind.RESET && Boolean(afterAccept));
}

/**
 * @param {Fault} fault
 * @returns {{id: number, kind: string, status?: number}} what the request record says about it
 */
function describeFault(fault) {
  return { id: fault.id, kind: fault.spec.kind, ...(fault.spec.status !== undefined ? { status: fault.spec.status } : {}) };
}

const HTML_ERROR_PAGE = [
  '<html>',
  '<head><title>502 Bad Gateway</title></head>',
  '<body>',
  '<center><h1>502 Bad Gateway</h1></center>',
  '<hr><center>nginx</center>',
  '</body>',
  '</html>',
  '',
].join('\r\n');

/**
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} headers
 * @param {(status: number) => import('./replies').Reply} defaultReply
 * @returns {import('./replies').Reply}
 */
function statusReply(status, body, headers, defaultReply) {
  if (body === undefined) {
    const reply = defaultReply(status);
    return { ...reply, status, headers: { ...reply.headers, ...headers } };
  }
  if (typeof body === 'string') return textReply(status, body, 'text/plain; charset=utf-8', headers);
  return jsonReply(status, body, headers);
}

/**
 * The reply a fault sends instead of (or after) normal handling.
 * Returns null for faults that send nothing (reset, timeout).
 * @param {Fault} fault
 * @param {(status: number) => import('./replies').Reply} defaultErrorReply the target's usual error format
 * @returns {import('./replies').Reply | null}
 */
function faultReply(fault, defaultErrorReply) {
  const { kind, status, body, headers = {} } = fault.spec;
  switch (kind) {
    case FaultKind.STATUS:
    case FaultKind.ACCEPT_THEN_STATUS:
      return statusReply(/** @type {number} */ (status), body, headers, defaultErrorReply);
    case FaultKind.HTML:
      return textReply(status ?? 502, typeof body === 'string' ? body : HTML_ERROR_PAGE, 'text/html', headers);
    case FaultKind.EMPTY:
      return bufferReply(status ?? 200, Buffer.alloc(0), { 'Content-Type': 'application/json; charset=utf-8', ...headers });
    case FaultKind.BAD_SHAPE:
      return jsonReply(status ?? 200, body ?? { ok: true }, headers);
    default:
      return null;
  }
}

/**
 * Answers a request, applying its fault (if any). `produceReply` (the normal
 * handling, which may create a task) runs only when the fault allows it.
 * @param {import('./replies').Exchange} exchange
 * @param {Fault | null} fault
 * @param {() => Promise<import('./replies').Reply>} produceReply
 * @param {(status: number) => import('./replies').Reply} defaultErrorReply
 * @returns {Promise<void>}
 */
async function answerWithFault(exchange, fault, produceReply, defaultErrorReply) {
  if (fault && !appliesAfterHandling(fault)) return sendFaultInstead(exchange, fault, defaultErrorReply);
  const reply = await produceReply();
  if (!fault) return deliver(exchange, reply);
  switch (fault.spec.kind) {
    case FaultKind.RESET:
      return resetConnection(exchange);
    case FaultKind.TRUNCATE:
      return deliver(exchange, reply, { truncate: true });
    case FaultKind.CONTENT_TYPE:
      return deliver(exchange, { ...reply, headers: { ...reply.headers, 'Content-Type': fault.spec.contentType ?? 'text/html' } });
    default:
      return deliver(exchange, /** @type {import('./replies').Reply} */ (faultReply(fault, defaultErrorReply)));
  }
}

/**
 * @param {import('./replies').Exchange} exchange
 * @param {Fault} fault a fault that replaces normal handling
 * @param {(status: number) => import('./replies').Reply} defaultErrorReply
 * @returns {Promise<void>}
 */
async function sendFaultInstead(exchange, fault, defaultErrorReply) {
  if (fault.spec.kind === FaultKind.RESET) return resetConnection(exchange);
  if (fault.spec.kind === FaultKind.TIMEOUT) return undefined; // keep the socket open, never answer
  return deliver(exchange, /** @type {import('./replies').Reply} */ (faultReply(fault, defaultErrorReply)));
}

/**
 * @param {number} status
 * @returns {import('./replies').Reply} Ark-style JSON error for the API target
 */
function defaultApiErrorReply(status) {
  return jsonReply(status, defaultErrorBody(status));
}

module.exports = { FaultKind, FaultRegistry, answerWithFault, describeFault, defaultApiErrorReply };
