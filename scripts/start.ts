/**
 * `npm start`: the broker on workerd (`wrangler dev`) plus the seeded sandbox estate, connected
 * and linked, then prints where to look. Ctrl-C stops both.
 */
import { ROOT, startEstate } from './estate.js';

const brokerPort = Number(process.env.CONCORD_PORT ?? 8787);
const sandboxPort = Number(process.env.SANDBOX_PORT ?? 8788);

const started = Date.now();
console.log('Starting Concord (broker + sandbox estate)...');
try {
  const estate = await startEstate({
    brokerPort,
    sandboxPort,
    persistDir: `${ROOT}/.wrangler/state`,
    log: (line) => console.log(`  ${line}`),
  });
  const demo = estate.tenants.demo;
  const first = (await (
    await fetch(`${estate.brokerUrl}/v1/tenants/demo/accounts?limit=1`, { headers: { authorization: `Bearer ${demo.apiKey}` } })
  ).json()) as { items: { id: string; name: string }[] };
  const sample = first.items[0];
  console.log(`
Concord is ready in ${((Date.now() - started) / 1000).toFixed(1)} s.

  Broker API      ${estate.brokerUrl}
  Demo page       ${estate.brokerUrl}/demo
  Sandbox estate  ${estate.sandboxUrl}  (HubSpot /hubspot, Salesforce /salesforce, NetSuite /netsuite, Vitally /vitally, admin /__sandbox)

  The demo tenant's API key is CONCORD_DEMO_API_KEY in .dev.vars. Try:

    curl -s -H "Authorization: Bearer ${demo.apiKey}" ${estate.brokerUrl}/v1/tenants/demo/accounts?limit=5
${sample ? `    curl -s -H "Authorization: Bearer ${demo.apiKey}" ${estate.brokerUrl}/v1/tenants/demo/accounts/${sample.id}/view   # ${sample.name}\n` : ''}
Press Ctrl-C to stop.`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping Concord...');
    void estate.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (err) {
  console.error(`\nConcord failed to start: ${(err as Error).message}`);
  process.exit(1);
}
