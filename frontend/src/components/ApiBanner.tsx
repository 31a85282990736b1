// Says which API is down, and probes its /health every few seconds until it answers again (any
// request that gets through also clears the banner).
import { useEffect } from 'react';
import { useOutages, type Service } from '../api/health';
import { consumerHealth } from '../api/consumer';
import { inventoryHealth } from '../api/inventory';
import { paymentsHealth } from '../api/payments';

export const PROBE_MS = 3000;

const probes: Record<Service, () => Promise<unknown>> = {
  Inventory: inventoryHealth,
  Payments: paymentsHealth,
  Operations: consumerHealth,
};

export function ApiBanner() {
  const outages = useOutages();

  useEffect(() => {
    if (outages.length === 0) return;
    const timer = setInterval(() => {
      // A failed probe reports itself; nothing else to do with it here.
      outages.forEach((o) => probes[o.service]().catch(() => undefined));
    }, PROBE_MS);
    return () => clearInterval(timer);
  }, [outages]);

  return outages.map((o) => (
    <div key={o.service} className="alert alert-danger d-flex align-items-center gap-2" role="alert">
      <span className="spinner-grow spinner-grow-sm flex-shrink-0" aria-hidden="true" />
      <div>
        <strong>The {o.service} API {o.reason}</strong> ({o.url}). This page retries by itself and recovers
        as soon as it is back.
      </div>
    </div>
  ));
}
