import { runServiceServer } from '@fatturapa-hub/shared'
import { service } from './service.js'

await runServiceServer(service)
