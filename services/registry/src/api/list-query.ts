import { FieldViolation, GROUP_PATTERN, requireMaxLength } from '@gateway/shared';

const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** The group filter of ListInstances and WatchInstances: empty (every group) or a group name. */
export function groupFilterFromRequest(group: string): string {
  requireMaxLength('group', group, 63);
  if (group !== '' && !GROUP_PATTERN.test(group)) {
    throw new FieldViolation(
      'group',
      'must be empty or 1-63 lower-case letters, digits, "-" or "_"',
    );
  }
  return group;
}

/** The page size of ListInstances: 0 means the default, at most MAX_PAGE_SIZE. */
export function pageSizeFromRequest(pageSize: number): number {
  if (!Number.isInteger(pageSize) || pageSize < 0 || pageSize > MAX_PAGE_SIZE) {
    throw new FieldViolation(
      'page_size',
      `must be between 0 and ${MAX_PAGE_SIZE} (got ${pageSize})`,
    );
  }
  return pageSize === 0 ? DEFAULT_PAGE_SIZE : pageSize;
}
