// The policy lives with the accounts it guards (system); this path stays for the console, which imports it.
export * from '../system/password-policy';
