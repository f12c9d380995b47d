// Integer distance on 1e-7 degree positions, exactly as the firmware and the cloud's ingest compute it
// (firmware/Tracker.Core/Common/GeoMath.cs, which the cloud references through firmware/Tracker.Contract):
// equirectangular on the IUGG mean-radius sphere, cos(mean latitude) from a one-degree Q30 table with
// linear interpolation, an integer square root, everything in 64-bit integers (BigInt here). So a speed
// the web app derives, and its max-speed check, give to the millimetre what ingest gives: the car-state
// corpus (test/fixtures/car-state-corpus.json, written by the C# side) holds distances to compare.

const E7_PER_DEGREE = 10000000n;
const COS_ONE = 1n << 30n;
// Centimetres per 1e-7 degree of arc on the mean-radius sphere, times 1e9 (GeoMath.CmPerE7TimesGiga).
const CM_PER_E7_TIMES_GIGA = 1111950802n;
const GIGA = 1000000000n;
const HALF_TURN_E7 = 1800000000n;
const FULL_TURN_E7 = 3600000000n;

// round(cos(k degrees) * 2^30) for k = 0..90, as GeoMath.CosTable holds them (made with double
// precision there too; the corpus's distances would show a single entry that differed).
const COS_TABLE = Array.from({ length: 91 }, (_, k) => BigInt(Math.round(Math.cos((k * Math.PI) / 180) * 2 ** 30)));

/**
 * Division rounding half away from zero; the divisor is positive (GeoMath.DivRound).
 * @param {bigint} numerator any.
 * @param {bigint} divisor positive.
 * @returns {bigint} the quotient.
 */
function divRound(numerator, divisor) {
  const half = divisor / 2n;
  return numerator >= 0n ? (numerator + half) / divisor : -((-numerator + half) / divisor);
}

/**
 * cos(latitude) in Q30, from the one-degree table with linear interpolation (GeoMath.CosQ30).
 * @param {number} latE7 latitude in 1e-7 degrees; beyond +-90 degrees it is clamped.
 * @returns {bigint} 0 to 2^30.
 */
export function cosQ30(latE7) {
  const a = BigInt(Math.abs(latE7));
  if (a >= 90n * E7_PER_DEGREE) {
    return 0n;
  }
  const index = a / E7_PER_DEGREE;
  const frac = a - index * E7_PER_DEGREE;
  const lo = COS_TABLE[Number(index)];
  const hi = COS_TABLE[Number(index) + 1];
  return lo + divRound((hi - lo) * frac, E7_PER_DEGREE);
}

/**
 * round(sqrt(value)), digit by digit (GeoMath.ISqrt).
 * @param {bigint} value not negative, below 2^64.
 * @returns {bigint} the rounded root.
 */
export function isqrt(value) {
  let rest = value;
  let root = 0n;
  let bit = 1n << 62n;
  while (bit > rest) {
    bit >>= 2n;
  }
  while (bit !== 0n) {
    if (rest >= root + bit) {
      rest -= root + bit;
      root = (root >> 1n) + bit;
    } else {
      root >>= 1n;
    }
    bit >>= 2n;
  }
  return rest > root ? root + 1n : root;
}

/**
 * The distance between two positions in centimetres, as GeoMath.DistanceCm gives it.
 * @param {number} lat1E7 first latitude, 1e-7 degrees (an integer).
 * @param {number} lon1E7 first longitude.
 * @param {number} lat2E7 second latitude.
 * @param {number} lon2E7 second longitude.
 * @returns {number} centimetres, never negative.
 */
export function distanceCm(lat1E7, lon1E7, lat2E7, lon2E7) {
  const dLat = BigInt(lat2E7) - BigInt(lat1E7);
  let dLon = BigInt(lon2E7) - BigInt(lon1E7);
  if (dLon > HALF_TURN_E7) {
    dLon -= FULL_TURN_E7;
  } else if (dLon < -HALF_TURN_E7) {
    dLon += FULL_TURN_E7;
  }
  // C#'s long division truncates toward zero, as Math.trunc does (the sum is exact in a double).
  const meanLat = Math.trunc((lat1E7 + lat2E7) / 2);
  const x = divRound(dLon * cosQ30(meanLat), COS_ONE);
  const e7 = isqrt(x * x + dLat * dLat);
  return Number(divRound(e7 * CM_PER_E7_TIMES_GIGA, GIGA));
}
