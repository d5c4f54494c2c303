/**
 * The frame of every console page: the head (the stylesheet and the one script, both files of
 * /static: the Content-Security-Policy allows no inline script or style), the navigation with the
 * user, their role and the logout button, and a message from the action before (flash).
 */
import type { Role } from '../../cases/case-states.js';
import { type Html, html } from '../html.js';

/** Where a page is in the navigation. */
export type Section = 'overview' | 'cases' | 'audit' | 'runs' | 'users' | 'login' | 'error';

/** A message the page after an action shows once: what it did, or why it was refused. */
export interface Flash {
  readonly ok: boolean;
  readonly text: string;
}

export interface PageFrame {
  readonly title: string;
  readonly section: Section;
  /** The person logged in (none on the login page). */
  readonly user?: { readonly name: string; readonly role: Role } | undefined;
  /** The CSRF token of the page's forms (the logout button's too). */
  readonly csrf: string;
  readonly flash?: Flash | undefined;
}

const NAV: readonly { section: Section; href: string; label: string; role: Role }[] = [
  { section: 'overview', href: '/', label: 'Overview', role: 'viewer' },
  { section: 'cases', href: '/cases', label: 'Queue', role: 'viewer' },
  { section: 'audit', href: '/audit', label: 'Audit trail', role: 'viewer' },
  { section: 'runs', href: '/runs', label: 'Runs', role: 'viewer' },
  { section: 'users', href: '/users', label: 'Users', role: 'supervisor' },
];

/** A hidden field with the page's CSRF token (every form that changes something carries it). */
export function csrfField(token: string): Html {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

export function layout(f: PageFrame, body: Html): string {
  const nav = f.user
    ? html`<nav>${NAV.filter((n) => n.role !== 'supervisor' || f.user!.role === 'supervisor').map(
        (n) => html`<a href="${n.href}" class="${n.section === f.section ? 'here' : ''}">${n.label}</a>`,
      )}</nav>
      <form method="post" action="/logout" class="who">${csrfField(f.csrf)}<span data-testid="who">${f.user.name}</span>
        <span class="role">${f.user.role}</span><button type="submit">Log out</button></form>`
    : '';
  const flash = f.flash
    ? html`<p class="flash ${f.flash.ok ? 'ok' : 'refused'}" role="status" data-testid="flash">${f.flash.text}</p>`
    : '';
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${f.title} — recon</title>
<link rel="stylesheet" href="/static/console.css">
<script src="/static/console.js" defer></script>
</head><body>
<header><a class="brand" href="/">recon</a>${nav}</header>
<main>${flash}${body}</main>
</body></html>
`.text;
}

/** Minor units as major units, two decimals, thousands separated (12,345.67); '' for none. */
export function money(minor: number | string | null | undefined): string {
  if (minor === null || minor === undefined || minor === '') return '';
  const v = Number(minor);
  return (v / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

export function int(n: number | null | undefined): string {
  return n === null || n === undefined ? '' : n.toLocaleString('en-US');
}

/** A state as people read it (pending approval). */
export function stateName(s: string): string {
  return s.replace('_', ' ');
}
