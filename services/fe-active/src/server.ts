import { runSdiServiceServer } from '@fatturapa-hub/sdi-channel'
import { service } from './service.js'

// The service port, plus the mutual-TLS listener of the SDI endpoints when SDI_INBOUND_TLS_* is set.
await runSdiServiceServer(service)
