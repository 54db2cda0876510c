'use strict';
/** Formatting: numbers, the results table (Markdown, so it can go into the README as is). */

const MIB = 1024 * 1024;

const seconds = (ms, digits = 1) => `${(ms / 1000).toFixed(digits)} s`;
const mib = (bytes) => `${(bytes / MIB).toFixed(0)} MiB`;
const ratio = (value, digits = 2) => value.toFixed(digits);

/** | a | b | rows padded to equal column widths; `|` inside cells escaped. */
function markdownTable(header, rows) {
	const cells = [header, ...rows].map((row) => row.map((cell) => String(cell).replace(/\|/g, '\\|')));
	const widths = header.map((_, column) => Math.max(3, ...cells.map((row) => row[column].length)));
	const line = (row) => `| ${row.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
	return [line(cells[0]), `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`, ...cells.slice(1).map(line)].join('\n');
}

function metLabel(met) {
	if (met === true) return 'yes';
	if (met === false) return 'NO';
	return 'info';
}

function figuresTable(figures) {
	return markdownTable(
		['figure', 'measured', 'target', 'met?'],
		figures.map((figure) => [figure.figure, figure.measured, figure.target ?? '-', metLabel(figure.met)]),
	);
}

module.exports = { MIB, seconds, mib, ratio, markdownTable, figuresTable, metLabel };
