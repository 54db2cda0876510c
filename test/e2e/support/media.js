'use strict';
/** Checks on the videos the tests get back: MP4 structure, and ffprobe when it is installed. */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const SAMPLE_PNG = path.join(__dirname, '..', '..', '..', 'simulator', 'media', 'sample.png');

/**
 * The top-level ISO-BMFF boxes of a file: [{type, size}], following each box
 * size to the next. Throws when a size runs past the end (a truncated file).
 */
function topLevelBoxes(buffer) {
	const boxes = [];
	let offset = 0;
	while (offset < buffer.length) {
		if (offset + 8 > buffer.length) throw new Error(`${buffer.length - offset} stray bytes after the last box`);
		let size = buffer.readUInt32BE(offset);
		const type = buffer.subarray(offset + 4, offset + 8).toString('latin1');
		if (size === 1) size = Number(buffer.readBigUInt64BE(offset + 8));
		if (size === 0) size = buffer.length - offset; // the box runs to the end
		if (size < 8 || offset + size > buffer.length) {
			throw new Error(`box "${type}" at ${offset} claims ${size} bytes; the file has ${buffer.length}`);
		}
		boxes.push({ type, size });
		offset += size;
	}
	return boxes;
}

/**
 * Whether `buffer` is a complete MP4 a player can open: it starts with an ftyp
 * box, has the movie header (moov) and the media data (mdat), and its boxes add
 * up to its length exactly.
 */
function describeMp4(buffer) {
	const boxes = topLevelBoxes(buffer);
	const types = boxes.map((box) => box.type);
	return {
		startsWithFtyp: types[0] === 'ftyp',
		hasMoov: types.includes('moov'),
		hasMdat: types.includes('mdat'),
		boxes: types,
		size: buffer.length,
	};
}

let ffprobeAvailable;

/** ffprobe's view of the first video stream ({codec, width, height, duration}), or undefined without ffprobe. */
function probeVideo(buffer) {
	if (ffprobeAvailable === undefined) ffprobeAvailable = spawnSync('ffprobe', ['-version']).status === 0;
	if (!ffprobeAvailable) return undefined;
	const file = path.join(fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'probe-')), 'video.mp4');
	fs.writeFileSync(file, buffer);
	try {
		const result = spawnSync(
			'ffprobe',
			['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height:format=duration', '-of', 'json', file],
			{ encoding: 'utf8' },
		);
		if (result.status !== 0) throw new Error(`ffprobe could not read the video: ${result.stderr}`);
		const parsed = JSON.parse(result.stdout);
		const [stream] = parsed.streams ?? [];
		return { codec: stream?.codec_name, width: stream?.width, height: stream?.height, duration: Number(parsed.format?.duration) };
	} finally {
		fs.rmSync(path.dirname(file), { recursive: true, force: true });
	}
}

module.exports = { SAMPLE_PNG, topLevelBoxes, describeMp4, probeVideo };
