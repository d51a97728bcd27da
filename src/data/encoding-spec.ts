// The text of an encoding, as `train --encoding` and `sweep --encoding a,b` take it, and its canonical name.
//   notebook                        the notebook's pipeline: the min-max scaled 13 features as they are (no encoder)
//   ple  ple:8  quantile  standard  one encoding of all 13 features (ple with 16 bins unless :T says otherwise)
//   quantile+ple                    both, side by side, each of all 13 features
//   quantile@continuous+ple@continuous+minmax@discrete
//                                   each part on some columns: `continuous` (the 9 audio features and year),
//                                   `discrete` (key, mode, explicit), `all`, or feature names joined by '/'
//   qple                            the recipe above: the sweep's default
import { UserError } from '../errors.ts';
import { FEATURES } from '../model/schema.ts';
import { ENCODING_KINDS, type EncodingKind, type EncodingPart } from '../model/encoding.ts';

/** The notebook's pipeline: no encoder, the network reads the 13 min-max scaled features. */
export const NOTEBOOK_ENCODING = 'notebook';

/** Named encodings, written out. */
export const ENCODING_PRESETS: Readonly<Record<string, string>> = {
  qple: 'quantile@continuous+ple@continuous+minmax@discrete',
};

const DISCRETE: readonly string[] = ['key', 'mode', 'explicit'];

/** Column groups a part may name after '@'. */
export const COLUMN_GROUPS: Readonly<Record<string, readonly string[]>> = {
  all: FEATURES,
  continuous: FEATURES.filter((f) => !DISCRETE.includes(f)),
  discrete: DISCRETE,
};

/** A parsed encoding: its canonical text and its parts (none for the notebook's pipeline). */
export interface EncodingSpec {
  readonly name: string;
  readonly parts: readonly EncodingPart[];
}

/** The CLI's help text for --encoding. */
export const ENCODING_HELP =
  "the feature encoding, fitted on the training rows: 'notebook' (the 13 min-max scaled features), 'qple' (quantile and " +
  'piecewise-linear encoded continuous features, min-max scaled discrete ones), or parts such as quantile+ple:16@continuous';

const HELP =
  `an encoding is '${NOTEBOOK_ENCODING}', a preset (${Object.keys(ENCODING_PRESETS).join(', ')}), or parts joined by '+', ` +
  `each one of ${ENCODING_KINDS.join(', ')} (ple:T for T bins), optionally @columns such as @continuous, @discrete or @year/tempo`;

/** Parses one encoding text; every mistake is one sentence that names the text and shows the grammar. */
export function parseEncoding(text: string): EncodingSpec {
  const source = text.trim();
  if (source === NOTEBOOK_ENCODING) return { name: NOTEBOOK_ENCODING, parts: [] };
  const expanded = ENCODING_PRESETS[source] ?? source;
  const parts = expanded.split('+').map((item) => parsePart(item.trim(), source));
  return { name: source, parts };
}

function parsePart(item: string, whole: string): EncodingPart {
  const fail = (problem: string): never => {
    throw new UserError(`The encoding '${whole}' ${problem}; ${HELP}.`, { exitCode: 2 });
  };
  const m = /^([a-z]+)(?::(\S*?))?(?:@(\S+))?$/.exec(item);
  if (!m) return fail(item === '' ? 'has an empty part' : `has a part '${item}' that cannot be read`);
  const [, kindText, binsText, columnsText] = m;
  if (!(ENCODING_KINDS as readonly string[]).includes(kindText)) return fail(`names an unknown encoding '${kindText}'`);
  const kind = kindText as EncodingKind;
  let bins: number | undefined;
  if (binsText !== undefined) {
    if (kind !== 'ple') fail(`gives a bin count to ${kind}, and only ple has bins`);
    bins = Number(binsText);
    if (!/^\d+$/.test(binsText) || bins < 2) fail(`asks for ${binsText || 'no'} ple bins; a ple part needs 2 or more`);
  }
  const columns = columnsText === undefined ? FEATURES : (COLUMN_GROUPS[columnsText] ?? columnsText.split('/'));
  const unknown = columns.find((c) => !FEATURES.includes(c));
  if (unknown !== undefined) fail(`names a column '${unknown}' that is not one of the 13 features (${FEATURES.join(', ')})`);
  if (new Set(columns).size !== columns.length) fail(`names a column twice in '${item}'`);
  return { kind, columns: columns.map((c) => FEATURES.indexOf(c)), ...(bins === undefined ? {} : { bins }) };
}

/** Parses a comma-separated list of encodings (the sweep's axis); each is named once. */
export function parseEncodingList(text: string): EncodingSpec[] {
  const specs = text.split(',').map(parseEncoding);
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.name)) throw new UserError(`The encoding list names '${s.name}' twice; list each once.`, { exitCode: 2 });
    seen.add(s.name);
  }
  return specs;
}
