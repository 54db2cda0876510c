'use strict';

const { readBody, interpretBody, sendJson } = require('./http-util');

/**
 * What the admin endpoints can reach.
 * @typedef {object} AdminAccess
 * @property {import('./record').Recorder} recorder
 * @property {import('./tasks').TaskStore} store
 * @property {() => void} reset
 * @property {(spec: import('./faults').FaultSpec) => import('./faults').FaultHandle} injectFault
 * @property {() => void} clearFaults
 */

/**
 * Turns a fault spec received as JSON into a FaultSpec: `match.pathRegex`
 * (a string) becomes a RegExp, and `times` "Infinity", -1 or null mean unlimited.
 * @param {any} json
 * @returns {import('./faults').FaultSpec}
 */
function faultSpecFromJson(json) {
  if (typeof json !== 'object' || json === null) throw new TypeError('The body must be a JSON fault spec.');
  const { pathRegex, ...match } = json.match || {};
  if (typeof pathRegex === 'string') match.path = new RegExp(pathRegex);
  const unlimited = json.times === 'Infinity' || json.times === -1 || json.times === null;
  return { ...json, match, times: unlimited ? Infinity : json.times };
}

/**
 * The `/__sim/*` endpoints other processes use to read the record and steer
 * the simulator. They are not recorded, not rate limited and need no auth.
 * @param {AdminAccess} access
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, url: URL) => void}
 */
function createAdminHandler(access) {
  /** @type {Record<string, (json: unknown) => unknown>} */
  const routes = {
    'GET /__sim/requests': () => access.recorder.requests,
    'GET /__sim/media-requests': () => access.recorder.mediaRequests,
    'GET /__sim/callbacks': () => access.recorder.callbacks,
    'GET /__sim/stats': () => access.recorder.stats,
    'GET /__sim/tasks': () => [...access.store.tasks.values()],
    'POST /__sim/reset': () => {
      access.reset();
      return { ok: true };
    },
    'POST /__sim/faults': (json) => ({ id: access.injectFault(faultSpecFromJson(json)).id }),
    'DELETE /__sim/faults': () => {
      access.clearFaults();
      return { ok: true };
    },
  };

  return function handleAdminRequest(req, res, url) {
    readBody(req)
      .then((raw) => {
        const route = routes[`${req.method} ${url.pathname}`];
        if (!route) {
          sendJson(res, 404, { error: { code: 'NotFound', message: `No admin endpoint ${req.method} ${url.pathname}` } });
          return;
        }
        sendJson(res, 200, route(interpretBody(raw).json));
      })
      .catch((error) => {
        if (!res.headersSent) sendJson(res, 400, { error: { code: 'InvalidParameter', message: error.message } });
      });
  };
}

module.exports = { createAdminHandler, faultSpecFromJson };
