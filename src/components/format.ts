/** Small pure formatting helpers shared by the components. */
import type { CallStatus, Party } from '../phone/types.js';

/** Who a party is, as a person would say it: the name, else the number. */
export function displayName(party: Party): string {
  return party.name.trim() || party.number || 'Unknown caller';
}

/** A call's status in words, as the cards show it. */
export const STATUS_TEXT: Readonly<Record<CallStatus, string>> = {
  calling: 'Calling…',
  ringing: 'Ringing…',
  incoming: 'Incoming call',
  connecting: 'Connecting…',
  connected: 'Connected',
  held: 'On Hold',
  ended: 'Ended',
};

const listFormat = new Intl.ListFormat('en', { style: 'long', type: 'conjunction' });

/** ["Alice", "Dan"] -> "Alice and Dan"; three or more get commas. */
export function joinNames(names: readonly string[]): string {
  return listFormat.format(names);
}

/** "Bob Baker" -> "BB", "alice" -> "AL"; '' for an empty name. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = words[0];
  if (!first) return '';
  const last = words[words.length - 1]!;
  if (words.length === 1) return [...first].slice(0, 2).join('').toUpperCase();
  return ([...first][0]! + [...last][0]!).toUpperCase();
}

function split(totalSeconds: number): { h: number; m: number; s: number } {
  const t = Math.max(0, Math.floor(totalSeconds));
  return { h: Math.floor(t / 3600), m: Math.floor((t % 3600) / 60), s: t % 60 };
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** 65 -> "01:05"; 3725 -> "1:02:05". */
export function formatDuration(totalSeconds: number): string {
  const { h, m, s } = split(totalSeconds);
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}

const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;

/** 65 -> "1 minute 5 seconds"; 3725 -> "1 hour 2 minutes 5 seconds". */
export function spokenDuration(totalSeconds: number): string {
  const { h, m, s } = split(totalSeconds);
  const parts = h > 0 ? [plural(h, 'hour'), plural(m, 'minute')] : [plural(m, 'minute')];
  return [...parts, plural(s, 'second')].join(' ');
}
