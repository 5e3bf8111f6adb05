const path = require('path');
const { task, src, dest } = require('gulp');

// tsc only emits JavaScript; n8n loads node icons (and codex JSON) from next to the compiled files.
task('build:assets', copyAssets);

function copyAssets() {
	const sources = [
		path.resolve('nodes', '**', '*.{png,svg}'),
		path.resolve('credentials', '**', '*.{png,svg}'),
		path.resolve('icons', '**', '*.{png,svg}'),
	];
	return src(sources, { base: '.', encoding: false }).pipe(dest('dist'));
}
