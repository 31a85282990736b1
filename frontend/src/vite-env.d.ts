/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_INVENTORY_URL?: string;
  readonly VITE_PAYMENT_URL?: string;
  readonly VITE_CONSUMER_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
