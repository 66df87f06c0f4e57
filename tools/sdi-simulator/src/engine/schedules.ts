const hour = 3_600_000
const day = 24 * hour

/** Official timings (AdE specifiche tecniche 1.7.1 §1.3.2, §1.5.7, §1.6; SDICoop instructions). */
export const Schedules = {
  /** B2B delivery to an SDICoop endpoint: at most 4 attempts, one every 6 hours, then RicevutaImpossibilitaRecapito. */
  b2bDelivery: { attempts: 4, intervalMs: 6 * hour },
  /** B2B delivery by PEC: a second attempt, then RicevutaImpossibilitaRecapito. */
  pecDelivery: { attempts: 2, intervalMs: 1 * hour },
  /** PA delivery: retries during two days (testsdi models 48 h), then NotificaMancataConsegna. */
  paDelivery: { attempts: 5, intervalMs: 12 * hour },
  /** After the PA MC SDI keeps trying once a day until the AT. */
  paRetryAfterMc: { intervalMs: day },
  /** AT 10 days after the MC. */
  attestazioneAfterMcMs: 10 * day,
  /** DT 15 days after delivery to a PA without an outcome. */
  decorrenzaTerminiMs: 15 * day,
  /** Receipts to the transmitter: at most 6 attempts over 3 days (every 12 hours). */
  receipts: { attempts: 6, intervalMs: 12 * hour },
  /** Default delay of an automatic EC. */
  automaticEsitoDelayMs: 1 * hour,
  /** How long an out-of-order message waits for a successor. */
  outOfOrderHoldMs: 1 * hour,
} as const

export const Durations = { hour, day }
