// The frame around every page: skip link, header with the user and Salir, and the navigation
// (a menu button on phones), showing only the sections the user's role may open.
import { useState, type ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import { useSignedIn, useSession } from '../auth/session.tsx';
import { t } from '../i18n/index.ts';
import { SECTIONS } from './routes.ts';

export function Layout({ children }: { children: ReactNode }) {
  const { user, can } = useSignedIn();
  const { logout } = useSession();
  const [location] = useLocation();
  // The phone menu is open for the page it was opened on; navigating closes it.
  const [menuOpenAt, setMenuOpenAt] = useState<string | null>(null);
  const menuOpen = menuOpenAt === location;

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t.skipToContent}
      </a>
      <header className="topbar">
        <button type="button" className="menu-button" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpenAt(menuOpen ? null : location)}>
          {t.nav.menu}
        </button>
        <Link href="/" className="brand">
          {t.appName}
        </Link>
        <span className="who">{t.signedInAs(user.username, t.roles[user.role] ?? user.role)}</span>
        <button type="button" className="logout" onClick={() => void logout()}>
          {t.logout}
        </button>
      </header>
      <nav id="main-nav" aria-label={t.nav.label} className={menuOpen ? 'open' : undefined}>
        <ul>
          {SECTIONS.filter((s) => can(s.permission)).map((s) => (
            <li key={s.path}>
              <Link href={s.path} aria-current={location === s.path ? 'page' : undefined}>
                {s.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main">{children}</main>
    </div>
  );
}
