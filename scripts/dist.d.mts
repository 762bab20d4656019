// Types of scripts/dist.mjs for the tests that import it.
export declare const MIN_PACKAGING_NODE: string;
export declare function nodeTooOldMessage(version: string): string | null;
export interface DistRun {
  platform: 'linux' | 'mac' | 'win';
  arch: string;
  /** Arguments of `node` for scripts/electron-native.mjs. */
  native: string[];
  /** Arguments of electron-builder's CLI. */
  builder: string[];
}
export declare function planDist(args: string[], host?: { platform: string; arch: string }): DistRun[];
