// Its rule number and workgroup: src/gpu/kernels/optimizer-rule.ts.
// Shared code (not a kernel): the four update rules for one parameter, written once for every GPU trainer and
// pulled in by `//!include optimizer` after `//!include train_step`. The CPU twin is src/model/flat-optimizer.ts.
// Rules: 0 leaves θ alone (gradient only), 1 θ −= lr·g (gd, sgd), 2 heavy-ball momentum v = μ·v + g, θ −= lr·v,
// 3 Adam, whose bias corrections come folded into the step's lrT and epsT (adamStepScale in
// src/model/optimizer.ts, with lr = 1); each model's own learning rate and μ come from `hyper`.

// One model's settings in a sweep: its learning rate (0 once it has stopped, so it no longer moves) and μ.
//!struct ModelHyper

// The most models one trainer holds; the uniform array below is sized by it (16 KiB).
const MAX_MODELS: u32 = 1024u;

// θ and the rule's state: s1 is the velocity or Adam's first moment, s2 Adam's second moment.
struct OptState {
  theta: f32,
  s1: f32,
  s2: f32,
}

fn optimizer_step(rule: u32, st: Step, h: ModelHyper, x: OptState, g: f32) -> OptState {
  var y = x;
  let lr = h.lr * st.lrT;
  if (rule == 1u) {
    y.theta = x.theta - lr * g;
  } else if (rule == 2u) {
    y.s1 = h.momentum * x.s1 + g;
    y.theta = x.theta - lr * y.s1;
  } else if (rule == 3u) {
    y.s1 = st.beta1 * x.s1 + (1.0 - st.beta1) * g;
    y.s2 = st.beta2 * x.s2 + (1.0 - st.beta2) * g * g;
    y.theta = x.theta - lr * y.s1 / (sqrt(y.s2) + st.epsT);
  }
  return y;
}

// How many state vectors rule `rule` reads and writes.
fn optimizer_states(rule: u32) -> u32 {
  return select(select(0u, 1u, rule == 2u), 2u, rule == 3u);
}
