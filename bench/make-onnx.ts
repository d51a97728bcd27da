// Writes the benchmark's MLP (He init, seed 42, as bench/data.ts makes it) as an ONNX file, for ORT or any ONNX tool.
// Usage: node bin/run-ts.mjs bench/make-onnx.ts [OUT.onnx] [--layout rows|units-m]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeBenchData } from './data.ts';
import { encodeMlpOnnx, type OnnxLayout } from './onnx.ts';

const args = process.argv.slice(2);
const layoutAt = args.indexOf('--layout');
const layout = (layoutAt >= 0 ? args.splice(layoutAt, 2)[1] : 'rows') as OnnxLayout;
if (layout !== 'rows' && layout !== 'units-m') {
  console.error(`--layout must be rows or units-m, got "${String(layout)}".`);
  process.exit(2);
}
const out = resolve(args[0] ?? fileURLToPath(new URL(`./results/spotify-mlp-${layout}.onnx`, import.meta.url)));
// The page builds the same bytes at run time from the same weights; this file is for looking at them (e.g. Netron).
const bytes = encodeMlpOnnx(makeBenchData(1).params, layout);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, bytes);
console.log(`Wrote ${out} (${bytes.length} bytes, layout ${layout}: X is ${layout === 'rows' ? '(m, 13)' : '(13, m)'}).`);
