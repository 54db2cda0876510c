'use strict';

const { createHmac, randomBytes, timingSafeEqual } = require('node:crypto');

/**
 * Signs and checks object-storage-style media links:
 * `<mediaBaseUrl><path>?X-Tos-Algorithm=TOS4-HMAC-SHA256&X-Tos-Expires=<unix ms>&X-Tos-Signature=<hex>`.
 * X-Tos-Expires carries the absolute expiry in unix milliseconds, so
 * sub-second TTLs work in tests; the signature is an HMAC-SHA256 of path and
 * expiry with a secret made when the simulator starts.
 */
class LinkSigner {
  /**
   * @param {string} baseUrl the media server's base URL
   * @param {number} ttlMs how long a link stays valid
   */
  constructor(baseUrl, ttlMs) {
    this.baseUrl = baseUrl;
    this.ttlMs = ttlMs;
    this.secret = randomBytes(32);
  }

  /**
   * @param {string} path e.g. `/videos/<id>.mp4`
   * @param {number} [nowMs]
   * @returns {{url: string, expiresAtMs: number}}
   */
  sign(path, nowMs = Date.now()) {
    const expiresAtMs = nowMs + this.ttlMs;
    const query = new URLSearchParams({
      'X-Tos-Algorithm': 'TOS4-HMAC-SHA256',
      'X-Tos-Expires': String(expiresAtMs),
      'X-Tos-Signature': this.#signature(path, String(expiresAtMs)),
    });
    return { url: `${this.baseUrl}${path}?${query}`, expiresAtMs };
  }

  /**
   * @param {string} path
   * @param {URLSearchParams} query
   * @param {number} [nowMs]
   * @returns {'valid' | 'expired' | 'bad-signature'}
   */
  check(path, query, nowMs = Date.now()) {
    const expires = query.get('X-Tos-Expires') || '';
    const given = Buffer.from(query.get('X-Tos-Signature') || '', 'utf8');
    const expected = Buffer.from(this.#signature(path, expires), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad-signature';
    return nowMs > Number(expires) ? 'expired' : 'valid';
  }

  /**
   * @param {string} path
   * @param {string} expires
   * @returns {string}
   */
  #signature(path, expires) {
    return createHmac('sha256', this.secret).update(`${path}\n${expires}`).digest('hex');
  }
}

module.exports = { LinkSigner };
