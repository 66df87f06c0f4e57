import { describe, expect, it } from '@jest/globals'
import { captureLogs } from '../src/testing/index.js'

describe('createLogger', () => {
  it('redacts passwords, tokens, keys and authorization headers at any usual depth', () => {
    const { logger, lines } = captureLogs('test')
    logger.info(
      {
        password: 'p1',
        user: { password: 'p2', name: 'ADM@studio' },
        body: { credentials: { token: 't1' } },
        req: { headers: { authorization: 'Bearer xyz', host: 'h' } },
        privateKey: '-----BEGIN',
      },
      'login',
    )
    const [line] = lines()
    const text = JSON.stringify(line)
    for (const secret of ['p1', 'p2', 't1', 'Bearer xyz', '-----BEGIN']) expect(text).not.toContain(secret)
    expect(text).toContain('ADM@studio')
    expect(line?.service).toBe('test')
  })
})
