// The demo's shared state: the GPU context, the loaded data, the current model, and change notifications between panels.
import type { Dataset } from '../data/prepare.ts';
import type { ScalerParams } from '../model/scaler.ts';
import type { Encoder } from '../model/encoding.ts';
import type { CleanTable } from '../data/table.ts';
import type { Params } from '../model/params.ts';
import type { TrainingRecord } from '../model/model-file.ts';
import { createRuntime, type Runtime } from '../runtime/runtime.ts';

/** Where the current parameters came from. */
export type ModelSource = 'init' | 'trained' | 'loaded';

/** The current model: parameters plus the scaler that turns raw rows into its inputs and its output into popularity. */
export interface CurrentModel {
  readonly params: Params;
  /** For an ensemble: every member (params is the first), whose outputs are averaged. */
  readonly members?: readonly Params[];
  readonly scaler: ScalerParams | null;
  /** The feature encoding between the scaled rows and the network's input; none for the notebook's pipeline. */
  readonly encoder?: Encoder;
  readonly source: ModelSource;
  readonly training?: TrainingRecord;
  readonly label: string;
}

/** Events between panels: 'dataset' when new data is loaded, 'model' when the parameters change. */
export type AppEvent = 'dataset' | 'model';

/** One object the panels share; each panel reads it and announces what it changed. */
export class App {
  /** Where models run: the WebGPU device once the device panel opened it, else the CPU reference. */
  runtime: Runtime = createRuntime(null);
  dataset: Dataset | null = null;
  /** The clean rows behind {@link dataset} (for the preview table and for scoring the synthetic data). */
  table: CleanTable | null = null;
  /** The CSV the data came from, or null for the synthetic data; scoring re-reads it to keep every row. */
  file: File | null = null;
  model: CurrentModel | null = null;
  private readonly events = new EventTarget();

  /** Calls `listener` after each `event`. */
  on(event: AppEvent, listener: () => void): void {
    this.events.addEventListener(event, () => listener());
  }

  /** Announces `event` to every listener. */
  emit(event: AppEvent): void {
    this.events.dispatchEvent(new Event(event));
  }

  /** Replaces the loaded data and tells the panels. */
  setData(dataset: Dataset, table: CleanTable, file: File | null): void {
    this.dataset = dataset;
    this.table = table;
    this.file = file;
    this.emit('dataset');
  }

  /** Replaces the model and tells the panels. */
  setModel(model: CurrentModel): void {
    this.model = model;
    this.emit('model');
  }
}
