/** The services behind the gateway. `name` is also the URL segment (`/api/<name>/…`) and, with `_`, the DB schema. */
export const ServiceCatalog = {
  auth: { name: 'auth', defaultPort: 3001, title: 'Users, roles, contracts, certificates and audit' },
  'fe-active': { name: 'fe-active', defaultPort: 3002, title: 'Outgoing invoices to SDI' },
  'fe-passive': { name: 'fe-passive', defaultPort: 3003, title: 'Incoming supplier invoices' },
  liquidazioni: { name: 'liquidazioni', defaultPort: 3004, title: 'Periodic VAT liquidation (LIPE)' },
  conservazione: { name: 'conservazione', defaultPort: 3005, title: 'Legally compliant preservation' },
} as const

export type ServiceName = keyof typeof ServiceCatalog
export const serviceNames = Object.keys(ServiceCatalog) as ServiceName[]
export const gatewayDefaultPort = 3000
