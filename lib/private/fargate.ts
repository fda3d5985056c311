/**
 * The Fargate task sizes: for each CPU value (in CPU units) the memory sizes (MiB) it accepts.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 */
function range(fromGiB: number, toGiB: number, stepGiB: number): number[] {
  const out: number[] = [];
  for (let g = fromGiB; g <= toGiB; g += stepGiB) out.push(g * 1024);
  return out;
}

export const FARGATE_SIZES: ReadonlyMap<number, readonly number[]> = new Map<number, number[]>([
  [256, [512, 1024, 2048]],
  [512, range(1, 4, 1)],
  [1024, range(2, 8, 1)],
  [2048, range(4, 16, 1)],
  [4096, range(8, 30, 1)],
  [8192, range(16, 60, 4)],
  [16384, range(32, 120, 8)],
]);

export const FARGATE_CPU_VALUES: readonly number[] = [...FARGATE_SIZES.keys()];

/** Fargate ephemeral storage, in GiB. */
export const EPHEMERAL_STORAGE_MIN_GIB = 21;
export const EPHEMERAL_STORAGE_MAX_GIB = 200;
