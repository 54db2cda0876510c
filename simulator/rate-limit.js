'use strict';

/**
 * Counts accepted requests in a sliding window and refuses those over the limit.
 * Refused requests do not count.
 */
class SlidingWindowRateLimiter {
  /**
   * @param {number} limit requests allowed per window (Infinity = no limit)
   * @param {number} windowMs
   */
  constructor(limit, windowMs) {
    this.limit = limit;
    this.windowMs = windowMs;
    /** @type {number[]} arrival times of counted requests, oldest first */
    this.arrivals = [];
  }

  /**
   * @param {number} [nowMs]
   * @returns {{allowed: boolean, retryAfterSeconds: number}} retryAfterSeconds is 0 when allowed
   */
  tryAcquire(nowMs = Date.now()) {
    if (this.limit === Infinity) return { allowed: true, retryAfterSeconds: 0 };
    while (this.arrivals.length > 0 && this.arrivals[0] <= nowMs - this.windowMs) this.arrivals.shift();
    if (this.arrivals.length < this.limit) {
      this.arrivals.push(nowMs);
      return { allowed: true, retryAfterSeconds: 0 };
    }
    const freeAtMs = this.arrivals[0] + this.windowMs;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freeAtMs - nowMs) / 1000)) };
  }

  reset() {
    this.arrivals = [];
  }
}

module.exports = { SlidingWindowRateLimiter };
