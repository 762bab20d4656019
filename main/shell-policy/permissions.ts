// Which web permissions the app's page may have. Nudges are raised by main, so page content needs
// no notification, camera, microphone or location permission; copying a phone number or a
// message to the clipboard and full-screen video are all it may ask for, and only from the
// app's own origin.
import { sameOrigin } from './navigation';

const PAGE_PERMISSIONS = new Set(['clipboard-sanitized-write', 'fullscreen']);

export function permissionAllowed(permission: string, requestingUrl: string, appOrigin: string): boolean {
  return PAGE_PERMISSIONS.has(permission) && sameOrigin(requestingUrl, appOrigin);
}
