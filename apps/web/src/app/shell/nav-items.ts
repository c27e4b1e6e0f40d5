/** The console's sections, in the order the sidebar shows them. */
export const NAV_ITEMS = [
  { href: '/', label: 'Dashboard' },
  { href: '/containers', label: 'Containers' },
  { href: '/images', label: 'Images' },
  { href: '/networks', label: 'Networks' },
  { href: '/volumes', label: 'Volumes' },
  { href: '/hosts', label: 'Hosts' },
  { href: '/users', label: 'Users & teams' },
  { href: '/tokens', label: 'API tokens' },
  { href: '/audit', label: 'Audit log' },
] as const;

export function isActive(href: string, pathname: string): boolean {
  return href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
}
