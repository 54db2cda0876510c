'use strict';

const { randomInt } = require('node:crypto');
const { TaskStatus, isActiveStatus } = require('./statuses');
const { ApiError } = require('./errors');
const { planOutcome, defaultErrorFor } = require('./outcomes');
const { generationSettings } = require('./task-view');
const { arkTaskId, aggregatorTaskId } = require('./ids');

/** setTimeout cannot wait longer than this. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Internal state of one simulated task (plain data, safe to JSON.stringify).
 * @typedef {object} Task
 * @property {string} id
 * @property {number} seq creation order, for newest-first listing
 * @property {string} model
 * @property {Record<string, any>} body the accepted create body
 * @property {import('./outcomes').OutcomePlan} plan how this task will live
 * @property {string} status
 * @property {{code: string, message: string} | null} error
 * @property {ReturnType<typeof generationSettings>} settings
 * @property {number} createdAtMs
 * @property {number} updatedAtMs
 * @property {number | null} startedAtMs
 * @property {number | null} finishedAtMs
 * @property {{status: string, atMs: number}[]} history every status the task went through
 * @property {{videoUrl: string, lastFrameUrl: string | null, expiresAtMs: number} | null} links signed media links (succeeded only)
 * @property {number} videoBytes size of the video the media server serves
 */

/**
 * @typedef {object} TaskListFilter
 * @property {string} [status]
 * @property {string[]} [taskIds]
 * @property {string} [model]
 * @property {string} [serviceTier]
 */

/**
 * @typedef {object} TaskStoreOptions
 * @property {'aggregator' | 'ark'} flavour
 * @property {number} maxConcurrentTasks
 * @property {{queuedMs: number, taskMs: number, videoBytes: number}} defaults
 * @property {((body: Record<string, unknown>) => import('./outcomes').OutcomeRequest | undefined) | undefined} outcome
 * @property {(task: Task, nowMs: number) => NonNullable<Task['links']>} issueLinks signs the media links of a succeeded task
 * @property {(task: Task) => void} onStatusChange called after every status change (including creation)
 */

/**
 * Holds the tasks and drives their lifecycle:
 * queued (at least plan.queuedMs, then FIFO for a running slot) -> running (plan.taskMs) -> final status.
 */
class TaskStore {
  /** @param {TaskStoreOptions} options */
  constructor(options) {
    this.options = options;
    /** @type {Map<string, Task>} */
    this.tasks = new Map();
    /** @type {Task[]} tasks whose queued time is over, waiting for a running slot (FIFO) */
    this.waitingForSlot = [];
    /** @type {Set<Task>} */
    this.running = new Set();
    /** @type {Map<string, Set<NodeJS.Timeout>>} */
    this.timersByTask = new Map();
    this.nextSeq = 1;
  }

  /**
   * Accepts a validated create body and starts the task's lifecycle.
   * @param {Record<string, any>} body
   * @returns {Task}
   */
  create(body) {
    const nowMs = Date.now();
    const plan = planOutcome(body, this.options.defaults, this.options.outcome);
    /** @type {Task} */
    const task = {
      id: this.options.flavour === 'ark' ? arkTaskId(new Date(nowMs)) : aggregatorTaskId(),
      seq: this.nextSeq++,
      model: body.model,
      body,
      plan,
      status: TaskStatus.QUEUED,
      error: null,
      settings: generationSettings(body, randomInt(2 ** 31)),
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
      startedAtMs: null,
      finishedAtMs: null,
      history: [{ status: TaskStatus.QUEUED, atMs: nowMs }],
      links: null,
      videoBytes: plan.videoBytes,
    };
    this.tasks.set(task.id, task);
    this.options.onStatusChange(task);
    if (!plan.stayQueued) this.#schedule(task, plan.queuedMs, () => this.#requestSlot(task));
    this.#schedule(task, plan.expireAfterMs, () => this.#expire(task));
    return task;
  }

  /**
   * @param {string} id
   * @returns {Task | undefined}
   */
  get(id) {
    return this.tasks.get(id);
  }

  /**
   * @param {TaskListFilter} filter
   * @returns {Task[]} matching tasks, newest first
   */
  list(filter) {
    return [...this.tasks.values()]
      .filter((task) => matchesFilter(task, filter))
      .sort((a, b) => b.seq - a.seq);
  }

