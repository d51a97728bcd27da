// The streaming cleaner: CSV rows go in chunk by chunk (a Node stream, a browser worker, a string), clean rows come out, every drop is counted.
import { UserError } from '../errors.ts';
import { type ColumnLayout, cleanRow, type RowProblem, resolveColumns } from './row.ts';
import { DROP_REASONS, type DropReason, FEATURES, N_FEATURES, RELEASE_DATE, YEAR } from '../model/schema.ts';

/** How many rows were read and what became of them; `kept + dropped === read` always holds. */
export interface TableCounts {
  /** Data rows read (the header and blank lines are not rows). */
  read: number;
  kept: number;
  dropped: number;
  /** Each dropped row under exactly one reason (see {@link DropReason}); these add up to `dropped`. */
  droppedByReason: Record<DropReason, number>;
  /** For each column, the dropped rows in which that column's value was unusable; a row may count in several. */
  droppedByColumn: Record<string, number>;
  /** Blank lines between data rows, skipped as pandas skips them (trailing newlines are not counted). */
  blankLines: number;
}

/** A dropped row, listed when the builder was asked to (`listRejected`), e.g. for per-row prediction reports. */
export interface RejectedRow {
  /** The data row's number, 1-based (the header is not counted). */
  readonly row: number;
  readonly id?: string;
  readonly reason: DropReason;
  readonly problems: readonly RowProblem[];
}

/** The clean rows of one file, as raw (unscaled) float64 values, plus the counts. */
export interface CleanTable {
  /** The file's name, for messages and reports. */
  readonly name: string;
  /** {@link FEATURES}: the column order of {@link features}. */
  readonly featureNames: readonly string[];
  /** Where `year` came from. */
  readonly yearFrom: typeof YEAR | typeof RELEASE_DATE;
  /** Number of kept rows m. */
  readonly rows: number;
  /** m × 13 row-major: kept row i's features are `features[13i .. 13i+13)`, in {@link FEATURES} order. */
  readonly features: Float64Array;
  /** m popularity values (NaN where a prediction file has none). */
  readonly targets: Float64Array;
  /** For each kept row, its 0-based data-row index in the file. */
  readonly rowIndex: Int32Array;
  /** For each kept row, its `id` cell (only with `keepIds` and an `id` column). */
  readonly ids?: string[];
  /** Every dropped row with its problems (only with `listRejected`). */
  readonly rejected?: RejectedRow[];
  readonly counts: TableCounts;
}

/** Options of {@link TableBuilder}. */
export interface TableOptions {
  /** The file's name as the user knows it; every error names it. */
  readonly name: string;
  /** Drop rows without a usable `popularity` (default true); false for prediction files, which may lack it. */
  readonly requireTarget?: boolean;
  /** Keep the `id` of each kept row. */
  readonly keepIds?: boolean;
  /** List every dropped row with its problems (memory grows with the number of dropped rows). */
  readonly listRejected?: boolean;
}

/** The part of a papaparse result (`header: false`) the builder reads; `row` indexes this chunk's `data`. */
export interface CsvChunk {
  readonly data: readonly (readonly string[])[];
  readonly errors: readonly { readonly type: string; readonly code: string; readonly row?: number }[];
}

// Rows are stored in fixed-size blocks so that growing never copies what was already read.
const BLOCK_ROWS = 1 << 15;
const EMPTY_F64 = new Float64Array(0);
const EMPTY_I32 = new Int32Array(0);

/**
 * Cleans CSV rows as they arrive, in bounded memory (13 + 2 numbers per kept row): push each papaparse chunk
 * with {@link addChunk} (or plain rows with {@link addRows}, the first row being the header), then call
 * {@link finish}. The header is checked as soon as it arrives, so a wrong file fails on its first chunk.
 */
export class TableBuilder {
  private readonly opts: TableOptions;
  private layout: ColumnLayout | undefined;
  private readonly scratch = new Float64Array(N_FEATURES);
  private readonly featureBlocks: Float64Array[] = [];
  private readonly targetBlocks: Float64Array[] = [];
  private readonly indexBlocks: Int32Array[] = [];
  private readonly ids: string[] | undefined;
  private readonly rejected: RejectedRow[] | undefined;
  private readonly counts: TableCounts = {
    read: 0,
    kept: 0,
    dropped: 0,
    droppedByReason: Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>,
    droppedByColumn: {},
    blankLines: 0,
  };
  private pendingBlankLines = 0;
  /** Rows papaparse has handed over so far, the header included; locates quote errors in the file. */
  private rawRows = 0;

  constructor(opts: TableOptions) {
    this.opts = opts;
    this.ids = opts.keepIds ? [] : undefined;
    this.rejected = opts.listRejected ? [] : undefined;
  }

  /** Data rows read so far, for progress displays. */
  get rowsRead(): number {
    return this.counts.read;
  }

  /**
   * Adds one papaparse chunk (parsed with {@link CSV_PARSE_CONFIG}). A quoting error makes the rest of the file
   * unreadable, so it is a UserError rather than a dropped row.
   */
  addChunk(chunk: CsvChunk): void {
    const quote = chunk.errors.find((e) => e.type === 'Quotes');
    if (quote !== undefined) {
      // The rows before it come first, so the first problem in file order is the one reported, however the file was chunked.
      this.addRows(chunk.data.slice(0, quote.row ?? 0));
      // papaparse reports an unclosed quote as malformed when a later field has quotes; the fix is the same.
      const near = this.rawRows + (quote.row ?? 0) + 1;
      throw new UserError(
        `${this.opts.name} has a broken quoted field near line ${near} (a quote never closed, or a quote inside quotes not doubled as ""); fix the quoting.`,
      );
    }
    this.addRows(chunk.data);
    this.rawRows += chunk.data.length;
  }

