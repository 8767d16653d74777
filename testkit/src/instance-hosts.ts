/**
 * REGISTRY_ALLOWED_HOSTS for a registry under test: any host, and loopback named
 * explicitly. The registry refuses loopback, link-local and unspecified instance hosts
 * by default; the tests' gateway-core instances listen on 127.0.0.x, so every test that
 * starts a registry asks for loopback in the open, with this.
 */
export const LOOPBACK_INSTANCES_ENV = { REGISTRY_ALLOWED_HOSTS: '*,127.0.0.0/8' } as const;
