import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinHeap } from '../../../local/scheduler-emulator/min-heap';

describe('MinHeap', () => {
  it('pops any mix of pushes and pops in ascending order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: -1000, max: 1000 }), { freq: 3 })),
        (ops) => {
          const heap = new MinHeap<number>((a, b) => a < b);
          const model: number[] = [];
          for (const op of ops) {
            if (op === null) {
              model.sort((a, b) => a - b);
              expect(heap.pop()).toBe(model.shift());
            } else {
              heap.push(op);
              model.push(op);
            }
            expect(heap.size).toBe(model.length);
          }
          const drained: number[] = [];
          for (let item = heap.pop(); item !== undefined; item = heap.pop()) drained.push(item);
          expect(drained).toEqual(model.sort((a, b) => a - b));
        },
      ),
    );
  });
});
