#!/usr/bin/env node
// `npm run scan`: the lint legs of n8n's verification scan (@n8n/scan-community-package), run on
// this checkout instead of a package downloaded from npm. Run `npm run build` first: this script
// builds nothing.
//
//   1. `npm pack` into a temp folder (.npmrc's ignore-scripts=true: no lifecycle scripts run),
//      then checks the tarball's file list (the same list `npm pack --dry-run --json` prints):
//      no type declarations (.d.ts), no tests, test source maps or other unshipped folders,
//      and every file package.json points n8n at is in it.
//   2. Unpacks it and runs the scan's own `analyzePackage` on it (its default patterns
//      **/*.js, **/*.ts, **/*.json: a superset of the tarball leg of `analyzePackageByName`,
//      which lints **/*.js and package.json; older scanners linted .d.ts files as well).
//   3. Runs `analyzePackage` on this source tree with the scan's SOURCE_FILE_PATTERNS
//      (package.json, {nodes,credentials}/**/*.{js,ts,json}): the real scan lints the source
//      at the commit the npm provenance attests.
// `analyzePackage` lints with the scan's own ESLint config and allowInlineConfig: false, so
// eslint-disable comments do not count. Each finding is printed as file:line:col, severity,
// rule and message, then a summary. Exit code: 0 clean, 1 scan errors, 2 the scan could not run.
// Provenance is not checked here (it exists only once the release workflow has published).
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { createRequire } = require('node:module');
const { pathToFileURL } = require('node:url');

const root = path.resolve(__dirname, '..');

/** Top-level folders of this repository that must never be published. */
const UNSHIPPED_TOP_LEVEL = ['test', 'simulator', 'scripts', 'bench', 'examples', 'coverage', 'test-results'];
const TEST_SEGMENT = /^(test|tests|__tests__|__mocks__|e2e)$/;
const TEST_FILE = /\.(test|spec)\.[cm]?[jt]sx?(\.map)?$/;
const DECLARATION = /\.d\.[cm]?ts(\.map)?$/;

/**
 * Checks the file list of `npm pack --json` / `npm pack --dry-run --json` (an array of paths,
 * or the parsed JSON itself). Returns a list of {file, rule, message}; empty means fine.
 * Exported so a jest test can run it on `npm pack --dry-run --json`.
 */
function checkPackList(listOrPackJson, pkg) {
	const files = Array.isArray(listOrPackJson) && typeof listOrPackJson[0] === 'object'
		? listOrPackJson[0].files.map((f) => f.path)
		: listOrPackJson;
	const problems = [];
	for (const file of files) {
		const segments = file.split('/');
		if (DECLARATION.test(file)) {
			problems.push({ file, rule: 'pack/no-declarations', message: 'type declaration in the tarball (the scan lints .d.ts files; tsconfig.build.json must not emit them)' });
		}
		if (UNSHIPPED_TOP_LEVEL.includes(segments[0]) || segments.slice(0, -1).some((s) => TEST_SEGMENT.test(s)) || TEST_FILE.test(file)) {
			problems.push({ file, rule: 'pack/no-unshipped-code', message: 'test, tooling or simulator file (or its source map) in the tarball' });
		}
	}
	if (pkg) {
		const wanted = [pkg.main, ...((pkg.n8n && pkg.n8n.nodes) || []), ...((pkg.n8n && pkg.n8n.credentials) || [])]
			.filter(Boolean)
			.map((p) => path.posix.normalize(p));
		for (const file of wanted) {
			if (!files.includes(file)) {
				problems.push({ file, rule: 'pack/missing-entry', message: 'package.json points at this file but the tarball does not contain it (run npm run build?)' });
			}
		}
	}
	return problems;
}

/** Source maps in the unpacked tarball whose sources are test files. */
function checkSourceMaps(packageDir, files) {
	const problems = [];
	for (const file of files.filter((f) => f.endsWith('.map'))) {
		let sources = [];
		try {
			sources = JSON.parse(fs.readFileSync(path.join(packageDir, file), 'utf8')).sources || [];
		} catch {
			continue;
		}
		const bad = sources.find((s) => s.split('/').some((seg) => TEST_SEGMENT.test(seg)) || TEST_FILE.test(s));
		if (bad) problems.push({ file, rule: 'pack/no-test-source-maps', message: `source map of a test (${bad})` });
	}
	return problems;
}

function run(cmd, args, options) {
	const result = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
	if (result.error) throw new Error(`${cmd} ${args.join(' ')}: ${result.error.message}`);
	if (result.status !== 0) {
		throw new Error(`${cmd} ${args.join(' ')} exited ${result.status}\n${result.stderr || ''}`);
	}
	return result.stdout;
}

/** Loads the scanner module and the ESLint class it uses (to collect structured results). */
async function loadScanner() {
	const pkgDir = path.dirname(require.resolve('@n8n/scan-community-package/package.json', { paths: [root] }));
	const scannerPath = path.join(pkgDir, 'scanner', 'scanner.mjs');
	if (!fs.existsSync(scannerPath)) throw new Error(`${scannerPath} not found (did the package layout change?)`);
	const scannerRequire = createRequire(scannerPath);
	// The scanner makes a temp folder when it loads (for downloads we never do); remove it at exit.
	scannerRequire('tmp').setGracefulCleanup();
	const scanner = await import(pathToFileURL(scannerPath).href);
	for (const name of ['analyzePackage', 'SOURCE_FILE_PATTERNS']) {
		if (!(name in scanner)) throw new Error(`@n8n/scan-community-package no longer exports ${name}`);
	}
	// The same module instance the scanner imports (ESM import of a CommonJS package shares
	// require's cache), so results of its lintFiles calls can be recorded.
	const { ESLint } = scannerRequire('eslint');
	return { scanner, ESLint, version: JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version };
}

