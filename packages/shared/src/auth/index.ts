export * from './claims.js'
export * from './codes.js'
export * from './plugin.js'
export * from './verifier.js'
