'use strict';

const http = require('node:http');
const { startSimulator } = require('../../simulator');

const TASKS_PATH = '/api/v3/contents/generations/tasks';
const MODEL = 'doubao-seedance-1-0-pro-250528';

/**
 * @typedef {object} ApiAnswer
 * @property {number} status
 * @property {Headers} headers
 * @property {any} body parsed JSON when it parses, else the text
 * @property {string} text
 */

/**
 * @param {Response} response
 * @returns {Promise<ApiAnswer>}
 */
async function toAnswer(response) {
  const text = await response.text();
  let body = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body, text };
}

/**
 * A small client for the simulated API.
 * @param {import('../../simulator').Simulator} sim
 * @param {{apiKey?: string | null}} [options] apiKey null sends no Authorization header
 */
function apiClient(sim, { apiKey = sim.apiKey } = {}) {
  /**
   * @param {string} method
   * @param {string} path
   * @param {{json?: unknown, raw?: string, signal?: AbortSignal}} [options]
   * @returns {Promise<ApiAnswer>}
   */
  async function request(method, path, { json, raw, signal } = {}) {
    /** @type {Record<string, string>} */
    const headers = {};
    if (apiKey !== null) headers.Authorization = `Bearer ${apiKey}`;
    let body;
    if (json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(json);
    } else if (raw !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = raw;
    }
    return toAnswer(await fetch(`${sim.baseUrl}${path}`, { method, headers, body, signal }));
  }
  return {
    request,
    /** @param {unknown} body */
    create: (body) => request('POST', TASKS_PATH, { json: body }),
    /** @param {string} id */
    get: (id) => request('GET', `${TASKS_PATH}/${encodeURIComponent(id)}`),
    /** @param {string} [query] */
    list: (query = '') => request('GET', `${TASKS_PATH}${query ? `?${query}` : ''}`),
    /** @param {string} id */
    remove: (id) => request('DELETE', `${TASKS_PATH}/${encodeURIComponent(id)}`),
  };
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls until the predicate returns a truthy value.
 * @template T
 * @param {() => T | Promise<T>} predicate
 * @param {{timeoutMs?: number, intervalMs?: number, what?: string}} [options]
 * @returns {Promise<T>}
 */
async function waitFor(predicate, { timeoutMs = 3000, intervalMs = 10, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/**
 * Waits until a task reaches a status (read through the API).
 * @param {ReturnType<typeof apiClient>} api
 * @param {string} id
 * @param {string} status
 * @param {number} [timeoutMs]
 */
function waitForStatus(api, id, status, timeoutMs = 3000) {
  return waitFor(async () => {
    const answer = await api.get(id);
    return answer.body.status === status ? answer.body : null;
  }, { timeoutMs, what: `task ${id} to be ${status}` });
}

/**
 * Starts a simulator for one test file and closes it after.
 * @param {import('../../simulator').SimulatorOptions} [options]
 */
async function startForTest(options = {}) {
  const sim = await startSimulator(options);
  return { sim, api: apiClient(sim) };
}

/**
 * A loopback HTTP server that records the JSON POSTed to it.
 * @param {number} [answerStatus]
 */
async function startCallbackReceiver(answerStatus = 200) {
  /** @type {{path: string, headers: import('node:http').IncomingHttpHeaders, body: any}[]} */
  const received = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ path: req.url || '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(answerStatus, { 'Content-Type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve(undefined));
    }),
  };
}

/**
 * Downloads a URL with node:http, counting bytes, and reports how it ended.
 * @param {string} url
 * @param {(chunk: Buffer) => void} [onChunk]
 * @param {Record<string, string>} [headers]
 * @returns {Promise<{status: number, headers: import('node:http').IncomingHttpHeaders, bytes: number, complete: boolean}>}
 */
function download(url, onChunk = () => {}, headers = {}) {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, headers }, (response) => {
      let bytes = 0;
      let settled = false;
      const finish = (complete) => {
        if (settled) return;
        settled = true;
        resolve({ status: /** @type {number} */ (response.statusCode), headers: response.headers, bytes, complete });
      };
      response.on('data', (chunk) => {
        bytes += chunk.length;
        onChunk(chunk);
      });
      response.on('end', () => finish(response.complete));
      response.on('aborted', () => finish(false));
      response.on('error', () => finish(false));
      response.on('close', () => finish(response.complete));
    });
    request.on('error', reject);
  });
}

module.exports = { TASKS_PATH, MODEL, apiClient, sleep, waitFor, waitForStatus, startForTest, startCallbackReceiver, download };
