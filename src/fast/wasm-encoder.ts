// A minimal WebAssembly binary writer: just enough (i32 control flow, f32 and 128-bit SIMD) to emit the fast
// CPU kernels from TypeScript. No wasm compiler is a dependency of this project, so the kernels are written
// here as instruction sequences and validated by the engine that compiles them (bench/CPU.md says why).

/** Value types. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
type ValType = typeof I32 | typeof F32 | typeof V128;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const utf8 = (s: string): number[] => [...new TextEncoder().encode(s)];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

/** The body of one function: its parameters, its locals and an instruction stream built by the methods below. */
export class FnBuilder {
  readonly code: number[] = [];
  private readonly locals: ValType[] = [];
  private depth = 0;

  constructor(
    readonly name: string,
    readonly params: readonly ValType[],
  ) {}

  /** Parameter `i` as a local index. */
  param(i: number): number {
    return i;
  }

  /** A new local of `type`; returns its index. */
  local(type: ValType): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  private op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }
  private simd(opcode: number, ...rest: number[]): this {
    return this.op(0xfd, ...uleb(opcode), ...rest);
  }

  get(l: number): this {
    return this.op(0x20, ...uleb(l));
  }
  set(l: number): this {
    return this.op(0x21, ...uleb(l));
  }
  tee(l: number): this {
    return this.op(0x22, ...uleb(l));
  }
  i32(n: number): this {
    return this.op(0x41, ...sleb(n));
  }
  f32(x: number): this {
    return this.op(0x43, ...new Uint8Array(Float32Array.of(x).buffer));
  }
  add(): this {
    return this.op(0x6a);
  }
  sub(): this {
    return this.op(0x6b);
  }
  mul(): this {
    return this.op(0x6c);
  }
  shl(): this {
    return this.op(0x74);
  }
  geU(): this {
    return this.op(0x4f);
  }
  gtU(): this {
    return this.op(0x4b);
  }
  eqz(): this {
    return this.op(0x45);
  }
  f32Load(offset = 0): this {
    return this.op(0x2a, 2, ...uleb(offset));
  }
  f32Store(offset = 0): this {
    return this.op(0x38, 2, ...uleb(offset));
  }
  f32Add(): this {
    return this.op(0x92);
  }
  f32Mul(): this {
    return this.op(0x94);
  }
  v128Load(offset = 0): this {
    return this.simd(0x00, 4, ...uleb(offset));
  }
  v128LoadSplat32(offset = 0): this {
    return this.simd(0x09, 2, ...uleb(offset));
  }
  v128Store(offset = 0): this {
    return this.simd(0x0b, 4, ...uleb(offset));
  }
  v128Zero(): this {
    return this.simd(0x0c, ...new Array<number>(16).fill(0));
  }
  v128And(): this {
    return this.simd(0x4e);
  }
  f32x4Splat(): this {
    return this.simd(0x13);
  }
  f32x4Lane(lane: number): this {
    return this.simd(0x1f, lane);
  }
  f32x4Gt(): this {
    return this.simd(0x44);
  }
  f32x4Add(): this {
    return this.simd(0xe4);
  }
  f32x4Mul(): this {
    return this.simd(0xe6);
  }
  f32x4Max(): this {
    return this.simd(0xe9);
  }

  /** `local += delta` for an i32 local, delta a constant or another local (`{ local }`). */
  inc(l: number, delta: number | { local: number }): this {
    this.get(l);
    if (typeof delta === 'number') this.i32(delta);
    else this.get(delta.local);
    return this.add().set(l);
  }

  /** `if (cond) body`: `cond` leaves an i32 on the stack. */
  ifThen(cond: () => void, body: () => void): this {
    cond();
    this.op(0x04, 0x40);
    this.depth++;
    body();
    this.depth--;
    return this.op(0x0b);
  }

  /** `while (!exit()) { body() }`: `exit` leaves an i32 that is non-zero when the loop should stop. */
  loopUntil(exit: () => void, body: () => void): this {
    this.op(0x02, 0x40, 0x03, 0x40); // block { loop {
    this.depth += 2;
    exit();
    this.op(0x0d, 1); // br_if to the block's end
    body();
    this.op(0x0c, 0); // br to the loop's start
    this.depth -= 2;
    return this.op(0x0b, 0x0b);
  }

  /** The function's body as the code section encodes it. */
  encodeBody(): number[] {
    if (this.depth !== 0) throw new Error(`${this.name}: unbalanced blocks`);
    const groups: number[][] = [];
    for (const t of this.locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    const body = [...vec(groups.map(([n, t]) => [...uleb(n), t])), ...this.code, 0x0b];
    return [...uleb(body.length), ...body];
  }
}

/** A module that imports its memory as `env.memory` and exports each function by name (no results). */
export function encodeModule(fns: readonly FnBuilder[]): Uint8Array<ArrayBuffer> {
  const types = fns.map((f) => [0x60, ...vec(f.params.map((p) => [p])), 0]);
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec(types)),
    ...section(2, vec([[...uleb(3), ...utf8('env'), ...uleb(6), ...utf8('memory'), 0x02, 0x00, 0x01]])), // memory, min 1 page
    ...section(3, vec(fns.map((_, i) => uleb(i)))),
    ...section(7, vec(fns.map((f, i) => [...uleb(f.name.length), ...utf8(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(fns.map((f) => f.encodeBody()))),
  ];
  return Uint8Array.from(bytes);
}
