// Docker HEALTHCHECK for the Vigil API container: GET /healthz on the port the API listens
// on. Exit 0 when it answers 200, 1 otherwise. Node only, because the slim image has no curl.
import http from 'node:http';

const port = Number(process.env.VIGIL_API_PORT || 8080);
const timeoutMs = Number(process.env.VIGIL_HEALTHCHECK_TIMEOUT_MS || 4000);

const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: timeoutMs }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
req.on('error', (err) => {
  process.stderr.write(`healthcheck: ${err.message}\n`);
  process.exit(1);
});
