// Which API is down right now, for the banner. Every request reports here: a network failure or a
// 503 marks its service down, any other answer marks it up again.
import { useSyncExternalStore } from 'react';

/** A worker the dashboard calls; `Operations` is consumer-cron (the Operations screen). */
export type Service = 'Inventory' | 'Payments' | 'Operations';

export interface Outage {
  service: Service;
  url: string;
  /** What went wrong, for the banner: "cannot be reached" or the 503's message. */
  reason: string;
}

let outages: readonly Outage[] = [];
const listeners = new Set<() => void>();

function publish(next: readonly Outage[]) {
  outages = next;
  listeners.forEach((listener) => listener());
}

export function reportDown(outage: Outage) {
  const current = outages.find((o) => o.service === outage.service);
  if (current?.reason === outage.reason) return;
  publish([...outages.filter((o) => o.service !== outage.service), outage]);
}

export function reportUp(service: Service) {
  if (outages.some((o) => o.service === service)) publish(outages.filter((o) => o.service !== service));
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useOutages(): readonly Outage[] {
  return useSyncExternalStore(subscribe, () => outages);
}
