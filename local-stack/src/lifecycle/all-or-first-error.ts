/**
 * Waits for every start to settle (so each one that succeeded has added itself to what
 * the stack stops), then returns the results in order or throws the first failure.
 */
export async function allOrFirstError<T>(starts: ReadonlyArray<Promise<T>>): Promise<T[]> {
  const settled = await Promise.allSettled(starts);
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<T>).value);
}
