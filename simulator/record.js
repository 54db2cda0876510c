'use strict';

/**
 * One recorded HTTP request (API or media).
 * @typedef {object} RequestRecord
 * @property {number} id
 * @property {number} time arrival, unix milliseconds
 * @property {string} method
 * @property {string} path pathname, without the query
 * @property {Record<string, string | string[]>} query repeated keys become arrays
 * @property {import('node:http').IncomingHttpHeaders} headers lower-case names, as received
 * @property {unknown} body parsed JSON, else the raw string, null when empty
 * @property {number | null} status HTTP status sent; null when no response was sent (reset, timeout)
 * @property {{id: number, kind: string, status?: number} | undefined} [fault] the injected fault applied to it
 * @property {string} [taskId] the task a create accepted, or the task a media request named
 */

/**
 * One callback POST attempt.
 * @typedef {object} CallbackRecord
 * @property {number} id
 * @property {number} time unix milliseconds when the POST started
 * @property {string} taskId
 * @property {string} taskStatus the status the POST reports
 * @property {string} url
 * @property {Record<string, unknown>} body the task object POSTed
 * @property {number | null} httpStatus the receiver's answer, null if none
 * @property {string | null} error why no answer came (refused, timeout, non-loopback URL)
 */

/**
 * @typedef {object} SimulatorStats
 * @property {number} creates create requests received
 * @property {number} tasksCreated creates accepted (billed)
 * @property {number} statusReads GET /tasks/{id} received
 * @property {number} listReads GET /tasks (list) received
 * @property {number} deletes DELETE /tasks/{id} received
 * @property {number} rateLimited requests answered 429 by the rate limiter
 * @property {number} inFlight API requests being processed right now
 * @property {number} maxInFlight most API requests processed at the same moment
 * @property {number} mediaInFlight media requests being served right now
 * @property {number} maxMediaInFlight most media requests served at the same moment
 */

/** @returns {SimulatorStats} */
function zeroStats() {
  return {
    creates: 0,
    tasksCreated: 0,
    statusReads: 0,
    listReads: 0,
    deletes: 0,
    rateLimited: 0,
    inFlight: 0,
    maxInFlight: 0,
    mediaInFlight: 0,
    maxMediaInFlight: 0,
  };
}

/**
 * @param {URLSearchParams} searchParams
 * @returns {Record<string, string | string[]>}
 */
function queryToObject(searchParams) {
  /** @type {Record<string, string | string[]>} */
  const query = {};
  for (const key of new Set(searchParams.keys())) {
    const values = searchParams.getAll(key);
    query[key] = values.length === 1 ? values[0] : values;
  }
  return query;
}

/** Keeps the request, media and callback records and the counters tests assert on. */
class Recorder {
  constructor() {
    /** @type {RequestRecord[]} */
    this.requests = [];
    /** @type {RequestRecord[]} */
    this.mediaRequests = [];
    /** @type {CallbackRecord[]} */
    this.callbacks = [];
    /** @type {SimulatorStats} */
    this.stats = zeroStats();
    this.nextId = 1;
  }

  /**
   * Records an API request and counts it in flight until its response ends.
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {URL} url
   * @returns {RequestRecord}
   */
  startApiRequest(req, res, url) {
    this.#trackInFlight(res, 'inFlight', 'maxInFlight');
    return this.#push(this.requests, req, url);
  }

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {URL} url
   * @returns {RequestRecord}
   */
  startMediaRequest(req, res, url) {
    this.#trackInFlight(res, 'mediaInFlight', 'maxMediaInFlight');
    return this.#push(this.mediaRequests, req, url);
  }

  /**
   * @param {Omit<CallbackRecord, 'id' | 'time' | 'httpStatus' | 'error'>} attempt
   * @returns {CallbackRecord}
   */
  startCallback(attempt) {
    /** @type {CallbackRecord} */
    const record = { id: this.nextId++, time: Date.now(), ...attempt, httpStatus: null, error: null };
    this.callbacks.push(record);
    return record;
  }

  /** Empties the records (in place) and zeroes the counters; live gauges keep their value. */
  reset() {
    this.requests.length = 0;
    this.mediaRequests.length = 0;
    this.callbacks.length = 0;
    const { inFlight, mediaInFlight } = this.stats;
    Object.assign(this.stats, zeroStats(), { inFlight, maxInFlight: inFlight, mediaInFlight, maxMediaInFlight: mediaInFlight });
  }

  /**
   * @param {RequestRecord[]} list
   * @param {import('node:http').IncomingMessage} req
   * @param {URL} url
   * @returns {RequestRecord}
   */
  #push(list, req, url) {
    /** @type {RequestRecord} */
    const record = {
      id: this.nextId++,
      time: Date.now(),
      method: req.method || 'GET',
      path: url.pathname,
      query: queryToObject(url.searchParams),
      headers: { ...req.headers },
      body: null,
      status: null,
    };
    list.push(record);
    return record;
  }

  /**
   * @param {import('node:http').ServerResponse} res
   * @param {'inFlight' | 'mediaInFlight'} gauge
   * @param {'maxInFlight' | 'maxMediaInFlight'} peak
   */
  #trackInFlight(res, gauge, peak) {
    this.stats[gauge] += 1;
    this.stats[peak] = Math.max(this.stats[peak], this.stats[gauge]);
    res.once('close', () => {
      this.stats[gauge] -= 1;
    });
  }
}

module.exports = { Recorder, queryToObject };
