'use strict';

/**
 * A response ready to be written: status, headers and a body given as chunks
 * (so a 50 MB video is streamed from small buffers, never built in memory).
 * @typedef {object} Reply
 * @property {number} status
 * @property {Record<string, string | number>} headers
 * @property {number} length exact body length in bytes (sent as Content-Length)
 * @property {() => Iterable<Buffer>} chunks the body
 */

/**
 * The request being answered and its record.
 * @typedef {object} Exchange
 * @property {import('node:http').IncomingMessage} req
 * @property {import('node:http').ServerResponse} res
 * @property {import('./record').RequestRecord} record
 */

/**
 * @param {number} status
 * @param {Buffer} buffer
 * @param {Record<string, string | number>} headers
 * @returns {Reply}
 */
function bufferReply(status, buffer, headers) {
  return { status, headers, length: buffer.length, chunks: () => (buffer.length > 0 ? [buffer] : []) };
}

/**
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string | number>} [headers]
 * @returns {Reply}
 */
function jsonReply(status, body, headers = {}) {
  return bufferReply(status, Buffer.from(JSON.stringify(body), 'utf8'), { 'Content-Type': 'application/json; charset=utf-8', ...headers });
}

/**
 * @param {number} status
 * @param {string} text
 * @param {string} contentType
 * @param {Record<string, string | number>} [headers]
 * @returns {Reply}
 */
function textReply(status, text, contentType, headers = {}) {
  return bufferReply(status, Buffer.from(text, 'utf8'), { 'Content-Type': contentType, ...headers });
}

/**
 * @param {Iterable<Buffer>} chunks
 * @param {number} limit
 * @returns {Iterable<Buffer>} at most `limit` bytes of the chunks
 */
function* firstBytes(chunks, limit) {
  let left = limit;
  for (const chunk of chunks) {
    if (left <= 0) return;
    const piece = chunk.length <= left ? chunk : chunk.subarray(0, left);
    left -= piece.length;
    yield piece;
  }
}

/**
 * @param {import('node:http').ServerResponse} res
 * @returns {Promise<void>} when the response can take more data, or is gone
 */
function drainedOrClosed(res) {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Bytes written before a stream lets other responses take a turn. */
const FAIR_SHARE_BYTES = 256 * 1024;

/**
 * Writes chunks with back-pressure, yielding to the event loop regularly so
 * that parallel downloads progress together (loopback sockets rarely push back).
 * @param {import('node:http').ServerResponse} res
 * @param {Iterable<Buffer>} chunks
 * @returns {Promise<boolean>} false when the client went away first
 */
async function writeChunks(res, chunks) {
  let sinceLastTurn = 0;
  for (const chunk of chunks) {
    if (res.destroyed) return false;
    if (!res.write(chunk)) await drainedOrClosed(res);
    sinceLastTurn += chunk.length;
    if (sinceLastTurn >= FAIR_SHARE_BYTES) {
      sinceLastTurn = 0;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return !res.destroyed;
}

/**
 * Closes a socket once what was written has left it, then destroys it.
 * @param {import('node:net').Socket} socket
 */
function destroyAfterFlush(socket) {
  socket.end(() => socket.destroy());
}

/**
 * Writes a reply. With `truncate`, the full Content-Length is announced but
 * only half the body is sent before the connection is dropped.
 * @param {Exchange} exchange
 * @param {Reply} reply
 * @param {{truncate?: boolean}} [options]
 * @returns {Promise<void>}
 */
async function deliver(exchange, reply, { truncate = false } = {}) {
  const { req, res, record } = exchange;
  if (res.destroyed) return;
  record.status = reply.status;
  res.writeHead(reply.status, { ...reply.headers, 'Content-Length': reply.length });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const bytesToSend = truncate ? Math.floor(reply.length / 2) : reply.length;
  const complete = await writeChunks(res, firstBytes(reply.chunks(), bytesToSend));
  if (!complete) return;
  if (truncate) destroyAfterFlush(/** @type {import('node:net').Socket} */ (res.socket));
  else res.end();
}

/**
 * Drops the connection without any response.
 * @param {Exchange} exchange
 */
function resetConnection(exchange) {
  exchange.req.socket.destroy();
}

module.exports = { bufferReply, jsonReply, textReply, deliver, resetConnection };
