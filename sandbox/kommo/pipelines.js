'use strict';
// `GET /api/v4/leads/pipelines[/:id[/statuses]]`: the pipelines with their stages embedded.
// An unknown pipeline answers 204, as the official PHP SDK expects ("no data").

const { send, clone } = require('../http');
const { self, sendHal } = require('./responses');

/** @typedef {import('./responses').KommoRequest} KommoRequest */
/** @typedef {import('../index').KommoPipeline} KommoPipeline */

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {KommoPipeline} pipeline
 */
function renderPipeline(req, pipeline) {
	const { statuses, ...rest } = clone(pipeline);
	return {
		...rest,
		_links: self(req, `/api/v4/leads/pipelines/${pipeline.id}`),
		_embedded: {
			statuses: statuses.map((status) => ({
				...status,
				_links: self(req, `/api/v4/leads/pipelines/${pipeline.id}/statuses/${status.id}`),
			})),
		},
	};
}

/** @param {KommoRequest} request */
function listPipelines({ state, req, res, path }) {
	return sendHal(res, {
		_total_items: state.pipelines.length,
		_links: self(req, path),
		_embedded: { pipelines: state.pipelines.map((pipeline) => renderPipeline(req, pipeline)) },
	});
}

/** @param {KommoRequest} request */
function getPipeline({ state, req, res, params }) {
	const pipeline = state.pipelines.find((entry) => entry.id === Number(params[0]));
	if (!pipeline) return send(res, 204);
	return sendHal(res, renderPipeline(req, pipeline));
}

/** @param {KommoRequest} request */
function listStatuses({ state, req, res, path, params }) {
	const pipeline = state.pipelines.find((entry) => entry.id === Number(params[0]));
	if (!pipeline) return send(res, 204);
	return sendHal(res, {
		_total_items: pipeline.statuses.length,
		_links: self(req, path),
		_embedded: renderPipeline(req, pipeline)._embedded,
	});
}

module.exports = { listPipelines, getPipeline, listStatuses };