  /** Adds rows of fields; the first non-blank row ever added is the header. */
  addRows(rows: readonly (readonly string[])[]): void {
    for (const fields of rows) {
      if (fields.length <= 1 && (fields[0] ?? '').trim() === '') {
        // Blank before the header: ignored, as pandas does. After it: counted once a data row follows.
        if (this.layout !== undefined) this.pendingBlankLines++;
        continue;
      }
      if (this.layout === undefined) {
        this.layout = resolveColumns(fields, this.opts.name, { requireTarget: this.opts.requireTarget });
        continue;
      }
      this.counts.blankLines += this.pendingBlankLines;
      this.pendingBlankLines = 0;
      this.addDataRow(fields, this.layout);
    }
  }

  /**
   * Adds rows parsed with papaparse's `header: true`: the header is taken from the first record's keys, and a
   * record with absent fields or `__parsed_extra` counts as a wrong number of fields.
   */
  addRecords(records: readonly Record<string, string | string[] | undefined>[]): void {
    if (records.length === 0) return;
    if (this.layout === undefined) this.addRows([Object.keys(records[0]).filter((k) => k !== '__parsed_extra')]);
    const header = (this.layout as ColumnLayout).header;
    for (const rec of records) {
      const fields = header.map((h) => rec[h]);
      const broken = rec.__parsed_extra !== undefined || fields.some((f) => typeof f !== 'string');
      // A field list one longer than the header is what cleanRow reports as a wrong field count.
      this.addRows([broken ? [...header, ''] : (fields as string[])]);
    }
  }

  private addDataRow(fields: readonly string[], layout: ColumnLayout): void {
    const c = this.counts;
    const index = c.read++;
    const result = cleanRow(fields, layout, this.scratch);
    if (!result.ok) {
      c.dropped++;
      c.droppedByReason[result.reason]++;
      for (const column of new Set(result.problems.map((p) => p.column))) {
        c.droppedByColumn[column] = (c.droppedByColumn[column] ?? 0) + 1;
      }
      if (this.rejected !== undefined) {
        const id = layout.idIndex >= 0 ? fields[layout.idIndex] : undefined;
        this.rejected.push({ row: index + 1, ...(id === undefined ? {} : { id }), reason: result.reason, problems: result.problems });
      }
      return;
    }
    const slot = c.kept % BLOCK_ROWS;
    if (slot === 0) {
      this.featureBlocks.push(new Float64Array(BLOCK_ROWS * N_FEATURES));
      this.targetBlocks.push(new Float64Array(BLOCK_ROWS));
      this.indexBlocks.push(new Int32Array(BLOCK_ROWS));
    }
    const b = this.featureBlocks.length - 1;
    this.featureBlocks[b].set(result.features, slot * N_FEATURES);
    this.targetBlocks[b][slot] = result.target;
    this.indexBlocks[b][slot] = index;
    if (this.ids !== undefined && layout.idIndex >= 0) this.ids.push(fields[layout.idIndex]);
    c.kept++;
  }

  /**
   * The clean table. Throws a UserError when nothing but blank lines (or nothing at all) was read. A table with
   * a header but no usable rows is returned, with its counts, for the caller to report.
   */
  finish(): CleanTable {
    if (this.layout === undefined) {
      throw new UserError(`${this.opts.name} is empty; it needs a header row (id,name,popularity,…) and data rows.`);
    }
    const m = this.counts.kept;
    const features = new Float64Array(m * N_FEATURES);
    const targets = new Float64Array(m);
    const rowIndex = new Int32Array(m);
    // Each block is let go as soon as it is copied, so the peak is the table plus one block, not two tables.
    for (let b = 0; b < this.featureBlocks.length; b++) {
      const rows = Math.min(BLOCK_ROWS, m - b * BLOCK_ROWS);
      features.set(this.featureBlocks[b].subarray(0, rows * N_FEATURES), b * BLOCK_ROWS * N_FEATURES);
      targets.set(this.targetBlocks[b].subarray(0, rows), b * BLOCK_ROWS);
      rowIndex.set(this.indexBlocks[b].subarray(0, rows), b * BLOCK_ROWS);
      this.featureBlocks[b] = EMPTY_F64;
      this.targetBlocks[b] = EMPTY_F64;
      this.indexBlocks[b] = EMPTY_I32;
    }
    this.featureBlocks.length = 0;
    this.targetBlocks.length = 0;
    this.indexBlocks.length = 0;
    return {
      name: this.opts.name,
      featureNames: FEATURES,
      yearFrom: this.layout.yearFromReleaseDate ? RELEASE_DATE : YEAR,
      rows: m,
      features,
      targets,
      rowIndex,
      ...(this.ids === undefined ? {} : { ids: this.ids }),
      ...(this.rejected === undefined ? {} : { rejected: this.rejected }),
      counts: structuredClone(this.counts),
    };
  }
}
