// A minimal HTTP service for the example platform: answers every path, so that it works
// behind path routing (/orders/*) and host routing alike.
const http = require('node:http');

const port = Number(process.env.PORT || 8080);
const name = process.env.SERVICE_NAME || 'example';

http.createServer((req, res) => {
  // The health check: /health, or under the service's route (/orders/health).
  if (req.url === '/health' || req.url.endsWith('/health')) {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok\n');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ service: name, path: req.url, version: process.env.VERSION || 'dev' }) + '\n');
}).listen(port, () => console.log(`${name} listening on ${port}`));
