// Decoder throughput in node: the README's `single` and `route10` vectors, and a status message,
// each decoded repeatedly after a warm-up. `npm run benchmark`. Figures depend on the machine; the
// README quotes one run.

import { decodeBatch } from '../src/wire.js';
import { decodeStatus } from '../src/status.js';

const hex = (s) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const cases = [
  ['batch of 1 fix (single)', hex('0172f24ce501d055d086008d34f3cc93ead94454d1f5ab61560e14a08d502840'), 1],
  ['batch of 10 fixes (route10)', hex(`01b12baceb0ae82ae84300027a3b88c2fe8e45692ed3d0894253dad467d5b288
    a916884a54933186a3fd796c9083743eb564bc5d2aee784bc91eee0099039bb4ea5abe0a5f023525c9ec48efcc9bd405013149528b00`), 10],
  ['status message (README vector)', hex('01 57 A2 A6 FA 01 F6 90 1C 80 C3 BB C2 06 B8 62 A9 01 02 11 00 03 05 31 2E 30 2E 30'), 0],
];

for (const [name, bytes, fixes] of cases) {
  const decode = fixes === 0 ? decodeStatus : decodeBatch;
  if (!decode(bytes).ok) throw new Error(`${name} does not decode`);
  for (let i = 0; i < 5000; i++) decode(bytes);
  const rounds = 5;
  const perRound = 20000;
  const times = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < perRound; i++) decode(bytes);
    times.push(Number(process.hrtime.bigint() - t0) / perRound / 1000);
  }
  times.sort((a, b) => a - b);
  const us = times[Math.floor(rounds / 2)];
  const rate = Math.round(1e6 / us);
  console.log(`${name}: median ${us.toFixed(2)} us a message over ${rounds} rounds of ${perRound} (${rate.toLocaleString('en')} messages/s${fixes ? `, ${(rate * fixes).toLocaleString('en')} fixes/s` : ''})`);
}
