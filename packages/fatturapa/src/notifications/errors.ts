export type SdiMessageErrorCode =
  /** Not well-formed XML, or not decodable. */
  | 'SDI_MESSAGE_MALFORMED'
  /** A DOCTYPE (and so possibly entities) is present: SDI messages never carry one. */
  | 'SDI_MESSAGE_DTD_FORBIDDEN'
  /** The root element is not a message of either SDI vocabulary. */
  | 'SDI_MESSAGE_UNKNOWN_ROOT'
  /** An element the model requires is missing (parsing) or empty/absent in the object (building). */
  | 'SDI_MESSAGE_FIELD_MISSING'
  /** A value cannot be represented: not an integer, outside an enumeration, characters XML forbids. */
  | 'SDI_MESSAGE_INVALID_VALUE'

/** Every failure of parsing or building an SDI message; `code` is stable, `path` locates the element. */
export class SdiMessageError extends Error {
  constructor(
    readonly code: SdiMessageErrorCode,
    message: string,
    readonly path?: string,
  ) {
    super(message)
    this.name = 'SdiMessageError'
  }
}
