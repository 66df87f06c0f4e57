export {
  applyCommand,
  type CommandRefusal,
  type CommandRefusalCode,
  type CommandResult,
  createInvoiceState,
  type InvoiceCommand,
  type NewInvoice,
} from './apply-command.js'
export {
  applyNotification,
  fileStateOfBodies,
  type NotificationContext,
  rejectionSuggestions,
  type TransitionResult,
} from './apply-notification.js'
export * from './invoice-state.js'
export * from './parsed-notification.js'
export type * from './snapshot.js'
export * from './transition-table.js'
