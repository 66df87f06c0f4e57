import type { TSchema } from 'typebox'
import { Compile, type Validator } from 'typebox/compile'
import { type JobName, Jobs } from './contract.js'

const validators = new Map<JobName, Validator>()

/** Compiled once per job name, on first use. */
export function validatorFor(name: JobName): Validator {
  let validator = validators.get(name)
  if (!validator) {
    validator = Compile(Jobs[name].schema as TSchema) as Validator
    validators.set(name, validator)
  }
  return validator
}

export function payloadErrors(name: JobName, data: unknown): string[] {
  const validator = validatorFor(name)
  if (validator.Check(data)) return []
  return validator.Errors(data).map((error) => `${error.instancePath || '/'}: ${error.message}`)
}

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(Jobs, name)
}
