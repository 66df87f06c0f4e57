import { runServiceWorkers } from '@fatturapa-hub/shared'
import { service } from './service.js'

await runServiceWorkers(service)
