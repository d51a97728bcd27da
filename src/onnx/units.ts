// The min-max scaler's units: the exported graph takes raw features, so what the encoder learned in scaled units
// is carried back to raw ones, in float64, before it is written as float32.
import { scaleOf, type ScalerParams } from '../model/scaler.ts';

/** Scaled value ↔ raw value of feature f, in float64. */
export interface Units {
  readonly scale: number[];
  readonly offset: number[];
}

export function units(s: ScalerParams): Units {
  const scale = s.xMin.map((min, j) => scaleOf(min, s.xMax[j]));
  return { scale, offset: s.xMin.map((min, j) => 0 - min * scale[j]) };
}

export const toRaw = (u: Units, f: number, v: number): number => (v - u.offset[f]) / u.scale[f];
