// A run's data through its feature encoding: the encoder is fitted on the training rows (the scaled 13 features of
// every training row, validation rows included, X only) and applied to the training and test rows, so the network
// sees a wider X, e.g. 173 values per track for `qple`. The notebook's pipeline has no encoder and keeps X as it is.
import { type EncodingSpec, NOTEBOOK_ENCODING, parseEncoding } from '../data/encoding-spec.ts';
import { type Encoder, encode, fitEncoder } from '../model/encoding.ts';
import type { ScaledData } from './train-model.ts';

/** The data as the network sees it, and the encoder that made it (none for the notebook's pipeline). */
export interface EncodedData {
  readonly data: ScaledData;
  readonly encoder?: Encoder;
}

/** Fits `spec` (a parsed encoding or its text) on the training rows and encodes the training and test rows. */
export function encodeData(data: ScaledData, spec: EncodingSpec | string = NOTEBOOK_ENCODING): EncodedData {
  const { name, parts } = typeof spec === 'string' ? parseEncoding(spec) : spec;
  if (parts.length === 0) return { data };
  const encoder = fitEncoder(data.xTrain, parts, name);
  return {
    data: { ...data, xTrain: encode(encoder, data.xTrain), xTest: encode(encoder, data.xTest) },
    encoder,
  };
}
