/**
 * Endpoints of the local test environment (scripts/testenv), read from the environment variables that
 * `scripts/testenv/testenv env` prints. Integration tests fail, never skip, when the environment is not up.
 */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: start the test environment first (scripts/testenv/testenv up, then eval "$(scripts/testenv/testenv env)"), or run scripts/test`,
    );
  }
  return value;
}

export function postgresConnection() {
  return {
    host: requireEnv('COLLATE_TEST_PG_HOST'),
    port: Number(requireEnv('COLLATE_TEST_PG_PORT')),
    user: requireEnv('COLLATE_TEST_PG_USER'),
    password: requireEnv('COLLATE_TEST_PG_PASSWORD'),
  };
}
