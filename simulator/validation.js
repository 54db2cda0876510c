'use strict';

const { ApiError, invalidParameter, missingParameter } = require('./errors');
const { isKnownModel } = require('./models');

const CONTENT_ROLES = new Set(['first_frame', 'last_frame', 'reference_image', 'reference_video', 'reference_audio']);
const MEDIA_ITEM_TYPES = new Set(['image_url', 'video_url', 'audio_url']);
const SERVICE_TIERS = new Set(['default', 'flex']);

const NUMBER_FIELDS = ['duration', 'seconds', 'fps', 'seed', 'frames', 'execution_expires_after'];
const BOOLEAN_FIELDS = ['generate_audio', 'watermark', 'return_last_frame', 'camera_fixed', 'draft'];
const STRING_ARRAY_FIELDS = ['image_urls', 'video_urls', 'audio_urls'];
const STRING_FIELDS = [
  'prompt', 'ratio', 'aspect_ratio', 'resolution', 'size', 'quality', 'mode', 'function_mode',
  'service_tier', 'callback_url', 'image_url', 'end_image_url', 'last_image_url',
];

/** The word that makes the simulated moderation reject a prompt. */
const SENSITIVE_MARKER = 'SENSITIVE';

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * @param {unknown} value
 * @returns {boolean}
 */
function isNonBlankString(value) {
  return typeof value === 'string' && value.trim() !== '';
}

/**
 * @param {Record<string, unknown>} body
 * @returns {string[]} the text of every `{type:'text'}` content item, in order
 */
function contentTexts(body) {
  if (!Array.isArray(body.content)) return [];
  return body.content
    .filter((item) => isPlainObject(item) && item.type === 'text' && typeof item.text === 'string')
    .map((item) => /** @type {string} */ (item.text));
}

/**
 * The prompt as the API sees it: `prompt`, else the first text content item.
 * @param {Record<string, unknown>} body
 * @returns {string}
 */
function promptOf(body) {
  if (isNonBlankString(body.prompt)) return /** @type {string} */ (body.prompt);
  return contentTexts(body)[0] || '';
}

/**
 * @param {Record<string, unknown>} item
 * @param {string[]} allowedKeys
 * @returns {string | null} a problem description, or null
 */
function unexpectedKeyProblem(item, allowedKeys) {
  const extra = Object.keys(item).find((key) => !allowedKeys.includes(key));
  return extra === undefined ? null : `unexpected field \`${extra}\``;
}

/**
 * @param {Record<string, unknown>} item
 * @returns {string | null}
 */
function textItemProblem(item) {
  if (typeof item.text !== 'string') return '`text` must be a string';
  return unexpectedKeyProblem(item, ['type', 'text']);
}

/**
 * @param {Record<string, unknown>} item an image_url, video_url or audio_url item
 * @returns {string | null}
 */
function mediaItemProblem(item) {
  const type = /** @type {string} */ (item.type);
  const media = item[type];
  if (!isPlainObject(media)) return `\`${type}\` must be an object with a \`url\``;
  if (!isNonBlankString(media.url)) return `\`${type}.url\` must be a non-empty string`;
  if (!/^(https?:\/\/|data:)/i.test(/** @type {string} */ (media.url))) return `\`${type}.url\` must be an http(s) or data URL`;
  const extraInMedia = unexpectedKeyProblem(media, ['url']);
  if (extraInMedia) return `${extraInMedia} in \`${type}\``;
  if (item.role !== undefined && !CONTENT_ROLES.has(/** @type {string} */ (item.role))) {
    return `\`role\` must be one of ${[...CONTENT_ROLES].join(', ')}`;
  }
  if (item.name !== undefined && typeof item.name !== 'string') return '`name` must be a string';
  return unexpectedKeyProblem(item, ['type', type, 'role', 'name']);
}

/**
 * @param {Record<string, unknown>} item
 * @returns {string | null}
 */
function draftTaskItemProblem(item) {
  if (!isPlainObject(item.draft_task) || !isNonBlankString(item.draft_task.id)) {
    return '`draft_task` must be an object with a non-empty `id`';
  }
  return unexpectedKeyProblem(item, ['type', 'draft_task']) || unexpectedKeyProblem(item.draft_task, ['id']);
}

/**
 * @param {unknown} item
 * @returns {string | null} what is wrong with one content item, or null
 */
function contentItemProblem(item) {
  if (!isPlainObject(item)) return 'each item must be an object';
  if (item.type === 'text') return textItemProblem(item);
  if (MEDIA_ITEM_TYPES.has(/** @type {string} */ (item.type))) return mediaItemProblem(item);
  if (item.type === 'draft_task') return draftTaskItemProblem(item);
  return `unknown item type ${JSON.stringify(item.type)}`;
}

