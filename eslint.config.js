// ESLint 9 flat config: typescript-eslint's recommended rules plus the import boundaries of docs/ARCHITECTURE.md.
// The boundaries are no-restricted-imports patterns per folder; a flat config replaces (does not merge) a rule's
// options when two entries match a file, so every folder's full list is built here in one place.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** A restricted import: `regex` is matched against the import specifier as written. */
const ban = (regex, message) => ({ regex, message });

const noTestCode = ban('(^|/)test/', 'production code never imports test code (test/**)');
const noSimulators = ban(
  '(^|/)simulators/',
  'the simulated WeChat / WeChat Pay are loaded only by server.ts, with a dynamic import() in simulated mode',
);
const noDomains = ban(
  '(^|/)modules(/|$)',
  'infra/ and http/ import no domain: inject what they need (see configureRoutes)',
);
const noKernel = ban('(^|/)kernel(/|$)', 'infra/ and http/ import no kernel service');
const kernelNoDomains = ban(
  '(^|/)modules(/|$)',
  'the kernel never imports a domain: the domain registers handlers with it',
);

/**
 * What each domain may import (the rest of the graph in docs/ARCHITECTURE.md): booking → scheduling → system,
 * booking → payment (payment calls back through registerPaySubject), auth → system (system calls back through
 * registerSessionControl), education → booking (宣教处方 from an appointment), learning → education, followup →
 * records. Every other domain is banned; a new domain is one line here.
 */
const MAY_IMPORT = {
  system: [],
  auth: ['system'],
  patient: ['system', 'auth'],
  monitor: ['system', 'auth'],
  payment: ['system', 'auth'],
  scheduling: ['system', 'auth'],
  privacy: ['system', 'auth', 'patient'],
  hospital: ['system', 'auth', 'patient'],
  booking: ['system', 'auth', 'patient', 'payment', 'scheduling'],
  consult: ['system', 'auth', 'patient', 'payment', 'scheduling', 'booking'],
  education: ['system', 'auth', 'patient', 'payment', 'scheduling', 'booking'],
  records: ['system', 'auth', 'patient', 'payment', 'scheduling', 'booking'],
  learning: ['system', 'auth', 'patient', 'payment', 'scheduling', 'booking', 'education'],
  followup: ['system', 'auth', 'patient', 'payment', 'scheduling', 'booking', 'records'],
};
/** For each domain, the domains it may not import. */
const DOMAIN_ABOVE = Object.fromEntries(
  Object.keys(MAY_IMPORT).map((d) => [d, Object.keys(MAY_IMPORT).filter((x) => x !== d && !MAY_IMPORT[d].includes(x))]),
);
const domainBans = (domain) => {
  const above = DOMAIN_ABOVE[domain].join('|');
  return ban(
    `^\\.\\./(${above})(/|$)|(^|/)modules/(${above})(/|$)`,
    `${domain} may not import ${DOMAIN_ABOVE[domain].join(', ')} (see docs/ARCHITECTURE.md)`,
  );
};
// bff/src/shared is bundled into the console and the mini-program: one `node:` or sequelize import would break (or
// bloat) both front-end builds, so it may import its own files only (and types of nothing else).
const sharedOnlyItself = ban(
  '^(?!\\./)',
  'bff/src/shared is bundled into both front-ends: it imports nothing but its own files (./…)',
);
const restrict = (...patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'admin-console/**',
      'miniprogram/**',
      'data/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  {
    files: ['bff/src/**/*.ts', 'db/**/*.ts', 'test/**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    rules: {
      // Koa state, Sequelize rows and test doubles use `any` at the edges; the boundaries are what this config is for.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  { files: ['bff/src/**/*.ts', 'db/**/*.ts'], rules: restrict(noTestCode, noSimulators) },
  {
    files: ['bff/src/infra/**/*.ts', 'bff/src/http/**/*.ts'],
    rules: restrict(noTestCode, noSimulators, noDomains, noKernel),
  },
  { files: ['bff/src/kernel/**/*.ts'], rules: restrict(noTestCode, noSimulators, kernelNoDomains) },
  ...Object.keys(DOMAIN_ABOVE).map((d) => ({
    files: [`bff/src/modules/${d}/**/*.ts`],
    rules: restrict(noTestCode, noSimulators, domainBans(d)),
  })),
  { files: ['bff/src/shared/**/*.ts'], rules: restrict(sharedOnlyItself) },
  // The simulators are stand-alone servers: they may not lean on the BFF either.
  { files: ['bff/src/simulators/**/*.ts'], rules: restrict(noTestCode, noDomains, noKernel) },
);
