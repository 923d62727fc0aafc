// The fuzzer's reader process (see fuzz.ts): reads each case it is sent with the target's reader and
// answers ok or the error's name and message; a native abort or a hang shows as this process dying.
import { readTarget, type FuzzTargetName } from './fuzz-targets.js';

/** Stand-ins that misbehave on purpose, so the harness's detection is tested too. */
async function harness(target: string): Promise<void> {
  if (target === 'harness-abort') process.abort();
  if (target === 'harness-hang') for (;;);
  if (target === 'harness-type-error') (undefined as unknown as { x: number }).x;
  if (target === 'harness-multi-line') throw Object.assign(new Error('line one\nline two'), { name: 'InputError' });
}

process.on('message', (m: { target: FuzzTargetName; file: string }) => {
  (m.target.startsWith('harness-') ? harness(m.target) : readTarget(m.target, m.file)).then(
    () => process.send?.({ ok: true }),
    (e: unknown) => process.send?.({ ok: false, name: e instanceof Error ? e.name : typeof e, message: e instanceof Error ? e.message : String(e) }),
  );
});
process.send?.({ ready: true });
