// Where the workers are: build-time settings (see README.md), defaulting to `make dev`'s ports.

const trim = (url: string) => url.replace(/\/+$/, '');

export const INVENTORY_URL = trim(import.meta.env.VITE_INVENTORY_URL || 'http://127.0.0.1:8000');
export const PAYMENT_URL = trim(import.meta.env.VITE_PAYMENT_URL || 'http://127.0.0.1:8001');
/** consumer-cron: the Operations screen's stats, audit and dead letters. */
export const CONSUMER_URL = trim(import.meta.env.VITE_CONSUMER_URL || 'http://127.0.0.1:8002');
