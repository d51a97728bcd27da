// The ensemble model file (format version 2): round trip, the old version-1 single files still read, and one
// sentence for each broken member.
import { describe, expect, it } from 'vitest';
import { initialization } from '../../src/reference/init.ts';
import { ModelFileError, parseModel } from '../../src/model/model-file.ts';
import { serializeEnsemble, serializeModel } from '../../src/model/model-writer.ts';

const members = [1, 2, 3].map((seed) => initialization([3, 4, 1], { seed }));

describe('the ensemble model file', () => {
  it('round-trips every member exactly, with the scaler and the training record', () => {
    const training = { chosen: [0, 2], note: 'top 3 by validation RMSE' };
    const text = serializeEnsemble(members, { training });
    const doc = JSON.parse(text);
    expect([doc.version, doc.kind, doc.members.length]).toEqual([2, 'ensemble', 3]);
    const parsed = parseModel(text);
    expect(parsed.members).toHaveLength(3);
    parsed.members!.forEach((m, i) => {
      m.W.forEach((W, l) => expect(Array.from(W.data)).toEqual(Array.from(members[i].W[l].data)));
      m.b.forEach((b, l) => expect(Array.from(b)).toEqual(Array.from(members[i].b[l])));
    });
    expect(parsed.params).toBe(parsed.members![0]);
    expect(parsed.training).toEqual(training);
  });

  it('still reads version 1, writes single networks as version 1, and reads a version-2 single network', () => {
    const single = serializeModel(members[0]);
    expect(JSON.parse(single).version).toBe(1);
    expect(parseModel(single).members).toBeUndefined();
    const v2 = JSON.stringify({ ...JSON.parse(single), version: 2, kind: 'single' });
    expect(Array.from(parseModel(v2).params.W[0].data)).toEqual(Array.from(members[0].W[0].data));
  });

  it.each([
    ['no members', (d: Record<string, unknown>) => (d.members = []), /no members/],
    ['a member with a wrong shape', (d: Record<string, unknown>) => (d.members as { W: number[][][] }[])[1].W[0].pop(), /in member 1 W1 with 3 rows/],
    ['a member with an extra field', (d: Record<string, unknown>) => ((d.members as Record<string, unknown>[])[0].lr = 1), /unknown field "lr" in member 0/],
    ['an unknown kind', (d: Record<string, unknown>) => (d.kind = 'forest'), /"kind" "forest"/],
    ['W at the top of an ensemble', (d: Record<string, unknown>) => (d.W = []), /unknown field "W"/],
  ])('refuses %s in one sentence', (_name, edit, pattern) => {
    const doc = JSON.parse(serializeEnsemble(members));
    edit(doc);
    const error = (() => {
      try {
        parseModel(JSON.stringify(doc));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ModelFileError);
    expect((error as Error).message).toMatch(pattern);
    expect((error as Error).message.split('\n')).toHaveLength(1);
  });
});
