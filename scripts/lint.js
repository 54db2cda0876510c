#!/usr/bin/env node
// `npm run lint`: what `n8n-node lint` does, limited to the code n8n loads.
//
// `n8n-node lint` (@n8n/node-cli) does two things: in strict mode ("strict": true in the "n8n"
// section of package.json) it checks that eslint.config.mjs is the starter's file verbatim, then
// it runs `eslint .` with no way to pass paths (its only flag is --fix). With the verbatim config,
// `eslint .` also lints test/ and scripts/ (their .ts files) with the community-node rules, which
// tests and tooling cannot meet (they need setTimeout, process, node:fs...). ESLint 9's flat
// config has no ignore file (.eslintignore is not read), and the verbatim config cannot list
// ignores, so this script does both steps itself:
//   1. the same strict-mode check, against the template shipped in @n8n/node-cli;
//   2. eslint (the project's, so the same version n8n-node runs) with that config on
//      package.json, nodes/ and credentials/: the files n8n's scan lints in the source
//      (SOURCE_FILE_PATTERNS of @n8n/scan-community-package) and the only folders compiled
//      into dist/ (tsconfig.build.json).
// Usage: node scripts/lint.js [--fix]
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const LINTED = ['package.json', 'nodes', 'credentials'];

function fail(message) {
	console.error(`lint: ${message}`);
	process.exit(1);
}

function normalize(text) {
	return text.replace(/\s+/g, ' ').trim();
}

// 1. Strict mode: the same comparison as n8n-node lint (whitespace-insensitive, whole file).
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
if (pkg.n8n && pkg.n8n.strict) {
	// @n8n/node-cli exports only ./eslint; its template sits next to dist/configs/eslint.js.
	const cliConfigs = path.dirname(require.resolve('@n8n/node-cli/eslint', { paths: [root] }));
	const templatePath = path.resolve(
		cliConfigs,
		'../template/templates/shared/default/eslint.config.mjs',
	);
	if (!fs.existsSync(templatePath)) {
		fail(`cannot find the strict-mode template ${templatePath} (did @n8n/node-cli move it?)`);
	}
	const configPath = path.join(root, 'eslint.config.mjs');
	if (!fs.existsSync(configPath)) fail('strict mode: eslint.config.mjs not found');
	const expected = fs.readFileSync(templatePath, 'utf8');
	if (normalize(fs.readFileSync(configPath, 'utf8')) !== normalize(expected)) {
		fail(
			`strict mode violation: eslint.config.mjs differs from the default configuration.\nExpected:\n${expected}`,
		);
	}
	console.log('lint: strict mode, eslint.config.mjs is the n8n default (verbatim)');
}
for (const other of ['eslint.config.js', 'eslint.config.cjs', 'eslint.config.ts', 'eslint.config.mts', 'eslint.config.cts']) {
	// ESLint would pick eslint.config.js/.cjs over .mjs and bypass the verbatim file.
	if (fs.existsSync(path.join(root, other))) fail(`${other} must not exist (eslint.config.mjs is the config)`);
}

// 2. ESLint on the shipped sources, with eslint.config.mjs.
const eslintBin = path.join(
	path.dirname(require.resolve('eslint/package.json', { paths: [root] })),
	'bin',
	'eslint.js',
);
const args = [eslintBin, '--config', 'eslint.config.mjs', ...LINTED, ...process.argv.slice(2)];
console.log(`lint: eslint ${LINTED.join(' ')}${process.argv.length > 2 ? ' ' + process.argv.slice(2).join(' ') : ''}`);
const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
if (result.error) fail(result.error.message);
if (result.status === 0) console.log('lint: no errors');
process.exit(result.status === null ? 1 : result.status);
