/**
 * The stack's schedule of SES calls (lib/private/schedule.ts) and the Pacer every handler
 * call goes through (lambda/shared/pacer.ts), on a fake clock.
 */
import fc from 'fast-check';
import { isTransient, OutOfTurnsError, Pacer, sendInTurn } from '../lambda/shared/pacer';
import { CallSchedule, encodeSlots, nextTurnAt, scheduleOf } from '../lib/private/schedule';

describe('the slot list', () => {
  test('one sorted 6-digit hash per logical id; each id finds its own slot', () => {
    const ids = ['EndpointA1B2C3D4', 'EndpointE5F6', 'ReplicaResource1234', 'LookupXYZ'];
    const encoded = encodeSlots(ids);
    expect(encoded).toMatch(/^6\/[0-9a-f]{24}$/);
    const keys = encoded.slice(2).match(/.{6}/g)!;
    expect(keys).toEqual([...keys].sort());
    const slots = ids.map((id) => scheduleOf(2000, encoded, id));
    expect(slots.map((s) => s.slots)).toEqual([4, 4, 4, 4]);
    expect(new Set(slots.map((s) => s.slot)).size).toBe(4);
  });

  test('the order the resources were defined in does not matter, and duplicates count once', () => {
    expect(encodeSlots(['b', 'a', 'c'])).toBe(encodeSlots(['c', 'b', 'a', 'a']));
  });

  test('a resource missing from the list (removed from the template) still gets a slot in range', () => {
    const schedule = scheduleOf(2000, encodeSlots(['A', 'B', 'C']), 'RemovedEndpoint');
    expect(schedule.slots).toBe(3);
    expect(schedule.slot).toBeGreaterThanOrEqual(0);
    expect(schedule.slot).toBeLessThan(3);
  });

  test('without a (valid) list the resource has every period', () => {
    for (const encoded of [undefined, '', '6/', 'x/abc', '6/abcde']) {
      expect(scheduleOf(2000, encoded, 'A')).toEqual({ periodMs: 2000, slot: 0, slots: 1 });
    }
  });
});

describe('turns', () => {
  test('the next turn is the start of one of the resource\'s own periods, within one round', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 300 }), fc.nat(), fc.integer({ min: 0, max: 2 ** 44 }),
      (periodMs, slots, slotSeed, notBefore) => {
        const schedule: CallSchedule = { periodMs, slots, slot: slotSeed % slots };
        const turn = nextTurnAt(schedule, notBefore);
        expect(turn).toBeGreaterThanOrEqual(notBefore);
        expect(turn % periodMs).toBe(0);
        expect((turn / periodMs) % slots).toBe(schedule.slot);
        expect(turn - notBefore).toBeLessThan(slots * periodMs);
      },
    ), { numRuns: 500 });
  });

  test('resources of one stack never share a period: at most one call per period, whoever calls', () => {
    const ids = Array.from({ length: 20 }, (_, i) => `Endpoint${i}`);
    const encoded = encodeSlots(ids);
    const turns = ids.flatMap((id) => {
      const pacer = new Pacer({ schedule: scheduleOf(2000, encoded, id), now: () => 1_000_123, sleep: async () => undefined });
      return Array.from({ length: 5 }, (_, k) => pacer.nextTurn(k * 40_000));
    });
    expect(new Set(turns).size).toBe(turns.length);
    const sorted = [...turns].sort((a, b) => a - b);
    sorted.slice(1).forEach((t, i) => expect(t - sorted[i]).toBeGreaterThanOrEqual(2000));
  });
});

describe('the Pacer', () => {
  let clock: number;
  const sleep = async (ms: number) => { clock += ms; };
  beforeEach(() => { clock = 1_000_000; });
  const pacer = (schedule: Partial<CallSchedule> = {}, extra: Partial<ConstructorParameters<typeof Pacer>[0]> = {}) =>
    new Pacer({ schedule: { periodMs: 2000, slot: 1, slots: 4, ...schedule }, now: () => clock, sleep, random: () => 0.5, ...extra });

  test('take waits for the resource\'s turn; the next take waits a whole round', async () => {
    const p = pacer();
    expect(await p.take()).toBe(true);
    expect(clock).toBe(1_002_000); // period 501 = 1 mod 4
    expect(await p.take()).toBe(true);
    expect(clock).toBe(1_010_000);
  });

  test('notBefore holds the first call back; giveUpAt ends the turns', async () => {
    const p = pacer({}, { notBefore: 1_002_001, giveUpAt: 1_010_000 });
    expect(await p.take()).toBe(true);
    expect(clock).toBe(1_010_000);
    expect(p.hasTurn()).toBe(false);
    expect(await p.take()).toBe(false);
    expect(clock).toBe(1_010_000);
  });

  test('a turn woken up late by more than half a period is given up for the next one', async () => {
    // The first sleep wakes up 1.5 s late.
    const sleepLate = async (ms: number) => { clock += ms + (clock < 1_003_000 ? 1500 : 0); };
    const late = new Pacer({ schedule: { periodMs: 2000, slot: 1, slots: 4 }, now: () => clock, sleep: sleepLate });
    expect(await late.take()).toBe(true);
    expect(clock).toBe(1_010_000); // 1_002_000 was missed (woken at 1_003_500)
  });

  test('the backoff grows with each failure, jittered, up to 30 s', () => {
    const p = pacer({}, { random: () => 0.999 });
    expect(p.backoffMs(1)).toBe(1998);
    expect(p.backoffMs(2)).toBe(3996);
    expect(p.backoffMs(10)).toBe(29_970);
  });
});

