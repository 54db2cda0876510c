'use strict';

const http = require('node:http');
const { isLoopbackHost } = require('./http-util');

const CALLBACK_TIMEOUT_MS = 5000;

/**
 * POSTs the task object to a task's `callback_url` on every status change,
 * like Ark does. Callbacks of one task are sent one after the other, in order.
 * Only loopback URLs are called; others are recorded as refused.
 */
class CallbackSender {
  /**
   * @param {import('./record').Recorder} recorder
   */
  constructor(recorder) {
    this.recorder = recorder;
    /** @type {Map<string, Promise<void>>} the tail of each task's callback queue */
    this.queues = new Map();
    /** @type {Set<import('node:http').ClientRequest>} */
    this.pendingRequests = new Set();
    this.closed = false;
  }

  /**
   * @param {string} taskId
   * @param {string} url
   * @param {Record<string, unknown>} taskObject snapshot taken at the status change
   */
  notify(taskId, url, taskObject) {
    if (this.closed) return;
    const previous = this.queues.get(taskId) || Promise.resolve();
    const next = previous.then(() => this.#post(taskId, url, taskObject));
    this.queues.set(taskId, next);
    next.then(() => {
      if (this.queues.get(taskId) === next) this.queues.delete(taskId);
    });
  }

  /** @returns {Promise<void>} when every queued callback has been attempted */
  async settled() {
    while (this.queues.size > 0) await Promise.all([...this.queues.values()]);
  }

  /** Aborts callbacks in progress and sends no more. */
  close() {
    this.closed = true;
    for (const request of this.pendingRequests) request.destroy();
    this.pendingRequests.clear();
  }

  /**
   * @param {string} taskId
   * @param {string} url
   * @param {Record<string, unknown>} taskObject
   * @returns {Promise<void>}
   */
  async #post(taskId, url, taskObject) {
    if (this.closed) return;
    const record = this.recorder.startCallback({ taskId, taskStatus: String(taskObject.status), url, body: taskObject });
    const target = new URL(url);
    if (target.protocol !== 'http:' || !isLoopbackHost(target.hostname)) {
      record.error = 'not sent: the simulator only calls http:// loopback addresses';
      return;
    }
    try {
      record.httpStatus = await this.#send(target, JSON.stringify(taskObject));
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
    }
  }

  /**
   * @param {URL} target
   * @param {string} json
   * @returns {Promise<number>} the receiver's HTTP status
   */
  #send(target, json) {
    return new Promise((resolve, reject) => {
      const request = http.request(target, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) },
        timeout: CALLBACK_TIMEOUT_MS,
        agent: false,
      });
      this.pendingRequests.add(request);
      request.on('response', (response) => {
        response.resume();
        response.on('end', () => resolve(/** @type {number} */ (response.statusCode)));
      });
      request.on('timeout', () => request.destroy(new Error(`no answer within ${CALLBACK_TIMEOUT_MS} ms`)));
      request.on('error', reject);
      request.on('close', () => {
        this.pendingRequests.delete(request);
        reject(new Error('connection closed before an answer'));
      });
      request.end(json);
    });
  }
}

module.exports = { CallbackSender };
