'use strict';

const { randomBytes } = require('node:crypto');
const { requestUrl } = require('./http-util');
const { bufferReply, textReply } = require('./replies');
const { answerWithFault, describeFault } = require('./faults');
const { SAMPLE_FRAME, servedVideoBytes, videoChunks } = require('./media-files');

/** `/videos/<id>.mp4`, `/frames/<id>.png`, and the same under `/r` (the redirect target). */
const MEDIA_PATH = /^(\/r)?\/(videos\/([^/]+)\.mp4|frames\/([^/]+)\.png)$/;

/**
 * The object-storage error codes used for each status.
 * @type {Readonly<Record<number, string>>}
 */
const STORAGE_CODE_BY_STATUS = Object.freeze({
  400: 'InvalidArgument',
  403: 'AccessDenied',
  404: 'NoSuchKey',
  405: 'MethodNotAllowed',
  500: 'InternalError',
  503: 'ServiceUnavailable',
});

/**
 * @param {string} text
 * @returns {string}
 */
function escapeXml(text) {
  return text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * An object-storage-style XML error.
 * @param {number} status
 * @param {string} [code]
 * @param {string} [message]
 * @returns {import('./replies').Reply}
 */
function storageErrorReply(status, code = STORAGE_CODE_BY_STATUS[status] || 'Error', message = code) {
  const requestId = randomBytes(12).toString('hex');
  const xml = '<?xml version="1.0" encoding="UTF-8"?>\n'
    + `<Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message><RequestId>${requestId}</RequestId></Error>\n`;
  return textReply(status, xml, 'application/xml', { 'x-tos-request-id': requestId });
}

/**
 * @typedef {object} MediaPath
 * @property {boolean} redirected served under /r (the target of a redirect)
 * @property {'video' | 'frame'} kind
 * @property {string} taskId
 * @property {string} signedPath the path the link signature covers
 */

/**
 * @param {string} pathname
 * @returns {MediaPath | null}
 */
function parseMediaPath(pathname) {
  const match = MEDIA_PATH.exec(pathname);
  if (!match) return null;
  const redirected = Boolean(match[1]);
  const signedPath = redirected ? pathname.slice(2) : pathname;
  if (match[3] !== undefined) return { redirected, kind: 'video', taskId: decodeURIComponent(match[3]), signedPath };
  return { redirected, kind: 'frame', taskId: decodeURIComponent(match[4]), signedPath };
}

/**
 * @typedef {object} MediaServerDeps
 * @property {import('./tasks').TaskStore} store
 * @property {import('./media-links').LinkSigner} signer
 * @property {import('./faults').FaultRegistry} faults
 * @property {import('./record').Recorder} recorder
 * @property {boolean} mediaRedirect answer /videos/... with a 302 to /r/videos/... first
 */

/**
 * The object-storage stand-in: serves the videos and last frames of succeeded
 * tasks through signed, expiring links.
 * @param {MediaServerDeps} deps
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void}
 */
function createMediaHandler(deps) {
  return function handleMediaRequest(req, res) {
    const url = requestUrl(req);
    const record = deps.recorder.startMediaRequest(req, res, url);
    req.resume();
    const fault = deps.faults.take('media', req.method || 'GET', url.pathname);
    if (fault) record.fault = describeFault(fault);
    const produceReply = async () => mediaReply(deps, req, url, record);
    answerWithFault({ req, res, record }, fault, produceReply, (status) => storageErrorReply(status))
      .catch(() => res.destroy());
  };
}

/**
 * @param {MediaServerDeps} deps
 * @param {import('node:http').IncomingMessage} req
 * @param {URL} url
 * @param {import('./record').RequestRecord} record
 * @returns {import('./replies').Reply}
 */
function mediaReply(deps, req, url, record) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return storageErrorReply(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
  const mediaPath = parseMediaPath(url.pathname);
  if (!mediaPath) return storageErrorReply(404, 'NoSuchKey', 'The specified key does not exist.');
  record.taskId = mediaPath.taskId;
  const task = deps.store.get(mediaPath.taskId);
  const exists = task && task.links && (mediaPath.kind === 'video' || task.links.lastFrameUrl);
  if (!task || !exists) return storageErrorReply(404, 'NoSuchKey', 'The specified key does not exist.');
  if (deps.mediaRedirect && !mediaPath.redirected) {
    return bufferReply(302, Buffer.alloc(0), { Location: `${deps.signer.baseUrl}/r${url.pathname}${url.search}` });
  }
  const signature = deps.signer.check(mediaPath.signedPath, url.searchParams);
  if (signature === 'bad-signature') {
    return storageErrorReply(403, 'AccessDenied', 'The request signature we calculated does not match the signature you provided.');
  }
  if (signature === 'expired') return storageErrorReply(403, 'AccessDenied', 'Request has expired');
  if (mediaPath.kind === 'frame') return bufferReply(200, SAMPLE_FRAME, { 'Content-Type': 'image/png' });
  const length = servedVideoBytes(task.videoBytes);
  return { status: 200, headers: { 'Content-Type': 'video/mp4' }, length, chunks: () => videoChunks(length) };
}

module.exports = { createMediaHandler, storageErrorReply };
