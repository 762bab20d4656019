// Types of scripts/services-check.mjs for the test support that shares its addresses and check.
export declare const DATABASE_URL: string;
export declare const REDIS_URL: string;
/** Whether something accepts a TCP connection at the URL's host and port (within 1 s). */
export declare function answers(url: string, defaultPort: number): Promise<boolean>;
export declare function checkServices(): Promise<{ ok: boolean; postgres: boolean; redis: boolean; line: string }>;
