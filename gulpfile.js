const { task, src, dest } = require('gulp');

/**
 * The node and credential point at their icons as `file:../../icons/...` and `file:../icons/...`,
 * which resolve to icons/ in the source tree and to dist/icons/ in the built package.
 */
task('build:icons', () => src('icons/*.svg').pipe(dest('dist/icons')));
