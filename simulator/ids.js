'use strict';

const { randomBytes, randomInt } = require('node:crypto');

const LOWER_ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' + LOWER_ALPHANUMERIC;

/**
 * @param {number} length
 * @param {string} [alphabet]
 * @returns {string}
 */
function randomChars(length, alphabet = LOWER_ALPHANUMERIC) {
  let chars = '';
  for (let i = 0; i < length; i += 1) chars += alphabet[randomInt(alphabet.length)];
  return chars;
}

/**
 * @param {Date} date
 * @returns {string} yyyymmddhhmmss in UTC
 */
function compactTimestamp(date) {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/**
 * @param {Date} [date]
 * @returns {string} an Ark task id, e.g. `cgt-20250331175019-68d9t`
 */
function arkTaskId(date = new Date()) {
  return `cgt-${compactTimestamp(date)}-${randomChars(5)}`;
}

/** @returns {string} an aggregator task id, e.g. `task_Xb3...` */
function aggregatorTaskId() {
  return `task_${randomChars(24, ALPHANUMERIC)}`;
}

/** @returns {string} the aggregator's undocumented, opaque `items` string */
function opaqueItems() {
  return randomBytes(18).toString('base64url');
}

module.exports = { arkTaskId, aggregatorTaskId, opaqueItems, randomChars };
