// A run's data through its feature encoding: the encoder is fitted on the training rows (the scaled 13 features of
// every training row, validation rows included, X only) and applied to the training and test rows, so the network
// sees a wider X, e.g. 173 values per track for `qple`. The notebook's pipeline has no encoder and keeps X as it is.
import { type EncodingSpec, NOTEBOOK_ENCODING, parseEncoding } from '../data/encoding-spec.ts';
import { type Encoder, encodeSteps, fitEncoderSteps } from '../model/encoding.ts';
import { drain, type Steps } from '../model/steps.ts';
import type { ScaledData } from './train-model.ts';

/** The data as the network sees it, and the encoder that made it (none for the notebook's pipeline). */
export interface EncodedData {
  readonly data: ScaledData;
  readonly encoder?: Encoder;
}

/** Fits `spec` (a parsed encoding or its text) on the training rows and encodes the training and test rows. */
export function encodeData(data: ScaledData, spec: EncodingSpec | string = NOTEBOOK_ENCODING): EncodedData {
  return drain(encodeDataSteps(data, spec));
}

/** {@link encodeData}, yielding after each feature it fits or encodes (a page's sweep runs it with pauses). */
export function* encodeDataSteps(data: ScaledData, spec: EncodingSpec | string = NOTEBOOK_ENCODING): Steps<EncodedData> {
  const { name, parts } = typeof spec === 'string' ? parseEncoding(spec) : spec;
  if (parts.length === 0) return { data };
  const encoder = yield* fitEncoderSteps(data.xTrain, parts, name);
  const xTrain = yield* encodeSteps(encoder, data.xTrain);
  const xTest = yield* encodeSteps(encoder, data.xTest);
  return { data: { ...data, xTrain, xTest }, encoder };
}