/** @param {unknown} content */
function checkContent(content) {
  if (content === undefined) return;
  if (!Array.isArray(content)) throw invalidParameter('content', 'must be an array');
  content.forEach((item, index) => {
    const problem = contentItemProblem(item);
    if (problem) throw invalidParameter(`content[${index}]`, problem);
  });
}

/** @param {Record<string, unknown>} body */
function checkFieldTypes(body) {
  for (const field of NUMBER_FIELDS) {
    if (body[field] !== undefined && !Number.isFinite(body[field])) throw invalidParameter(field, 'must be a number');
  }
  for (const field of BOOLEAN_FIELDS) {
    if (body[field] !== undefined && typeof body[field] !== 'boolean') throw invalidParameter(field, 'must be a boolean');
  }
  for (const field of STRING_ARRAY_FIELDS) {
    const value = body[field];
    if (value !== undefined && !(Array.isArray(value) && value.every((url) => typeof url === 'string'))) {
      throw invalidParameter(field, 'must be an array of strings');
    }
  }
  for (const field of STRING_FIELDS) {
    if (body[field] !== undefined && typeof body[field] !== 'string') throw invalidParameter(field, 'must be a string');
  }
}

/**
 * @param {Record<string, unknown>} body
 * @param {string} field
 * @param {number} min
 * @param {number} max
 */
function checkIntegerRange(body, field, min, max) {
  const value = body[field];
  if (value === undefined) return;
  if (!Number.isInteger(value) || /** @type {number} */ (value) < min || /** @type {number} */ (value) > max) {
    throw invalidParameter(field, `must be an integer from ${min} to ${max}`);
  }
}

/** @param {Record<string, unknown>} body */
function checkDocumentedRanges(body) {
  checkIntegerRange(body, 'seed', -1, 2 ** 32 - 1);
  checkIntegerRange(body, 'execution_expires_after', 3600, 259200);
  checkIntegerRange(body, 'frames', 29, 289);
  if (body.frames !== undefined && (/** @type {number} */ (body.frames) - 25) % 4 !== 0) {
    throw invalidParameter('frames', 'must be of the form 25 + 4n');
  }
  for (const field of ['duration', 'seconds', 'fps']) {
    if (body[field] !== undefined && /** @type {number} */ (body[field]) <= 0) throw invalidParameter(field, 'must be positive');
  }
  if (body.service_tier !== undefined && !SERVICE_TIERS.has(/** @type {string} */ (body.service_tier))) {
    throw invalidParameter('service_tier', 'must be `default` or `flex`');
  }
  if (body.callback_url !== undefined && !/^https?:\/\/[^\s]+$/i.test(/** @type {string} */ (body.callback_url))) {
    throw invalidParameter('callback_url', 'must be an http(s) URL');
  }
}

/** @param {unknown} model */
function checkModel(model) {
  if (model === undefined || model === null || model === '') throw missingParameter('model');
  if (typeof model !== 'string') throw invalidParameter('model', 'must be a string');
  if (!isKnownModel(model)) {
    throw new ApiError(404, 'InvalidEndpointOrModel.NotFound', `The model or endpoint ${model} does not exist or you do not have access to it.`, 'model');
  }
}

/**
 * The aggregator needs a non-blank prompt (or a text item); Ark needs content
 * items, but the simulator leniently accepts a prompt instead.
 * @param {Record<string, unknown>} body
 * @param {'aggregator' | 'ark'} flavour
 */
function checkPromptOrContent(body, flavour) {
  if (flavour === 'ark') {
    const hasContent = Array.isArray(body.content) && body.content.length > 0;
    if (!hasContent && !isNonBlankString(body.prompt)) throw missingParameter('content');
    return;
  }
  if (!isNonBlankString(promptOf(body))) throw missingParameter('prompt');
}

/** @param {Record<string, unknown>} body */
function rejectSensitiveText(body) {
  const texts = [typeof body.prompt === 'string' ? body.prompt : '', ...contentTexts(body)];
  if (texts.some((text) => text.includes(SENSITIVE_MARKER))) {
    throw new ApiError(400, 'InputTextSensitiveContentDetected', 'The request failed because the input text may contain sensitive information.');
  }
}

/**
 * Validates a create-task body the way the documented API does.
 * @param {unknown} body parsed JSON (undefined when the body was not JSON)
 * @param {'aggregator' | 'ark'} flavour
 * @throws {ApiError}
 */
function validateCreateBody(body, flavour) {
  if (!isPlainObject(body)) throw invalidParameter('body', 'the request body must be a JSON object');
  checkModel(body.model);
  checkContent(body.content);
  checkFieldTypes(body);
  checkDocumentedRanges(body);
  checkPromptOrContent(body, flavour);
  rejectSensitiveText(body);
}

module.exports = { validateCreateBody, promptOf, contentTexts, isPlainObject, SENSITIVE_MARKER };
