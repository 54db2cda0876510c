'use strict';

const { TaskStatus } = require('./statuses');
const { DEFAULT_EXECUTION_EXPIRES_AFTER_S } = require('./outcomes');

const FRAMES_PER_SECOND = 24;
const DEFAULT_RESOLUTION = '720p';
const DEFAULT_RATIO = '16:9';
const DEFAULT_DURATION_S = 5;

/**
 * Pixel sizes used to estimate token usage.
 * @type {Readonly<Record<string, number>>}
 */
const PIXELS_BY_RESOLUTION = Object.freeze({ '480p': 864 * 480, '720p': 1280 * 720, '1080p': 1920 * 1080 });

/**
 * @param {number} ms
 * @returns {number} unix seconds
 */
function unixSeconds(ms) {
  return Math.floor(ms / 1000);
}

/**
 * The generation settings a task reports, derived once from its create body.
 * @param {Record<string, any>} body
 * @param {number} randomSeed used when the body has no seed (or seed -1)
 */
function generationSettings(body, randomSeed) {
  const durationFromFrames = body.frames !== undefined ? Math.round(body.frames / FRAMES_PER_SECOND) : undefined;
  return {
    seed: body.seed !== undefined && body.seed !== -1 ? body.seed : randomSeed,
    resolution: body.resolution ?? DEFAULT_RESOLUTION,
    ratio: body.ratio ?? body.aspect_ratio ?? DEFAULT_RATIO,
    duration: body.duration ?? body.seconds ?? durationFromFrames ?? DEFAULT_DURATION_S,
    framespersecond: FRAMES_PER_SECOND,
    generate_audio: body.generate_audio ?? false,
    service_tier: body.service_tier ?? 'default',
    execution_expires_after: body.execution_expires_after ?? DEFAULT_EXECUTION_EXPIRES_AFTER_S,
  };
}

/**
 * @param {{resolution: string, duration: number, framespersecond: number}} settings
 * @returns {{completion_tokens: number, total_tokens: number}} token usage like Ark reports it
 */
function usageFor(settings) {
  const pixels = PIXELS_BY_RESOLUTION[settings.resolution] ?? PIXELS_BY_RESOLUTION[DEFAULT_RESOLUTION];
  const tokens = Math.floor((pixels * settings.framespersecond * settings.duration) / 1024);
  return { completion_tokens: tokens, total_tokens: tokens };
}

/**
 * The task object as GET and callbacks answer it (see API.md "Task object").
 * List Tasks answers the slimmer `toListItem` instead.
 * `content` and `usage` appear only for succeeded tasks; the aggregator flavour
 * reports `created_at` as a string.
 * @param {import('./tasks').Task} task
 * @param {'aggregator' | 'ark'} flavour
 * @returns {Record<string, unknown>}
 */
function toTaskObject(task, flavour) {
  const succeeded = task.status === TaskStatus.SUCCEEDED;
  const { seed, ...settings } = task.settings;
  const createdAt = unixSeconds(task.createdAtMs);
  return {
    id: task.id,
    model: task.model,
    status: task.status,
    error: task.error,
    ...(succeeded ? { content: contentOf(task) } : {}),
    seed,
    ...settings,
    ...(succeeded ? { usage: usageFor(task.settings) } : {}),
    created_at: flavour === 'aggregator' ? String(createdAt) : createdAt,
    updated_at: unixSeconds(task.updatedAtMs),
  };
}

/**
 * A List Tasks item, shaped like Ark's SDK models it (volcengine
 * `ListContentGenerationTasksResponse.Item`; API.md "List items are not task
 * objects"): `id`, `model`, `status`, `failure_reason`, `content` (only
 * `video_url`) and `usage` (only `completion_tokens`) when succeeded,
 * `created_at`, `updated_at`. No `error`, no generation settings, no
 * `last_frame_url`.
 * `failure_reason` is `''` unless the task carries an error (failed, expired, or
 * an outcome that set one), then `"<code>: <message>"`.
 * Only the Ark flavour serves List Tasks; the aggregator's `created_at` would be a
 * string, as in its task objects.
 * @param {import('./tasks').Task} task
 * @param {'aggregator' | 'ark'} flavour
 * @returns {Record<string, unknown>}
 */
function toListItem(task, flavour) {
  const succeeded = task.status === TaskStatus.SUCCEEDED;
  const createdAt = unixSeconds(task.createdAtMs);
  return {
    id: task.id,
    model: task.model,
    status: task.status,
    failure_reason: failureReason(task.error),
    ...(succeeded ? { content: { video_url: contentOf(task).video_url } } : {}),
    ...(succeeded ? { usage: { completion_tokens: usageFor(task.settings).completion_tokens } } : {}),
    created_at: flavour === 'aggregator' ? String(createdAt) : createdAt,
    updated_at: unixSeconds(task.updatedAtMs),
  };
}

/**
 * @param {{code?: string, message?: string} | null | undefined} error
 * @returns {string} `''` without an error, else `"<code>: <message>"` (whichever parts exist)
 */
function failureReason(error) {
  if (!error) return '';
  return [error.code, error.message].filter((part) => typeof part === 'string' && part !== '').join(': ');
}

/**
 * @param {import('./tasks').Task} task
 * @returns {{video_url: string, last_frame_url?: string}}
 */
function contentOf(task) {
  const links = task.links || { videoUrl: '', lastFrameUrl: null };
  return {
    video_url: links.videoUrl,
    ...(links.lastFrameUrl ? { last_frame_url: links.lastFrameUrl } : {}),
  };
}

/**
 * The body of a successful create.
 * @param {import('./tasks').Task} task
 * @param {'aggregator' | 'ark'} flavour
 * @param {string} opaqueItems
 */
function toCreateResponse(task, flavour, opaqueItems) {
  if (flavour === 'ark') return { id: task.id };
  return { id: task.id, status: TaskStatus.QUEUED, created_at: String(unixSeconds(task.createdAtMs)), items: opaqueItems };
}

module.exports = { toTaskObject, toListItem, failureReason, toCreateResponse, generationSettings, usageFor, FRAMES_PER_SECOND };
