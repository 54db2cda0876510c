/**
 * What `npm publish` would put in the tarball: `npm pack --dry-run --json` in the repository
 * root (no lifecycle scripts), checked for the files n8n loads and for nothing that must not ship.
 * Needs a built package: run `npm run build` first (CI builds before `npm test`).
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { checkPackList } = require('../../scripts/scan.js');

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const REQUIRED = [
	'package.json',
	'index.js',
	'dist/nodes/Seedance/Seedance.node.js',
	'dist/nodes/Seedance/Seedance.node.json',
	'dist/nodes/SeedanceTrigger/SeedanceTrigger.node.json',
	'dist/credentials/SeedanceApi.credentials.js',
	// The node's icon paths (file:../../icons/...) and the credential's (file:../icons/...) resolve here.
	'dist/icons/seedance.svg',
	'dist/icons/seedance.dark.svg',
];
const FORBIDDEN_TOP_LEVEL = ['test', 'simulator', 'scripts', 'bench', 'examples'];

let files;

beforeAll(() => {
	const entry = path.join(root, 'dist', 'nodes', 'Seedance', 'Seedance.node.js');
	if (!fs.existsSync(entry)) {
		throw new Error(`dist/ is missing or incomplete (${path.relative(root, entry)} not found): run npm run build first`);
	}
	const stdout = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: root,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
		maxBuffer: 16 * 1024 * 1024,
		timeout: 60000,
	});
	const packJson = JSON.parse(stdout);
	expect(Array.isArray(packJson)).toBe(true);
	expect(packJson[0].name).toBe(pkg.name);
	files = packJson[0].files.map((f) => f.path);
}, 60000);

describe('npm pack contents', () => {
	test.each(REQUIRED)('contains %s', (file) => {
		expect(files).toContain(file);
	});

	test('contains every file package.json points n8n at', () => {
		const wanted = [pkg.main, ...pkg.n8n.nodes, ...pkg.n8n.credentials].map((p) => path.posix.normalize(p));
		expect(files).toEqual(expect.arrayContaining(wanted));
	});

	test('contains no type declarations (.d.ts)', () => {
		expect(files.filter((f) => /\.d\.[cm]?ts(\.map)?$/.test(f))).toEqual([]);
	});

	test('contains nothing under test/, simulator/, scripts/, bench/ or examples/', () => {
		expect(files.filter((f) => FORBIDDEN_TOP_LEVEL.includes(f.split('/')[0]))).toEqual([]);
	});

	test('contains no test files (*.test.*, *.spec.*)', () => {
		expect(files.filter((f) => /\.(test|spec)\./.test(path.posix.basename(f)))).toEqual([]);
	});

	test('passes the tarball file-list check of npm run scan (checkPackList)', () => {
		expect(checkPackList(files, pkg)).toEqual([]);
	});
});