/** Runs the scanner's analyzePackage and records ESLint's results for file/line output. */
async function analyze({ scanner, ESLint }, dir, patterns) {
	const recorded = [];
	const original = ESLint.prototype.lintFiles;
	ESLint.prototype.lintFiles = async function (...args) {
		const results = await original.apply(this, args);
		recorded.push(...results);
		return results;
	};
	try {
		const verdict = patterns ? await scanner.analyzePackage(dir, patterns) : await scanner.analyzePackage(dir);
		return { verdict, results: recorded };
	} finally {
		ESLint.prototype.lintFiles = original;
	}
}

function printFindings(label, baseDir, { verdict, results }, shownBase) {
	const findings = [];
	for (const result of results) {
		for (const m of result.messages) {
			findings.push({
				file: path.join(shownBase, path.relative(baseDir, result.filePath)),
				line: m.line || 0,
				column: m.column || 0,
				severity: m.severity === 2 ? 'error' : 'warning',
				rule: m.ruleId || (m.fatal ? 'parse-error' : '(none)'),
				message: m.message,
			});
		}
	}
	const errors = findings.filter((f) => f.severity === 'error').length;
	const warnings = findings.length - errors;
	console.log(`\n== ${label}: ${results.length} files linted, ${errors} errors, ${warnings} warnings`);
	for (const f of findings) {
		console.log(`${f.file}:${f.line}:${f.column}  ${f.severity}  ${f.rule}  ${f.message}`);
	}
	let failed = errors > 0;
	if (!verdict.passed && errors === 0) {
		// analyzePackage failed without an ESLint error we saw (e.g. it threw): show what it said.
		console.log(`scan: ${verdict.message}${verdict.details ? '\n' + verdict.details : ''}`);
		failed = true;
	}
	if (verdict.passed && errors > 0) {
		console.log('scan: analyzePackage passed but errors were recorded: this script is out of step with the scanner');
	}
	if (results.length === 0 && verdict.passed) console.log(`scan: ${verdict.message || 'no files linted'}`);
	return { errors: failed ? Math.max(errors, 1) : 0, warnings, findings };
}

async function main() {
	const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
	const missing = [...((pkg.n8n && pkg.n8n.nodes) || []), ...((pkg.n8n && pkg.n8n.credentials) || [])]
		.filter((f) => !fs.existsSync(path.join(root, f)));
	if (missing.length) {
		console.error(`scan: ${missing.join(', ')} missing: run npm run build first`);
		return 2;
	}

	const loaded = await loadScanner();
	console.log(`scan: @n8n/scan-community-package ${loaded.version}, ${pkg.name}@${pkg.version}`);

	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seedance-scan-'));
	try {
		// 1. Pack and check the file list.
		const packJson = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', tmp, '--loglevel=error'], { cwd: root }));
		const tarball = path.join(tmp, packJson[0].filename);
		const listed = packJson[0].files.map((f) => f.path);
		const packageDir = path.join(tmp, 'package');
		fs.mkdirSync(packageDir);
		run('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);
		const packProblems = [...checkPackList(listed, pkg), ...checkSourceMaps(packageDir, listed)];
		console.log(`\n== tarball file list (${packJson[0].filename}, ${listed.length} files, ${packJson[0].size} bytes): ${packProblems.length} errors`);
		for (const p of packProblems) console.log(`${p.file}  error  ${p.rule}  ${p.message}`);

		// 2. The unpacked tarball, 3. the source: analyzePackage with the scan's configuration.
		const shownTarball = `<tarball>`;
		const tarballLeg = printFindings(
			'scan of the packed tarball (analyzePackage, default patterns)',
			packageDir,
			await analyze(loaded, packageDir),
			shownTarball,
		);
		const sourceLeg = printFindings(
			`scan of the source (analyzePackage, ${loaded.scanner.SOURCE_FILE_PATTERNS.join(' ')})`,
			root,
			await analyze(loaded, root, loaded.scanner.SOURCE_FILE_PATTERNS),
			'',
		);

		const errors = packProblems.length + tarballLeg.errors + sourceLeg.errors;
		const warnings = tarballLeg.warnings + sourceLeg.warnings;
		console.log(
			`\nscan summary: tarball files ${packProblems.length} errors; tarball lint ${tarballLeg.errors} errors; ` +
				`source lint ${sourceLeg.errors} errors; ${warnings} warnings in all -> ${errors === 0 ? 'PASSED' : `FAILED (${errors} errors)`}`,
		);
		return errors === 0 ? 0 : 1;
	} finally {
		fs.rmSync(tmp, { recursive: true, force: true });
	}
}

if (require.main === module) {
	main().then(
		(code) => process.exit(code),
		(error) => {
			console.error(`scan: could not run: ${error.stack || error}`);
			process.exit(2);
		},
	);
}

module.exports = { checkPackList, checkSourceMaps };
