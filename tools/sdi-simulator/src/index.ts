export * from './engine/index.js'
export { buildSimulator, type SimulatorApp, type SimulatorOptions } from './http/app.js'
export { type HttpOutboundOptions, HttpOutboundPort } from './http/outbound.js'
export { type XadesSignerOptions, xadesMessageSigner } from './signing.js'
