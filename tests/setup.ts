// Testing Library matchers for component tests; harmless in Node suites.
import '@testing-library/jest-dom/vitest';
