/**
 * A request relay for tests whose broker has no listening address (workerd in the vitest pool):
 * the sandbox's outgoing HubSpot webhooks and Salesforce package callouts are pointed at it, it
 * answers 200 and keeps each request (method, URL, headers, raw body), and the test takes them
 * (`GET /__relay`, which also empties the list) and sends each to the broker at the same URL
 * (a test worker's `SELF.fetch` accepts any origin), so the senders' signatures still hold.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RelayedRequest {
  method: string;
  /** The full URL the sender posted to. */
  url: string;
  headers: Record<string, string>;
  body: string;
}

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startRelay(): Promise<{ url: string; close(): Promise<void> }> {
  let kept: RelayedRequest[] = [];
  let origin = '';
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method === 'GET' && req.url === '/__relay') {
        const taken = kept;
        kept = [];
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(taken));
        return;
      }
      const body = await read(req);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length' && k !== 'connection') headers[k] = v;
      kept.push({ method: req.method ?? 'POST', url: `${origin}${req.url ?? '/'}`, headers, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: origin, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
