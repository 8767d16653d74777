/** Who may call what. `admin` may call everything. */
export const ROLES = ['admin', 'core', 'sdk'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(text: string): text is Role {
  return (ROLES as readonly string[]).includes(text);
}
