/**
 * A readable name for a device from its browser's user agent ("Chrome on Linux", "Safari on
 * macOS"), so that the user's devices can be told apart without ever showing the raw browser
 * identifier. Shared by the web phone (the label it asks for) and the platform (the default it
 * gives a device created without one, or named with a raw user agent).
 */

/** What a device is called when its user agent says nothing we recognise. */
export const UNKNOWN_DEVICE_LABEL = 'Web browser';

/** Longest device label the platform stores. */
export const DEVICE_LABEL_MAX = 80;

function browserOf(ua: string): string {
  if (/\bEdg(e|A|iOS)?\//.test(ua)) return 'Edge';
  if (/\bOPR\/|\bOpera\b/.test(ua)) return 'Opera';
  if (/\bSamsungBrowser\//.test(ua)) return 'Samsung Internet';
  if (/\b(Firefox|FxiOS)\//.test(ua)) return 'Firefox';
  if (/\b(Chrome|Chromium|CriOS|HeadlessChrome)\//.test(ua)) return 'Chrome';
  if (/\bSafari\//.test(ua) || /\bAppleWebKit\//.test(ua) && /\b(iPhone|iPad|Macintosh)\b/.test(ua)) return 'Safari';
  return '';
}

function systemOf(ua: string): string {
  if (/\bWindows\b/.test(ua)) return 'Windows';
  if (/\b(iPhone|iPad|iPod)\b/.test(ua)) return /\biPad\b/.test(ua) ? 'iPadOS' : 'iOS';
  if (/\bAndroid\b/.test(ua)) return 'Android';
  if (/\bCrOS\b/.test(ua)) return 'ChromeOS';
  if (/\bMac OS X\b|\bMacintosh\b/.test(ua)) return 'macOS';
  if (/\bLinux\b|\bX11\b/.test(ua)) return 'Linux';
  return '';
}

/** "Chrome on Linux", "Firefox on Windows", "Safari" (system unknown), or "Web browser". */
export function describeUserAgent(userAgent: string | undefined | null): string {
  const ua = userAgent ?? '';
  const browser = browserOf(ua);
  const system = systemOf(ua);
  if (browser && system) return `${browser} on ${system}`;
  if (browser) return browser;
  if (system) return `Browser on ${system}`;
  return UNKNOWN_DEVICE_LABEL;
}

/** Whether a label is a raw browser identifier ("Mozilla/5.0 (X11; Linux x86_64) ...") rather than a name. */
export function isRawUserAgent(label: string): boolean {
  return /^Mozilla\/\d/.test(label.trim()) || /\bAppleWebKit\/\d|\bGecko\/\d/.test(label);
}

/**
 * A stored label as it should be shown: a raw browser identifier (devices named before labels
 * were readable) becomes "Chrome on Linux", and the old "Web phone - " prefix goes.
 */
export function readableLabel(label: string): string {
  const trimmed = label.trim();
  if (!trimmed) return UNKNOWN_DEVICE_LABEL;
  if (isRawUserAgent(trimmed)) return describeUserAgent(trimmed);
  return trimmed.replace(/^Web phone - (?=\S)/, '');
}