  /**
   * Ark's DELETE: a queued task is cancelled; a finished one is deleted;
   * running and cancelled tasks cannot be deleted.
   * @param {string} id
   * @returns {'cancelled' | 'deleted'}
   * @throws {ApiError}
   */
  cancelOrDelete(id) {
    const task = this.tasks.get(id);
    if (!task) throw taskNotFound(id);
    if (task.status === TaskStatus.QUEUED) {
      this.#endTask(task, TaskStatus.CANCELLED, null);
      return 'cancelled';
    }
    if (task.status === TaskStatus.RUNNING || task.status === TaskStatus.CANCELLED) {
      throw new ApiError(400, 'InvalidParameter', `The task ${id} cannot be deleted or cancelled in its current status: ${task.status}.`, 'task_id');
    }
    this.#clearTimers(task);
    this.tasks.delete(id);
    return 'deleted';
  }

  /** Stops every timer (tasks keep their current status). */
  close() {
    for (const task of this.tasks.values()) this.#clearTimers(task);
  }

  /** @param {Task} task */
  #requestSlot(task) {
    this.waitingForSlot.push(task);
    this.#startWaitingTasks();
  }

  #startWaitingTasks() {
    while (this.running.size < this.options.maxConcurrentTasks && this.waitingForSlot.length > 0) {
      const task = /** @type {Task} */ (this.waitingForSlot.shift());
      if (task.status === TaskStatus.QUEUED) this.#start(task);
    }
  }

  /** @param {Task} task */
  #start(task) {
    this.running.add(task);
    task.startedAtMs = Date.now();
    this.#setStatus(task, TaskStatus.RUNNING, task.startedAtMs);
    if (!task.plan.stayRunning) this.#schedule(task, task.plan.taskMs, () => this.#finish(task));
  }

  /** @param {Task} task */
  #finish(task) {
    const { status, error } = task.plan;
    const nowMs = Date.now();
    if (status === TaskStatus.SUCCEEDED) task.links = this.options.issueLinks(task, nowMs);
    this.#endTask(task, status, status === TaskStatus.SUCCEEDED ? null : error, nowMs);
  }

  /** @param {Task} task */
  #expire(task) {
    if (!isActiveStatus(task.status)) return;
    const error = task.plan.status === TaskStatus.EXPIRED && task.plan.error
      ? task.plan.error
      : defaultErrorFor(TaskStatus.EXPIRED, task.settings.execution_expires_after);
    this.#endTask(task, TaskStatus.EXPIRED, error);
  }

  /**
   * Moves a task to a final status and frees its running slot.
   * @param {Task} task
   * @param {string} status
   * @param {Task['error']} error
   * @param {number} [nowMs]
   */
  #endTask(task, status, error, nowMs = Date.now()) {
    this.#clearTimers(task);
    this.waitingForSlot = this.waitingForSlot.filter((waiting) => waiting !== task);
    const wasRunning = this.running.delete(task);
    task.error = error;
    task.finishedAtMs = nowMs;
    this.#setStatus(task, status, nowMs);
    if (wasRunning) this.#startWaitingTasks();
  }

  /**
   * @param {Task} task
   * @param {string} status
   * @param {number} [nowMs]
   */
  #setStatus(task, status, nowMs = Date.now()) {
    task.status = status;
    task.updatedAtMs = nowMs;
    task.history.push({ status, atMs: nowMs });
    this.options.onStatusChange(task);
  }

  /**
   * @param {Task} task
   * @param {number} delayMs Infinity (or too long for a timer) means never
   * @param {() => void} action
   */
  #schedule(task, delayMs, action) {
    if (!(delayMs <= MAX_TIMER_MS)) return;
    const timers = this.timersByTask.get(task.id) || new Set();
    this.timersByTask.set(task.id, timers);
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, delayMs);
    timers.add(timer);
  }

  /** @param {Task} task */
  #clearTimers(task) {
    for (const timer of this.timersByTask.get(task.id) || []) clearTimeout(timer);
    this.timersByTask.delete(task.id);
  }
}

/**
 * @param {Task} task
 * @param {TaskListFilter} filter
 * @returns {boolean}
 */
function matchesFilter(task, filter) {
  if (filter.status !== undefined && task.status !== filter.status) return false;
  if (filter.taskIds !== undefined && !filter.taskIds.includes(task.id)) return false;
  if (filter.model !== undefined && task.model !== filter.model) return false;
  if (filter.serviceTier !== undefined && task.settings.service_tier !== filter.serviceTier) return false;
  return true;
}

/**
 * @param {string} id
 * @returns {ApiError} 404 ResourceNotFound
 */
function taskNotFound(id) {
  return new ApiError(404, 'ResourceNotFound', `The specified task ${id} is not found.`);
}

module.exports = { TaskStore, taskNotFound };
