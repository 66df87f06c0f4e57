/** Why a name was refused; stable, so callers and tests can switch on it. */
export type FileNameProblem =
  | 'syntax'
  | 'id-paese'
  | 'id-codice'
  | 'progressivo'
  | 'extension'
  | 'tipo'
  | 'progressivo-messaggio'
  | 'counter-out-of-range'

/** A file name SDI would refuse with 00001 "Nome file non valido". */
export class InvalidFileNameError extends Error {
  readonly code = '00001'

  constructor(
    readonly fileName: string,
    readonly problem: FileNameProblem,
    message: string,
  ) {
    super(message)
    this.name = 'InvalidFileNameError'
  }
}

/** The 5-character progressivo space (36^5 - 1 names per transmitter) is used up, or the counter is not a positive integer. */
export class ProgressivoRangeError extends Error {
  readonly code = 'PROGRESSIVO_OUT_OF_RANGE'

  constructor(
    readonly counter: number,
    message: string,
  ) {
    super(message)
    this.name = 'ProgressivoRangeError'
  }
}
