// Runs the `graphql-http` server audits (GraphQL over HTTP conformance) against a running gateway and prints
// one JSON array of results on stdout: [{id, name, status, reason?, responseStatus?, responseBody?}].
//
// usage: node graphql_http_audit.mjs <node prefix holding node_modules/graphql-http> <url> <bearer token>
//
// The package lives under the given prefix (var/node), not beside this script, so it is loaded through a
// require rooted there.
import { createRequire } from 'node:module';
import path from 'node:path';

const [prefix, url, token] = process.argv.slice(2);
if (!prefix || !url || !token) {
  console.error('usage: node graphql_http_audit.mjs <node prefix> <url> <bearer token>');
  process.exit(2);
}

const require = createRequire(path.join(path.resolve(prefix), 'package.json'));
const { serverAudits } = require('graphql-http');
const { version } = require('graphql-http/package.json');

// Every audit request carries the admin token; other headers are the audit's own.
function fetchFn(input, init = {}) {
  const headers = new Headers(init.headers || {});
  headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
}

async function describe(response) {
  if (!response) return {};
  let body;
  try {
    body = await response.text();
  } catch {
    body = '<body already read>';
  }
  return {
    responseStatus: response.status,
    responseContentType: response.headers.get('content-type'),
    responseBody: body.length > 500 ? `${body.slice(0, 500)}…` : body,
  };
}

const results = [];
for (const audit of serverAudits({ url, fetchFn })) {
  const result = await audit.fn();
  const entry = { id: result.id, name: result.name, status: result.status };
  if (result.status !== 'ok') {
    Object.assign(entry, { reason: result.reason }, await describe(result.response));
  }
  results.push(entry);
}

process.stdout.write(JSON.stringify({ version, results }));
