/**
 * Measures the rule-based reply classifier on the labelled dataset and prints
 * per-class precision/recall/F1 and a confusion matrix, with the machine facts
 * on top. Run with Deno, which executes the shared TypeScript directly:
 *
 *   node_modules/.bin/deno run --allow-sys bench/classifier.ts > bench/results/classifier.txt
 *
 * Without --allow-sys the memory line says so; the rest is unaffected.
 */
import { createRuleClassifier } from '../supabase/functions/_shared/replies/index.ts';
import { evaluate, formatEvaluation } from '../supabase/functions/_shared/replies/evaluate.ts';

function memory(): string {
  try {
    if (Deno.permissions.querySync({ name: 'sys', kind: 'systemMemoryInfo' }).state !== 'granted') {
      return 'unavailable (run with --allow-sys)';
    }
    return `${(Deno.systemMemoryInfo().total / 2 ** 30).toFixed(1)} GiB`;
  } catch {
    return 'unavailable';
  }
}

const classifier = createRuleClassifier();
const started = performance.now();
const result = await evaluate(classifier);
const elapsed = performance.now() - started;

console.log(`date: ${new Date().toISOString()}`);
console.log(`nproc: ${navigator.hardwareConcurrency}`);
console.log(`memory: ${memory()}`);
console.log(`runtime: deno ${Deno.version.deno}`);
console.log(`classifier: ${classifier.name}`);
console.log(
  `time: ${elapsed.toFixed(1)} ms for ${result.total} replies (${(elapsed / result.total).toFixed(2)} ms each)`,
);
console.log('');
console.log(formatEvaluation(result));
