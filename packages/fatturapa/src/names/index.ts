export { type FileNameProblem, InvalidFileNameError, ProgressivoRangeError } from './errors.js'
export {
  formatInvoiceFileName,
  type InvoiceFileKind,
  type InvoiceFileNameFields,
  type ParsedInvoiceFileName,
  parseInvoiceBaseName,
  parseInvoiceFileName,
} from './invoice-file-name.js'
export {
  formatNotificationFileName,
  isNotificationTipo,
  type NotificationFileNameFields,
  type NotificationTipo,
  notificationTipi,
  type ParsedNotificationFileName,
  parseNotificationFileName,
} from './notification-file-name.js'
export {
  counterFromProgressivo,
  InMemoryProgressivoStore,
  maxProgressivoCounter,
  type ProgressivoStore,
  progressivoFromCounter,
} from './progressivo.js'
