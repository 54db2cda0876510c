'use strict';

const fs = require('node:fs');
const path = require('node:path');

/** A 2 s, 320x240 H.264 MP4 (faststart) made once with ffmpeg's test pattern. */
const SAMPLE_VIDEO = fs.readFileSync(path.join(__dirname, 'media', 'sample.mp4'));
/** A 320x240 PNG of the same test pattern: the "last frame". */
const SAMPLE_FRAME = fs.readFileSync(path.join(__dirname, 'media', 'sample.png'));

/** Size of a minimal MP4 box header: 4-byte big-endian size + 4-byte type. */
const BOX_HEADER_BYTES = 8;
/** Largest size a box with a 32-bit size field can have. */
const MAX_BOX_BYTES = 0xffffffff;
/** One shared buffer of zeros the padding is streamed from. */
const ZEROS = Buffer.alloc(64 * 1024);

/**
 * The size actually served for a requested video size: never below the
 * sample (a shorter file would not play) and, when larger, at least one
 * empty `free` box larger.
 * @param {number} requestedBytes
 * @returns {number}
 */
function servedVideoBytes(requestedBytes) {
  if (!(requestedBytes > SAMPLE_VIDEO.length)) return SAMPLE_VIDEO.length;
  return Math.max(requestedBytes, SAMPLE_VIDEO.length + BOX_HEADER_BYTES);
}

/**
 * @param {number} size
 * @returns {Buffer} the header of a top-level `free` box of that size
 */
function freeBoxHeader(size) {
  const header = Buffer.alloc(BOX_HEADER_BYTES);
  header.writeUInt32BE(size, 0);
  header.write('free', 4, 'latin1');
  return header;
}

/**
 * @param {number} count
 * @returns {Iterable<Buffer>} `count` zero bytes in slices of the shared buffer
 */
function* zeroBytes(count) {
  let left = count;
  while (left > 0) {
    const piece = Math.min(left, ZEROS.length);
    left -= piece;
    yield ZEROS.subarray(0, piece);
  }
}

/**
 * @param {number} paddingBytes at least 8
 * @returns {Iterable<Buffer>} `free` boxes filling exactly that many bytes
 */
function* freeBoxes(paddingBytes) {
  let left = paddingBytes;
  while (left > 0) {
    let boxBytes = Math.min(left, MAX_BOX_BYTES);
    const rest = left - boxBytes;
    if (rest > 0 && rest < BOX_HEADER_BYTES) boxBytes -= BOX_HEADER_BYTES;
    yield freeBoxHeader(boxBytes);
    yield* zeroBytes(boxBytes - BOX_HEADER_BYTES);
    left -= boxBytes;
  }
}

/**
 * The video body: the sample MP4 followed by `free` padding up to the
 * served size, so the file stays a valid, playable MP4 of any size.
 * @param {number} totalBytes a value from servedVideoBytes
 * @returns {Iterable<Buffer>}
 */
function* videoChunks(totalBytes) {
  yield SAMPLE_VIDEO;
  if (totalBytes > SAMPLE_VIDEO.length) yield* freeBoxes(totalBytes - SAMPLE_VIDEO.length);
}

module.exports = { SAMPLE_VIDEO, SAMPLE_FRAME, servedVideoBytes, videoChunks };
