'use strict';

const http = require('node:http');

/** Largest request body accepted (data-URL images may be ~40 MB of base64). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/**
 * @param {string} host
 * @returns {boolean} true for loopback names and addresses only
 */
function isLoopbackHost(host) {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

/**
 * @param {string} host
 * @param {number} port
 * @returns {string} e.g. http://127.0.0.1:4010 or http://[::1]:4010
 */
function baseUrlFor(host, port) {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @returns {URL}
 */
function requestUrl(req) {
  return new URL(req.url || '/', 'http://simulator.invalid');
}

/**
 * Reads the whole request body (destroying the request if it is too large).
 * @param {import('node:http').IncomingMessage} req
 * @returns {Promise<Buffer>}
 */
function readBody(req) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.destroy();
        reject(new Error('request body too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * @param {Buffer} raw
 * @returns {{recorded: unknown, json: unknown}} `recorded` is what the request record keeps
 *   (parsed JSON, else the raw string, null when empty); `json` is undefined unless the body parsed
 */
function interpretBody(raw) {
  if (raw.length === 0) return { recorded: null, json: undefined };
  const text = raw.toString('utf8');
  try {
    const json = JSON.parse(text);
    return { recorded: json, json };
  } catch {
    return { recorded: text, json: undefined };
  }
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {string | Buffer} body
 * @param {Record<string, string | number>} headers
 */
function sendBody(res, status, body, headers) {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { ...headers, 'Content-Length': bytes.length });
  res.end(bytes);
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string | number>} [headers]
 */
function sendJson(res, status, body, headers = {}) {
  sendBody(res, status, JSON.stringify(body), { 'Content-Type': 'application/json; charset=utf-8', ...headers });
}

/**
 * An http.Server bound to a loopback address that tracks its sockets so it
 * can be stopped at once (keep-alive sockets included) and started again on
 * the same port.
 */
class LoopbackListener {
  /** @param {string} host */
  constructor(host) {
    this.host = host;
    /** @type {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void} */
    this.handler = (req, res) => sendJson(res, 503, { error: { code: 'ServiceUnavailable', message: 'The simulator is starting.' } });
    /** @type {import('node:http').Server | null} */
    this.server = null;
    /** @type {Set<import('node:net').Socket>} */
    this.sockets = new Set();
    this.port = 0;
  }

  /**
   * @param {number} port 0 picks a free port
   * @returns {Promise<number>} the port listened on
   */
  start(port) {
    const server = http.createServer({ keepAliveTimeout: 5000 }, (req, res) => this.handler(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => {
        server.off('error', reject);
        const address = /** @type {import('node:net').AddressInfo} */ (server.address());
        this.port = address.port;
        resolve(this.port);
      });
    });
  }

  /**
   * Stops listening and destroys every open socket.
   * @returns {Promise<void>}
   */
  stop() {
    const server = this.server;
    this.server = null;
    const closed = server && server.listening
      ? new Promise((resolve) => server.close(() => resolve(undefined)))
      : Promise.resolve();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    return closed.then(() => undefined);
  }

  /** @returns {boolean} */
  get listening() {
    return Boolean(this.server && this.server.listening);
  }
}

module.exports = { isLoopbackHost, baseUrlFor, requestUrl, readBody, interpretBody, sendBody, sendJson, LoopbackListener };
