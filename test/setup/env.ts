// n8n-core logs through a winston logger configured from the environment; node errors that the
// tests provoke on purpose would otherwise fill the test output.
process.env.N8N_LOG_LEVEL = process.env.N8N_LOG_LEVEL ?? 'silent';
