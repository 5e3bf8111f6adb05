import nock from 'nock';

// nock patches Node's http module process-wide; a test file that leaves it active breaks
// interception for the next file jest runs in the same worker.
afterAll(() => {
	nock.cleanAll();
	nock.restore();
});
