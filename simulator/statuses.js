'use strict';

/**
 * The task-status vocabulary of the Seedance task API, defined once.
 * `queued` and `running` are the only active statuses; anything else
 * (including a status the simulator was told to invent) is final.
 */
const TaskStatus = Object.freeze({
  QUEUED: 'queued',
  RUNNING: 'running',
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  EXPIRED: 'expired',
  CANCELLED: 'cancelled',
});

/** @type {Set<string>} */
const ACTIVE_STATUSES = new Set([TaskStatus.QUEUED, TaskStatus.RUNNING]);

/**
 * @param {string} status
 * @returns {boolean} true when the task will never change again
 */
function isFinalStatus(status) {
  return !ACTIVE_STATUSES.has(status);
}

/**
 * @param {string} status
 * @returns {boolean} true while the task is waiting or generating
 */
function isActiveStatus(status) {
  return ACTIVE_STATUSES.has(status);
}

module.exports = { TaskStatus, isFinalStatus, isActiveStatus };