describe('sendInTurn', () => {
  let clock: number;
  const sleep = async (ms: number) => { clock += ms; };
  beforeEach(() => { clock = 0; });
  const failure = (name: string, httpStatusCode?: number, code?: string) =>
    Object.assign(new Error(`${name} happened`), { name, code, $metadata: httpStatusCode === undefined ? undefined : { httpStatusCode } });

  test.each([
    ['TooManyRequestsException', 429, undefined],
    ['InternalFailure', 500, undefined],
    ['ServiceUnavailable', 503, undefined],
    ['Error', undefined, 'ECONNRESET'],
    ['TimeoutError', undefined, undefined],
    ['Error', undefined, undefined], // 'AWS SDK error wrapper for TimeoutError: socket hang up'
  ])('retries %s in later turns and returns what SES finally answers', async (name, status, code) => {
    const turns: number[] = [];
    let attempts = 0;
    const p = new Pacer({ schedule: { periodMs: 2000, slot: 0, slots: 1 }, now: () => clock, sleep, random: () => 0 });
    const result = await sendInTurn(p, 'GetMultiRegionEndpoint', async () => {
      turns.push(clock);
      attempts += 1;
      if (attempts < 3 && name === 'Error' && code === undefined) throw new Error('AWS SDK error wrapper for TimeoutError: socket hang up');
      if (attempts < 3) throw failure(name, status, code);
      return 'READY';
    });
    expect(result).toBe('READY');
    expect(turns).toEqual([0, 2000, 4000]);
  });

  test.each([
    ['LimitExceededException', 400],
    ['ConcurrentModificationException', 500],
    ['AlreadyExistsException', 400],
    ['NotFoundException', 404],
  ])('%s is the handler\'s to handle: no retry', async (name, status) => {
    expect(isTransient(failure(name, status))).toBe(false);
    let attempts = 0;
    const p = new Pacer({ schedule: { periodMs: 2000, slot: 0, slots: 1 }, now: () => clock, sleep });
    await expect(sendInTurn(p, 'CreateMultiRegionEndpoint', async () => {
      attempts += 1;
      throw failure(name, status);
    })).rejects.toThrow(`${name} happened`);
    expect(attempts).toBe(1);
  });

  test('throttling that outlasts the invocation ends in OutOfTurnsError, with what SES said and how often', async () => {
    const p = new Pacer({ schedule: { periodMs: 2000, slot: 0, slots: 1 }, now: () => clock, sleep, giveUpAt: 60_000 });
    const error = await sendInTurn(p, 'CreateMultiRegionEndpoint', async () => { throw failure('TooManyRequestsException', 429); }).catch((e) => e);
    expect(error).toBeInstanceOf(OutOfTurnsError);
    expect(error.attempts).toBeGreaterThan(3);
    expect(error.lastError.name).toBe('TooManyRequestsException');
    expect(error.message).toMatch(/^SES kept failing CreateMultiRegionEndpoint \(TooManyRequestsException: TooManyRequestsException happened\) for \d+ attempts.*1 request\/s control-plane quota/);
    expect(clock).toBeLessThanOrEqual(60_000);
  });

  test('no turn at all is OutOfTurnsError before any call; without a pacer the call goes out at once', async () => {
    const p = new Pacer({ schedule: { periodMs: 2000, slot: 0, slots: 1 }, now: () => clock, sleep, giveUpAt: -1 });
    let calls = 0;
    await expect(sendInTurn(p, 'Get', async () => { calls += 1; })).rejects.toThrow(OutOfTurnsError);
    expect(calls).toBe(0);
    await expect(sendInTurn(undefined, 'Get', async () => { throw failure('TooManyRequestsException', 429); })).rejects.toThrow('TooManyRequestsException happened');
  });
});
